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

pub async fn reference_data(db: &Db) -> sqlx::Result<ReferenceData> {
    Ok(ReferenceData {
        offices: offices(db).await?,
        communities: communities(db).await?,
        streets: streets(db).await?,
        categories: active_categories(db).await?,
    })
}
