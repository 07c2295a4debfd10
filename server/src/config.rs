//! Configuration from the environment, with defaults that need no set-up.

use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` (default: a file under the data dir) or `postgres://…`.
    pub database_url: String,
    pub bind_addr: SocketAddr,
    /// Photos and the default SQLite file live here.
    pub data_dir: PathBuf,
    /// Insert the demo offices, communities, streets and categories into an empty database.
    pub seed_demo: bool,
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
        let bind = get("BIND_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let bind_addr = bind
            .parse()
            .with_context(|| format!("BIND_ADDR is not an address: {bind}"))?;
        let seed_demo = match get("SEED_DEMO").as_deref() {
            None | Some("1") | Some("true") | Some("yes") => true,
            Some("0") | Some("false") | Some("no") => false,
            Some(other) => anyhow::bail!("SEED_DEMO must be true or false, not {other}"),
        };
        Ok(Self {
            database_url,
            bind_addr,
            data_dir,
            seed_demo,
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
