//! All SQL of the areas: offices, communities, streets, categories. Every other area reads
//! them through the functions here, and the admin's edits write them here.
//!
//! Unique names are checked before writing, for a clear message; the database's own unique
//! constraints still decide a race, and their violation maps to the same 409.

pub mod grids;

use super::strings as s;
use super::{Category, CategorySetting, Community, Office, ReferenceData, Street, StreetPlace};
use crate::db::{Db, DbResult, conflict_on_unique};
use crate::domain::{CategoryId, CommunityId, OfficeId, StreetId};
use crate::error::AppError;

pub async fn offices(db: &Db) -> DbResult<Vec<Office>> {
    Ok(
        sqlx::query_as("SELECT id, name FROM offices ORDER BY sort_order, id")
            .fetch_all(&db.pool)
            .await?,
    )
}

pub async fn communities(db: &Db) -> DbResult<Vec<Community>> {
    Ok(sqlx::query_as(
        "SELECT id, office_id, name FROM communities ORDER BY office_id, sort_order, id",
    )
    .fetch_all(&db.pool)
    .await?)
}

pub async fn streets(db: &Db) -> DbResult<Vec<Street>> {
    Ok(sqlx::query_as(
        "SELECT id, community_id, name FROM streets ORDER BY community_id, sort_order, id",
    )
    .fetch_all(&db.pool)
    .await?)
}

pub async fn active_categories(db: &Db) -> DbResult<Vec<Category>> {
    Ok(sqlx::query_as(
        "SELECT id, code, name, icon, deadline_hours FROM categories \
         WHERE active = 1 ORDER BY sort_order, id",
    )
    .fetch_all(&db.pool)
    .await?)
}

// ---- look-ups by id: every area asks here ----

/// How many offices, communities and streets there are (the home page's summary line).
pub async fn tree_size(db: &Db) -> DbResult<(i64, i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM offices), (SELECT COUNT(*) FROM communities), \
             (SELECT COUNT(*) FROM streets)",
    )
    .fetch_one(&db.pool)
    .await?)
}

pub async fn office_exists(db: &Db, office: OfficeId) -> DbResult<bool> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM offices WHERE id = $1")
        .bind(office)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

pub async fn office_name(db: &Db, office: OfficeId) -> DbResult<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT name FROM offices WHERE id = $1")
        .bind(office)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| r.0))
}

/// The office named `name_or_id`, or with that id.
pub async fn find_office(db: &Db, name_or_id: &str) -> DbResult<Option<OfficeId>> {
    let text = name_or_id.trim();
    let id: i64 = text.parse().unwrap_or(-1);
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM offices WHERE name = $1 OR id = $2")
        .bind(text)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| OfficeId(r.0)))
}

/// A category's 处置时限 and whether it is offered (a report keeps a category that has been
/// switched off since). None: no such category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryRule {
    pub deadline_hours: i64,
    pub active: bool,
}

pub async fn category_rule(
    db: &Db,
    category: crate::domain::CategoryId,
) -> DbResult<Option<CategoryRule>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT deadline_hours, active FROM categories WHERE id = $1")
            .bind(category)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(deadline_hours, active)| CategoryRule {
        deadline_hours,
        active: active == 1,
    }))
}

pub async fn reference_data(db: &Db) -> DbResult<ReferenceData> {
    Ok(ReferenceData {
        offices: offices(db).await?,
        communities: communities(db).await?,
        streets: streets(db).await?,
        categories: active_categories(db).await?,
    })
}

/// The community and office a street belongs to (where a report on it goes).
pub async fn street_owners(db: &Db, street: StreetId) -> DbResult<Option<(CommunityId, OfficeId)>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.office_id FROM streets s JOIN communities c ON c.id = s.community_id \
         WHERE s.id = $1",
    )
    .bind(street)
    .fetch_optional(&db.pool)
    .await?)
}

/// Every category, active or not, for the admin.
pub async fn all_categories(db: &Db) -> DbResult<Vec<CategorySetting>> {
    let rows = sqlx::query_as::<_, (i64, String, String, String, i64, i64, String)>(
        "SELECT id, code, name, icon, deadline_hours, active, group_name FROM categories \
         ORDER BY sort_order, id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, code, name, icon, deadline_hours, active, group_name)| CategorySetting {
                id: CategoryId(id),
                code,
                name,
                icon,
                deadline_hours,
                active: active == 1,
                group_name,
            },
        )
        .collect())
}

/// A street with its community and office (for its poster). `None` when there is no such
/// street.
pub async fn street_place(db: &Db, street: StreetId) -> DbResult<Option<StreetPlace>> {
    let row = sqlx::query_as::<_, (i64, String, String, i64, String)>(
        "SELECT s.id, s.name, c.name, o.id, o.name \
         FROM streets s JOIN communities c ON c.id = s.community_id \
         JOIN offices o ON o.id = c.office_id WHERE s.id = $1",
    )
    .bind(street.0)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(
        |(id, street_name, community_name, office_id, office_name)| StreetPlace {
            street_id: StreetId(id),
            street_name,
            community_name,
            office_id: OfficeId(office_id),
            office_name,
        },
    ))
}

// ---- the admin's edits ----

/// `Ok` when exactly one row was changed, else 404.
fn one_row(done: sqlx::any::AnyQueryResult) -> Result<(), AppError> {
    if done.rows_affected() == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

// ---- offices ----

pub async fn add_office(db: &Db, name: &str) -> Result<OfficeId, AppError> {
    let mut tx = db.begin_write().await?;
    let clash: Option<(i64,)> = sqlx::query_as("SELECT id FROM offices WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
    if clash.is_some() {
        return Err(AppError::Conflict(s::OFFICE_EXISTS.into()));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO offices (name, sort_order) \
         VALUES ($1, (SELECT COALESCE(MAX(sort_order), -1) + 1 FROM offices)) RETURNING id",
    )
    .bind(name)
    .fetch_one(&mut *tx)
    .await
    .map_err(conflict_on_unique(s::OFFICE_EXISTS))?;
    tx.commit().await?;
    Ok(OfficeId(id))
}

pub async fn rename_office(db: &Db, office: OfficeId, name: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let clash: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM offices WHERE name = $1 AND id <> $2")
            .bind(name)
            .bind(office.0)
            .fetch_optional(&mut *tx)
            .await?;
    if clash.is_some() {
        return Err(AppError::Conflict(s::OFFICE_EXISTS.into()));
    }
    let done = sqlx::query("UPDATE offices SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(office.0)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on_unique(s::OFFICE_EXISTS))?;
    one_row(done)?;
    tx.commit().await?;
    Ok(())
}

// ---- communities ----

pub async fn add_community(db: &Db, office: OfficeId, name: &str) -> Result<CommunityId, AppError> {
    let mut tx = db.begin_write().await?;
    let parent: Option<(i64,)> = sqlx::query_as("SELECT id FROM offices WHERE id = $1")
        .bind(office.0)
        .fetch_optional(&mut *tx)
        .await?;
    if parent.is_none() {
        return Err(AppError::bad_request(s::OFFICE_UNKNOWN));
    }
    let clash: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM communities WHERE office_id = $1 AND name = $2")
            .bind(office.0)
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
    if clash.is_some() {
        return Err(AppError::Conflict(s::COMMUNITY_EXISTS.into()));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO communities (office_id, name, sort_order) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(sort_order), -1) + 1 FROM communities \
         WHERE office_id = $1)) RETURNING id",
    )
    .bind(office.0)
    .bind(name)
    .fetch_one(&mut *tx)
    .await
    .map_err(conflict_on_unique(s::COMMUNITY_EXISTS))?;
    tx.commit().await?;
    Ok(CommunityId(id))
}

pub async fn rename_community(db: &Db, community: CommunityId, name: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let clash: Option<(i64,)> = sqlx::query_as(
        "SELECT other.id FROM communities other \
         JOIN communities me ON me.office_id = other.office_id \
         WHERE me.id = $1 AND other.name = $2 AND other.id <> $1",
    )
    .bind(community.0)
    .bind(name)
    .fetch_optional(&mut *tx)
    .await?;
    if clash.is_some() {
        return Err(AppError::Conflict(s::COMMUNITY_EXISTS.into()));
    }
    let done = sqlx::query("UPDATE communities SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(community.0)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on_unique(s::COMMUNITY_EXISTS))?;
    one_row(done)?;
    tx.commit().await?;
    Ok(())
}

// ---- streets ----

pub async fn add_street(db: &Db, community: CommunityId, name: &str) -> Result<StreetId, AppError> {
    let mut tx = db.begin_write().await?;
    let parent: Option<(i64,)> = sqlx::query_as("SELECT id FROM communities WHERE id = $1")
        .bind(community.0)
        .fetch_optional(&mut *tx)
        .await?;
    if parent.is_none() {
        return Err(AppError::bad_request(s::COMMUNITY_UNKNOWN));
    }
    let clash: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM streets WHERE community_id = $1 AND name = $2")
            .bind(community.0)
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
    if clash.is_some() {
        return Err(AppError::Conflict(s::STREET_EXISTS.into()));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO streets (community_id, name, sort_order) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(sort_order), -1) + 1 FROM streets \
         WHERE community_id = $1)) RETURNING id",
    )
    .bind(community.0)
    .bind(name)
    .fetch_one(&mut *tx)
    .await
    .map_err(conflict_on_unique(s::STREET_EXISTS))?;
    tx.commit().await?;
    Ok(StreetId(id))
}

pub async fn rename_street(db: &Db, street: StreetId, name: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let clash: Option<(i64,)> = sqlx::query_as(
        "SELECT other.id FROM streets other \
         JOIN streets me ON me.community_id = other.community_id \
         WHERE me.id = $1 AND other.name = $2 AND other.id <> $1",
    )
    .bind(street.0)
    .bind(name)
    .fetch_optional(&mut *tx)
    .await?;
    if clash.is_some() {
        return Err(AppError::Conflict(s::STREET_EXISTS.into()));
    }
    let done = sqlx::query("UPDATE streets SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(street.0)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on_unique(s::STREET_EXISTS))?;
    one_row(done)?;
    tx.commit().await?;
    Ok(())
}

// ---- categories ----

/// A new category, active, after the others.
pub async fn add_category(
    db: &Db,
    code: &str,
    name: &str,
    icon: &str,
    deadline_hours: i64,
    group: &str,
) -> Result<CategoryId, AppError> {
    let mut tx = db.begin_write().await?;
    let code_clash: Option<(i64,)> = sqlx::query_as("SELECT id FROM categories WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?;
    if code_clash.is_some() {
        return Err(AppError::Conflict(s::CATEGORY_CODE_EXISTS.into()));
    }
    let name_clash: Option<(i64,)> = sqlx::query_as("SELECT id FROM categories WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
    if name_clash.is_some() {
        return Err(AppError::Conflict(s::CATEGORY_NAME_EXISTS.into()));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO categories (code, name, icon, deadline_hours, sort_order, active, group_name) \
         VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(sort_order), -1) + 1 FROM categories), 1, \
             $5) \
         RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(icon)
    .bind(deadline_hours)
    .bind(group)
    .fetch_one(&mut *tx)
    .await
    .map_err(conflict_on_unique(s::CATEGORY_CODE_EXISTS))?;
    tx.commit().await?;
    Ok(CategoryId(id))
}

/// Name, icon and 处置时限 of a category. The new 时限 applies to reports dispatched from
/// now on; a dispatched report keeps the deadline it was given.
pub async fn edit_category(
    db: &Db,
    category: CategoryId,
    name: &str,
    icon: &str,
    deadline_hours: i64,
    group: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let clash: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM categories WHERE name = $1 AND id <> $2")
            .bind(name)
            .bind(category.0)
            .fetch_optional(&mut *tx)
            .await?;
    if clash.is_some() {
        return Err(AppError::Conflict(s::CATEGORY_NAME_EXISTS.into()));
    }
    let done = sqlx::query(
        "UPDATE categories SET name = $1, icon = $2, deadline_hours = $3, group_name = $4 \
         WHERE id = $5",
    )
    .bind(name)
    .bind(icon)
    .bind(deadline_hours)
    .bind(group)
    .bind(category.0)
    .execute(&mut *tx)
    .await?;
    one_row(done)?;
    tx.commit().await?;
    Ok(())
}

/// 停用 hides a category from the report form; its reports keep it.
pub async fn set_category_active(
    db: &Db,
    category: CategoryId,
    active: bool,
) -> Result<(), AppError> {
    let done = sqlx::query("UPDATE categories SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(category.0)
        .execute(&db.pool)
        .await?;
    one_row(done)
}
