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
    if db.backend == Backend::Sqlite {
        widen_sqlite_roles(db)
            .await
            .context("adding the supervisor role to users (SQLite)")?;
    }
    Ok(())
}

/// The 督导组 role (migration 20261207000001): PostgreSQL's migration replaces the CHECK on
/// `users.role`; SQLite cannot alter a CHECK, so the table is rebuilt here the way SQLite's
/// documentation prescribes (foreign keys off on this connection, one transaction, a foreign
/// key check before the commit). Done once: it looks for the new role in the schema first.
async fn widen_sqlite_roles(db: &Db) -> Result<()> {
    let mut conn = db.pool.acquire().await?;
    let (schema,): (String,) =
        sqlx::query_as("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")
            .fetch_one(&mut *conn)
            .await?;
    if schema.contains("'supervisor'") {
        return Ok(());
    }
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    let rebuilt: Result<()> = async {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        for statement in [
            "CREATE TABLE users_new (
                id             INTEGER PRIMARY KEY,
                username       TEXT    NOT NULL UNIQUE,
                display_name   TEXT    NOT NULL,
                password_hash  TEXT    NOT NULL,
                role           TEXT    NOT NULL CHECK (role IN ('admin', 'staff', 'supervisor')),
                office_id      INTEGER REFERENCES offices(id),
                active         INTEGER NOT NULL DEFAULT 1,
                created_at     BIGINT  NOT NULL,
                CHECK (role <> 'staff' OR office_id IS NOT NULL)
            )",
            "INSERT INTO users_new (id, username, display_name, password_hash, role, office_id, \
                 active, created_at) \
             SELECT id, username, display_name, password_hash, role, office_id, active, \
                 created_at FROM users",
            "DROP TABLE users",
            "ALTER TABLE users_new RENAME TO users",
        ] {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *tx)
            .await?;
        anyhow::ensure!(broken.is_empty(), "{} rows lost their parent", broken.len());
        tx.commit().await?;
        Ok(())
    }
    .await;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    rebuilt
}

pub async fn ping(db: &Db) -> bool {
    sqlx::query("SELECT 1").execute(&db.pool).await.is_ok()
}
