//! All SQL of the admin area. One dialect for SQLite and PostgreSQL (sqlx `Any`): `$n`
//! placeholders, flags as 0/1 integers, integers decoded as `i64`.
//!
//! Unique names are checked before writing, for a clear message; the database's own unique
//! constraints still decide a race, and their violation maps to the same 409.

use super::strings as s;
use super::{AdminCategory, AdminCommunity, AdminOffice, AdminOverview, AdminStreet, StreetPoster};
use crate::db::Db;
use crate::domain::{CategoryId, CommunityId, OfficeId, StreetId};
use crate::error::AppError;

/// A unique violation becomes a 409 with `message`; anything else stays a database error.
fn conflict_on_unique(message: &'static str) -> impl Fn(sqlx::Error) -> AppError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => AppError::Conflict(message.into()),
        _ => AppError::from(e),
    }
}

/// `Ok` when exactly one row was changed, else 404.
fn one_row(done: sqlx::any::AnyQueryResult) -> Result<(), AppError> {
    if done.rows_affected() == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

// ---- reads ----

pub async fn overview(db: &Db) -> Result<AdminOverview, AppError> {
    let offices =
        sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM offices ORDER BY sort_order, id")
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .map(|(id, name)| AdminOffice {
                id: OfficeId(id),
                name,
            })
            .collect();
    let communities = sqlx::query_as::<_, (i64, i64, String)>(
        "SELECT id, office_id, name FROM communities ORDER BY office_id, sort_order, id",
    )
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|(id, office_id, name)| AdminCommunity {
        id: CommunityId(id),
        office_id: OfficeId(office_id),
        name,
    })
    .collect();
    let streets = sqlx::query_as::<_, (i64, i64, String)>(
        "SELECT id, community_id, name FROM streets ORDER BY community_id, sort_order, id",
    )
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|(id, community_id, name)| AdminStreet {
        id: StreetId(id),
        community_id: CommunityId(community_id),
        name,
    })
    .collect();
    let categories = sqlx::query_as::<_, (i64, String, String, String, i64, i64)>(
        "SELECT id, code, name, icon, deadline_hours, active FROM categories \
         ORDER BY sort_order, id",
    )
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(
        |(id, code, name, icon, deadline_hours, active)| AdminCategory {
            id: CategoryId(id),
            code,
            name,
            icon,
            deadline_hours,
            active: active == 1,
        },
    )
    .collect();
    let users = crate::session::auth::list_users(db).await?;
    Ok(AdminOverview {
        offices,
        communities,
        streets,
        categories,
        users,
    })
}

/// A street with its community and office, for its poster (the QR code is added by the
/// caller). `None` when there is no such street.
pub async fn street_poster(db: &Db, street: StreetId) -> Result<Option<StreetPoster>, AppError> {
    let row = sqlx::query_as::<_, (i64, String, String, i64, String)>(
        "SELECT s.id, s.name, c.name, o.id, o.name \
         FROM streets s JOIN communities c ON c.id = s.community_id \
         JOIN offices o ON o.id = c.office_id WHERE s.id = $1",
    )
    .bind(street.0)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(
        |(id, street_name, community_name, office_id, office_name)| StreetPoster {
            street_id: StreetId(id),
            street_name,
            community_name,
            office_id: OfficeId(office_id),
            office_name,
            report_url: String::new(),
            qr_svg: String::new(),
        },
    ))
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
        "INSERT INTO categories (code, name, icon, deadline_hours, sort_order, active) \
         VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(sort_order), -1) + 1 FROM categories), 1) \
         RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(icon)
    .bind(deadline_hours)
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
        "UPDATE categories SET name = $1, icon = $2, deadline_hours = $3 WHERE id = $4",
    )
    .bind(name)
    .bind(icon)
    .bind(deadline_hours)
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
