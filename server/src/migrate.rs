//! `server migrate-to <postgres-url>`: moves a deployment from SQLite and the local photo
//! folder to PostgreSQL and the configured photo store (a bucket with `PHOTO_STORE=s3`).
//!
//! 1. The source (the configured `DATABASE_URL`, which must be SQLite) is brought to this
//!    binary's schema as the server would at its start; the target gets its schema from the
//!    project's own PostgreSQL migrations (`database::migrate`).
//! 2. Every table the target's schema has (from PostgreSQL's catalog, so a later migration's
//!    table is copied without a change here) is copied in foreign-key order, paged through the
//!    source by primary key (keyset, never a whole table in memory), in multi-row
//!    `INSERT … ON CONFLICT (primary key) DO NOTHING` statements with the ids as they are.
//!    Each value is bound by the PostgreSQL column's type. A self-reference to a later row
//!    (`reports.duplicate_of`) is written after the table. `rate_counts` is not copied: its
//!    rows expire within minutes. Then every identity sequence is moved past its table's
//!    largest id.
//! 3. Every photo file under `DATA_DIR/photos` is put into the configured store (unless that
//!    store is the folder itself).
//! 4. Verification: the row count of every table in both databases, and every photo the
//!    target database names read back from the target store (its sha256 must be its name)
//!    with its thumbnail. Any difference is an error that lists it.
//!
//! Rerunnable: a statement is atomic and an existing row is skipped, so a run that stopped
//! half-way (or a second run) completes the copy without duplicating anything; a table whose
//! first rows are all there resumes after the largest id the target has.

use crate::config::Config;
use crate::database;
use anyhow::{Context, Result, bail, ensure};
use app::db::Backend;
use app::storage::{PhotoSha, PhotoStore, PhotoVariant};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Postgres, QueryBuilder, Row, TypeInfo, ValueRef};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// Tables whose rows are not copied: the shared rate-limit counters, which expire within
/// minutes (and SQLite never writes them).
pub const TRANSIENT: &[&str] = &["rate_counts"];
/// sqlx's bookkeeping: each database has its own, written by its own migrations.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";
/// PostgreSQL takes at most this many parameters in one statement.
const MAX_PARAMS: usize = 65_535;
/// How often a long table or the photos report progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);
/// Problems listed in full when the verification fails.
const LIST_AT_MOST: usize = 50;

/// How to run; `Options::default()` is what the command line uses.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rows per INSERT (fewer for a table with many columns, to stay under PostgreSQL's
    /// parameter limit).
    pub batch_rows: usize,
    /// Photos copied or checked at the same time.
    pub photo_workers: usize,
    /// Stops with an error once this many rows were sent, as an interruption would (tests).
    pub stop_after_rows: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            batch_rows: 2000,
            photo_workers: 8,
            stop_after_rows: None,
        }
    }
}

/// The rows of one table in both databases after the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: String,
    pub source: i64,
    /// `None` for a table that is not copied ([`TRANSIENT`]).
    pub target: Option<i64>,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Every table, in the order copied.
    pub tables: Vec<TableCount>,
    /// Rows inserted by this run (rows already in the target are not counted).
    pub rows_inserted: u64,
    /// Photo files put into the target store by this run.
    pub photos_copied: u64,
    /// Distinct photos the target database names, each read back and checked.
    pub photos_checked: u64,
}

/// `server migrate-to <url>`: copies, then verifies; prints progress to `out`.
pub async fn migrate_to(
    config: &Config,
    target_url: &str,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<Summary> {
    let started = Instant::now();
    check_urls(&config.database_url, target_url)?;
    writeln!(
        out,
        "migrating {} to {}",
        source_label(&config.database_url),
        target_label(target_url)
    )?;
    let (source, target) = connect_and_migrate(config, target_url).await?;
    let tables = schema(&source, &target).await?;

    let mut budget = Budget {
        sent: 0,
        limit: options.stop_after_rows,
    };
    let mut inserted = 0;
    writeln!(out, "tables ({} in foreign-key order):", tables.len())?;
    for table in &tables {
        if TRANSIENT.contains(&table.name.as_str()) {
            writeln!(out, "  {}: skipped (transient)", table.name)?;
            continue;
        }
        inserted += copy_table(&source, &target, table, options, &mut budget, out).await?;
    }
    reset_identities(&target, &tables).await?;
    sqlx::raw_sql("VACUUM ANALYZE")
        .execute(&target)
        .await
        .context("VACUUM ANALYZE of the target")?;
    writeln!(
        out,
        "rows: {inserted} inserted in {:.1} s; identity sequences moved past the largest ids",
        started.elapsed().as_secs_f64()
    )?;

    let photos_copied = copy_photos(config, options, out).await?;
    let mut summary = verify_with(&source, &target, &tables, config, options, out).await?;
    summary.rows_inserted = inserted;
    summary.photos_copied = photos_copied;
    writeln!(
        out,
        "done in {:.1} s: {} rows inserted, {} photo files copied, {} photos verified",
        started.elapsed().as_secs_f64(),
        summary.rows_inserted,
        summary.photos_copied,
        summary.photos_checked
    )?;
    source.close().await;
    target.close().await;
    Ok(summary)
}

/// The verification alone (the last step of [`migrate_to`]): counts and photos.
pub async fn verify(
    config: &Config,
    target_url: &str,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<Summary> {
    check_urls(&config.database_url, target_url)?;
    let (source, target) = connect_and_migrate(config, target_url).await?;
    let tables = schema(&source, &target).await?;
    let summary = verify_with(&source, &target, &tables, config, options, out).await;
    source.close().await;
    target.close().await;
    summary
}

// ---- connecting ----

/// Refuses anything but a SQLite source and a PostgreSQL target.
fn check_urls(source: &str, target: &str) -> Result<()> {
    ensure!(
        Backend::from_url(source) == Some(Backend::Sqlite),
        "migrate-to copies from SQLite, but DATABASE_URL is not a sqlite: URL ({})",
        scheme(source)
    );
    ensure!(
        target.starts_with("postgres://") || target.starts_with("postgresql://"),
        "migrate-to copies into PostgreSQL: the target must be a postgres:// URL, not {}",
        scheme(target)
    );
    Ok(())
}

/// A URL's scheme only (a URL may carry a password).
fn scheme(url: &str) -> String {
    match url.split_once(':') {
        Some((s, _)) if !s.is_empty() => format!("{s}:…"),
        _ => "a URL without a scheme".into(),
    }
}

fn source_label(url: &str) -> String {
    match SqliteConnectOptions::from_str(url) {
        Ok(o) => format!("SQLite {}", o.get_filename().display()),
        Err(_) => "SQLite".into(),
    }
}

/// Host, port and database of the target, without its credentials.
fn target_label(url: &str) -> String {
    match PgConnectOptions::from_str(url) {
        Ok(o) => format!(
            "PostgreSQL {}:{}/{}",
            o.get_host(),
            o.get_port(),
            o.get_database().unwrap_or("")
        ),
        Err(_) => "PostgreSQL".into(),
    }
}

/// Both schemas up to date, then plain pools of the two drivers.
async fn connect_and_migrate(config: &Config, target_url: &str) -> Result<(SqlitePool, PgPool)> {
    let options = SqliteConnectOptions::from_str(&config.database_url)
        .context("DATABASE_URL is not a SQLite URL")?
        .create_if_missing(false);
    let file = options.get_filename().to_path_buf();
    ensure!(
        file.is_file(),
        "the SQLite database {} does not exist (DATABASE_URL, DATA_DIR)",
        file.display()
    );
    // As the server does at each start: a source last served by an older binary gets the
    // columns the target has; one from a newer binary is refused by the migrator.
    let db = database::connect(&config.database_url, Some(1)).await?;
    database::migrate(&db)
        .await
        .context("bringing the SQLite database to this version's schema")?;
    db.pool.close().await;
    let source = SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .with_context(|| format!("opening {}", file.display()))?;

    let db = database::connect(target_url, Some(2)).await?;
    database::migrate(&db)
        .await
        .context("creating the schema in PostgreSQL")?;
    db.pool.close().await;
    let target = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(10))
        .connect(target_url)
        .await
        .context("connecting to the PostgreSQL target")?;
    Ok((source, target))
}

// ---- the schema ----

/// PostgreSQL column types the copy binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int8,
    Int4,
    Int2,
    Float8,
    Float4,
    Text,
    Bool,
    Bytes,
}

impl Kind {
    fn of(data_type: &str) -> Option<Self> {
        Some(match data_type {
            "bigint" => Self::Int8,
            "integer" => Self::Int4,
            "smallint" => Self::Int2,
            "double precision" => Self::Float8,
            "real" => Self::Float4,
            "text" | "character varying" | "character" => Self::Text,
            "boolean" => Self::Bool,
            "bytea" => Self::Bytes,
            _ => return None,
        })
    }

    fn is_integer(self) -> bool {
        matches!(self, Self::Int8 | Self::Int4 | Self::Int2)
    }
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<Column>,
    /// Positions in `columns` of the primary key, in its order.
    key: Vec<usize>,
    /// Positions of columns referring to this table's own (single-column) key.
    self_refs: Vec<usize>,
    /// The identity column, if any (its sequence is reset after the copy).
    identity: Option<usize>,
}

impl Table {
    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| quote(&c.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn key_list(&self) -> String {
        self.key
            .iter()
            .map(|&i| quote(&self.columns[i].name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The key is one integer column: the copy can resume after the target's largest.
    fn integer_key(&self) -> Option<&Column> {
        match self.key.as_slice() {
            [i] if self.columns[*i].kind.is_integer() => Some(&self.columns[*i]),
            _ => None,
        }
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The target's tables in an order where every table comes after those it refers to, each
/// checked against the source's table of the same name.
async fn schema(source: &SqlitePool, target: &PgPool) -> Result<Vec<Table>> {
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         ORDER BY table_name",
    )
    .fetch_all(target)
    .await?;
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), CAST(data_type AS TEXT), \
         CAST(is_identity AS TEXT) FROM information_schema.columns \
         WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
    )
    .fetch_all(target)
    .await?;
    let keys: Vec<(String, String)> = sqlx::query_as(
        "SELECT CAST(tc.table_name AS TEXT), CAST(k.column_name AS TEXT) \
         FROM information_schema.table_constraints tc \
         JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema \
           AND k.constraint_name = tc.constraint_name AND k.table_name = tc.table_name \
         WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema() \
         ORDER BY tc.table_name, k.ordinal_position",
    )
    .fetch_all(target)
    .await?;
    // (table, column, referenced table, referenced column) of every single-column foreign key;
    // a key over several columns adds only its ordering edge (the columns are NULL here).
    let references: Vec<(String, Option<String>, String, Option<String>)> = sqlx::query_as(
        "SELECT CAST(c.relname AS TEXT), CAST(a.attname AS TEXT), CAST(p.relname AS TEXT), \
         CAST(pa.attname AS TEXT) \
         FROM pg_constraint k \
         JOIN pg_class c ON c.oid = k.conrelid \
         JOIN pg_class p ON p.oid = k.confrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] \
           AND array_length(k.conkey, 1) = 1 \
         LEFT JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1] \
           AND array_length(k.confkey, 1) = 1 \
         WHERE k.contype = 'f' AND n.nspname = current_schema()",
    )
    .fetch_all(target)
    .await?;

    let source_tables: BTreeSet<String> = sqlx::query_as::<_, (String,)>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(source)
    .await?
    .into_iter()
    .map(|(n,)| n)
    .collect();

    let mut problems = Vec::new();
    let mut tables = BTreeMap::new();
    for (name,) in names {
        if name == MIGRATIONS_TABLE {
            continue;
        }
        let cols: Vec<Column> = columns
            .iter()
            .filter(|c| c.0 == name)
            .map(|(_, column, data_type, _)| {
                Kind::of(data_type)
                    .map(|kind| Column {
                        name: column.clone(),
                        kind,
                    })
                    .with_context(|| {
                        format!("{name}.{column}: the type {data_type} is not supported")
                    })
            })
            .collect::<Result<_>>()?;
        let position = |column: &str| cols.iter().position(|c| c.name == column);
        let key: Vec<usize> = keys
            .iter()
            .filter(|k| k.0 == name)
            .filter_map(|k| position(&k.1))
            .collect();
        ensure!(!key.is_empty(), "the table {name} has no primary key");
        let identity = columns
            .iter()
            .filter(|c| c.0 == name && c.3 == "YES")
            .find_map(|c| position(&c.1));
        let mut self_refs = Vec::new();
        for (table, column, parent, parent_column) in &references {
            if *table != name || *parent != name {
                continue;
            }
            let (Some(column), Some(parent_column)) = (column, parent_column) else {
                bail!("{name}: a foreign key over several columns to itself is not supported");
            };
            let points_at_key = key.len() == 1 && position(parent_column) == Some(key[0]);
            ensure!(
                points_at_key,
                "{name}.{column}: a reference to {name}.{parent_column} is not supported"
            );
            self_refs.extend(position(column));
        }
        ensure!(
            self_refs.is_empty() || matches!(key.as_slice(), [k] if cols[*k].kind.is_integer()),
            "{name}: a reference to its own rows needs a single integer key"
        );
        if !source_tables.contains(&name) {
            problems.push(format!("the SQLite database has no table {name}"));
        } else {
            let have: BTreeSet<String> =
                sqlx::query_as::<_, (String,)>("SELECT name FROM pragma_table_info(?)")
                    .bind(&name)
                    .fetch_all(source)
                    .await?
                    .into_iter()
                    .map(|(n,)| n)
                    .collect();
            let want: BTreeSet<String> = cols.iter().map(|c| c.name.clone()).collect();
            for c in want.difference(&have) {
                problems.push(format!("the SQLite table {name} has no column {c}"));
            }
            for c in have.difference(&want) {
                problems.push(format!("the PostgreSQL table {name} has no column {c}"));
            }
        }
        tables.insert(
            name.clone(),
            Table {
                name,
                columns: cols,
                key,
                self_refs,
                identity,
            },
        );
    }
    for name in &source_tables {
        if name != MIGRATIONS_TABLE && !tables.contains_key(name) {
            problems.push(format!(
                "the PostgreSQL schema has no table {name} (it would not be copied)"
            ));
        }
    }
    ensure!(
        problems.is_empty(),
        "the two schemas differ:\n  {}",
        problems.join("\n  ")
    );

    // Foreign-key order: repeatedly take the tables whose parents are all taken.
    let parents: BTreeMap<&str, BTreeSet<&str>> = tables
        .keys()
        .map(|t| {
            let of: BTreeSet<&str> = references
                .iter()
                .filter(|r| r.0 == *t && r.2 != *t && tables.contains_key(&r.2))
                .map(|r| r.2.as_str())
                .collect();
            (t.as_str(), of)
        })
        .collect();
    let mut order: Vec<String> = Vec::new();
    while order.len() < tables.len() {
        let ready: Vec<String> = parents
            .iter()
            .filter(|(t, ps)| {
                !order.iter().any(|o| o == *t) && ps.iter().all(|p| order.iter().any(|o| o == p))
            })
            .map(|(t, _)| t.to_string())
            .collect();
        ensure!(
            !ready.is_empty(),
            "the foreign keys between the tables form a cycle"
        );
        order.extend(ready);
    }
    Ok(order
        .into_iter()
        .filter_map(|name| tables.remove(&name))
        .collect())
}

// ---- rows ----

/// A value as SQLite stored it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

fn read_value(row: &SqliteRow, i: usize) -> Result<Value> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let storage = raw.type_info().name().to_string();
    Ok(match storage.as_str() {
        "INTEGER" => Value::Int(row.try_get_unchecked::<i64, _>(i)?),
        "REAL" => Value::Real(row.try_get_unchecked::<f64, _>(i)?),
        "TEXT" => Value::Text(row.try_get_unchecked::<String, _>(i)?),
        "BLOB" => Value::Blob(row.try_get_unchecked::<Vec<u8>, _>(i)?),
        other => bail!("a SQLite value of the storage class {other}"),
    })
}

/// A value ready to bind as its PostgreSQL column's type.
#[derive(Debug, Clone)]
enum Bound {
    Int8(Option<i64>),
    Int4(Option<i32>),
    Int2(Option<i16>),
    Float8(Option<f64>),
    Float4(Option<f32>),
    Text(Option<String>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

fn bind_as(kind: Kind, value: Value) -> Result<Bound> {
    fn whole(f: f64) -> Option<i64> {
        (f.fract() == 0.0 && f >= i64::MIN as f64 && f <= i64::MAX as f64).then_some(f as i64)
    }
    let int = |v: &Value| match v {
        Value::Int(i) => Some(*i),
        Value::Real(f) => whole(*f),
        _ => None,
    };
    let shown = format!("{value:?}");
    let bad = || anyhow::anyhow!("the value {shown:.80} does not fit a {kind:?} column");
    Ok(match (kind, value) {
        (Kind::Int8, Value::Null) => Bound::Int8(None),
        (Kind::Int4, Value::Null) => Bound::Int4(None),
        (Kind::Int2, Value::Null) => Bound::Int2(None),
        (Kind::Float8, Value::Null) => Bound::Float8(None),
        (Kind::Float4, Value::Null) => Bound::Float4(None),
        (Kind::Text, Value::Null) => Bound::Text(None),
        (Kind::Bool, Value::Null) => Bound::Bool(None),
        (Kind::Bytes, Value::Null) => Bound::Bytes(None),
        (Kind::Int8, v) => Bound::Int8(Some(int(&v).ok_or_else(bad)?)),
        (Kind::Int4, v) => Bound::Int4(Some(
            int(&v)
                .and_then(|i| i32::try_from(i).ok())
                .ok_or_else(bad)?,
        )),
        (Kind::Int2, v) => Bound::Int2(Some(
            int(&v)
                .and_then(|i| i16::try_from(i).ok())
                .ok_or_else(bad)?,
        )),
        (Kind::Float8, Value::Real(f)) => Bound::Float8(Some(f)),
        (Kind::Float8, Value::Int(i)) => Bound::Float8(Some(i as f64)),
        (Kind::Float4, Value::Real(f)) => Bound::Float4(Some(f as f32)),
        (Kind::Float4, Value::Int(i)) => Bound::Float4(Some(i as f32)),
        (Kind::Text, Value::Text(s)) => Bound::Text(Some(s)),
        (Kind::Text, Value::Blob(b)) => Bound::Text(Some(String::from_utf8(b).map_err(|_| bad())?)),
        (Kind::Bool, Value::Int(0)) => Bound::Bool(Some(false)),
        (Kind::Bool, Value::Int(1)) => Bound::Bool(Some(true)),
        (Kind::Bytes, Value::Blob(b)) => Bound::Bytes(Some(b)),
        (Kind::Bytes, Value::Text(s)) => Bound::Bytes(Some(s.into_bytes())),
        _ => return Err(bad()),
    })
}

fn push_bound(b: &mut sqlx::query_builder::Separated<'_, '_, Postgres, &'static str>, v: Bound) {
    match v {
        Bound::Int8(x) => b.push_bind(x),
        Bound::Int4(x) => b.push_bind(x),
        Bound::Int2(x) => b.push_bind(x),
        Bound::Float8(x) => b.push_bind(x),
        Bound::Float4(x) => b.push_bind(x),
        Bound::Text(x) => b.push_bind(x),
        Bound::Bool(x) => b.push_bind(x),
        Bound::Bytes(x) => b.push_bind(x),
    };
}

fn bind_source<'q>(
    q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    v: &Value,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    match v {
        Value::Null => q.bind(None::<i64>),
        Value::Int(i) => q.bind(*i),
        Value::Real(f) => q.bind(*f),
        Value::Text(s) => q.bind(s.clone()),
        Value::Blob(b) => q.bind(b.clone()),
    }
}

/// Rows sent so far, against the optional stop (an interruption, for tests).
struct Budget {
    sent: u64,
    limit: Option<u64>,
}

/// Copies one table; returns the rows inserted (those already there are skipped).
async fn copy_table(
    source: &SqlitePool,
    target: &PgPool,
    table: &Table,
    options: &Options,
    budget: &mut Budget,
    out: &mut (dyn Write + Send),
) -> Result<u64> {
    let started = Instant::now();
    let name = &table.name;
    let q = quote(name);
    let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {q}"))
        .fetch_one(source)
        .await?;
    let mut after: Option<Vec<Value>> = None;
    let mut resumed = String::new();
    // Rows come in key order and each statement is atomic: when the target has exactly the
    // source's rows up to its largest id, the rest is what is missing.
    if let Some(key) = table.integer_key() {
        let kq = quote(&key.name);
        let (max, n): (Option<i64>, i64) =
            sqlx::query_as(&format!("SELECT MAX({kq}), COUNT(*) FROM {q}"))
                .fetch_one(target)
                .await?;
        if let Some(max) = max {
            let (upto,): (i64,) =
                sqlx::query_as(&format!("SELECT COUNT(*) FROM {q} WHERE {kq} <= ?"))
                    .bind(max)
                    .fetch_one(source)
                    .await?;
            if upto == n {
                after = Some(vec![Value::Int(max)]);
                resumed = format!(", already there up to {} {max}", key.name);
            }
        }
    }

    let per_batch = options
        .batch_rows
        .clamp(1, (MAX_PARAMS / table.columns.len()).max(1));
    let select = |with_after: bool| {
        let keys = table.key_list();
        let filter = if with_after {
            let marks = vec!["?"; table.key.len()].join(", ");
            format!("WHERE ({keys}) > ({marks}) ")
        } else {
            String::new()
        };
        format!(
            "SELECT {} FROM {q} {filter}ORDER BY {keys} LIMIT ?",
            table.column_list()
        )
    };
    let (select_first, select_next) = (select(false), select(true));
    let overriding = if table.identity.is_some() {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    let insert = format!("INSERT INTO {q} ({}){overriding} ", table.column_list());
    let conflict = format!(" ON CONFLICT ({}) DO NOTHING", table.key_list());

    let (mut read, mut inserted, mut deferred) = (0u64, 0u64, 0u64);
    let mut last_progress = Instant::now();
    loop {
        let mut query = sqlx::query(match &after {
            None => &select_first,
            Some(_) => &select_next,
        });
        for v in after.iter().flatten() {
            query = bind_source(query, v);
        }
        let rows = query
            .bind(per_batch as i64)
            .fetch_all(source)
            .await
            .with_context(|| format!("reading {name}"))?;
        let Some(last) = rows.last() else { break };
        let last_key = table
            .key
            .iter()
            .map(|&i| read_value(last, i))
            .collect::<Result<Vec<_>>>()?;
        let mut batch = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut values = Vec::with_capacity(table.columns.len());
            for (i, column) in table.columns.iter().enumerate() {
                let mut v = read_value(row, i)?;
                // A reference to a row of a later batch is written after the table.
                if table.self_refs.contains(&i)
                    && let (Value::Int(to), Some(Value::Int(upto))) = (&v, last_key.first())
                    && to > upto
                {
                    v = Value::Null;
                    deferred += 1;
                }
                values.push(
                    bind_as(column.kind, v).with_context(|| format!("{name}.{}", column.name))?,
                );
            }
            batch.push(values);
        }
        let n = batch.len() as u64;
        let mut qb = QueryBuilder::<Postgres>::new(&insert);
        qb.push_values(batch, |mut b, values| {
            for v in values {
                push_bound(&mut b, v);
            }
        });
        qb.push(&conflict);
        let done = qb
            .build()
            .execute(target)
            .await
            .with_context(|| format!("writing {name}"))?;
        inserted += done.rows_affected();
        read += n;
        budget.sent += n;
        after = Some(last_key);
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            writeln!(
                out,
                "  {name}: {read} of {total} rows read, {inserted} inserted …"
            )?;
        }
        if let Some(limit) = budget.limit
            && budget.sent >= limit
        {
            bail!("stopped after {} rows, as asked", budget.sent);
        }
        if n < per_batch as u64 {
            break;
        }
    }
    let fixed = fix_self_references(source, target, table).await?;
    writeln!(
        out,
        "  {name}: {total} rows, {inserted} inserted{resumed}{} in {:.1} s",
        if deferred + fixed > 0 {
            format!(", {fixed} references to later rows set after")
        } else {
            String::new()
        },
        started.elapsed().as_secs_f64()
    )?;
    Ok(inserted)
}

/// Sets every self-reference to a later row (which the copy wrote as NULL), from the source;
/// always run, so a copy interrupted before this step is completed by the next run.
async fn fix_self_references(source: &SqlitePool, target: &PgPool, table: &Table) -> Result<u64> {
    let (Some(&key), false) = (table.key.first(), table.self_refs.is_empty()) else {
        return Ok(0);
    };
    let (q, k) = (quote(&table.name), &table.columns[key]);
    let kq = quote(&k.name);
    let mut fixed = 0;
    for &c in &table.self_refs {
        let col = &table.columns[c];
        let cq = quote(&col.name);
        let mut after = i64::MIN;
        loop {
            let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
                "SELECT {kq}, {cq} FROM {q} WHERE {cq} > {kq} AND {kq} > ? ORDER BY {kq} LIMIT 1000"
            ))
            .bind(after)
            .fetch_all(source)
            .await?;
            let Some(&(last, _)) = rows.last() else { break };
            let n = rows.len();
            let mut qb = QueryBuilder::<Postgres>::new(format!("UPDATE {q} SET {cq} = v.r FROM ("));
            let mut bad = None;
            qb.push_values(rows, |mut b, (id, r)| {
                for (v, kind) in [(id, k.kind), (r, col.kind)] {
                    match bind_as(kind, Value::Int(v)) {
                        Ok(v) => push_bound(&mut b, v),
                        Err(e) => bad = Some(e),
                    }
                }
            });
            if let Some(e) = bad {
                return Err(e.context(format!("{}.{}", table.name, col.name)));
            }
            qb.push(format!(
                ") AS v(k, r) WHERE {q}.{kq} = v.k AND {q}.{cq} IS DISTINCT FROM v.r"
            ));
            fixed += qb.build().execute(target).await?.rows_affected();
            after = last;
            if n < 1000 {
                break;
            }
        }
    }
    Ok(fixed)
}

/// Moves each identity sequence past its table's largest id, so new rows get new ids.
async fn reset_identities(target: &PgPool, tables: &[Table]) -> Result<()> {
    for table in tables {
        let Some(i) = table.identity else { continue };
        let column = &table.columns[i].name;
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), \
             (SELECT COALESCE(MAX({c}), 0) + 1 FROM {t}), false)",
            c = quote(column),
            t = quote(&table.name)
        ))
        .bind(quote(&table.name))
        .bind(column)
        .execute(target)
        .await
        .with_context(|| format!("resetting the identity of {}", table.name))?;
    }
    Ok(())
}

// ---- photos ----

/// Puts every photo file of `DATA_DIR/photos` into the configured store; returns how many.
async fn copy_photos(
    config: &Config,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<u64> {
    let root = config.data_dir.join("photos");
    let Some(s3) = &config.s3 else {
        writeln!(
            out,
            "photos: the configured store is the local folder {} itself; they stay where they are",
            root.display()
        )?;
        return Ok(0);
    };
    let store = config.photo_store()?;
    writeln!(
        out,
        "photos: copying {} into the bucket {} (prefix {})",
        root.display(),
        s3.bucket,
        s3.prefix
    )?;
    let started = Instant::now();
    let mut dirs = match tokio::fs::read_dir(&root).await {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            writeln!(out, "photos: no folder {}, nothing to copy", root.display())?;
            return Ok(0);
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", root.display())),
    };
    let (mut copied, mut ignored, mut temporary) = (0u64, 0u64, 0u64);
    let mut failed: Vec<String> = Vec::new();
    let mut tasks = tokio::task::JoinSet::new();
    let mut last_progress = Instant::now();
    let mut prefixes = Vec::new();
    while let Some(dir) = dirs.next_entry().await? {
        let name = dir.file_name().to_string_lossy().to_string();
        if dir.file_type().await?.is_dir() && name.len() == 2 {
            prefixes.push(name);
        } else {
            ignored += 1;
        }
    }
    prefixes.sort();
    for prefix in prefixes {
        let mut files = tokio::fs::read_dir(root.join(&prefix)).await?;
        while let Some(file) = files.next_entry().await? {
            let name = file.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                temporary += 1;
                continue;
            }
            let parsed = match name.strip_suffix(".thumb.jpg") {
                Some(stem) => Some((stem, PhotoVariant::Thumb)),
                None => name
                    .strip_suffix(".jpg")
                    .map(|stem| (stem, PhotoVariant::Full)),
            };
            let Some((sha, variant)) = parsed
                .and_then(|(stem, v)| PhotoSha::parse(stem).map(|s| (s, v)))
                .filter(|(s, _)| s.as_str().starts_with(&prefix))
            else {
                ignored += 1;
                continue;
            };
            while tasks.len() >= options.photo_workers.max(1) {
                collect(&mut tasks, &mut copied, &mut failed).await;
            }
            let (store, path) = (store.clone(), file.path());
            tasks.spawn(async move {
                let label = path.display().to_string();
                let bytes = tokio::fs::read(&path)
                    .await
                    .map_err(|e| format!("{label}: {e}"))?;
                if variant == PhotoVariant::Full && PhotoSha::of(&bytes) != sha {
                    return Err(format!(
                        "{label}: its content does not match its name (not copied)"
                    ));
                }
                store
                    .put(&sha, variant, &bytes)
                    .await
                    .map_err(|e| format!("{label}: {e}"))
            });
            if last_progress.elapsed() >= PROGRESS_EVERY {
                last_progress = Instant::now();
                writeln!(out, "  photos: {copied} files copied …")?;
            }
        }
    }
    while !tasks.is_empty() {
        collect(&mut tasks, &mut copied, &mut failed).await;
    }
    writeln!(
        out,
        "photos: {copied} files copied in {:.1} s ({temporary} temporary files skipped, \
         {ignored} other entries ignored)",
        started.elapsed().as_secs_f64()
    )?;
    if !failed.is_empty() {
        let n = failed.len();
        failed.truncate(LIST_AT_MOST);
        bail!(
            "{n} photo files could not be copied (run again to retry):\n  {}",
            failed.join("\n  ")
        );
    }
    Ok(copied)
}

async fn collect(
    tasks: &mut tokio::task::JoinSet<Result<(), String>>,
    copied: &mut u64,
    failed: &mut Vec<String>,
) {
    match tasks.join_next().await {
        Some(Ok(Ok(()))) => *copied += 1,
        Some(Ok(Err(e))) => failed.push(e),
        Some(Err(e)) => failed.push(format!("a copy task failed: {e}")),
        None => {}
    }
}

// ---- verification ----

async fn verify_with(
    source: &SqlitePool,
    target: &PgPool,
    tables: &[Table],
    config: &Config,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<Summary> {
    let started = Instant::now();
    let mut problems = Vec::new();
    let mut counts = Vec::new();
    writeln!(out, "verification:")?;
    writeln!(
        out,
        "  {:<28} {:>12} {:>12}",
        "table", "SQLite", "PostgreSQL"
    )?;
    for table in tables {
        let q = quote(&table.name);
        let count = format!("SELECT COUNT(*) FROM {q}");
        let (source_n,): (i64,) = sqlx::query_as(&count).fetch_one(source).await?;
        let target_n = if TRANSIENT.contains(&table.name.as_str()) {
            None
        } else {
            let (n,): (i64,) = sqlx::query_as(&count).fetch_one(target).await?;
            Some(n)
        };
        let (shown, mark) = match target_n {
            None => ("-".to_string(), "  (not copied: transient)"),
            Some(n) if n == source_n => (n.to_string(), ""),
            Some(n) => (n.to_string(), "  DIFFERS"),
        };
        writeln!(out, "  {:<28} {source_n:>12} {shown:>12}{mark}", table.name)?;
        if let Some(n) = target_n
            && n != source_n
        {
            problems.push(format!(
                "{}: {source_n} rows in SQLite, {n} in PostgreSQL",
                table.name
            ));
        }
        counts.push(TableCount {
            table: table.name.clone(),
            source: source_n,
            target: target_n,
        });
    }

    let store = config.photo_store()?;
    let mut checked = 0u64;
    let mut tasks = tokio::task::JoinSet::new();
    let mut last_progress = Instant::now();
    // Paged by sha through each table's photo column (the same photo may be named in both).
    for (table, column) in [
        ("report_photos", "sha256"),
        ("honour_events", "photo_sha256"),
        ("finding_photos", "sha256"),
    ] {
        if !tables.iter().any(|t| t.name == table) {
            continue;
        }
        let mut after = String::new();
        loop {
            let page: Vec<(String,)> = sqlx::query_as(&format!(
                "SELECT DISTINCT {column} FROM {table} WHERE {column} > $1 \
                 ORDER BY {column} LIMIT 1000"
            ))
            .bind(&after)
            .fetch_all(target)
            .await?;
            let Some((last,)) = page.last() else { break };
            after = last.clone();
            let n = page.len();
            for (name,) in page {
                while tasks.len() >= options.photo_workers.max(1) * 2 {
                    collect_check(&mut tasks, &mut checked, &mut problems).await;
                }
                let store = store.clone();
                tasks.spawn(check_photo(store, name));
                if last_progress.elapsed() >= PROGRESS_EVERY {
                    last_progress = Instant::now();
                    writeln!(out, "  photos: {checked} checked …")?;
                }
            }
            if n < 1000 {
                break;
            }
        }
    }
    while !tasks.is_empty() {
        collect_check(&mut tasks, &mut checked, &mut problems).await;
    }
    writeln!(
        out,
        "  photos named in the target database: {checked} read back from the target store \
         and checked in {:.1} s",
        started.elapsed().as_secs_f64()
    )?;
    if !problems.is_empty() {
        let n = problems.len();
        problems.truncate(LIST_AT_MOST);
        bail!(
            "verification failed, {n} differences{}:\n  {}",
            if n > LIST_AT_MOST {
                format!(" (the first {LIST_AT_MOST})")
            } else {
                String::new()
            },
            problems.join("\n  ")
        );
    }
    writeln!(out, "verification: every count equal, every photo present")?;
    Ok(Summary {
        tables: counts,
        photos_checked: checked,
        ..Summary::default()
    })
}

/// The problems of one photo: missing, not matching its name, without its thumbnail.
async fn check_photo(store: PhotoStore, name: String) -> Result<Vec<String>, String> {
    let Some(sha) = PhotoSha::parse(&name) else {
        return Ok(vec![format!("photo {name:.80}: not a sha256 name")]);
    };
    let mut problems = Vec::new();
    let full = store
        .read(&sha, PhotoVariant::Full)
        .await
        .map_err(|e| format!("photo {sha}: {e}"))?;
    match full {
        None => problems.push(format!("photo {sha}: missing from the target store")),
        Some(bytes) if PhotoSha::of(&bytes) != sha => problems.push(format!(
            "photo {sha}: the stored content does not match its name"
        )),
        Some(_) => {}
    }
    let thumb = store
        .read(&sha, PhotoVariant::Thumb)
        .await
        .map_err(|e| format!("photo {sha}: {e}"))?;
    if thumb.is_none() {
        problems.push(format!("photo {sha}: its thumbnail is missing"));
    }
    Ok(problems)
}

async fn collect_check(
    tasks: &mut tokio::task::JoinSet<Result<Vec<String>, String>>,
    checked: &mut u64,
    problems: &mut Vec<String>,
) {
    match tasks.join_next().await {
        Some(Ok(Ok(found))) => {
            *checked += 1;
            problems.extend(found);
        }
        Some(Ok(Err(e))) => problems.push(e),
        Some(Err(e)) => problems.push(format!("a check task failed: {e}")),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_to_postgres() {
        assert!(check_urls("sqlite://data/x.db?mode=rwc", "postgres://u@h/db").is_ok());
        assert!(check_urls("sqlite://data/x.db", "postgresql://u@h/db").is_ok());
        let e = check_urls("postgres://u:secret@h/a", "postgres://u@h/b").unwrap_err();
        assert!(e.to_string().contains("from SQLite"), "{e}");
        assert!(!e.to_string().contains("secret"), "{e}");
        let e = check_urls("sqlite://x.db", "mysql://u:secret@h/b").unwrap_err();
        assert!(e.to_string().contains("postgres://"), "{e}");
        assert!(!e.to_string().contains("secret"), "{e}");
        assert!(check_urls("sqlite://x.db", "sqlite://y.db").is_err());
    }

    #[test]
    fn values_are_bound_by_the_target_type() {
        assert!(matches!(
            bind_as(Kind::Int8, Value::Int(7)).unwrap(),
            Bound::Int8(Some(7))
        ));
        assert!(matches!(
            bind_as(Kind::Float8, Value::Int(3)).unwrap(),
            Bound::Float8(Some(f)) if f == 3.0
        ));
        assert!(matches!(
            bind_as(Kind::Int8, Value::Real(4.0)).unwrap(),
            Bound::Int8(Some(4))
        ));
        assert!(bind_as(Kind::Int8, Value::Real(4.5)).is_err());
        assert!(bind_as(Kind::Int4, Value::Int(i64::MAX)).is_err());
        assert!(matches!(
            bind_as(Kind::Bool, Value::Int(1)).unwrap(),
            Bound::Bool(Some(true))
        ));
        assert!(bind_as(Kind::Bool, Value::Int(2)).is_err());
        assert!(matches!(
            bind_as(Kind::Text, Value::Null).unwrap(),
            Bound::Text(None)
        ));
        assert!(bind_as(Kind::Text, Value::Int(1)).is_err());
        assert!(matches!(
            bind_as(Kind::Bytes, Value::Blob(vec![1, 2])).unwrap(),
            Bound::Bytes(Some(b)) if b == [1, 2]
        ));
    }

    #[test]
    fn labels_hide_credentials() {
        let l = target_label("postgres://jx:secret@db.example:5433/jiexiang");
        assert_eq!(l, "PostgreSQL db.example:5433/jiexiang");
        assert_eq!(scheme("mysql://u:p@h/d"), "mysql:…");
    }
}
