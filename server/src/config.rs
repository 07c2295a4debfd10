//! Configuration from the environment, with defaults that need no set-up.

use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` (default: a file under the data dir) or `postgres://…`.
    pub database_url: String,
    /// Pool size; default 8 for SQLite, 16 for PostgreSQL.
    pub database_max_connections: Option<u32>,
    pub bind_addr: SocketAddr,
    /// Photos and the default SQLite file live here.
    pub data_dir: PathBuf,
    /// Insert the demo offices, communities, streets and categories into an empty database.
    pub seed_demo: bool,
    /// Largest single photo in a submission, in bytes.
    pub photo_max_bytes: usize,
    /// Bytes of request bodies all requests may hold at once (`BODY_MEMORY_BUDGET`), and how
    /// long a request waits for room in it before it is answered 503 (`BODY_BUDGET_WAIT`).
    pub body_memory_budget: u64,
    pub body_budget_wait: std::time::Duration,
    /// Report submissions allowed per client IP in a sliding window.
    pub report_rate_limit: RateLimit,
    /// Units of public look-ups per client (app::ratelimit: a miss costs 5, a hit 1).
    pub lookup_rate_limit: RateLimit,
    pub open311_rate_limit: RateLimit,
    /// Take the client IP from `X-Forwarded-For` (set only behind a proxy you run).
    pub trust_proxy: bool,
    /// Also put demo 示范户 into an empty honours table (default: as `seed_demo`).
    pub seed_demo_honours: bool,
    /// Also put the demo 单元网格 into an empty grids table (default: as `seed_demo`).
    pub seed_demo_grids: bool,
    /// `Secure` session cookies (`COOKIE_SECURE=true` when served over https).
    pub cookie_secure: bool,
    /// How long the public pages' figures are kept (`PUBLIC_CACHE_SECS`, default 30).
    pub public_cache: std::time::Duration,
    /// Header read, body pace and shutdown deadlines.
    pub timeouts: crate::serve::Timeouts,
    /// Photos in an S3-compatible bucket (`PHOTO_STORE=s3`) instead of `DATA_DIR/photos`.
    pub s3: Option<app::storage::S3Settings>,
}

pub use app::ratelimit::RateLimit;

/// Default of `BODY_MEMORY_BUDGET`: bytes of request bodies all requests may hold at once.
pub const DEFAULT_MEMORY_BUDGET: u64 = 64 * 1024 * 1024;
/// Default of `BODY_BUDGET_WAIT`: how long a request waits for room in that budget before it
/// is answered 503.
pub const DEFAULT_BUDGET_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A whole number of seconds above zero, or `default` when unset.
fn secs(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: std::time::Duration,
) -> Result<std::time::Duration> {
    match get(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .map(std::time::Duration::from_secs)
            .with_context(|| format!("{name} is not a number of seconds: {v}")),
    }
}

fn flag(name: &str, value: Option<String>, default: bool) -> Result<bool> {
    match value.as_deref().map(str::trim) {
        None => Ok(default),
        Some("1") | Some("true") | Some("yes") => Ok(true),
        Some("0") | Some("false") | Some("no") => Ok(false),
        Some(other) => anyhow::bail!("{name} must be true or false, not {other}"),
    }
}

impl Config {
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads settings through `get`, so tests can supply their own environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = match get("DATABASE_URL") {
            Some(url) if !url.trim().is_empty() => url,
            _ => format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("jiexiang.db").display()
            ),
        };
        let database_max_connections = match get("DATABASE_MAX_CONNECTIONS") {
            None => None,
            Some(v) => {
                let n: u32 = v
                    .trim()
                    .parse()
                    .with_context(|| format!("DATABASE_MAX_CONNECTIONS is not a number: {v}"))?;
                anyhow::ensure!(n > 0, "DATABASE_MAX_CONNECTIONS must be above 0");
                Some(n)
            }
        };
        let bind = get("BIND_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let bind_addr = bind
            .parse()
            .with_context(|| format!("BIND_ADDR is not an address: {bind}"))?;
        // Off unless asked for: the demo accounts' password is published in the README.
        let seed_demo = flag("SEED_DEMO", get("SEED_DEMO"), false)?;
        let photo_max_bytes = match get("PHOTO_MAX_BYTES") {
            None => app::state::DEFAULT_PHOTO_MAX_BYTES,
            Some(v) => {
                let n: usize = v
                    .trim()
                    .parse()
                    .with_context(|| format!("PHOTO_MAX_BYTES is not a number of bytes: {v}"))?;
                anyhow::ensure!(n >= 1024, "PHOTO_MAX_BYTES is too small: {n}");
                n
            }
        };
        let body_memory_budget = match get("BODY_MEMORY_BUDGET") {
            None => DEFAULT_MEMORY_BUDGET,
            Some(v) => {
                let n: u64 = v
                    .trim()
                    .parse()
                    .with_context(|| format!("BODY_MEMORY_BUDGET is not a number of bytes: {v}"))?;
                anyhow::ensure!(n >= 1024 * 1024, "BODY_MEMORY_BUDGET is below 1 MiB: {n}");
                n
            }
        };
        let body_budget_wait = secs(&get, "BODY_BUDGET_WAIT", DEFAULT_BUDGET_WAIT)?;
        let report_rate_limit = match get("REPORT_RATE_LIMIT") {
            None => RateLimit::default(),
            Some(v) => RateLimit::parse(&v)
                .map_err(anyhow::Error::msg)
                .context("REPORT_RATE_LIMIT")?,
        };
        let lookup_rate_limit = match get("LOOKUP_RATE_LIMIT") {
            None => app::ratelimit::DEFAULT_LOOKUP_LIMIT,
            Some(v) => RateLimit::parse(&v)
                .map_err(anyhow::Error::msg)
                .context("LOOKUP_RATE_LIMIT")?,
        };
        let open311_rate_limit = match get("OPEN311_RATE_LIMIT") {
            None => app::ratelimit::DEFAULT_OPEN311_LIMIT,
            Some(v) => RateLimit::parse(&v)
                .map_err(anyhow::Error::msg)
                .context("OPEN311_RATE_LIMIT")?,
        };
        let trust_proxy = flag("TRUST_PROXY", get("TRUST_PROXY"), false)?;
        let cookie_secure = flag("COOKIE_SECURE", get("COOKIE_SECURE"), false)?;
        let public_cache =
            match get("PUBLIC_CACHE_SECS") {
                None => std::time::Duration::from_secs(30),
                Some(v) => std::time::Duration::from_secs(v.trim().parse().with_context(|| {
                    format!("PUBLIC_CACHE_SECS is not a number of seconds: {v}")
                })?),
            };
        let defaults = crate::serve::Timeouts::default();
        let timeouts = crate::serve::Timeouts {
            header_read: secs(&get, "HEADER_READ_TIMEOUT", defaults.header_read)?,
            body_grace: secs(&get, "BODY_GRACE", defaults.body_grace)?,
            body_min_rate: match get("BODY_MIN_RATE") {
                None => defaults.body_min_rate,
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .with_context(|| format!("BODY_MIN_RATE is not a number of bytes: {v}"))?,
            },
            body_idle: secs(&get, "BODY_IDLE_TIMEOUT", defaults.body_idle)?,
            shutdown_grace: secs(&get, "SHUTDOWN_GRACE", defaults.shutdown_grace)?,
        };
        let seed_demo_honours = flag("SEED_DEMO_HONOURS", get("SEED_DEMO_HONOURS"), seed_demo)?;
        let seed_demo_grids = flag("SEED_DEMO_GRIDS", get("SEED_DEMO_GRIDS"), seed_demo)?;
        let s3 = s3_settings(&get)?;
        Ok(Self {
            database_url,
            database_max_connections,
            bind_addr,
            data_dir,
            seed_demo,
            photo_max_bytes,
            body_memory_budget,
            body_budget_wait,
            report_rate_limit,
            lookup_rate_limit,
            open311_rate_limit,
            trust_proxy,
            cookie_secure,
            seed_demo_honours,
            seed_demo_grids,
            public_cache,
            timeouts,
            s3,
        })
    }

    /// The photo store the configuration names.
    pub fn photo_store(&self) -> Result<app::storage::PhotoStore> {
        match &self.s3 {
            None => Ok(app::storage::PhotoStore::new(&self.data_dir)),
            Some(s3) => app::storage::PhotoStore::s3(s3)
                .with_context(|| format!("the photo bucket {} cannot be used", s3.bucket)),
        }
    }
}

/// `PHOTO_STORE=s3` and its `S3_*` settings (README, configuration table).
fn s3_settings(get: &impl Fn(&str) -> Option<String>) -> Result<Option<app::storage::S3Settings>> {
    let set = |name: &str| {
        get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    match set("PHOTO_STORE").as_deref() {
        None | Some("local") => return Ok(None),
        Some("s3") => {}
        Some(other) => anyhow::bail!("PHOTO_STORE must be local or s3, not {other}"),
    }
    let required = |name: &str, fallback: &str| {
        set(name)
            .or_else(|| set(fallback))
            .with_context(|| format!("PHOTO_STORE=s3 needs {name}"))
    };
    let endpoint = set("S3_ENDPOINT");
    if let Some(e) = &endpoint {
        anyhow::ensure!(
            e.starts_with("https://") || e.starts_with("http://"),
            "S3_ENDPOINT must start with https:// or http://: {e}"
        );
    }
    Ok(Some(app::storage::S3Settings {
        bucket: required("S3_BUCKET", "S3_BUCKET")?,
        endpoint,
        region: set("S3_REGION").unwrap_or_else(|| "us-east-1".into()),
        access_key_id: required("S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID")?,
        secret_access_key: required("S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY")?,
        prefix: set("S3_PREFIX").unwrap_or_else(|| "photos".into()),
        virtual_hosted: flag("S3_VIRTUAL_HOSTED", get("S3_VIRTUAL_HOSTED"), false)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Duration;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| env.get(k).cloned())
    }

    #[test]
    fn defaults_need_no_setup() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/jiexiang.db?mode=rwc");
        assert_eq!(c.bind_addr.to_string(), "127.0.0.1:3000");
        assert!(!c.seed_demo, "no demo accounts unless asked for");
        assert!(!c.seed_demo_honours);
        assert_eq!(c.photo_max_bytes, 5 * 1024 * 1024);
        assert_eq!(
            c.report_rate_limit,
            RateLimit {
                max: 60,
                window: Duration::from_secs(600)
            }
        );
        assert!(!c.trust_proxy);
    }

    #[test]
    fn submission_limits_from_the_environment() {
        let c = cfg(&[
            ("PHOTO_MAX_BYTES", "2000000"),
            ("REPORT_RATE_LIMIT", " 5 / 60 "),
            ("TRUST_PROXY", "true"),
        ])
        .unwrap();
        assert_eq!(c.photo_max_bytes, 2_000_000);
        assert_eq!(c.report_rate_limit.max, 5);
        assert_eq!(c.report_rate_limit.window, Duration::from_secs(60));
        assert!(c.trust_proxy);
    }

    #[test]
    fn bad_submission_limits_are_errors() {
        for (k, v) in [
            ("PHOTO_MAX_BYTES", "5MB"),
            ("PHOTO_MAX_BYTES", "10"),
            ("REPORT_RATE_LIMIT", "60"),
            ("REPORT_RATE_LIMIT", "0/600"),
            ("REPORT_RATE_LIMIT", "60/0"),
            ("REPORT_RATE_LIMIT", "a/b"),
            ("TRUST_PROXY", "sometimes"),
        ] {
            assert!(cfg(&[(k, v)]).is_err(), "{k}={v}");
        }
    }

    #[test]
    fn environment_overrides() {
        let c = cfg(&[
            ("DATA_DIR", "/srv/jx"),
            ("BIND_ADDR", "0.0.0.0:8080"),
            ("SEED_DEMO", "true"),
        ])
        .unwrap();
        assert_eq!(c.database_url, "sqlite:///srv/jx/jiexiang.db?mode=rwc");
        assert_eq!(c.bind_addr.port(), 8080);
        assert!(c.seed_demo && c.seed_demo_honours && c.seed_demo_grids);
        let pg = cfg(&[("DATABASE_URL", "postgres://u@h/db")]).unwrap();
        assert_eq!(pg.database_url, "postgres://u@h/db");
    }

    #[test]
    fn bad_values_are_errors() {
        assert!(cfg(&[("BIND_ADDR", "nowhere")]).is_err());
        assert!(cfg(&[("SEED_DEMO", "maybe")]).is_err());
    }

    #[test]
    fn photo_store_is_local_unless_a_bucket_is_named() {
        assert_eq!(cfg(&[]).unwrap().s3, None);
        assert_eq!(cfg(&[("PHOTO_STORE", "local")]).unwrap().s3, None);
        assert!(cfg(&[("PHOTO_STORE", "nfs")]).is_err());
        let missing = cfg(&[("PHOTO_STORE", "s3"), ("S3_BUCKET", "jx")]).unwrap_err();
        assert!(
            format!("{missing:#}").contains("S3_ACCESS_KEY_ID"),
            "{missing:#}"
        );
        let c = cfg(&[
            ("PHOTO_STORE", "s3"),
            ("S3_BUCKET", "jx-photos"),
            ("S3_ENDPOINT", "http://127.0.0.1:5055"),
            ("AWS_ACCESS_KEY_ID", "ak"),
            ("S3_SECRET_ACCESS_KEY", "sk"),
        ])
        .unwrap();
        let s3 = c.s3.clone().unwrap();
        assert_eq!(s3.bucket, "jx-photos");
        assert_eq!(s3.endpoint.as_deref(), Some("http://127.0.0.1:5055"));
        assert_eq!(
            (s3.region.as_str(), s3.prefix.as_str()),
            ("us-east-1", "photos")
        );
        assert_eq!(
            (s3.access_key_id.as_str(), s3.secret_access_key.as_str()),
            ("ak", "sk")
        );
        assert!(!s3.virtual_hosted);
        assert!(c.photo_store().is_ok());
        let bad = cfg(&[
            ("PHOTO_STORE", "s3"),
            ("S3_BUCKET", "b"),
            ("S3_ENDPOINT", "ftp://x"),
            ("S3_ACCESS_KEY_ID", "a"),
            ("S3_SECRET_ACCESS_KEY", "s"),
        ]);
        assert!(bad.is_err());
    }
}
