//! Configuration from the environment, with defaults that need no set-up.

use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

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
    /// Report submissions allowed per client IP in a sliding window.
    pub report_rate_limit: RateLimit,
    /// Take the client IP from `X-Forwarded-For` (set only behind a proxy you run).
    pub trust_proxy: bool,
    /// Also put demo 示范户 into an empty honours table (default: as `seed_demo`).
    pub seed_demo_honours: bool,
    /// `Secure` session cookies (`COOKIE_SECURE=true` when served over https).
    pub cookie_secure: bool,
}

/// At most `max` requests in any `window` (`REPORT_RATE_LIMIT=60/600`: 60 per 10 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window: Duration,
}

impl RateLimit {
    pub fn parse(s: &str) -> Result<Self> {
        let (max, secs) = s
            .trim()
            .split_once('/')
            .with_context(|| format!("expected count/seconds, e.g. 60/600, not {s}"))?;
        let max: u32 = max
            .trim()
            .parse()
            .with_context(|| format!("not a count: {max}"))?;
        let secs: u64 = secs
            .trim()
            .parse()
            .with_context(|| format!("not a number of seconds: {secs}"))?;
        anyhow::ensure!(
            max > 0 && secs > 0,
            "count and seconds must be above 0: {s}"
        );
        Ok(Self {
            max,
            window: Duration::from_secs(secs),
        })
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            max: 60,
            window: Duration::from_secs(600),
        }
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
        let seed_demo = flag("SEED_DEMO", get("SEED_DEMO"), true)?;
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
        let report_rate_limit = match get("REPORT_RATE_LIMIT") {
            None => RateLimit::default(),
            Some(v) => RateLimit::parse(&v).context("REPORT_RATE_LIMIT")?,
        };
        let trust_proxy = flag("TRUST_PROXY", get("TRUST_PROXY"), false)?;
        let cookie_secure = flag("COOKIE_SECURE", get("COOKIE_SECURE"), false)?;
        let seed_demo_honours = flag("SEED_DEMO_HONOURS", get("SEED_DEMO_HONOURS"), seed_demo)?;
        Ok(Self {
            database_url,
            database_max_connections,
            bind_addr,
            data_dir,
            seed_demo,
            photo_max_bytes,
            report_rate_limit,
            trust_proxy,
            cookie_secure,
            seed_demo_honours,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

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
        assert!(c.seed_demo);
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
            ("SEED_DEMO", "false"),
        ])
        .unwrap();
        assert_eq!(c.database_url, "sqlite:///srv/jx/jiexiang.db?mode=rwc");
        assert_eq!(c.bind_addr.port(), 8080);
        assert!(!c.seed_demo);
        let pg = cfg(&[("DATABASE_URL", "postgres://u@h/db")]).unwrap();
        assert_eq!(pg.database_url, "postgres://u@h/db");
    }

    #[test]
    fn bad_values_are_errors() {
        assert!(cfg(&[("BIND_ADDR", "nowhere")]).is_err());
        assert!(cfg(&[("SEED_DEMO", "maybe")]).is_err());
    }
}
