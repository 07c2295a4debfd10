//! Staff triage end to end on the real router and a real database (SQLite, or PostgreSQL
//! with TEST_DATABASE=postgres): sessions, the authorization matrix over every staff server
//! function, the workflow with its events, optimistic concurrency, deadlines and overdue,
//! transfers, duplicates, the queue's filters and keyset pages, the dashboard, and the
//! resident's 已解决 / 仍未解决.

use crate::common::{TestApp, ok, refused, small_jpeg as jpeg, spawn_app, spawn_app_with};
use app::error::AppError;
use app::reports::PublicReport;
use app::staff::{Dashboard, QueuePage, ReportDetail};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

// ---- fixtures ----

/// A server function call: path, form fields, whether the caller may make it.
type Call<'a> = (&'a str, Vec<(&'a str, String)>, bool);
/// An action on a report: report id, action, extra form fields.
type ActCase<'a> = (i64, &'a str, Vec<(&'a str, &'a str)>);

/// A resident's report on `street` (太昊路办事处 streets: 韩营一巷 …; 淮河路: 康楼中街 …).
async fn report_on(app: &TestApp, street: &str, category: &str, phone: &str) -> (i64, String) {
    let seed = street.len() as u8;
    app.submit_street_report(street, category, phone, "巷口垃圾三天没人清理", seed)
        .await
}

async fn report(app: &TestApp) -> (i64, String) {
    report_on(app, "韩营一巷", "exposed_garbage", "13800138000").await
}

/// (status, version, events) of a report: what a refused call must leave alone.
async fn snapshot(app: &TestApp, id: i64) -> (String, i64, i64, i64) {
    let (status, version, office): (String, i64, i64) =
        sqlx::query_as("SELECT status, version, office_id FROM reports WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let (events,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM report_events WHERE report_id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    (status, version, office, events)
}

async fn version(app: &TestApp, id: i64) -> i64 {
    snapshot(app, id).await.1
}

pub(crate) async fn act(
    app: &TestApp,
    cookie: Option<&str>,
    id: i64,
    action: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let v = version(app, id).await;
    act_at(app, cookie, id, v, action, extra).await
}

async fn act_at(
    app: &TestApp,
    cookie: Option<&str>,
    id: i64,
    version: i64,
    action: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let fields = act_fields(id, version, action, extra);
    app.post_form("/api/staff/act", cookie, &fields).await
}

/// The form fields of a `/api/staff/act` call.
fn act_fields<'a>(
    id: i64,
    version: i64,
    action: &str,
    extra: &[(&'a str, &str)],
) -> Vec<(&'a str, String)> {
    let mut fields = vec![
        ("report", id.to_string()),
        ("version", version.to_string()),
        ("action", action.to_string()),
    ];
    fields.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    fields
}

pub(crate) async fn rectify(
    app: &TestApp,
    cookie: Option<&str>,
    id: i64,
    photos: usize,
) -> reqwest::Response {
    let v = version(app, id).await;
    let mut form = Form::new()
        .text("report", id.to_string())
        .text("version", v.to_string())
        .text("note", "已清运")
        .text("public_note", "1");
    for i in 0..photos {
        form = form.part(
            "photo",
            Part::bytes(jpeg(100 + i as u8))
                .file_name("after.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    let mut req = app
        .client
        .post(app.url("/api/staff/rectify"))
        .multipart(form);
    if let Some(c) = cookie {
        req = req.header(reqwest::header::COOKIE, c);
    }
    req.send().await.unwrap()
}

pub(crate) async fn feedback(
    app: &TestApp,
    code: &str,
    answer: &str,
    photo: bool,
) -> reqwest::Response {
    let mut form = Form::new()
        .text("code", code.to_string())
        .text("answer", answer.to_string())
        .text("note", "垃圾又堆起来了");
    if photo {
        form = form.part(
            "photo",
            Part::bytes(jpeg(200))
                .file_name("again.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    app.post_multipart("/api/reports/feedback", None, form)
        .await
}

async fn queue(app: &TestApp, cookie: &str, query: &[(&str, &str)]) -> QueuePage {
    let fields: Vec<(&str, String)> = query.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let body = ok(app
        .post_form("/api/staff/queue", Some(cookie), &fields)
        .await)
    .await;
    serde_json::from_str(&body).unwrap()
}

async fn detail(app: &TestApp, cookie: &str, id: i64) -> ReportDetail {
    let body = ok(app
        .post_form("/api/staff/report", Some(cookie), &[("id", id.to_string())])
        .await)
    .await;
    serde_json::from_str(&body).unwrap()
}

async fn track(app: &TestApp, code: &str) -> PublicReport {
    let body = ok(app
        .post_form("/api/reports/track", None, &[("code", code.to_string())])
        .await)
    .await;
    serde_json::from_str(&body).unwrap()
}

/// Accept, then dispatch: the report is 已派遣 with a deadline.
async fn dispatched(app: &TestApp, cookie: &str) -> (i64, String) {
    let (id, code) = report(app).await;
    ok(act(app, Some(cookie), id, "accept", &[]).await).await;
    ok(act(app, Some(cookie), id, "dispatch", &[("unit", "韩营居委会")]).await).await;
    (id, code)
}

// ---- sessions ----

#[tokio::test]
async fn login_sets_an_httponly_lax_cookie_and_logout_ends_the_session() {
    let app = spawn_app().await;
    let res = app
        .post_form(
            "/api/staff/login",
            None,
            &[
                ("username", "taihao".into()),
                ("password", crate::common::DEMO_PASSWORD.into()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let set_cookie = res
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    // Only a hash of the token is stored.
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM sessions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(!cookie.contains(&stored));

    queue(&app, &cookie, &[]).await;
    ok(app.post_form("/api/staff/logout", Some(&cookie), &[]).await).await;
    refused(
        app.post_form("/api/staff/queue", Some(&cookie), &[]).await,
        401,
    )
    .await;
}

#[tokio::test]
async fn a_browser_login_redirects_and_a_wrong_password_comes_back_with_a_message() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/staff/login"))
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&[("username", "taihao"), ("password", "wrong-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let to = res.headers()[reqwest::header::LOCATION].to_str().unwrap();
    assert!(to.starts_with("/staff/login?err="), "{to}");
    let page = app
        .client
        .get(app.url(to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("用户名或密码不正确"));

    let res = app
        .client
        .post(app.url("/api/staff/login"))
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&[
            ("username", "taihao"),
            ("password", crate::common::DEMO_PASSWORD),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()[reqwest::header::LOCATION], "/staff?ok=1");
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_even_with_the_right_password() {
    use app::session::throttle::FREE_PAIR_FAILURES;
    let app = spawn_app().await;
    for i in 0..FREE_PAIR_FAILURES + 2 {
        let res = login_attempt(&app, "huaihe", "guess-guess", None, None).await;
        if i < FREE_PAIR_FAILURES {
            refused(res, 400).await;
        } else {
            // Past the free failures this address must wait (1 s, doubling) on this account.
            assert!(res.headers().contains_key(reqwest::header::RETRY_AFTER));
            refused(res, 429).await;
        }
    }
    let res = login_attempt(&app, "huaihe", crate::common::DEMO_PASSWORD, None, None).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key(reqwest::header::RETRY_AFTER));
    // Another account from the same address is not slowed by it.
    app.login("taihao").await;
    // Once the delay has passed, the right password works again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = login_attempt(&app, "huaihe", crate::common::DEMO_PASSWORD, None, None).await;
    assert_eq!(res.status(), 200);
}

/// A JSON (not browser) login from `forwarded` (behind a trusted proxy) with an optional
/// device cookie.
async fn login_attempt(
    app: &TestApp,
    username: &str,
    password: &str,
    forwarded: Option<&str>,
    device: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/staff/login"))
        .form(&[("username", username), ("password", password)]);
    if let Some(ip) = forwarded {
        req = req.header("x-forwarded-for", format!("203.0.113.250, {ip}"));
    }
    if let Some(d) = device {
        req = req.header(reqwest::header::COOKIE, d);
    }
    req.send().await.unwrap()
}

/// The `jx_device=…` cookie a login set, if any.
fn device_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("jx_device="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

#[tokio::test]
async fn sixty_concurrent_wrong_logins_check_only_the_free_few_passwords() {
    use app::session::throttle::FREE_PAIR_FAILURES;
    let app = std::sync::Arc::new(spawn_app().await);
    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..60)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let res = login_attempt(&app, "huaihe", "wrong-password", None, None).await;
                (
                    res.status().as_u16(),
                    res.headers().contains_key("retry-after"),
                )
            })
        })
        .collect();
    let mut checked = 0;
    let mut throttled = 0;
    for t in tasks {
        match t.await.unwrap() {
            (400, _) => checked += 1,
            (429, true) => throttled += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    eprintln!(
        "60 concurrent wrong logins: {checked} checked (400), {throttled} throttled (429) in {:?}",
        started.elapsed()
    );
    assert!(
        checked <= FREE_PAIR_FAILURES as usize,
        "{checked} passwords checked"
    );
    assert_eq!(checked + throttled, 60);
    // Every checked attempt is on record; the throttled ones were never verified.
    let stored = app
        .scalar("SELECT COUNT(*) FROM login_failures WHERE username = 'huaihe'")
        .await;
    assert_eq!(stored, checked as i64);
}

#[tokio::test]
async fn an_attackers_burst_locks_out_neither_other_addresses_nor_known_devices() {
    let app = spawn_app_with(&[("TRUST_PROXY", "true")]).await;
    // The administrator signs in from the office once: the device is remembered.
    let res = login_attempt(
        &app,
        "admin",
        crate::common::DEMO_PASSWORD,
        Some("10.1.1.1"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let device = device_cookie(&res).expect("a device cookie");
    assert!(
        res.headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().unwrap().contains("Path=/api/staff/login")),
        "the device cookie goes only to the login"
    );

    // An attacker's burst of wrong passwords on admin from one address.
    let attacker = "198.51.100.7";
    let burst: Vec<_> = (0..30)
        .map(|_| login_attempt(&app, "admin", "guess-guess", Some(attacker), None))
        .collect();
    let answers = futures_util::future::join_all(burst).await;
    assert!(answers.iter().any(|r| r.status() == 429));
    // The attacker's own right guess would now wait too.
    let res = login_attempt(
        &app,
        "admin",
        crate::common::DEMO_PASSWORD,
        Some(attacker),
        None,
    )
    .await;
    assert_eq!(res.status(), 429);

    // The right password from another address logs in at once…
    let res = login_attempt(
        &app,
        "admin",
        crate::common::DEMO_PASSWORD,
        Some("10.2.2.2"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    // …and so does the known device, even from the attacker's own address.
    let res = login_attempt(
        &app,
        "admin",
        crate::common::DEMO_PASSWORD,
        Some(attacker),
        Some(&device),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(
        device_cookie(&res).is_none(),
        "a known device keeps its cookie"
    );

    // The client-written first X-Forwarded-For entry changes nothing: only the last counts.
    let res = app
        .client
        .post(app.url("/api/staff/login"))
        .header("x-forwarded-for", format!("10.9.9.9, {attacker}"))
        .form(&[
            ("username", "admin"),
            ("password", crate::common::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
}

/// Failures as the throttle records them, put straight into the table.
async fn record_failures(app: &TestApp, rows: &[(&str, &str)]) {
    let now = app::domain::Millis::now().0;
    for (username, client) in rows {
        sqlx::query(
            "INSERT INTO login_failures (username, client_ip, device, created_at) \
             VALUES ($1, $2, NULL, $3)",
        )
        .bind(*username)
        .bind(*client)
        .bind(now - 60_000)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn distributed_guessing_stops_unknown_clients_but_not_the_accounts_own_devices() {
    use app::session::throttle::MAX_ACCOUNT_FAILURES;
    let app = spawn_app_with(&[("TRUST_PROXY", "true")]).await;
    let res = login_attempt(
        &app,
        "kaiyuan",
        crate::common::DEMO_PASSWORD,
        Some("10.1.1.1"),
        None,
    )
    .await;
    let device = device_cookie(&res).expect("a device cookie");
    // Many addresses, one failure each: the account-wide limit for unknown clients.
    let ips: Vec<String> = (0..MAX_ACCOUNT_FAILURES)
        .map(|i| format!("192.0.2.{}", i % 250))
        .collect();
    let rows: Vec<(&str, &str)> = ips.iter().map(|ip| ("kaiyuan", ip.as_str())).collect();
    record_failures(&app, &rows).await;
    let res = login_attempt(
        &app,
        "kaiyuan",
        crate::common::DEMO_PASSWORD,
        Some("10.3.3.3"),
        None,
    )
    .await;
    assert_eq!(res.status(), 429);
    let res = login_attempt(
        &app,
        "kaiyuan",
        crate::common::DEMO_PASSWORD,
        Some("10.3.3.3"),
        Some(&device),
    )
    .await;
    assert_eq!(
        res.status(),
        200,
        "a device that signed in before is spared"
    );
    // Other accounts are untouched.
    let res = login_attempt(
        &app,
        "taihao",
        crate::common::DEMO_PASSWORD,
        Some("10.3.3.3"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn password_spraying_from_one_address_stops_at_the_address_limit() {
    use app::session::throttle::MAX_ADDRESS_FAILURES;
    let app = spawn_app_with(&[("TRUST_PROXY", "true")]).await;
    let sprayer = "198.51.100.9";
    let names: Vec<String> = (0..MAX_ADDRESS_FAILURES)
        .map(|i| format!("user{i}"))
        .collect();
    let rows: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), sprayer)).collect();
    record_failures(&app, &rows).await;
    // A new account from that address: refused before any password check.
    let res = login_attempt(
        &app,
        "huaihe",
        crate::common::DEMO_PASSWORD,
        Some(sprayer),
        None,
    )
    .await;
    assert_eq!(res.status(), 429);
    // The same account from elsewhere is fine.
    let res = login_attempt(
        &app,
        "huaihe",
        crate::common::DEMO_PASSWORD,
        Some("10.4.4.4"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn usernames_are_checked_before_they_touch_the_database() {
    let app = spawn_app().await;
    let long = "a".repeat(60 * 1024);
    for name in [long.as_str(), "王五", "a b", "x"] {
        let res = login_attempt(&app, name, "whatever-password", None, None).await;
        assert_eq!(res.status(), 400, "{}", name.len());
    }
    // A body past the forms' most never reaches the function.
    let huge = "a".repeat(1024 * 1024);
    let res = login_attempt(&app, &huge, "whatever-password", None, None).await;
    assert_eq!(res.status(), 413);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM login_failures").await, 0);
}

#[tokio::test]
async fn signed_out_staff_pages_redirect_to_the_login() {
    let app = spawn_app().await;
    for path in ["/staff", "/staff/report/1", "/staff/dashboard"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        assert_eq!(
            res.headers()[reqwest::header::LOCATION],
            "/staff/login",
            "{path}"
        );
    }
    let page = app
        .client
        .get(app.url("/staff/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("工作人员登录"));
}

/// Under load, on a multi-threaded runtime like the real server's, a signed-out page is a 302
/// to the login every time. CI once saw a signed-out browser stay on `/staff`: the page's
/// data calls (401) and the page's redirect (302) raced to set the status, and a 401 with a
/// Location header is not followed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn signed_out_redirect_holds_under_concurrent_load() {
    let app = spawn_app().await;
    let paths = [
        "/staff",
        "/staff/report/1",
        "/staff/dashboard",
        "/staff/honours",
        "/admin",
    ];
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..400 {
        let client = app.client.clone();
        let path = paths[i % paths.len()];
        let url = app.url(path);
        tasks.spawn(async move {
            let res = client.get(url).send().await.unwrap();
            let location = res
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|v| v.to_str().unwrap_or("").to_string());
            (path, res.status(), location)
        });
        // Keep about 24 requests in flight.
        if tasks.len() >= 24 {
            let (path, status, location) = tasks.join_next().await.unwrap().unwrap();
            assert_eq!(status, StatusCode::FOUND, "{path}");
            assert_eq!(location.as_deref(), Some("/staff/login"), "{path}");
        }
    }
    while let Some(done) = tasks.join_next().await {
        let (path, status, location) = done.unwrap();
        assert_eq!(status, StatusCode::FOUND, "{path}");
        assert_eq!(location.as_deref(), Some("/staff/login"), "{path}");
    }
}

/// Each page answers the status of what it shows (the page decides, not the data calls made
/// while it renders): another office's report, queue or dashboard is 403, and so on.
#[tokio::test]
async fn staff_pages_answer_the_status_of_what_they_show() {
    let app = spawn_app().await;
    let (id, _) = report(&app).await; // 太昊路办事处's
    let (other_office,): (i64,) =
        sqlx::query_as("SELECT id FROM offices WHERE name = '淮河路办事处'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let taihao = app.login("taihao").await;
    let huaihe = app.login("huaihe").await;
    let get = |path: String, cookie: &str| {
        app.client
            .get(app.url(&path))
            .header(reqwest::header::COOKIE, cookie)
            .send()
    };
    let cases = [
        (format!("/staff/report/{id}"), &taihao, 200),
        (format!("/staff/report/{id}"), &huaihe, 403),
        (format!("/staff/report/{}", id + 1000), &taihao, 404),
        ("/staff".to_string(), &taihao, 200),
        (format!("/staff?office={other_office}"), &taihao, 403),
        ("/staff?from=2026-13-40".to_string(), &taihao, 400),
        ("/staff/dashboard".to_string(), &taihao, 200),
        (
            format!("/staff/dashboard?office={other_office}"),
            &taihao,
            403,
        ),
        ("/admin".to_string(), &taihao, 403),
    ];
    for (path, cookie, want) in cases {
        let res = get(path.clone(), cookie).await.unwrap();
        assert_eq!(res.status().as_u16(), want, "{path}");
        assert!(
            res.headers().get(reqwest::header::LOCATION).is_none(),
            "{path}"
        );
    }
    // The public /track page, too.
    for (path, want) in [("/track?code=ABCD2345", 404), ("/track?code=ABC", 400)] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), want, "{path}");
    }
}

// ---- authorization ----

/// (anonymous, staff of A, staff of B, admin) × every staff server function. The report is
/// office A's (太昊路办事处). Only the allowed cells succeed; every refused call changes nothing.
#[tokio::test]
async fn authorization_matrix() {
    let app = spawn_app().await;
    let staff_a = app.login("taihao").await;
    let staff_b = app.login("huaihe").await;
    let admin = app.login("admin").await;
    let office_a = app
        .scalar("SELECT id FROM offices WHERE name = '太昊路办事处'")
        .await;
    let callers: [(&str, Option<&str>); 4] = [
        ("anonymous", None),
        ("staff A", Some(&staff_a)),
        ("staff B", Some(&staff_b)),
        ("admin", Some(&admin)),
    ];

    // Reads: queue (own office), queue of office A, detail, dashboard of A, offices.
    for (who, cookie) in callers {
        let expect = |allowed: bool| match (who, allowed) {
            ("anonymous", _) => 401,
            (_, true) => 200,
            (_, false) => 403,
        };
        let (id, _) = report(&app).await;
        let before = snapshot(&app, id).await;
        let reads: Vec<Call> = vec![
            ("/api/staff/queue", vec![], true),
            (
                "/api/staff/queue",
                vec![("office", office_a.to_string())],
                who != "staff B",
            ),
            (
                "/api/staff/report",
                vec![("id", id.to_string())],
                who != "staff B",
            ),
            (
                "/api/staff/dashboard",
                vec![("office", office_a.to_string())],
                who != "staff B",
            ),
            ("/api/staff/offices", vec![], true),
        ];
        for (path, fields, allowed) in reads {
            let res = app.post_form(path, cookie, &fields).await;
            assert_eq!(
                res.status().as_u16(),
                expect(allowed),
                "{who} {path} {fields:?}"
            );
        }
        // B's own queue does not list A's report.
        if who == "staff B" {
            let page = queue(&app, cookie.unwrap(), &[]).await;
            assert!(page.rows.iter().all(|r| r.id.0 != id));
        }

        // Writes: every action on a report of office A, in a state where it is valid.
        let accept = act(&app, cookie, id, "accept", &[]).await;
        let allowed = who != "staff B";
        assert_eq!(accept.status().as_u16(), expect(allowed), "{who} accept");
        if !allowed || who == "anonymous" {
            assert_eq!(
                snapshot(&app, id).await,
                before,
                "{who}: refused accept changed nothing"
            );
            // The remaining actions on a report prepared by A's staff.
            let (pending, _) = report(&app).await;
            let (disp, _) = dispatched(&app, &staff_a).await;
            let cases: Vec<ActCase> = vec![
                (pending, "reject", vec![("note", "不属于背街小巷")]),
                (pending, "duplicate", vec![("duplicate_of", "1")]),
                (pending, "transfer", vec![("transfer_to", "2")]),
                (disp, "send_back", vec![("note", "x")]),
            ];
            for (rid, action, extra) in cases {
                let before = snapshot(&app, rid).await;
                let res = act(&app, cookie, rid, action, &extra).await;
                assert_eq!(res.status().as_u16(), expect(false), "{who} {action}");
                assert_eq!(
                    snapshot(&app, rid).await,
                    before,
                    "{who} {action} changed something"
                );
            }
            let before = snapshot(&app, disp).await;
            let photos_before = app.scalar("SELECT COUNT(*) FROM report_photos").await;
            let res = rectify(&app, cookie, disp, 1).await;
            assert_eq!(res.status().as_u16(), expect(false), "{who} rectify");
            assert_eq!(snapshot(&app, disp).await, before);
            assert_eq!(
                app.scalar("SELECT COUNT(*) FROM report_photos").await,
                photos_before
            );
        } else {
            // Allowed: the whole road to 结案 works for this caller.
            let c = cookie;
            ok(act(&app, c, id, "dispatch", &[("unit", "韩营居委会")]).await).await;
            ok(rectify(&app, c, id, 1).await).await;
            ok(act(&app, c, id, "close", &[]).await).await;
            ok(act(&app, c, id, "reopen", &[("note", "复查发现反弹")]).await).await;
        }
    }
}

// ---- the workflow ----

#[tokio::test]
async fn another_sites_page_cannot_act_with_a_staff_session() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;
    let (id, _) = report(&app).await;
    let category = app
        .scalar("SELECT id FROM categories WHERE code = 'piled_materials'")
        .await;
    let before = snapshot(&app, id).await;
    let category = category.to_string();
    let fields = act_fields(
        id,
        version(&app, id).await,
        "accept",
        &[("category", &category)],
    );
    let send = |headers: Vec<(&'static str, String)>| {
        let mut req = app
            .client
            .post(app.url("/api/staff/act"))
            .form(&fields)
            .header(reqwest::header::COOKIE, staff.as_str());
        for (name, value) in headers {
            req = req.header(name, value);
        }
        req.send()
    };
    // What a browser says about a form or fetch from another site's page.
    for headers in [
        vec![("sec-fetch-site", "cross-site".to_string())],
        vec![("sec-fetch-site", "same-site".to_string())],
        vec![("origin", "http://evil.test".to_string())],
        vec![("origin", "null".to_string())],
    ] {
        let e = refused(send(headers.clone()).await.unwrap(), 403).await;
        assert_eq!(e, AppError::Forbidden, "{headers:?}");
        assert_eq!(
            snapshot(&app, id).await,
            before,
            "{headers:?} changed the report"
        );
    }
    // The same request from the app's own page goes through.
    ok(send(vec![
        ("sec-fetch-site", "same-origin".to_string()),
        ("origin", format!("http://{}", app.addr)),
    ])
    .await
    .unwrap())
    .await;
    assert_eq!(detail(&app, &staff, id).await.status.code(), "accepted");
}

#[tokio::test]
async fn accept_dispatch_rectify_close_and_the_public_page_shows_before_and_after() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;
    let (id, code) = report(&app).await;
    let other_category = app
        .scalar("SELECT id FROM categories WHERE code = 'piled_materials'")
        .await;

    let d = detail(&app, &staff, id).await;
    assert_eq!(
        d.contact_phone.as_deref(),
        Some("13800138000"),
        "staff see the phone"
    );

    ok(act(
        &app,
        Some(&staff),
        id,
        "accept",
        &[("category", &other_category.to_string())],
    )
    .await)
    .await;
    let d = detail(&app, &staff, id).await;
    assert_eq!(d.status.code(), "accepted");
    assert_eq!(
        d.category_id.0, other_category,
        "受理 may correct the category"
    );

    let before = app::domain::Millis::now();
    ok(act(
        &app,
        Some(&staff),
        id,
        "dispatch",
        &[("unit", "韩营居委会"), ("deadline_hours", "")],
    )
    .await)
    .await;
    let d = detail(&app, &staff, id).await;
    assert_eq!(d.status.code(), "dispatched");
    assert_eq!(d.dispatched_to.as_deref(), Some("韩营居委会"));
    // The deadline is now + the category's 处置时限 (乱堆物堆料: 24 h).
    let deadline = d.deadline_at.unwrap().0;
    let expected = before.0 + 24 * 3_600_000;
    assert!(
        (expected..expected + 60_000).contains(&deadline),
        "{deadline} vs {expected}"
    );

    refused(rectify(&app, Some(&staff), id, 0).await, 400).await;
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

    let d = detail(&app, &staff, id).await;
    assert_eq!(d.status.code(), "closed");
    let actions: Vec<&str> = d.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["submit", "accept", "dispatch", "rectify", "close"]
    );
    assert!(
        d.events[1..].iter().all(|e| e.actor.is_some()),
        "who acted is recorded"
    );

    let public = track(&app, &code).await;
    let after = public
        .photos
        .iter()
        .filter(|p| p.kind == app::reports::PhotoKind::After)
        .count();
    assert_eq!(after, 2);
    assert_eq!(public.photos.len(), 3);
    let statuses: Vec<&str> = public.timeline.iter().map(|e| e.status.code()).collect();
    assert_eq!(
        statuses,
        ["pending", "accepted", "dispatched", "rectified", "closed"]
    );
    assert!(
        public
            .timeline
            .iter()
            .any(|e| e.note.as_deref() == Some("已核查，现场整洁"))
    );
    assert!(public.can_answer);
    // The /track HTML never shows the phone; it shows the after photos.
    let html = app
        .client
        .get(app.url(&format!("/track?code={code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("13800138000"));
    assert!(html.contains("整改后照片"));
    assert!(html.contains("您对处理结果满意吗"));
}

#[tokio::test]
async fn internal_notes_stay_internal() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;
    let (id, code) = report(&app).await;
    ok(act(
        &app,
        Some(&staff),
        id,
        "accept",
        &[("note", "内部：联系人是老王")],
    )
    .await)
    .await;
    let public = track(&app, &code).await;
    assert!(public.timeline.iter().all(|e| e.note.is_none()));
    let html = app
        .client
        .get(app.url(&format!("/track?code={code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("老王"));
}

#[tokio::test]
async fn invalid_transitions_and_missing_reasons_change_nothing() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;
    let (id, _) = report(&app).await;
    let before = snapshot(&app, id).await;
    for (action, extra, status) in [
        ("close", vec![], 409),
        ("dispatch", vec![("unit", "韩营居委会")], 409),
        ("send_back", vec![("note", "x")], 409),
        ("reopen", vec![("note", "x")], 409),
        ("reject", vec![], 400),
        ("reject", vec![("note", "   ")], 400),
        ("resident_reopen", vec![], 400),
        ("rectify", vec![], 400),
        ("explode", vec![], 400),
        ("transfer", vec![("transfer_to", "999999")], 400),
        ("duplicate", vec![("duplicate_of", "NOPE2345")], 400),
    ] {
        let res = act(&app, Some(&staff), id, action, &extra).await;
        assert_eq!(res.status().as_u16(), status, "{action} {extra:?}");
        assert_eq!(
            snapshot(&app, id).await,
            before,
            "{action} changed something"
        );
    }
    ok(act(&app, Some(&staff), id, "accept", &[]).await).await;
    let bad_hours = ["0", "-3", "abc", "2161", "1.5"];
    for h in bad_hours {
        let before = snapshot(&app, id).await;
        let res = act(
            &app,
            Some(&staff),
            id,
            "dispatch",
            &[("unit", "韩营居委会"), ("deadline_hours", h)],
        )
        .await;
        refused(res, 400).await;
        assert_eq!(snapshot(&app, id).await, before);
    }
    let before = snapshot(&app, id).await;
    refused(
        act(&app, Some(&staff), id, "dispatch", &[("unit", " ")]).await,
        400,
    )
    .await;
    assert_eq!(snapshot(&app, id).await, before);
}

#[tokio::test]
async fn two_staff_acting_at_once_one_wins_the_other_gets_a_conflict() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let admin = app.login("admin").await;
    for _ in 0..3 {
        let (id, _) = report(&app).await;
        let v = version(&app, id).await;
        let (r1, r2) = tokio::join!(
            act_at(&app, Some(&a), id, v, "accept", &[]),
            act_at(&app, Some(&admin), id, v, "reject", &[("note", "重复上报")]),
        );
        let mut statuses = [r1.status().as_u16(), r2.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "exactly one wins");
        let (status, version, _, events) = snapshot(&app, id).await;
        assert!(status == "accepted" || status == "rejected");
        assert_eq!(version, v + 1);
        assert_eq!(events, 2, "one submit + one action");
    }
    // A stale form (shown before someone else acted) is refused with a clear message.
    let (id, _) = report(&app).await;
    let v = version(&app, id).await;
    ok(act_at(&app, Some(&a), id, v, "accept", &[]).await).await;
    let e = refused(
        act_at(
            &app,
            Some(&admin),
            id,
            v,
            "transfer",
            &[("transfer_to", "2")],
        )
        .await,
        409,
    )
    .await;
    assert!(e.to_string().contains("其他工作人员"), "{e}");
}

#[tokio::test]
async fn transfer_moves_the_report_to_the_other_offices_queue() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let b = app.login("huaihe").await;
    let office_b = app
        .scalar("SELECT id FROM offices WHERE name = '淮河路办事处'")
        .await;
    let (id, code) = report(&app).await;
    assert!(queue(&app, &a, &[]).await.rows.iter().any(|r| r.id.0 == id));
    ok(act(
        &app,
        Some(&a),
        id,
        "transfer",
        &[
            ("transfer_to", &office_b.to_string()),
            ("note", "属淮河路辖区"),
        ],
    )
    .await)
    .await;
    assert!(
        queue(&app, &a, &[]).await.rows.iter().all(|r| r.id.0 != id),
        "left A's queue"
    );
    let in_b = queue(&app, &b, &[]).await;
    let row = in_b
        .rows
        .iter()
        .find(|r| r.id.0 == id)
        .expect("in B's queue");
    assert_eq!(row.status.code(), "pending");
    refused(
        app.post_form("/api/staff/report", Some(&a), &[("id", id.to_string())])
            .await,
        403,
    )
    .await;
    ok(act(&app, Some(&b), id, "accept", &[]).await).await;
    let public = track(&app, &code).await;
    assert!(
        public
            .timeline
            .iter()
            .any(|e| e.status.code() == "transferred")
    );
    refused(
        act(
            &app,
            Some(&b),
            id,
            "transfer",
            &[("transfer_to", &office_b.to_string())],
        )
        .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn duplicates_link_within_the_office_and_candidates_are_suggested() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let (first, first_code) = report(&app).await;
    let (second, _) = report(&app).await;
    let (elsewhere, _) = report_on(&app, "陈营前街", "exposed_garbage", "").await;
    let (other_office, other_code) = report_on(&app, "康楼中街", "exposed_garbage", "").await;
    let d = detail(&app, &a, second).await;
    let candidates: Vec<i64> = d.duplicate_candidates.iter().map(|c| c.0.0).collect();
    assert!(candidates.contains(&first));
    assert!(
        !candidates.contains(&elsewhere),
        "another street is no candidate"
    );
    assert!(!candidates.contains(&other_office));
    refused(
        act(
            &app,
            Some(&a),
            second,
            "duplicate",
            &[("duplicate_of", &other_code)],
        )
        .await,
        400,
    )
    .await;
    refused(
        act(
            &app,
            Some(&a),
            second,
            "duplicate",
            &[("duplicate_of", &second.to_string())],
        )
        .await,
        400,
    )
    .await;
    ok(act(
        &app,
        Some(&a),
        second,
        "duplicate",
        &[("duplicate_of", &first_code.to_lowercase())],
    )
    .await)
    .await;
    let d = detail(&app, &a, second).await;
    assert_eq!(d.status.code(), "duplicate");
    assert_eq!(d.duplicate_of.unwrap().0.0, first);
    // A duplicate cannot be the original of another.
    let (third, _) = report(&app).await;
    let second_code = d.tracking_code;
    refused(
        act(
            &app,
            Some(&a),
            third,
            "duplicate",
            &[("duplicate_of", &second_code)],
        )
        .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn send_back_returns_to_dispatched_and_keeps_the_deadline() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let (id, _) = dispatched(&app, &a).await;
    let deadline = detail(&app, &a, id).await.deadline_at;
    ok(rectify(&app, Some(&a), id, 1).await).await;
    ok(act(&app, Some(&a), id, "send_back", &[("note", "照片看不清")]).await).await;
    let d = detail(&app, &a, id).await;
    assert_eq!(d.status.code(), "dispatched");
    assert_eq!(d.deadline_at, deadline);
}

// ---- deadlines, the queue, the dashboard ----

#[tokio::test]
async fn overdue_reports_are_marked_counted_and_filtered() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let (late, _) = dispatched(&app, &a).await;
    let (in_time, _) = dispatched(&app, &a).await;
    let (pending, _) = report(&app).await;
    // The deadline of `late` passed an hour ago.
    let past = app::domain::Millis::now().0 - 3_600_000;
    sqlx::query("UPDATE reports SET deadline_at = $1 WHERE id = $2")
        .bind(past)
        .bind(late)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let page = queue(&app, &a, &[]).await;
    assert_eq!(page.overdue, 1);
    // Sorted by time left: the overdue one first, then the other deadline, then the pending.
    let order: Vec<i64> = page.rows.iter().map(|r| r.id.0).collect();
    assert_eq!(order, [late, in_time, pending]);
    let only = queue(&app, &a, &[("overdue", "1")]).await;
    assert_eq!(only.rows.iter().map(|r| r.id.0).collect::<Vec<_>>(), [late]);
    let html = app
        .client
        .get(app.url("/staff"))
        .header(reqwest::header::COOKIE, &a)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-testid=\"overdue\""),
        "the row is marked 超期"
    );
    // 整改完成 stops the clock.
    ok(rectify(&app, Some(&a), late, 1).await).await;
    assert_eq!(queue(&app, &a, &[]).await.overdue, 0);
    let dash: Dashboard =
        serde_json::from_str(&ok(app.post_form("/api/staff/dashboard", Some(&a), &[]).await).await)
            .unwrap();
    assert_eq!(dash.overdue_now, 0);
    assert_eq!(dash.open_now, 3);
}

#[tokio::test]
async fn queue_filters_and_keyset_pages() {
    let app = spawn_app_with(&[("REPORT_RATE_LIMIT", "100/600")]).await;
    let a = app.login("taihao").await;
    let mut ids = Vec::new();
    for i in 0..23 {
        let street = if i % 2 == 0 {
            "韩营一巷"
        } else {
            "陈营前街"
        };
        ids.push(report_on(&app, street, "exposed_garbage", "").await.0);
    }
    let (other_cat, _) = report_on(&app, "韩营一巷", "illegal_flyers", "").await;
    // Pages of 20 by keyset: every report exactly once, in order.
    let first = queue(&app, &a, &[]).await;
    assert_eq!(first.rows.len(), 20);
    let (k, id) = first.next.expect("a second page");
    let cursor = format!("{k}_{}", id.0);
    let second = queue(&app, &a, &[("after", &cursor)]).await;
    assert_eq!(second.rows.len(), 4);
    assert!(second.next.is_none());
    let mut seen: Vec<i64> = first
        .rows
        .iter()
        .chain(&second.rows)
        .map(|r| r.id.0)
        .collect();
    let in_order = seen.clone();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 24);
    let mut expected = ids.clone();
    expected.push(other_cat);
    assert_eq!(
        in_order, expected,
        "oldest first when nothing is dispatched"
    );
    // The same through `status=pending`, read from the tail of the open queue's index (no
    // deadline: the sort key's other side), across the same keyset pages.
    let pages_of = |status: &'static str| {
        let (app, a) = (&app, a.clone());
        async move {
            let p1 = queue(app, &a, &[("status", status)]).await;
            let (k, id) = p1.next.expect("a second page");
            let p2 = queue(
                app,
                &a,
                &[("status", status), ("after", &format!("{k}_{}", id.0))],
            )
            .await;
            assert!(p2.next.is_none());
            p1.rows
                .iter()
                .chain(&p2.rows)
                .map(|r| r.id.0)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(pages_of("pending").await, expected);
    // Accepted reports have no deadline either: the same order, none of them pending now.
    for id in &expected {
        ok(act(&app, Some(&a), *id, "accept", &[]).await).await;
    }
    assert_eq!(pages_of("accepted").await, expected);
    assert!(
        queue(&app, &a, &[("status", "pending")])
            .await
            .rows
            .is_empty()
    );
    // Filters.
    let cat = app
        .scalar("SELECT id FROM categories WHERE code = 'illegal_flyers'")
        .await;
    let page = queue(&app, &a, &[("category", &cat.to_string())]).await;
    assert_eq!(
        page.rows.iter().map(|r| r.id.0).collect::<Vec<_>>(),
        [other_cat]
    );
    let street = app
        .scalar("SELECT id FROM streets WHERE name = '陈营前街'")
        .await;
    assert_eq!(
        queue(&app, &a, &[("street", &street.to_string())])
            .await
            .rows
            .len(),
        11
    );
    let community = app
        .scalar("SELECT id FROM communities WHERE name = '韩营'")
        .await;
    assert_eq!(
        queue(&app, &a, &[("community", &community.to_string())])
            .await
            .rows
            .len(),
        13
    );
    assert_eq!(queue(&app, &a, &[("status", "closed")]).await.rows.len(), 0);
    assert_eq!(
        queue(&app, &a, &[("until", "2020-01-01")]).await.rows.len(),
        0
    );
    let today = app::domain::Millis::now().format_date();
    assert_eq!(
        queue(&app, &a, &[("from", &today), ("until", &today)])
            .await
            .rows
            .len(),
        20
    );
    let pending = first
        .counts
        .iter()
        .find(|(s, _)| s.code() == "pending")
        .unwrap()
        .1;
    assert_eq!(pending, 24);
    // `status=rectified` orders by the deadline: 21 dispatched with decreasing deadlines and
    // rectified come back latest-dispatched first, across two keyset pages.
    for (i, id) in ids.iter().take(21).enumerate() {
        let hours = (80 - i).to_string();
        ok(act(
            &app,
            Some(&a),
            *id,
            "dispatch",
            &[("unit", "韩营居委会"), ("deadline_hours", &hours)],
        )
        .await)
        .await;
        ok(rectify(&app, Some(&a), *id, 1).await).await;
    }
    let mut by_deadline: Vec<i64> = ids.iter().take(21).copied().collect();
    by_deadline.reverse();
    assert_eq!(pages_of("rectified").await, by_deadline);
    // Junk in the query: 400, never a SQL error.
    for (k, v) in [
        ("category", "1 OR 1=1"),
        ("status", "x'; --"),
        ("from", "yesterday"),
        ("after", "1"),
    ] {
        refused(
            app.post_form("/api/staff/queue", Some(&a), &[(k, v.to_string())])
                .await,
            400,
        )
        .await;
    }
}

#[tokio::test]
async fn dashboard_rates_and_median_time_to_close() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let b = app.login("huaihe").await;
    // Two closed (one rectified late), one still open.
    let (on_time, _) = dispatched(&app, &a).await;
    ok(rectify(&app, Some(&a), on_time, 1).await).await;
    ok(act(&app, Some(&a), on_time, "close", &[]).await).await;
    let (late, _) = dispatched(&app, &a).await;
    ok(rectify(&app, Some(&a), late, 1).await).await;
    ok(act(&app, Some(&a), late, "close", &[]).await).await;
    let now = app::domain::Millis::now().0;
    sqlx::query("UPDATE reports SET deadline_at = $1, received_at = $2 WHERE id = $3")
        .bind(now - 10_000_000)
        .bind(now - 2 * 86_400_000)
        .bind(late)
        .execute(&app.db.pool)
        .await
        .unwrap();
    // History rewritten behind the application's back: rebuild the kept figures.
    app::reports::db::figures::rebuild(&app.db).await.unwrap();
    report(&app).await;
    let dash: Dashboard =
        serde_json::from_str(&ok(app.post_form("/api/staff/dashboard", Some(&a), &[]).await).await)
            .unwrap();
    assert_eq!(dash.record.received, 3);
    assert_eq!(dash.record.closed, 2);
    assert_eq!(dash.record.closed_in_period, 2);
    assert_eq!(dash.record.closed_on_time, 1);
    assert_eq!(
        app::reports::record::format_permille(dash.record.on_time_rate_permille()),
        "50.0%"
    );
    assert_eq!(
        app::reports::record::format_permille(dash.record.close_rate_permille()),
        "66.6%"
    );
    // ~0 and ~2 days: 1 day, within the stated error.
    let (median, err) = (
        dash.record.median_close_ms.unwrap(),
        dash.record.median_error_ms.unwrap(),
    );
    assert!((median - 86_400_000).abs() <= err, "{median} ± {err}");
    assert_eq!(dash.open_now, 1);
    // Office B's own dashboard knows nothing of A's reports.
    let dash_b: Dashboard =
        serde_json::from_str(&ok(app.post_form("/api/staff/dashboard", Some(&b), &[]).await).await)
            .unwrap();
    assert_eq!(dash_b.record.received, 0);
    let html = app
        .client
        .get(app.url("/staff/dashboard"))
        .header(reqwest::header::COOKIE, &a)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("50.0%"), "按期结案率 on the page");
}

#[tokio::test]
async fn the_queue_finds_a_report_by_its_code_in_any_status_and_only_in_scope() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let b = app.login("huaihe").await;
    let admin = app.login("admin").await;
    let (id, code) = report(&app).await;
    report(&app).await;
    ok(act(&app, Some(&a), id, "reject", &[("note", "不属于背街小巷")]).await).await;
    // Not open any more: the default queue leaves it out, the code finds it.
    assert!(!queue(&app, &a, &[]).await.rows.iter().any(|r| r.id.0 == id));
    // As a resident reads it out: lower case, a space in the middle.
    let spoken = format!("{} {}", &code[..4], &code[4..]).to_lowercase();
    let found = queue(&app, &a, &[("code", spoken.as_str())]).await;
    assert_eq!(found.rows.iter().map(|r| r.id.0).collect::<Vec<_>>(), [id]);
    assert_eq!(found.rows[0].status.code(), "rejected");
    assert_eq!(
        queue(&app, &admin, &[("code", code.as_str())])
            .await
            .rows
            .len(),
        1
    );
    // Another office's staff find nothing.
    assert!(
        queue(&app, &b, &[("code", code.as_str())])
            .await
            .rows
            .is_empty()
    );
    // Not a code: a clear 400, nothing else.
    let e = refused(
        app.post_form("/api/staff/queue", Some(&a), &[("code", "AB1".to_string())])
            .await,
        400,
    )
    .await;
    assert!(e.to_string().contains("查询码"), "{e}");
    let html = app
        .client
        .get(app.url(&format!("/staff?code={code}")))
        .header(reqwest::header::COOKIE, &a)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-testid=\"code-search\""));
    assert_eq!(html.matches("data-testid=\"queue-row\"").count(), 1);
    assert!(html.contains(&code));
}

#[tokio::test]
async fn the_inbox_lists_what_needs_the_office_now_most_urgent_first() {
    use app::staff::{Inbox, InboxKind};
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let b = app.login("huaihe").await;
    let dispatch_in = |hours: &'static str| {
        let (app, a) = (&app, a.clone());
        async move {
            let (id, _) = report(app).await;
            ok(act(app, Some(&a), id, "accept", &[]).await).await;
            ok(act(
                app,
                Some(&a),
                id,
                "dispatch",
                &[("unit", "韩营居委会"), ("deadline_hours", hours)],
            )
            .await)
            .await;
            id
        }
    };
    let (new, _) = report(&app).await;
    let late = dispatch_in("72").await;
    // Its deadline passed an hour ago.
    sqlx::query("UPDATE reports SET deadline_at = $1 WHERE id = $2")
        .bind(app::domain::Millis::now().0 - 3_600_000)
        .bind(late)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let soon = dispatch_in("4").await;
    let _later = dispatch_in("72").await;
    let to_check = dispatch_in("72").await;
    ok(rectify(&app, Some(&a), to_check, 1).await).await;
    let accepted = report(&app).await.0;
    ok(act(&app, Some(&a), accepted, "accept", &[]).await).await;

    let inbox: Inbox =
        serde_json::from_str(&ok(app.post_form("/api/staff/inbox", Some(&a), &[]).await).await)
            .unwrap();
    let seen: Vec<(InboxKind, i64, Vec<i64>)> = inbox
        .sections
        .iter()
        .map(|s| (s.kind, s.count, s.rows.iter().map(|r| r.id.0).collect()))
        .collect();
    assert_eq!(
        seen,
        [
            (InboxKind::Pressed, 0, vec![]),
            (InboxKind::Overdue, 1, vec![late]),
            (InboxKind::DueSoon, 1, vec![soon]),
            (InboxKind::New, 1, vec![new]),
            (InboxKind::ToCheck, 1, vec![to_check]),
        ]
    );
    // Another office has nothing of these; signed out, nothing at all.
    let other: Inbox =
        serde_json::from_str(&ok(app.post_form("/api/staff/inbox", Some(&b), &[]).await).await)
            .unwrap();
    assert!(
        other
            .sections
            .iter()
            .all(|s| s.count == 0 && s.rows.is_empty())
    );
    refused(app.post_form("/api/staff/inbox", None, &[]).await, 401).await;

    // The count in the navigation of every staff page, and the page itself.
    let page = |path: &'static str| {
        let (app, a) = (&app, a.clone());
        async move {
            app.client
                .get(app.url(path))
                .header(reqwest::header::COOKIE, a)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let queue_html = page("/staff").await;
    let badge = queue_html
        .split_once("data-testid=\"nav-inbox-count\"")
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(_, rest)| rest.split('<').next().unwrap_or_default());
    assert_eq!(badge, Some("4"), "待办 4 in the nav");
    let html = page("/staff/inbox").await;
    for testid in [
        "inbox-overdue",
        "inbox-due-soon",
        "inbox-new",
        "inbox-to-check",
    ] {
        assert!(
            html.contains(&format!("data-testid=\"{testid}\"")),
            "{testid}"
        );
    }
    assert!(
        html.find("inbox-overdue") < html.find("inbox-new"),
        "most urgent first"
    );
    assert_eq!(html.matches("data-testid=\"queue-row\"").count(), 4);
}

// ---- the resident's answer ----

#[tokio::test]
async fn resident_says_not_fixed_reopens_and_counts_against_the_office() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let (id, code) = dispatched(&app, &a).await;
    // Not closed yet: no answer possible.
    refused(feedback(&app, &code, "unsatisfied", false).await, 409).await;
    ok(rectify(&app, Some(&a), id, 1).await).await;
    ok(act(&app, Some(&a), id, "close", &[]).await).await;
    ok(feedback(&app, &code, "unsatisfied", true).await).await;
    let d = detail(&app, &a, id).await;
    assert_eq!(d.status.code(), "accepted", "back in the office's queue");
    assert_eq!(d.reopen_count, 1);
    assert_eq!(d.events.last().unwrap().action, "resident_reopen");
    assert!(d.events.last().unwrap().actor.is_none());
    assert_eq!(
        d.photos
            .iter()
            .filter(|p| p.kind == app::reports::PhotoKind::Before)
            .count(),
        2,
        "the resident's new photo joins the before photos"
    );
    assert!(
        queue(&app, &a, &[])
            .await
            .rows
            .iter()
            .any(|r| r.id.0 == id && r.reopen_count == 1)
    );
    let dash: Dashboard =
        serde_json::from_str(&ok(app.post_form("/api/staff/dashboard", Some(&a), &[]).await).await)
            .unwrap();
    assert_eq!(dash.record.reopened_by_residents, 1);
    assert!(!track(&app, &code).await.can_answer);

    // Closed again, the resident confirms — once.
    ok(act(&app, Some(&a), id, "dispatch", &[("unit", "韩营居委会")]).await).await;
    ok(rectify(&app, Some(&a), id, 1).await).await;
    ok(act(&app, Some(&a), id, "close", &[]).await).await;
    ok(feedback(&app, &code, "satisfied", false).await).await;
    assert_eq!(snapshot(&app, id).await.0, "closed");
    let before = snapshot(&app, id).await;
    refused(feedback(&app, &code, "unsatisfied", false).await, 409).await;
    assert_eq!(snapshot(&app, id).await, before);
    refused(feedback(&app, "ABCDEFGH", "satisfied", false).await, 404).await;
    refused(feedback(&app, &code, "maybe", false).await, 400).await;
}

#[tokio::test]
async fn return_visit_answers_make_the_satisfaction_rate_and_unsatisfied_reopens() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let mut closed = Vec::new();
    for _ in 0..4 {
        let (id, code) = dispatched(&app, &a).await;
        ok(rectify(&app, Some(&a), id, 1).await).await;
        ok(act(&app, Some(&a), id, "close", &[]).await).await;
        closed.push((id, code));
    }
    ok(feedback(&app, &closed[0].1, "satisfied", false).await).await;
    ok(feedback(&app, &closed[1].1, "basic", false).await).await;
    ok(feedback(&app, &closed[2].1, "unsatisfied", true).await).await;
    let last_action = |d: &app::staff::ReportDetail| d.events.last().unwrap().action.clone();
    let d0 = detail(&app, &a, closed[0].0).await;
    assert_eq!(
        (d0.status.code(), last_action(&d0).as_str()),
        ("closed", "resident_satisfied")
    );
    let d1 = detail(&app, &a, closed[1].0).await;
    assert_eq!(
        (d1.status.code(), last_action(&d1).as_str()),
        ("closed", "resident_basic")
    );
    let d2 = detail(&app, &a, closed[2].0).await;
    assert_eq!(
        (d2.status.code(), last_action(&d2).as_str()),
        ("accepted", "resident_reopen")
    );
    assert_eq!(
        d2.reopen_count, 1,
        "不满意 reopens and counts against the office"
    );
    // One answer per closing.
    let before = snapshot(&app, closed[0].0).await;
    refused(
        feedback(&app, &closed[0].1, "unsatisfied", false).await,
        409,
    )
    .await;
    assert_eq!(snapshot(&app, closed[0].0).await, before);

    let dashboard = |cookie: String| {
        let app = &app;
        async move {
            let body = ok(app
                .post_form("/api/staff/dashboard", Some(&cookie), &[])
                .await)
            .await;
            serde_json::from_str::<Dashboard>(&body).unwrap()
        }
    };
    let r = dashboard(a.clone()).await.record;
    assert_eq!(
        (r.satisfied, r.basically_satisfied, r.reopened_by_residents),
        (1, 1, 1)
    );
    // 满意率 = (满意 + 基本满意) ÷ answers.
    assert_eq!(r.satisfaction_permille(), Some(666));
    // The answer of an older page ("resolved") still counts, as 满意.
    ok(feedback(&app, &closed[3].1, "resolved", false).await).await;
    let r = dashboard(a.clone()).await.record;
    assert_eq!((r.satisfied, r.satisfaction_permille()), (2, Some(750)));
    let stats = app
        .client
        .get(app.url("/stats"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(stats.contains("满意率"), "the label on /stats");
    assert!(stats.contains("75.0%"), "太昊路's 满意率 on /stats");
    let page = app
        .client
        .get(app.url("/staff/dashboard"))
        .header(reqwest::header::COOKIE, &a)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("满意率") && page.contains("75.0%"));
    // The track page offers the three answers while an answer is possible.
    let (id, code) = dispatched(&app, &a).await;
    ok(rectify(&app, Some(&a), id, 1).await).await;
    ok(act(&app, Some(&a), id, "close", &[]).await).await;
    let html = app
        .client
        .get(app.url(&format!("/track?code={code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for (value, label) in [
        ("satisfied", "满意"),
        ("basic", "基本满意"),
        ("unsatisfied", "不满意"),
    ] {
        assert!(
            html.contains(&format!("value=\"{value}\"")) && html.contains(label),
            "{value}"
        );
    }
}

#[tokio::test]
async fn a_browser_feedback_post_comes_back_to_the_track_page() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let (id, code) = dispatched(&app, &a).await;
    ok(rectify(&app, Some(&a), id, 1).await).await;
    ok(act(&app, Some(&a), id, "close", &[]).await).await;
    let form = Form::new()
        .text("code", code.clone())
        .text("answer", "satisfied")
        .text("note", "");
    let res = app
        .client
        .post(app.url("/api/reports/feedback"))
        .header(reqwest::header::ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(
        res.headers()[reqwest::header::LOCATION].to_str().unwrap(),
        format!("/track?code={code}&ok=1")
    );
}

// ---- the CLI ----

#[tokio::test]
async fn accounts_made_with_the_auth_module_can_log_in_and_be_disabled() {
    let app = spawn_app().await;
    let office = app::domain::OfficeId(
        app.scalar("SELECT id FROM offices WHERE name = '淮河路办事处'")
            .await,
    );
    let user = app::session::auth::create_user(
        &app.db,
        "kanglou_1",
        "康楼网格员",
        "a-long-password",
        app::session::Role::Staff,
        Some(office),
    )
    .await
    .unwrap();
    assert!(matches!(
        app::session::auth::create_user(
            &app.db,
            "kanglou_1",
            "x",
            "a-long-password",
            app::session::Role::Staff,
            Some(office)
        )
        .await,
        Err(AppError::Conflict(_))
    ));
    assert!(
        app::session::auth::create_user(
            &app.db,
            "nooffice",
            "x",
            "a-long-password",
            app::session::Role::Staff,
            None
        )
        .await
        .is_err()
    );
    let res = app
        .post_form(
            "/api/staff/login",
            None,
            &[
                ("username", "kanglou_1".into()),
                ("password", "a-long-password".into()),
            ],
        )
        .await;
    let cookie = res.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    queue(&app, &cookie, &[]).await;
    app::session::auth::set_active(&app.db, user, false)
        .await
        .unwrap();
    refused(
        app.post_form("/api/staff/queue", Some(&cookie), &[]).await,
        401,
    )
    .await;
    app::session::auth::reset_password(&app.db, "kanglou_1", "another-password")
        .await
        .unwrap();
}

#[tokio::test]
async fn the_user_cli_adds_resets_and_disables_accounts() {
    let app = spawn_app().await;
    let run = |args: &'static [&'static str], stdin: &'static str| {
        let db = app.db.clone();
        async move {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            let mut out = Vec::new();
            let r = server::cli::run(&db, &args, &mut stdin.as_bytes(), &mut out).await;
            (r, String::from_utf8(out).unwrap())
        }
    };
    let (r, out) = run(
        &[
            "add",
            "yaotan",
            "--name",
            "姚滩网格员",
            "--role",
            "staff",
            "--office",
            "淮河路办事处",
        ],
        "first-password\n",
    )
    .await;
    r.unwrap();
    assert!(out.contains("created user yaotan"));
    let (r, _) = run(
        &["add", "nooffice", "--name", "x", "--role", "staff"],
        "first-password\n",
    )
    .await;
    assert!(r.is_err(), "staff need an office");
    let (r, _) = run(
        &["add", "shortpw", "--name", "x", "--role", "admin"],
        "short\n",
    )
    .await;
    assert!(r.is_err(), "password too short");
    let login_with = |pw: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                "/api/staff/login",
                None,
                &[("username", "yaotan".into()), ("password", pw.into())],
            )
            .await
        }
    };
    assert_eq!(login_with("first-password").await.status(), 200);
    run(&["passwd", "yaotan"], "second-password\n")
        .await
        .0
        .unwrap();
    assert_eq!(login_with("first-password").await.status(), 400);
    assert_eq!(login_with("second-password").await.status(), 200);
    run(&["disable", "yaotan"], "").await.0.unwrap();
    assert_eq!(
        login_with("second-password").await.status(),
        400,
        "disabled: refused"
    );
    let (_, out) = run(&["list"], "").await;
    assert!(
        out.contains("yaotan\t姚滩网格员\tstaff\t淮河路办事处\tdisabled"),
        "{out}"
    );
    assert!(run(&["frobnicate"], "").await.0.is_err());
}

/// SQLite: a transaction that reads before it writes used to fail at once ("database is
/// locked", a 500) when another connection held the write lock — as a request whose failed
/// transaction was still being rolled back did in CI. Write transactions now take the lock
/// first and wait their turn.
#[tokio::test]
async fn a_write_waits_for_another_writer_instead_of_failing() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let office = app
        .scalar("SELECT id FROM offices WHERE name = '淮河路办事处'")
        .await;
    let mut held = app.db.begin_write().await.unwrap();
    sqlx::query("UPDATE offices SET sort_order = sort_order WHERE id = $1")
        .bind(office)
        .execute(&mut *held)
        .await
        .unwrap();
    let fields = [
        ("office", office.to_string()),
        ("name", "锁测试社区".to_string()),
    ];
    let request = app.post_form("/api/admin/community_add", Some(&admin), &fields);
    let release = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        held.rollback().await.unwrap();
    };
    let (res, ()) = tokio::join!(request, release);
    ok(res).await;
    let n = app
        .scalar("SELECT COUNT(*) FROM communities WHERE name = '锁测试社区'")
        .await;
    assert_eq!(n, 1);
}
