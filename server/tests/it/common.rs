//! `spawn_app()`: the real router on a random port with a fresh database — SQLite by
//! default, PostgreSQL when `TEST_DATABASE=postgres` (`make test` runs both).

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
    /// Its database: a second instance started with `("DATABASE_URL", url)` shares it.
    pub database_url: String,
    /// The server's clock of the rules: `clock.advance(ms)` lets time pass for it.
    pub clock: app::clock::Clock,
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

pub async fn fresh_database_url(data_dir: &std::path::Path) -> String {
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
    let dir = data_dir.path().display().to_string();
    let extra: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let database_url = match extra.iter().find(|(name, _)| name == "DATABASE_URL") {
        Some((_, url)) => url.clone(),
        None => fresh_database_url(data_dir.path()).await,
    };
    let config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(database_url.clone()),
        // A test's own (a small disk, say), else the temporary one.
        "DATA_DIR" => Some(
            extra
                .iter()
                .find(|(name, _)| name == "DATA_DIR")
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| dir.clone()),
        ),
        "BIND_ADDR" => Some("127.0.0.1:0".into()),
        // The demo areas and accounts, unless a test says otherwise.
        "SEED_DEMO" => Some(
            extra
                .iter()
                .find(|(name, _)| name == "SEED_DEMO")
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "true".into()),
        ),
        // Figures are checked right after each change; caching is tested on its own.
        "PUBLIC_CACHE_SECS" => Some(
            extra
                .iter()
                .find(|(name, _)| name == "PUBLIC_CACHE_SECS")
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "0".into()),
        ),
        // Tests that want the demo grids ask for them (SEED_DEMO_GRIDS=true).
        "SEED_DEMO_GRIDS" => Some(
            extra
                .iter()
                .find(|(name, _)| name == "SEED_DEMO_GRIDS")
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "false".into()),
        ),
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
    let clock = state.clock.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = server::startup::router(state, &config);
    tokio::spawn(async move {
        let _ = server::startup::serve(listener, router, &config).await;
    });
    TestApp {
        addr,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A request that never answers fails its test instead of hanging the run.
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("client"),
        db,
        data_dir,
        database_url,
        clock,
    }
}

/// The password of every demo account (app::staff::seed).
pub const DEMO_PASSWORD: &str = app::session::seed::DEMO_PASSWORD;

impl TestApp {
    /// Logs a demo account in through `POST /api/staff/login` and returns the `Cookie` header
    /// value for its session ("jx_session=…").
    pub async fn login(&self, username: &str) -> String {
        let res = self
            .client
            .post(self.url("/api/staff/login"))
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

    /// The single i64 a query returns (an id, a count).
    pub async fn scalar(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        n
    }

    /// The single i64 a query with one text parameter (`$1`) returns.
    pub async fn scalar_for(&self, sql: &str, key: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .bind(key)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql} [{key}]: {e}"));
        n
    }

    /// POSTs a url-encoded form to `path`, with a session cookie when given.
    pub async fn post_form(
        &self,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, String)],
    ) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).form(fields);
        if let Some(cookie) = cookie {
            req = req.header(reqwest::header::COOKIE, cookie);
        }
        req.send().await.expect("form post")
    }

    /// POSTs a multipart form to `path`, with a session cookie when given.
    pub async fn post_multipart(
        &self,
        path: &str,
        cookie: Option<&str>,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).multipart(form);
        if let Some(cookie) = cookie {
            req = req.header(reqwest::header::COOKIE, cookie);
        }
        req.send().await.expect("multipart post")
    }
}

/// The body of a 200 answer (the test fails on any other status, showing the body).
pub async fn ok(res: reqwest::Response) -> String {
    let status = res.status();
    let body = res.text().await.expect("response body");
    assert_eq!(status, 200, "{body}");
    body
}

/// The error of a refused request, which must have `status`.
pub async fn refused(res: reqwest::Response, status: u16) -> app::error::AppError {
    let got = res.status();
    let body = res.text().await.expect("response body");
    assert_eq!(got.as_u16(), status, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not an AppError ({e}): {body}"))
}

/// A small gradient JPEG (200×150); `seed` makes different photos differ.
pub fn small_jpeg(seed: u8) -> Vec<u8> {
    use image::codecs::jpeg::JpegEncoder;
    use image::{Rgb, RgbImage};
    let img = RgbImage::from_fn(200, 150, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, seed.wrapping_mul(37)])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("encode a test JPEG");
    out
}

impl TestApp {
    /// A resident's report on a demo street through the real submission endpoint, with one
    /// photo (`small_jpeg(seed)`). Returns the report's row id and its tracking code.
    pub async fn submit_street_report(
        &self,
        street: &str,
        category_code: &str,
        phone: &str,
        description: &str,
        seed: u8,
    ) -> (i64, String) {
        let app = self;
        let street_id = app
            .scalar(&format!("SELECT id FROM streets WHERE name = '{street}'"))
            .await;
        let category_id = app
            .scalar(&format!(
                "SELECT id FROM categories WHERE code = '{category_code}'"
            ))
            .await;
        let draft = serde_json::json!({
            "report_id": uuid::Uuid::new_v4(),
            "category_id": category_id,
            "office_id": null,
            "street_id": street_id,
            "location": null,
            "description": description,
            "contact_phone": phone,
            "created_on_device": 1_795_786_380_000_i64,
        });
        let res = app.submit_draft(&draft, seed).await;
        assert_eq!(res.status(), 200);
        let receipt: app::reports::Receipt = res.json().await.expect("receipt");
        let code = receipt.tracking_code.to_string();
        let id = app
            .scalar(&format!(
                "SELECT id FROM reports WHERE tracking_code = '{code}'"
            ))
            .await;
        (id, code)
    }
}

impl TestApp {
    /// A resident's draft (the phone's `report` part) through the real submission endpoint,
    /// with one photo (`small_jpeg(seed)`).
    pub async fn submit_draft(&self, draft: &serde_json::Value, seed: u8) -> reqwest::Response {
        use reqwest::multipart::{Form, Part};
        let form = Form::new()
            .part(
                "report",
                Part::text(draft.to_string())
                    .mime_str("application/json")
                    .expect("mime"),
            )
            .part(
                "photo",
                Part::bytes(small_jpeg(seed))
                    .file_name("p.jpg")
                    .mime_str("image/jpeg")
                    .expect("mime"),
            );
        self.post_multipart("/api/reports/submit", None, form).await
    }
}

/// The S3-compatible server of the object-storage tests: `TEST_S3_ENDPOINT`, or moto's
/// server from this checkout's `target/moto-py` (scripts/setup.sh test), started when nothing
/// answers on this checkout's port ([`moto_port`]). It keeps running for the next test binary;
/// each test uses its own bucket. A server found on the port must answer a bucket's creation:
/// one left over from a deleted copy of the tools fails here, with its port, not in a test.
pub async fn s3_endpoint() -> String {
    if let Ok(url) = std::env::var("TEST_S3_ENDPOINT") {
        return url;
    }
    let addr = format!("127.0.0.1:{}", moto_port());
    let up = || async { tokio::net::TcpStream::connect(&addr).await.is_ok() };
    if !up().await {
        start_moto(moto_port());
        for _ in 0..200 {
            if up().await {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(up().await, "moto's S3 server did not come up on {addr}");
    }
    let endpoint = format!("http://{addr}");
    static CHECKED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    CHECKED
        .get_or_init(|| async {
            let probe = format!("{endpoint}/jx-probe-{}", uuid::Uuid::new_v4().simple());
            let client = reqwest::Client::new();
            let created = client.put(&probe).send().await.map(|r| r.status());
            assert!(
                matches!(created, Ok(s) if s.is_success()),
                "the S3 server on {addr} does not work (creating a bucket: {created:?}); \
                 if it is a moto left running from another copy of target/moto-py, stop it \
                 (pkill -f moto.server)"
            );
            let _ = client.delete(&probe).send().await;
        })
        .await;
    endpoint
}

/// This checkout's port for moto: two checkouts (a CI clone beside a working copy) never
/// share a server, so one's leftover cannot stand in for the other's. From the checkout's
/// path, in 20000–29999.
fn moto_port() -> u16 {
    let root = env!("CARGO_MANIFEST_DIR");
    // FNV-1a: stable across runs and Rust versions (std's hasher is not promised to be).
    let hash = root.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    20_000 + (hash % 10_000) as u16
}

/// Starts moto's server once per test binary (several tests may ask at once).
// The server is meant to outlive this process (the next test binary uses it): never waited.
#[allow(clippy::zombie_processes)]
fn start_moto(port: u16) {
    use std::os::unix::process::CommandExt;
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let moto = root.join("target/moto-py");
        assert!(
            moto.join(".installed").exists(),
            "moto is not installed in {}: run ./scripts/setup.sh test",
            moto.display()
        );
        let log = std::fs::File::create(root.join("target/moto.log")).expect("moto log");
        std::process::Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .env("PYTHONPATH", &moto)
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            // Its own process group: it outlives this test binary for the next one.
            .process_group(0)
            .spawn()
            .expect("start moto's S3 server");
    });
}

/// A new, empty bucket on [`s3_endpoint`] and the settings that make a server keep its photos
/// there (`PHOTO_STORE=s3` …).
pub async fn s3_bucket() -> (String, Vec<(&'static str, String)>) {
    let endpoint = s3_endpoint().await;
    let bucket = format!("jx-{}", uuid::Uuid::new_v4().simple());
    let res = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("create a bucket");
    assert!(res.status().is_success(), "create bucket: {}", res.status());
    let env = vec![
        ("PHOTO_STORE", "s3".to_string()),
        ("S3_BUCKET", bucket.clone()),
        ("S3_ENDPOINT", endpoint),
        ("S3_REGION", "us-east-1".to_string()),
        ("S3_ACCESS_KEY_ID", "testing".to_string()),
        ("S3_SECRET_ACCESS_KEY", "testing".to_string()),
    ];
    (bucket, env)
}

/// The keys in a bucket under `prefix`, read with a plain S3 `ListObjectsV2` request.
pub async fn s3_keys(bucket: &str, prefix: &str) -> Vec<String> {
    let endpoint = s3_endpoint().await;
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut url = format!("{endpoint}/{bucket}?list-type=2&prefix={prefix}");
        if let Some(t) = &token {
            url.push_str(&format!(
                "&continuation-token={}",
                t.replace('+', "%2B")
                    .replace('/', "%2F")
                    .replace('=', "%3D")
            ));
        }
        let body = reqwest::get(url)
            .await
            .expect("list bucket")
            .text()
            .await
            .expect("listing");
        keys.extend(xml_values(&body, "Key"));
        token = xml_values(&body, "NextContinuationToken")
            .into_iter()
            .next();
        if token.is_none() {
            break;
        }
    }
    keys
}

fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open)
        .skip(1)
        .filter_map(|s| s.split_once(&close).map(|(v, _)| v.to_string()))
        .collect()
}

/// The real server binary as a process of its own (its output in `log`), for the tests that
/// need one: several instances, a kill, its memory.
pub struct ServerProcess {
    pub port: u16,
    pub env: Vec<(String, String)>,
    pub child: Option<std::process::Child>,
    pub log: std::path::PathBuf,
}

impl ServerProcess {
    pub fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("instance log");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start the server binary");
        self.child = Some(child);
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    /// SIGKILL: no shutdown, no drain, whatever was in flight is cut.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            let _ = child.wait();
        }
    }

    pub async fn wait_healthy(&self, client: &reqwest::Client) -> std::time::Duration {
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(60) {
            if let Ok(res) = client.get(self.url("/api/health")).send().await
                && res.status().is_success()
            {
                return started.elapsed();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        panic!("instance on {} did not come up:\n{log}", self.port);
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("addr")
        .port()
}
