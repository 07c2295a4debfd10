//! The foundation end to end: health, the server-rendered home page, the demo seed,
//! server functions, security headers, 404s — on the real router and a real database.

use crate::common::spawn_app;

#[tokio::test]
async fn health_answers_json_with_the_database() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["service"], "jiexiang");
    assert_eq!(body["database"], crate::common::backend().as_str());
}

#[tokio::test]
async fn home_page_is_server_rendered_in_chinese() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(headers.contains_key(h), "missing {h}");
    }
    // Not a document: only nosniff, no CSP bytes on every asset.
    let health = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");
    assert!(!health.headers().contains_key("content-security-policy"));
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<html lang="zh-CN""#));
    for text in [
        "街巷随手拍",
        "我要上报",
        "我的上报",
        "进度查询",
        "示范户公示",
        "工作人员登录",
    ] {
        assert!(html.contains(text), "home page lacks {text}");
    }
    // The hydration scripts point at the named wasm bundle.
    assert!(html.contains("/pkg/jiexiang"), "no hydration script");
    // Server-side data reached the page: the seeded counts.
    assert!(
        html.contains("已收到上报 0 件，已结案 0 件"),
        "summary not rendered"
    );
    assert!(
        html.contains("覆盖 3 个办事处、9 个居委会、"),
        "coverage not rendered"
    );
}

#[tokio::test]
async fn html_is_compressed_when_the_client_accepts_it() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn demo_seed_has_the_seed_pages_places_and_categories_once() {
    let app = spawn_app().await;
    let data = app::areas::db::reference_data(&app.db).await.unwrap();
    let names: Vec<_> = data.offices.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["太昊路办事处", "淮河路办事处", "开元路产业集聚区"]);
    let office_of = |community: &str| {
        let c = data
            .communities
            .iter()
            .find(|c| c.name == community)
            .unwrap();
        data.office(c.office_id).unwrap().name.clone()
    };
    for c in ["韩营", "陈营", "杨井沿", "南徐"] {
        assert_eq!(office_of(c), "太昊路办事处");
    }
    for c in ["康楼", "姚滩", "康庄"] {
        assert_eq!(office_of(c), "淮河路办事处");
    }
    for c in ["毛楼", "路庄"] {
        assert_eq!(office_of(c), "开元路产业集聚区");
    }
    assert_eq!(data.communities.len(), 9);
    assert!(data.streets.len() >= 2 * data.communities.len());
    assert_eq!(data.categories.len(), 16);
    let garbage = data
        .categories
        .iter()
        .find(|c| c.name == "暴露垃圾")
        .unwrap();
    assert!(garbage.deadline_hours > 0);
    assert_eq!(data.categories.last().unwrap().name, "其他");
    // Seeding again does nothing.
    assert!(!app::areas::seed::seed_demo(&app.db).await.unwrap());
    let again = app::areas::db::reference_data(&app.db).await.unwrap();
    assert_eq!(again, data);
}

#[tokio::test]
async fn reference_data_server_function_returns_json() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/reference_data"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["offices"].as_array().unwrap().len(), 3);
    assert_eq!(body["categories"][0]["name"], "暴露垃圾");
}

#[tokio::test]
async fn unknown_pages_are_a_chinese_404() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains("页面不存在"));
}

#[tokio::test]
async fn pkg_files_are_served_precompressed() {
    let app = spawn_app().await;
    let pkg = app.data_dir.path().join("site").join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        pkg.join("jiexiang.js"),
        "export function hydrate() {}\n".repeat(50),
    )
    .unwrap();
    std::fs::write(pkg.join("jiexiang.js.br"), b"pretend-brotli").unwrap();

    let res = app
        .client
        .get(app.url("/pkg/jiexiang.js"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"pretend-brotli");

    let plain = app
        .client
        .get(app.url("/pkg/jiexiang.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());

    let missing = app
        .client
        .get(app.url("/pkg/nope.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

// ---- hardening (issue 11) ----

#[tokio::test]
async fn the_binary_started_without_seed_demo_has_no_demo_accounts() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("plain.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", dir.path())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db_path.display()),
        )
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the server binary");
    let stdout = child.stdout.take().unwrap();
    let listening = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.contains("listening on"))
    });
    let line = listening.join().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.is_some(), "the binary did not start");
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db_path.display()))
        .await
        .unwrap();
    let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let (offices,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM offices")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!((users, offices), (0, 0), "no demo data unless asked for");
}

#[tokio::test]
async fn demo_accounts_are_announced_loudly_at_every_start() {
    let app = crate::common::spawn_app().await;
    let demo = app::session::seed::accounts_with_demo_password(&app.db)
        .await
        .unwrap();
    assert_eq!(demo, vec!["admin", "dudao", "taihao", "huaihe", "kaiyuan"]);
    app::session::auth::reset_password(&app.db, "admin", "a-real-long-password")
        .await
        .unwrap();
    let demo = app::session::seed::accounts_with_demo_password(&app.db)
        .await
        .unwrap();
    assert_eq!(demo, vec!["dudao", "taihao", "huaihe", "kaiyuan"]);
}

#[tokio::test]
async fn a_request_header_that_never_finishes_is_dropped_after_the_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::common::spawn_app_with(&[("HEADER_READ_TIMEOUT", "1")]).await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    // The server closes the connection (maybe after a 408): read to the end.
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut buf),
    )
    .await;
    assert!(read.is_ok(), "still open after 10 s");
    let waited = started.elapsed();
    assert!(
        waited < std::time::Duration::from_secs(5),
        "closed after {waited:?}"
    );
    // The server itself is fine.
    let res = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_body_that_trickles_in_is_answered_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::common::spawn_app_with(&[
        ("BODY_GRACE", "1"),
        ("BODY_IDLE_TIMEOUT", "1"),
        ("BODY_MIN_RATE", "1000"),
    ])
    .await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(
            b"POST /api/reports/track HTTP/1.1\r\nHost: x\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\ncode=",
        )
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut buf),
    )
    .await;
    assert!(read.is_ok(), "still open after 10 s");
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn orphaned_photos_are_swept_and_referenced_or_fresh_ones_never() {
    use app::storage::{PhotoSha, PhotoStore, PhotoVariant};
    let app = crate::common::spawn_app().await;
    let store = PhotoStore::new(app.data_dir.path());
    // A report's photos: referenced.
    app.submit_street_report("韩营一巷", "exposed_garbage", "", "门口垃圾", 3)
        .await;
    let (referenced,): (String,) = sqlx::query_as("SELECT sha256 FROM report_photos LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let referenced = PhotoSha::parse(&referenced).unwrap();
    // An orphan: written, but its report's transaction never committed.
    let orphan = PhotoSha::of(b"orphan");
    store
        .put(&orphan, PhotoVariant::Full, b"orphan")
        .await
        .unwrap();
    store
        .put(&orphan, PhotoVariant::Thumb, b"orphan-t")
        .await
        .unwrap();
    // A fresh orphan: a submission may be about to insert its row.
    let fresh = PhotoSha::of(b"fresh");
    store
        .put(&fresh, PhotoVariant::Full, b"fresh")
        .await
        .unwrap();
    // Age all but the fresh one by two days.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 3600);
    for sha in [&referenced, &orphan] {
        for v in [PhotoVariant::Full, PhotoVariant::Thumb] {
            let f = std::fs::File::options()
                .append(true)
                .open(store.local_path(sha, v).unwrap())
                .unwrap();
            f.set_modified(old).unwrap();
        }
    }
    // Both aged photos were stored by this process within the hour ("in use"): the sweep
    // must leave them for now even though one is an orphan.
    let removed = app::photo_sweep::sweep(&app.db, &store, app::photo_sweep::MIN_AGE)
        .await
        .unwrap();
    assert_eq!(removed, 0);
    assert!(
        store
            .local_path(&orphan, PhotoVariant::Full)
            .unwrap()
            .exists()
    );
    // With the in-use protection expired (a restarted process has none), the orphan goes.
    app::storage::forget_in_use();
    let removed = app::photo_sweep::sweep(&app.db, &store, app::photo_sweep::MIN_AGE)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(
        !store
            .local_path(&orphan, PhotoVariant::Full)
            .unwrap()
            .exists()
    );
    assert!(
        !store
            .local_path(&orphan, PhotoVariant::Thumb)
            .unwrap()
            .exists()
    );
    assert!(
        store
            .local_path(&referenced, PhotoVariant::Full)
            .unwrap()
            .exists()
    );
    assert!(
        store
            .local_path(&referenced, PhotoVariant::Thumb)
            .unwrap()
            .exists()
    );
    assert!(
        store
            .local_path(&fresh, PhotoVariant::Full)
            .unwrap()
            .exists()
    );
    // The referenced photo is still served.
    let res = app
        .client
        .get(app.url(&format!("/photos/{referenced}.jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// A photo named only by an honour's event (the plaque) or only by a finding is no orphan:
/// with every file two days old and no submission's protection left, the sweep removes the
/// orphan beside them and keeps both.
#[tokio::test]
async fn photos_named_only_by_an_honour_or_a_finding_survive_the_sweep() {
    use app::storage::{PhotoSha, PhotoStore, PhotoVariant};
    let app = crate::common::spawn_app().await;
    let store = PhotoStore::new(app.data_dir.path());
    let staff = app.login("taihao").await;
    let honour = crate::honours::nominate(&app, &staff, "王建国").await;
    let day = crate::honours::day(5);
    for (action, date, photo) in [("publish", day.as_str(), false), ("award", "", true)] {
        let res = crate::honours::act(&app, Some(&staff), honour, action, date, "", photo).await;
        crate::common::ok(res).await;
    }
    let (plaque,): (String,) = sqlx::query_as(
        "SELECT photo_sha256 FROM honour_events WHERE honour_id = $1 AND action = 'award'",
    )
    .bind(honour)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let (_, finding) = crate::supervision::finding(&app).await;
    let (found,): (String,) =
        sqlx::query_as("SELECT sha256 FROM finding_photos WHERE finding_id = $1")
            .bind(finding)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    for sha in [&plaque, &found] {
        assert_eq!(
            app.scalar_for("SELECT COUNT(*) FROM report_photos WHERE sha256 = $1", sha)
                .await,
            0,
            "named by no report"
        );
    }
    let orphan = PhotoSha::of(b"orphan");
    store
        .put(&orphan, PhotoVariant::Full, b"orphan")
        .await
        .unwrap();
    // Every file two days old, and no submission's protection (as after a restart).
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 3600);
    for sha in [plaque.as_str(), found.as_str(), orphan.as_str()] {
        let sha = PhotoSha::parse(sha).unwrap();
        for v in [PhotoVariant::Full, PhotoVariant::Thumb] {
            let path = store.local_path(&sha, v).unwrap();
            if let Ok(f) = std::fs::File::options().append(true).open(&path) {
                f.set_modified(old).unwrap();
            }
        }
    }
    app::storage::forget_in_use();
    let removed = app::photo_sweep::sweep(&app.db, &store, app::photo_sweep::MIN_AGE)
        .await
        .unwrap();
    assert_eq!(removed, 1, "the orphan, and only it");
    assert!(
        !store
            .local_path(&orphan, PhotoVariant::Full)
            .unwrap()
            .exists()
    );
    for sha in [&plaque, &found] {
        let sha = PhotoSha::parse(sha).unwrap();
        for v in [PhotoVariant::Full, PhotoVariant::Thumb] {
            assert!(store.local_path(&sha, v).unwrap().exists(), "{sha} {v:?}");
        }
    }
}
