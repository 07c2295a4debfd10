//! All SQL of the areas: offices, communities, streets, categories.

use super::{Category, Community, Office, ReferenceData, Street};
use crate::db::Db;

pub async fn offices(db: &Db) -> sqlx::Result<Vec<Office>> {
    sqlx::query_as("SELECT id, name FROM offices ORDER BY sort_order, id")
        .fetch_all(&db.pool)
        .await
}

pub async fn communities(db: &Db) -> sqlx::Result<Vec<Community>> {
    sqlx::query_as("SELECT id, office_id, name FROM communities ORDER BY office_id, sort_order, id")
        .fetch_all(&db.pool)
        .await
}

pub async fn streets(db: &Db) -> sqlx::Result<Vec<Street>> {
    sqlx::query_as(
        "SELECT id, community_id, name FROM streets ORDER BY community_id, sort_order, id",
    )
    .fetch_all(&db.pool)
    .await
}

pub async fn active_categories(db: &Db) -> sqlx::Result<Vec<Category>> {
    sqlx::query_as(
        "SELECT id, code, name, icon, deadline_hours FROM categories \
         WHERE active = 1 ORDER BY sort_order, id",
    )
    .fetch_all(&db.pool)
    .await
}

// ---- look-ups by id: every area asks here ----

pub async fn office_exists(db: &Db, office: crate::domain::OfficeId) -> sqlx::Result<bool> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM offices WHERE id = $1")
        .bind(office)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

pub async fn office_name(db: &Db, office: crate::domain::OfficeId) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT name FROM offices WHERE id = $1")
        .bind(office)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| r.0))
}

/// The office named `name_or_id`, or with that id.
pub async fn find_office(
    db: &Db,
    name_or_id: &str,
) -> sqlx::Result<Option<crate::domain::OfficeId>> {
    let text = name_or_id.trim();
    let id: i64 = text.parse().unwrap_or(-1);
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM offices WHERE name = $1 OR id = $2")
        .bind(text)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| crate::domain::OfficeId(r.0)))
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
) -> sqlx::Result<Option<CategoryRule>> {
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

pub async fn reference_data(db: &Db) -> sqlx::Result<ReferenceData> {
    Ok(ReferenceData {
        offices: offices(db).await?,
        communities: communities(db).await?,
        streets: streets(db).await?,
        categories: active_categories(db).await?,
    })
}
