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
    let mut options = AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10));
    if backend == Backend::Sqlite {
        options = options.after_release(|conn, _| Box::pin(sqlite_connection_is_clean(conn)));
    }
    let pool = options
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

/// Whether a SQLite connection going back to the pool is outside any transaction, in SQLite's
/// eyes and in sqlx's; if not, the pool closes it.
///
/// SQLite rolls a transaction back by itself when a statement or the COMMIT fails for a full
/// disk, an I/O error or lack of memory. sqlx does not notice: it still counts the
/// transaction, its ROLLBACK on drop fails, and the connection goes back to the pool counted
/// as inside one. The next transaction on it is then begun as a SAVEPOINT, and a failure in
/// that one rolls back to the savepoint without ending the transaction it opened: from then
/// on every "commit" on the connection released a savepoint inside a transaction that was
/// never committed. Found by the full-disk drill (server/tests/it/chaos.rs): 60 receipts
/// answered, 3 reports in the database, and "database is locked" for everyone else.
async fn sqlite_connection_is_clean(conn: &mut sqlx::AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::{Connection, Executor};
    // A plain BEGIN (not through sqlx's transactions, so not counted by it) fails inside a
    // transaction; it also runs after the rollback a dropped transaction left queued.
    if conn.execute("BEGIN").await.is_err() {
        tracing::warn!("a SQLite connection was left inside a transaction: closed");
        return Ok(false);
    }
    conn.execute("ROLLBACK").await?;
    if conn.is_in_transaction() {
        tracing::warn!("a SQLite connection's transaction count was off: closed");
        return Ok(false);
    }
    Ok(true)
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
