//! All SQL of `grids` and `grid_version` (单元网格 and their shapes).

use crate::db::{Db, DbResult};
use crate::domain::{CommunityId, GridId, Millis, OfficeId, UserId};

/// A grid as stored, with the names of its office and community.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GridRow {
    pub id: GridId,
    pub code: String,
    pub name: String,
    pub office_id: OfficeId,
    pub office_name: String,
    pub community_id: Option<CommunityId>,
    pub community_name: Option<String>,
    /// The coordinates of a GeoJSON MultiPolygon (`geo::MultiCoords` as JSON).
    pub geometry: String,
    pub retired_at: Option<i64>,
}

/// A grid to write: everything but its id.
#[derive(Debug, Clone, PartialEq)]
pub struct GridValues {
    pub code: String,
    pub name: String,
    pub office: OfficeId,
    pub community: Option<CommunityId>,
    pub geometry: String,
    /// `[min_lon, min_lat, max_lon, max_lat]`
    pub bbox: [f64; 4],
    pub vertices: i64,
}

/// One change of an import.
#[derive(Debug, Clone)]
pub enum GridWrite {
    Insert(GridValues),
    /// New values for an existing grid (a retired one comes back).
    Update(GridId, GridValues),
    Retire(GridId),
}

/// Moves on with every change of the grids (each instance's index reads them again).
pub async fn version(db: &Db) -> DbResult<i64> {
    let (v,): (i64,) = sqlx::query_as("SELECT version FROM grid_version WHERE id = 1")
        .fetch_one(&db.pool)
        .await?;
    Ok(v)
}

/// The grids, by code: an office's or all, with the retired ones or not.
pub async fn grids(db: &Db, office: Option<OfficeId>, retired: bool) -> DbResult<Vec<GridRow>> {
    let mut filters = Vec::new();
    if office.is_some() {
        filters.push("g.office_id = $1");
    }
    if !retired {
        filters.push("g.retired_at IS NULL");
    }
    let sql = format!(
        "SELECT g.id, g.code, g.name, g.office_id, o.name AS office_name, g.community_id, \
             c.name AS community_name, g.geometry, g.retired_at \
         FROM grids g JOIN offices o ON o.id = g.office_id \
         LEFT JOIN communities c ON c.id = g.community_id {} ORDER BY g.code",
        if filters.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", filters.join(" AND "))
        }
    );
    let mut q = sqlx::query_as(&sql);
    if let Some(o) = office {
        q = q.bind(o.0);
    }
    Ok(q.fetch_all(&db.pool).await?)
}

/// The active grids of an office (None: all) for a filter, by code: no shapes.
pub async fn options(db: &Db, office: Option<OfficeId>) -> DbResult<Vec<crate::areas::GridOption>> {
    let sql = format!(
        "SELECT id, code, name, office_id FROM grids WHERE retired_at IS NULL {} ORDER BY code",
        if office.is_some() {
            "AND office_id = $1"
        } else {
            ""
        }
    );
    let mut q = sqlx::query_as(&sql);
    if let Some(o) = office {
        q = q.bind(o.0);
    }
    Ok(q.fetch_all(&db.pool).await?)
}

/// A grid's code, name and office (retired ones too: reports keep theirs).
pub async fn label(db: &Db, id: GridId) -> DbResult<Option<crate::areas::GridLabel>> {
    Ok(sqlx::query_as(
        "SELECT g.code, g.name, g.office_id, o.name AS office_name \
         FROM grids g JOIN offices o ON o.id = g.office_id WHERE g.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Writes changes of the grids and moves the version on, in one transaction.
pub async fn apply(db: &Db, writes: &[GridWrite], now: Millis) -> DbResult<()> {
    let mut tx = db.begin_write().await?;
    write(&mut tx, writes, now).await?;
    tx.commit().await?;
    Ok(())
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

async fn write(tx: &mut Tx, writes: &[GridWrite], now: Millis) -> DbResult<()> {
    for w in writes {
        match w {
            GridWrite::Insert(v) => {
                let q = sqlx::query(
                    "INSERT INTO grids (code, name, office_id, community_id, geometry, min_lon, \
                         min_lat, max_lon, max_lat, vertices, updated_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
                );
                bind_values(q, v, now).execute(&mut **tx).await?;
            }
            GridWrite::Update(id, v) => {
                let q = sqlx::query(
                    "UPDATE grids SET code = $1, name = $2, office_id = $3, community_id = $4, \
                         geometry = $5, min_lon = $6, min_lat = $7, max_lon = $8, max_lat = $9, \
                         vertices = $10, updated_at = $11, retired_at = NULL \
                     WHERE id = $12",
                );
                bind_values(q, v, now).bind(*id).execute(&mut **tx).await?;
            }
            GridWrite::Retire(id) => {
                sqlx::query(
                    "UPDATE grids SET retired_at = $1, updated_at = $1 \
                     WHERE id = $2 AND retired_at IS NULL",
                )
                .bind(now.0)
                .bind(*id)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    sqlx::query("UPDATE grid_version SET version = version + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Binds a grid's values as `$1`…`$11` (code … vertices, then the time of the change).
fn bind_values<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    v: &'q GridValues,
    now: Millis,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(&v.code)
        .bind(&v.name)
        .bind(v.office)
        .bind(v.community)
        .bind(&v.geometry)
        .bind(v.bbox[0])
        .bind(v.bbox[1])
        .bind(v.bbox[2])
        .bind(v.bbox[3])
        .bind(v.vertices)
        .bind(now.0)
}

// ---- uploads kept for the preview ----

/// How long an upload is kept for its preview.
const IMPORT_KEPT_MS: i64 = 24 * 60 * 60 * 1000;

/// An upload as kept.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeptImport {
    pub id: i64,
    pub user_id: UserId,
    pub file_name: String,
    /// The features as read (`areas::grids::KeptFeature`s as JSON).
    pub features: String,
    pub feature_count: i64,
    pub vertex_count: i64,
    pub created_at: i64,
    pub imported_at: Option<i64>,
}

/// Keeps an upload for its preview (and drops those older than a day).
pub async fn save_import(
    db: &Db,
    user: UserId,
    file_name: &str,
    features: &str,
    counts: (i64, i64),
    now: Millis,
) -> DbResult<i64> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM grid_imports WHERE created_at < $1")
        .bind(now.0 - IMPORT_KEPT_MS)
        .execute(&mut *tx)
        .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO grid_imports (user_id, file_name, features, feature_count, vertex_count, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user)
    .bind(file_name)
    .bind(features)
    .bind(counts.0)
    .bind(counts.1)
    .bind(now.0)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn load_import(db: &Db, id: i64) -> DbResult<Option<KeptImport>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, file_name, features, feature_count, vertex_count, created_at, \
             imported_at FROM grid_imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Applies an upload's changes once: false when it was imported already.
pub async fn confirm_import(db: &Db, id: i64, writes: &[GridWrite], now: Millis) -> DbResult<bool> {
    let mut tx = db.begin_write().await?;
    let marked = sqlx::query(
        "UPDATE grid_imports SET imported_at = $1 WHERE id = $2 AND imported_at IS NULL",
    )
    .bind(now.0)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if marked == 0 {
        return Ok(false);
    }
    write(&mut tx, writes, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Active and retired grids per office (the admin's summary).
pub async fn counts_per_office(db: &Db) -> DbResult<Vec<(String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT o.name, \
             CAST(SUM(CASE WHEN g.retired_at IS NULL THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN g.retired_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) \
         FROM grids g JOIN offices o ON o.id = g.office_id \
         GROUP BY o.id, o.name, o.sort_order ORDER BY o.sort_order, o.id",
    )
    .fetch_all(&db.pool)
    .await?)
}
