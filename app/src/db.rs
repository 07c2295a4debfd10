//! Database handle shared by every area's `db.rs`. One code path serves SQLite (the
//! zero-set-up default) and PostgreSQL (the scale-out path) through sqlx's `Any` driver;
//! SQL uses `$n` placeholders, which both accept.

use sqlx::AnyPool;

use crate::error::AppError;

/// What every area's db functions return: one error type. A database failure is logged and
/// becomes [`AppError::Internal`]; a function whose caller must tell a taken unique key apart
/// says so in its `Ok` value (see [`is_unique_violation`]), never through the error.
pub type DbResult<T> = Result<T, AppError>;

/// Whether a database error is a unique-constraint violation (both databases).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// For `map_err`: a unique violation becomes a 409 with `message` (a name already taken);
/// anything else stays a database error.
pub fn conflict_on_unique(message: &'static str) -> impl Fn(sqlx::Error) -> AppError {
    move |e| {
        if is_unique_violation(&e) {
            AppError::Conflict(message.into())
        } else {
            AppError::from(e)
        }
    }
}

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
    /// A transaction that will write. On SQLite it is `BEGIN IMMEDIATE`, which takes the
    /// write lock first: a deferred transaction that reads and then writes while another
    /// connection holds the write lock fails at once with "database is locked" (SQLite's
    /// deadlock avoidance; the busy timeout cannot wait it out), where this one waits its
    /// turn. PostgreSQL needs nothing of the kind.
    pub async fn begin_write(&self) -> DbResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// An aggregate that joins `expr` of a group's rows with `sep` (a literal without quotes)
    /// in the order of `order`: SQLite's `group_concat`, PostgreSQL's `string_agg`.
    pub fn list_agg(&self, expr: &str, sep: &str, order: &str) -> String {
        let f = match self.backend {
            Backend::Sqlite => "group_concat",
            Backend::Postgres => "string_agg",
        };
        format!("{f}({expr}, '{sep}' ORDER BY {order})")
    }
}

/// Which of `shas` appear in `column` of `table`: each photo owner's one question (its own
/// table and column; the orphan sweep asks in batches, the photo route one at a time).
pub async fn photos_named(
    db: &Db,
    table: &'static str,
    column: &'static str,
    shas: &[crate::storage::PhotoSha],
) -> DbResult<std::collections::HashSet<String>> {
    if shas.is_empty() {
        return Ok(Default::default());
    }
    let mut p = Params::default();
    let list = shas
        .iter()
        .map(|sha| p.push(Val::T(sha.as_str().to_string())))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("SELECT DISTINCT {column} FROM {table} WHERE {column} IN ({list})");
    let rows: Vec<(String,)> = p.bind_as(sqlx::query_as(&sql)).fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// A value bound into dynamically built SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    I(i64),
    T(String),
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;
type AnyQueryAs<'q, O> = sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>;

/// Numbered placeholders (`$1`, `$2` …, which both databases take) for dynamically built
/// SQL, bound in order.
#[derive(Debug, Default)]
pub struct Params {
    vals: Vec<Val>,
}

impl Params {
    /// Adds a value; returns its placeholder.
    pub fn push(&mut self, v: Val) -> String {
        self.vals.push(v);
        format!("${}", self.vals.len())
    }

    pub fn bind<'q>(&'q self, mut q: AnyQuery<'q>) -> AnyQuery<'q> {
        for v in &self.vals {
            q = match v {
                Val::I(i) => q.bind(*i),
                Val::T(t) => q.bind(t.as_str()),
            };
        }
        q
    }

    /// [`Params::bind`] for a query that maps its rows to `O`.
    pub fn bind_as<'q, O>(&'q self, mut q: AnyQueryAs<'q, O>) -> AnyQueryAs<'q, O> {
        for v in &self.vals {
            q = match v {
                Val::I(i) => q.bind(*i),
                Val::T(t) => q.bind(t.as_str()),
            };
        }
        q
    }
}

/// The one optimistic-concurrency writer of a workflow row (`reports`, `honours`), in the
/// caller's write transaction: sets `status`, `updated_at` and the `set` columns (None =
/// NULL) and bumps `version`, only if the row still has `expected_version`. False when
/// someone changed it first (nothing written; the caller rolls back and answers 409).
#[allow(clippy::too_many_arguments)]
pub async fn versioned_update(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &'static str,
    id: i64,
    expected_version: i64,
    status: &str,
    at: i64,
    set: &[(&'static str, Option<Val>)],
) -> DbResult<bool> {
    let mut p = Params::default();
    let mut sets = vec![
        format!("status = {}", p.push(Val::T(status.to_string()))),
        "version = version + 1".to_string(),
        format!("updated_at = {}", p.push(Val::I(at))),
    ];
    for (col, val) in set {
        match val {
            Some(v) => sets.push(format!("{col} = {}", p.push(v.clone()))),
            None => sets.push(format!("{col} = NULL")),
        }
    }
    let id = p.push(Val::I(id));
    let ver = p.push(Val::I(expected_version));
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = {id} AND version = {ver}",
        sets.join(", ")
    );
    let done = p.bind(sqlx::query(&sql)).execute(&mut **tx).await?;
    Ok(done.rows_affected() == 1)
}

/// [`versioned_update`] in a new write transaction: None when someone changed the row first
/// (rolled back); otherwise the open transaction, in which the caller writes its event and
/// commits.
pub async fn begin_versioned_update(
    db: &Db,
    table: &'static str,
    id: i64,
    expected_version: i64,
    status: &str,
    at: i64,
    set: &[(&'static str, Option<Val>)],
) -> DbResult<Option<sqlx::Transaction<'static, sqlx::Any>>> {
    let mut tx = db.begin_write().await?;
    if !versioned_update(&mut tx, table, id, expected_version, status, at, set).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    Ok(Some(tx))
}
