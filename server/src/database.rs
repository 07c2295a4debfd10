//! Connecting and migrating: SQLite by default, PostgreSQL when `DATABASE_URL` says so.

use anyhow::{Context, Result};
use app::db::{Backend, Db};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

pub async fn connect(url: &str, max_connections: Option<u32>) -> Result<Db> {
    sqlx::any::install_default_drivers();
    let backend = Backend::from_url(url)
        .with_context(|| "DATABASE_URL must start with sqlite: or postgres:".to_string())?;
    let max = max_connections.unwrap_or(match backend {
        Backend::Sqlite => 8,
        Backend::Postgres => 16,
    });
    let pool = AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .with_context(|| format!("connecting to the {backend:?} database"))?;
    if backend == Backend::Sqlite {
        // WAL lets readers go on while a report is written; it persists in the file.
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&pool)
            .await?;
    }
    Ok(Db { pool, backend })
}

pub async fn migrate(db: &Db) -> Result<()> {
    let migrator = match db.backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator.run(&db.pool).await.context("running migrations")?;
    Ok(())
}

pub async fn ping(db: &Db) -> bool {
    sqlx::query("SELECT 1").execute(&db.pool).await.is_ok()
}
