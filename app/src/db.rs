//! Database handle shared by every area's `db.rs`. One code path serves SQLite (the
//! zero-set-up default) and PostgreSQL (the scale-out path) through sqlx's `Any` driver;
//! SQL uses `$n` placeholders, which both accept.

use sqlx::AnyPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

impl Db {
    /// A transaction that will write. On SQLite it takes the write lock first, like
    /// `BEGIN IMMEDIATE`: a deferred transaction that reads and then writes while another
    /// connection holds the write lock fails at once with "database is locked" (SQLite's
    /// deadlock avoidance; the busy timeout cannot wait it out). Taking the lock first makes
    /// it wait its turn instead. PostgreSQL needs nothing of the kind.
    pub async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Sqlite {
            // A no-op UPDATE still starts a write transaction (checked against SQLite).
            sqlx::query("UPDATE offices SET id = id WHERE 1 = 0")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }
}
