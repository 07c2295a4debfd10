//! `server migrate-to`: a SQLite deployment with data of every kind (reports in several
//! statuses with their events and before/after photos, a duplicate pointing at a later report,
//! an Open311 report and its key, honours with a plaque photo, an objection and an import,
//! accounts, sessions, devices, failed logins, the kept figures) copied into a fresh
//! PostgreSQL database and a fresh bucket; interrupted and rerun, run twice, damaged and
//! rerun; then a server started on the copy serves it. Runs in the SQLite pass only (the
//! source is SQLite; PostgreSQL at 127.0.0.1:5432 is the target).

use crate::common::{TestApp, backend, ok, s3_bucket, s3_keys, spawn_app_with};
use crate::staff::{act, rectify};
use app::domain::Millis;
use app::domain::time::DAY_MS;
use app::storage::{PhotoSha, PhotoStore, PhotoVariant};
use reqwest::multipart::{Form, Part};
use server::config::Config;
use server::migrate::{Options, Summary, migrate_to, verify};
use sha2::Digest;
use sqlx::PgPool;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// The source is SQLite: with TEST_DATABASE=postgres there is nothing to migrate from.
fn sqlite_pass() -> bool {
    if backend() == "sqlite" {
        true
    } else {
        println!(
            "migrate-to copies from SQLite: not run with TEST_DATABASE={}",
            backend()
        );
        false
    }
}

/// A new, empty PostgreSQL database: its URL and a pool on it.
async fn fresh_postgres() -> (String, PgPool) {
    use sqlx::Connection;
    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let name = format!("jx_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("PostgreSQL must be running at 127.0.0.1:5432 for the migration tests");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    let url = format!("{base}/{name}");
    let pool = PgPool::connect(&url).await.unwrap();
    (url, pool)
}

/// The configuration `server migrate-to` would run with on the source's machine: its SQLite
/// file and data dir, and the photo store settings `store` (none: the local folder).
fn config_of(app: &TestApp, store: &[(&str, String)]) -> Config {
    let mut env: HashMap<String, String> = store
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    env.insert("DATABASE_URL".into(), app.database_url.clone());
    env.insert("DATA_DIR".into(), app.data_dir.path().display().to_string());
    Config::from_lookup(|k| env.get(k).cloned()).unwrap()
}

async fn run(config: &Config, url: &str, options: &Options) -> (anyhow::Result<Summary>, String) {
    let mut out = Vec::new();
    let result = migrate_to(config, url, options, &mut out).await;
    (result, String::from_utf8(out).unwrap())
}

/// YYYY-MM-DD `days` from now (China time).
fn day(days: i64) -> String {
    Millis(Millis::now().0 + days * DAY_MS).format_date()
}

/// A household nominated in 韩营 through the create form; its id.
async fn nominate(app: &TestApp, cookie: &str, full_name: &str) -> i64 {
    let c = app
        .scalar("SELECT id FROM communities WHERE name = '韩营'")
        .await;
    ok(app
        .post_form(
            "/api/honours/create",
            Some(cookie),
            &[
                ("community", c.to_string()),
                ("kind", "household".into()),
                ("title", "hygienic_family".into()),
                ("full_name", full_name.into()),
                ("public_name", full_name.into()),
                ("house_number", "韩营一巷12号".into()),
                ("note", "居委会推荐".into()),
            ],
        )
        .await)
    .await;
    app.scalar(&format!(
        "SELECT MAX(id) FROM honours WHERE full_name = '{full_name}'"
    ))
    .await
}

async fn honour_act(app: &TestApp, cookie: &str, id: i64, action: &str, date: &str, photo: bool) {
    let version = app
        .scalar(&format!("SELECT version FROM honours WHERE id = {id}"))
        .await;
    let mut form = Form::new()
        .text("honour", id.to_string())
        .text("version", version.to_string())
        .text("action", action.to_string())
        .text("date", date.to_string())
        .text("note", "已挂牌");
    if photo {
        form = form.part(
            "photo",
            Part::bytes(crate::common::small_jpeg(77))
                .file_name("plaque.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    ok(app
        .post_multipart("/api/honours/act", Some(cookie), form)
        .await)
    .await;
}

/// What the filled source holds that the checks look at.
struct Filled {
    staff_cookie: String,
    /// accepted → dispatched → rectified (2 after photos) → closed.
    closed: (i64, String),
    /// A duplicate of `later`, a report received after it.
    duplicate: i64,
    later: i64,
    open311: i64,
}

/// A SQLite deployment with data of every kind, its photos in `DATA_DIR/photos`.
async fn filled_source() -> (TestApp, Filled) {
    let app = spawn_app_with(&[
        ("SEED_DEMO_HONOURS", "true"),
        ("REPORT_RATE_LIMIT", "100/600"),
    ])
    .await;
    let staff = app.login("taihao").await;
    // A failed login (login_failures) and a second device of the same account.
    let res = app
        .post_form(
            "/api/staff/login",
            None,
            &[
                ("username", "huaihe".into()),
                ("password", "not the password".into()),
            ],
        )
        .await;
    assert!(res.status().is_client_error());
    app.login("taihao").await;

    let closed = app
        .submit_street_report("韩营一巷", "exposed_garbage", "13800138000", "巷口垃圾", 31)
        .await;
    let (duplicate, _) = app
        .submit_street_report("韩营一巷", "exposed_garbage", "", "又是垃圾", 32)
        .await;
    let (later, later_code) = app
        .submit_street_report("韩营一巷", "exposed_garbage", "", "垃圾堆", 33)
        .await;
    app.submit_street_report("康楼中街", "dirty_road", "", "路面脏", 34)
        .await;

    let (id, _) = closed;
    ok(act(&app, Some(&staff), id, "accept", &[]).await).await;
    ok(act(
        &app,
        Some(&staff),
        id,
        "dispatch",
        &[("unit", "韩营居委会")],
    )
    .await)
    .await;
    ok(rectify(&app, Some(&staff), id, 2).await).await;
    ok(act(
        &app,
        Some(&staff),
        id,
        "close",
        &[("note", "已核查，现场整洁"), ("public_note", "1")],
    )
    .await)
    .await;
    ok(act(&app, Some(&staff), later, "accept", &[]).await).await;
    ok(act(
        &app,
        Some(&staff),
        duplicate,
        "duplicate",
        &[("duplicate_of", &later_code)],
    )
    .await)
    .await;

    // Open311: a key (api_keys) and a report sent with it.
    let key = crate::open311::issue_key(&app, "12345热线").await;
    let street = app
        .scalar("SELECT id FROM streets WHERE name = '康楼中街'")
        .await
        .to_string();
    let res = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .form(&[
            ("api_key", key.as_str()),
            ("service_code", "illegal_flyers"),
            ("address_id", &street),
            ("description", "电线杆上贴满小广告"),
            ("email", "caller@example.com"),
            ("first_name", "李"),
            ("phone", "13900139000"),
            ("token", "hotline-0001"),
        ])
        .send()
        .await
        .unwrap();
    ok(res).await;
    let open311 = app
        .scalar("SELECT id FROM reports WHERE api_key_id IS NOT NULL")
        .await;

    // Honours: one awarded with the plaque's photo, one in 公示 with an objection, an upload.
    let awarded = nominate(&app, &staff, "王建国").await;
    honour_act(&app, &staff, awarded, "publish", &day(5), false).await;
    honour_act(&app, &staff, awarded, "award", "", true).await;
    let noticed = nominate(&app, &staff, "李秀英").await;
    honour_act(&app, &staff, noticed, "publish", &day(5), false).await;
    ok(app
        .post_form(
            "/api/honours/object",
            None,
            &[
                ("honour", noticed.to_string()),
                ("content", "院内堆放杂物".into()),
                ("contact", "13700137000".into()),
            ],
        )
        .await)
    .await;
    let csv = std::fs::read(format!(
        "{}/tests/fixtures/honours_good.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let form = Form::new().part("file", Part::bytes(csv).file_name("示范户.csv"));
    ok(app
        .post_multipart("/api/honours/import", Some(&staff), form)
        .await)
    .await;

    (
        app,
        Filled {
            staff_cookie: staff,
            closed,
            duplicate,
            later,
            open311,
        },
    )
}

/// Every photo a database names (reports and honour events).
async fn named_photos(app: &TestApp) -> BTreeSet<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT sha256 FROM report_photos UNION \
         SELECT photo_sha256 FROM honour_events WHERE photo_sha256 IS NOT NULL",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    rows.into_iter().map(|(s,)| s).collect()
}

/// A report's columns in three groups (tuples compare up to 12 fields).
const REPORT_A: &str = "SELECT id, client_uuid, tracking_code, content_hash, category_id, \
    office_id, street_id, status, description, contact_phone, dispatched_to, deadline_at \
    FROM reports WHERE id = $1";
type ReportA = (
    i64,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
);
const REPORT_B: &str = "SELECT duplicate_of, version, rectified_at, closed_at, reopen_count, \
    received_at, updated_at, created_on_device, api_key_id, api_token, contact_name, \
    contact_email FROM reports WHERE id = $1";
type ReportB = (
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);
const REPORT_C: &str = "SELECT lat, lon, accuracy_m, transferred_from, community_id \
    FROM reports WHERE id = $1";
type ReportC = (
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<i64>,
    Option<i64>,
);
const EVENTS: &str = "SELECT id, report_id, actor_user, action, from_status, to_status, note, \
    public_note, created_at, office_id FROM report_events WHERE report_id = $1 ORDER BY id";
type Event = (
    i64,
    i64,
    Option<i64>,
    String,
    Option<String>,
    String,
    String,
    i64,
    i64,
    Option<i64>,
);
const PHOTOS: &str = "SELECT id, kind, position, sha256, mime, width, height, bytes, created_at \
    FROM report_photos WHERE report_id = $1 ORDER BY id";
type Photo = (i64, String, i64, String, String, i64, i64, i64, i64);

/// A report, its events and its photos are the same, field by field, in both databases.
async fn same_report(app: &TestApp, pg: &PgPool, id: i64) {
    let a: ReportA = sqlx::query_as(REPORT_A)
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let b: ReportA = sqlx::query_as(REPORT_A)
        .bind(id)
        .fetch_one(pg)
        .await
        .unwrap();
    assert_eq!(a, b);
    let a: ReportB = sqlx::query_as(REPORT_B)
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let b: ReportB = sqlx::query_as(REPORT_B)
        .bind(id)
        .fetch_one(pg)
        .await
        .unwrap();
    assert_eq!(a, b);
    let a: ReportC = sqlx::query_as(REPORT_C)
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let b: ReportC = sqlx::query_as(REPORT_C)
        .bind(id)
        .fetch_one(pg)
        .await
        .unwrap();
    assert_eq!(a, b);
    let a: Vec<Event> = sqlx::query_as(EVENTS)
        .bind(id)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let b: Vec<Event> = sqlx::query_as(EVENTS).bind(id).fetch_all(pg).await.unwrap();
    assert!(!a.is_empty());
    assert_eq!(a, b);
    let a: Vec<Photo> = sqlx::query_as(PHOTOS)
        .bind(id)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let b: Vec<Photo> = sqlx::query_as(PHOTOS).bind(id).fetch_all(pg).await.unwrap();
    assert_eq!(a, b);
}

fn counts_equal(summary: &Summary) {
    for t in &summary.tables {
        match t.target {
            Some(n) => assert_eq!(n, t.source, "{}", t.table),
            None => assert_eq!(t.table, "rate_counts"),
        }
    }
}

fn source_rows(summary: &Summary, table: &str) -> i64 {
    summary
        .tables
        .iter()
        .find(|t| t.table == table)
        .unwrap_or_else(|| panic!("no table {table}"))
        .source
}

async fn pg_count(pg: &PgPool, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(pg)
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn a_sqlite_deployment_moves_to_postgres_and_a_bucket_and_a_server_runs_on_the_copy() {
    if !sqlite_pass() {
        return;
    }
    let (app, filled) = filled_source().await;
    let (bucket, s3_env) = s3_bucket().await;
    let (pg_url, pg) = fresh_postgres().await;
    let config = config_of(&app, &s3_env);

    // Interrupted part-way (small batches, a stop after about half the rows).
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let mut total = 0;
    for (t,) in &tables {
        total += app.scalar(&format!("SELECT COUNT(*) FROM {t}")).await;
    }
    let (result, _) = run(
        &config,
        &pg_url,
        &Options {
            batch_rows: 2,
            stop_after_rows: Some(total as u64 / 2),
            ..Options::default()
        },
    )
    .await;
    let e = result.unwrap_err();
    assert!(e.to_string().contains("stopped after"), "{e:#}");
    let offices = pg_count(&pg, "offices").await;
    assert!(offices > 0, "the first tables are copied");
    let partial = pg_count(&pg, "report_events").await + pg_count(&pg, "honour_events").await;
    let full = app.scalar("SELECT COUNT(*) FROM report_events").await
        + app.scalar("SELECT COUNT(*) FROM honour_events").await;
    assert!(
        partial < full,
        "{partial} of {full}: the copy stopped before the end"
    );

    // Run again: completes, verifies, says what it did.
    let (result, out) = run(&config, &pg_url, &Options::default()).await;
    let summary = result.unwrap_or_else(|e| panic!("{e:#}\n{out}"));
    assert!(out.contains("verification: every count equal"), "{out}");
    assert!(out.contains("rate_counts: skipped (transient)"), "{out}");
    assert!(out.contains("done in"), "{out}");
    assert!(summary.rows_inserted > 0);
    counts_equal(&summary);
    for table in [
        "offices",
        "communities",
        "streets",
        "categories",
        "users",
        "sessions",
        "login_devices",
        "login_failures",
        "server_secrets",
        "reports",
        "report_photos",
        "report_events",
        "report_counts",
        "report_daily",
        "report_close_times",
        "report_close_times_total",
        "honours",
        "honour_events",
        "honour_objections",
        "honour_imports",
        "api_keys",
    ] {
        assert!(source_rows(&summary, table) > 0, "the source has {table}");
    }
    let photos = named_photos(&app).await;
    assert_eq!(summary.photos_checked as usize, photos.len());
    // 4 + 1 submissions, 2 after photos, the plaque.
    assert!(photos.len() >= 7, "{photos:?}");

    // Field by field.
    let closed_photos = "SELECT COUNT(*) FROM report_photos WHERE report_id = $1";
    let (n,): (i64,) = sqlx::query_as(closed_photos)
        .bind(filled.closed.0)
        .fetch_one(&pg)
        .await
        .unwrap();
    assert_eq!(n, 3, "before and after photos");
    same_report(&app, &pg, filled.closed.0).await;
    same_report(&app, &pg, filled.open311).await;
    let (dup_of,): (Option<i64>,) =
        sqlx::query_as("SELECT duplicate_of FROM reports WHERE id = $1")
            .bind(filled.duplicate)
            .fetch_one(&pg)
            .await
            .unwrap();
    assert_eq!(dup_of, Some(filled.later), "a reference to a later report");
    assert!(filled.later > filled.duplicate);
    let users = "SELECT id, username, display_name, password_hash, role, office_id, active, \
                 created_at FROM users ORDER BY id";
    type User = (i64, String, String, String, String, Option<i64>, i64, i64);
    let a: Vec<User> = sqlx::query_as(users).fetch_all(&app.db.pool).await.unwrap();
    let b: Vec<User> = sqlx::query_as(users).fetch_all(&pg).await.unwrap();
    assert_eq!(a, b);
    let honour_events = "SELECT id, honour_id, actor_user, action, from_status, to_status, note, \
                         photo_sha256, created_at FROM honour_events ORDER BY id";
    type HonourEvent = (
        i64,
        i64,
        Option<i64>,
        String,
        Option<String>,
        String,
        String,
        Option<String>,
        i64,
    );
    let a: Vec<HonourEvent> = sqlx::query_as(honour_events)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let b: Vec<HonourEvent> = sqlx::query_as(honour_events).fetch_all(&pg).await.unwrap();
    assert!(a.iter().any(|e| e.7.is_some()), "the plaque's photo");
    assert_eq!(a, b);

    // Every photo the database names is in the bucket, both variants.
    let keys: BTreeSet<String> = s3_keys(&bucket, "photos/").await.into_iter().collect();
    for sha in &photos {
        let p = &sha[..2];
        assert!(keys.contains(&format!("photos/{p}/{sha}.jpg")), "{sha}");
        assert!(
            keys.contains(&format!("photos/{p}/{sha}.thumb.jpg")),
            "{sha}"
        );
    }

    // A second run changes nothing.
    let (result, out) = run(&config, &pg_url, &Options::default()).await;
    let again = result.unwrap_or_else(|e| panic!("{e:#}\n{out}"));
    assert_eq!(again.rows_inserted, 0, "{out}");
    assert_eq!(again.tables, summary.tables);
    assert_eq!(s3_keys(&bucket, "photos/").await.len(), keys.len());

    // Damage in the middle of tables (as a crash between statements cannot, but a partial
    // restore could): the next run puts back exactly what is missing.
    let events = pg_count(&pg, "report_events").await;
    let deleted = sqlx::query("DELETE FROM report_events WHERE id % 2 = 0")
        .execute(&pg)
        .await
        .unwrap()
        .rows_affected()
        + sqlx::query("DELETE FROM report_daily")
            .execute(&pg)
            .await
            .unwrap()
            .rows_affected()
        + sqlx::query("DELETE FROM sessions")
            .execute(&pg)
            .await
            .unwrap()
            .rows_affected();
    assert!(deleted > 0);
    let (result, out) = run(&config, &pg_url, &Options::default()).await;
    let repaired = result.unwrap_or_else(|e| panic!("{e:#}\n{out}"));
    assert_eq!(repaired.rows_inserted, deleted, "{out}");
    assert_eq!(repaired.tables, summary.tables);
    assert_eq!(pg_count(&pg, "report_events").await, events);
    same_report(&app, &pg, filled.closed.0).await;

    // A server on the copy: no seeding, the photos from the bucket.
    let mut env: Vec<(&str, &str)> = s3_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.extend([("DATABASE_URL", pg_url.as_str()), ("SEED_DEMO", "false")]);
    let copy = spawn_app_with(&env).await;
    let max_before = app.scalar("SELECT MAX(id) FROM reports").await;

    // A migrated staff account signs in with its password; its old session still works.
    let staff = copy.login("taihao").await;
    for cookie in [&staff, &filled.staff_cookie] {
        let body = ok(copy
            .post_form(
                "/api/staff/report",
                Some(cookie),
                &[("id", filled.closed.0.to_string())],
            )
            .await)
        .await;
        let detail: app::staff::ReportDetail = serde_json::from_str(&body).unwrap();
        assert_eq!(detail.status.code(), "closed");
        let actions: Vec<&str> = detail.events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["submit", "accept", "dispatch", "rectify", "close"]
        );
    }
    // The resident's view of a migrated report, its page and its photos.
    let code = &filled.closed.1;
    let body = ok(copy
        .post_form("/api/reports/track", None, &[("code", code.clone())])
        .await)
    .await;
    let public: app::reports::PublicReport = serde_json::from_str(&body).unwrap();
    assert_eq!(public.photos.len(), 3);
    let html = ok(copy
        .client
        .get(copy.url(&format!("/track?code={code}")))
        .send()
        .await
        .unwrap())
    .await;
    assert!(html.contains("整改后照片"));
    for sha in &photos {
        let res = copy
            .client
            .get(copy.url(&format!("/photos/{sha}.jpg")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{sha}");
        let body = res.bytes().await.unwrap();
        assert_eq!(&hex::encode(sha2::Sha256::digest(&body)), sha);
        let res = copy
            .client
            .get(copy.url(&format!("/photos/{sha}/thumb.jpg")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{sha}");
    }
    // A new report gets a new id (the identity sequences moved past the copied ids).
    let (new_id, new_code) = copy
        .submit_street_report("韩营二巷", "exposed_garbage", "", "新的上报", 41)
        .await;
    assert!(new_id > max_before, "{new_id} after {max_before}");
    assert_ne!(&new_code, code);
    ok(act(&copy, Some(&staff), new_id, "accept", &[]).await).await;
}

#[tokio::test]
async fn the_verification_lists_photos_missing_or_wrong_in_the_target_store_and_a_rerun_repairs() {
    if !sqlite_pass() {
        return;
    }
    let app = spawn_app_with(&[]).await;
    let (a, _) = app
        .submit_street_report("韩营一巷", "exposed_garbage", "", "门口垃圾", 51)
        .await;
    let (b, _) = app
        .submit_street_report("韩营一巷", "exposed_garbage", "", "又有垃圾", 52)
        .await;
    let sha_of = |id: i64| {
        let app = &app;
        async move {
            let (sha,): (String,) =
                sqlx::query_as("SELECT sha256 FROM report_photos WHERE report_id = $1")
                    .bind(id)
                    .fetch_one(&app.db.pool)
                    .await
                    .unwrap();
            sha
        }
    };
    let (missing, wrong) = (sha_of(a).await, sha_of(b).await);
    let (_, s3_env) = s3_bucket().await;
    let (pg_url, _pg) = fresh_postgres().await;
    let config = config_of(&app, &s3_env);
    let (result, out) = run(&config, &pg_url, &Options::default()).await;
    result.unwrap_or_else(|e| panic!("{e:#}\n{out}"));

    // One photo deleted from the bucket (both variants), another overwritten with other bytes.
    let store: PhotoStore = config.photo_store().unwrap();
    app::storage::forget_in_use();
    let gone = store
        .remove_unless_in_use(&PhotoSha::parse(&missing).unwrap(), Duration::ZERO)
        .await
        .unwrap();
    assert!(gone);
    store
        .put(
            &PhotoSha::parse(&wrong).unwrap(),
            PhotoVariant::Full,
            b"not the photo",
        )
        .await
        .unwrap();

    let mut out = Vec::new();
    let e = verify(&config, &pg_url, &Options::default(), &mut out)
        .await
        .unwrap_err();
    let message = format!("{e:#}");
    assert!(
        message.contains("verification failed, 3 differences"),
        "{message}"
    );
    assert!(
        message.contains(&format!("photo {missing}: missing from the target store")),
        "{message}"
    );
    assert!(
        message.contains(&format!("photo {missing}: its thumbnail is missing")),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "photo {wrong}: the stored content does not match its name"
        )),
        "{message}"
    );
    // The counts themselves were fine.
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains("DIFFERS"), "{out}");

    // Running the migration again puts the photos back.
    let (result, out) = run(&config, &pg_url, &Options::default()).await;
    let summary = result.unwrap_or_else(|e| panic!("{e:#}\n{out}"));
    assert_eq!(summary.rows_inserted, 0);
    assert_eq!(summary.photos_checked, 2);
}

#[tokio::test]
async fn with_the_local_folder_as_the_store_the_photos_stay_and_are_verified_there() {
    if !sqlite_pass() {
        return;
    }
    let app = spawn_app_with(&[]).await;
    app.submit_street_report("韩营一巷", "exposed_garbage", "", "门口垃圾", 61)
        .await;
    let (pg_url, pg) = fresh_postgres().await;
    let config = config_of(&app, &[]);
    let (result, out) = run(&config, &pg_url, &Options::default()).await;
    let summary = result.unwrap_or_else(|e| panic!("{e:#}\n{out}"));
    assert!(out.contains("they stay where they are"), "{out}");
    assert_eq!((summary.photos_copied, summary.photos_checked), (0, 1));
    assert_eq!(pg_count(&pg, "reports").await, 1);
}

#[tokio::test]
async fn refuses_a_source_that_is_not_sqlite_or_a_target_that_is_not_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let config = |url: &str| {
        let url = url.to_string();
        let data = data.clone();
        Config::from_lookup(move |k| match k {
            "DATABASE_URL" => Some(url.clone()),
            "DATA_DIR" => Some(data.clone()),
            _ => None,
        })
        .unwrap()
    };
    let pg = "postgres://postgres@127.0.0.1:5432/never_created";
    let (result, _) = run(
        &config("postgres://u:secret@db/jx"),
        pg,
        &Options::default(),
    )
    .await;
    let e = format!("{:#}", result.unwrap_err());
    assert!(
        e.contains("copies from SQLite") && !e.contains("secret"),
        "{e}"
    );
    let sqlite = format!("sqlite://{data}/jiexiang.db?mode=rwc");
    for target in [
        sqlite.as_str(),
        "mysql://u:secret@db/jx",
        "127.0.0.1:5432/jx",
    ] {
        let (result, _) = run(&config(&sqlite), target, &Options::default()).await;
        let e = format!("{:#}", result.unwrap_err());
        assert!(
            e.contains("must be a postgres:// URL") && !e.contains("secret"),
            "{e}"
        );
    }
    // A source file that is not there is not created empty and copied.
    let (result, _) = run(&config(&sqlite), pg, &Options::default()).await;
    let e = format!("{:#}", result.unwrap_err());
    assert!(e.contains("does not exist"), "{e}");
    assert!(!dir.path().join("jiexiang.db").exists());
}
