//! `spawn_app()`: the real router on a random port with a fresh database — SQLite by
//! default, PostgreSQL when `TEST_DATABASE=postgres` (`make test` runs both).

#![allow(dead_code)]

use app::db::Db;
use leptos::prelude::LeptosOptions;
use server::config::Config;
use std::net::SocketAddr;
use std::path::Path;

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub db: Db,
    pub data_dir: tempfile::TempDir,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

/// Which database this test run uses.
pub fn backend() -> String {
    std::env::var("TEST_DATABASE").unwrap_or_else(|_| "sqlite".into())
}

async fn fresh_database_url(data_dir: &std::path::Path) -> String {
    match backend().as_str() {
        "postgres" => {
            use sqlx::Connection;
            let admin = std::env::var("TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            let name = format!("jx_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL must be running for TEST_DATABASE=postgres");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", data_dir.join("test.db").display()),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// `spawn_app()` with extra environment settings, e.g. `[("REPORT_RATE_LIMIT", "2/600")]`.
pub async fn spawn_app_with(env: &[(&str, &str)]) -> TestApp {
    spawn(env, None, None).await
}

/// `spawn_app()` serving `site_root` (a built site: `pkg/`, `icons/`, …), which must be in
/// place before the start since the service worker is rendered then. With `hash_file`, file
/// hashing is on and leptos reads the hashed names from that file (an absolute path).
pub async fn spawn_app_with_site(site_root: &Path, hash_file: Option<&Path>) -> TestApp {
    spawn(&[], Some(site_root), hash_file).await
}

async fn spawn(
    env: &[(&str, &str)],
    site_root: Option<&Path>,
    hash_file: Option<&Path>,
) -> TestApp {
    server::telemetry::init();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database_url(data_dir.path()).await;
    let dir = data_dir.path().display().to_string();
    let extra: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(database_url.clone()),
        "DATA_DIR" => Some(dir.clone()),
        "BIND_ADDR" => Some("127.0.0.1:0".into()),
        // Tests that want demo honours seed them themselves.
        "SEED_DEMO_HONOURS" => Some(
            extra
                .iter()
                .find(|(name, _)| name == "SEED_DEMO_HONOURS")
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "false".into()),
        ),
        _ => extra
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone()),
    })
    .expect("config");
    let site_root = site_root
        .map(Path::to_path_buf)
        .unwrap_or_else(|| data_dir.path().join("site"));
    let options = LeptosOptions::builder()
        .output_name("jiexiang")
        .site_root(site_root.display().to_string())
        .hash_files(hash_file.is_some())
        .hash_file(std::sync::Arc::from(
            hash_file
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "hash.txt".into()),
        ))
        .build();
    let state = server::startup::build_state(&config, options)
        .await
        .expect("build state");
    let db = state.db.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = server::startup::router(state, &config);
    tokio::spawn(async move {
        let _ = server::startup::serve(listener, router).await;
    });
    TestApp {
        addr,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db,
        data_dir,
    }
}

/// The password of every demo account (app::staff::seed).
pub const DEMO_PASSWORD: &str = app::staff::seed::DEMO_PASSWORD;

/// Logs a demo account in through `POST /api/staff/login` and returns the `Cookie` header
/// value for its session ("jx_session=…").
pub async fn login(app: &TestApp, username: &str) -> String {
    let res = app
        .client
        .post(app.url("/api/staff/login"))
        .form(&[("username", username), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .expect("login request");
    assert!(
        res.status().is_success(),
        "login of {username} failed: {}",
        res.status()
    );
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("jx_session="))
        .expect("session cookie");
    cookie.split(';').next().unwrap_or_default().to_string()
}
