//! The 区 admin area end to end, on the real router and a real database (SQLite, or
//! PostgreSQL with TEST_DATABASE=postgres): who may call what, the changes themselves, the
//! browser's form round trip, the /admin page and the street posters.

use crate::common::{TestApp, spawn_app};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, COOKIE, LOCATION};

/// id, username, display_name, password_hash, role, office_id, active
type UserRow = (i64, String, String, String, String, Option<i64>, i64);

// ---- helpers ----

/// POSTs a url-encoded form to a server function as a script would (JSON answer, real
/// status). Returns the status and the body.
async fn post(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut req = app.client.post(app.url(path)).form(form);
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

/// The same form as a browser posts it: returns the status and the `Location`.
async fn browser_post(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut req = app
        .client
        .post(app.url(path))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .form(form);
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    let res = req.send().await.expect("request");
    let location = res
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (res.status(), location)
}

/// GETs a page as a browser.
async fn page(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    extra: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let mut req = app
        .client
        .get(app.url(path))
        .header(ACCEPT, "text/html,application/xhtml+xml");
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    let location = res
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, location, res.text().await.unwrap_or_default())
}

/// Logs in with any password; the session cookie, or the refusal's status.
async fn login_with(app: &TestApp, username: &str, password: &str) -> Result<String, StatusCode> {
    let res = app
        .client
        .post(app.url("/api/staff/login"))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .expect("login request");
    if !res.status().is_success() {
        return Err(res.status());
    }
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("jx_session=") && !v.starts_with("jx_session=;"))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .ok_or(StatusCode::INTERNAL_SERVER_ERROR)
}

async fn office_id(app: &TestApp, name: &str) -> i64 {
    app.scalar_for("SELECT id FROM offices WHERE name = $1", name)
        .await
}
async fn community_id(app: &TestApp, name: &str) -> i64 {
    app.scalar_for("SELECT id FROM communities WHERE name = $1", name)
        .await
}
async fn street_id(app: &TestApp, name: &str) -> i64 {
    app.scalar_for("SELECT id FROM streets WHERE name = $1", name)
        .await
}
async fn category_id(app: &TestApp, code: &str) -> i64 {
    app.scalar_for("SELECT id FROM categories WHERE code = $1", code)
        .await
}
async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.scalar_for("SELECT id FROM users WHERE username = $1", username)
        .await
}

/// Every row the admin area can change, as text: equal snapshots mean nothing changed.
async fn snapshot(app: &TestApp) -> String {
    let pool = &app.db.pool;
    let offices: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT id, name, sort_order FROM offices ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let communities: Vec<(i64, i64, String, i64)> =
        sqlx::query_as("SELECT id, office_id, name, sort_order FROM communities ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let streets: Vec<(i64, i64, String, i64)> =
        sqlx::query_as("SELECT id, community_id, name, sort_order FROM streets ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let categories: Vec<(i64, String, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, code, name, icon, deadline_hours, sort_order, active FROM categories ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let users: Vec<UserRow> = sqlx::query_as(
        "SELECT id, username, display_name, password_hash, role, office_id, active \
         FROM users ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(pool)
        .await
        .unwrap();
    format!("{offices:?}\n{communities:?}\n{streets:?}\n{categories:?}\n{users:?}\n{sessions}")
}

async fn deadline_hours(app: &TestApp, code: &str) -> i64 {
    let (h,): (i64,) = sqlx::query_as("SELECT deadline_hours FROM categories WHERE code = $1")
        .bind(code)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    h
}

/// The category codes the resident's report form offers (the public reference data).
async fn public_category_codes(app: &TestApp) -> Vec<String> {
    let (status, body) = post(app, "/api/reference_data", None, &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

/// One call of every admin server function, with valid fields aimed at real rows.
async fn every_admin_call(app: &TestApp) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let office = office_id(app, "淮河路办事处").await.to_string();
    let community = community_id(app, "康楼").await.to_string();
    let street = street_id(app, "康楼西巷").await.to_string();
    let category = category_id(app, "dry_toilet").await.to_string();
    let victim = user_id(app, "kaiyuan").await.to_string();
    let back = || ("back", "/admin".to_string());
    vec![
        ("/api/admin/overview", vec![]),
        (
            "/api/admin/office_add",
            vec![("name", "高新区办事处".into()), back()],
        ),
        (
            "/api/admin/office_rename",
            vec![
                ("id", office.clone()),
                ("name", "淮河路街道".into()),
                back(),
            ],
        ),
        (
            "/api/admin/community_add",
            vec![
                ("office", office.clone()),
                ("name", "新康社区".into()),
                back(),
            ],
        ),
        (
            "/api/admin/community_rename",
            vec![
                ("id", community.clone()),
                ("name", "康楼社区".into()),
                back(),
            ],
        ),
        (
            "/api/admin/street_add",
            vec![
                ("community", community.clone()),
                ("name", "康楼新巷".into()),
                back(),
            ],
        ),
        (
            "/api/admin/street_rename",
            vec![("id", street), ("name", "康楼西一巷".into()), back()],
        ),
        (
            "/api/admin/category_add",
            vec![
                ("code", "fallen_trees".into()),
                ("name", "树木倒伏".into()),
                ("icon", "🌳".into()),
                ("deadline_hours", "12".into()),
                back(),
            ],
        ),
        (
            "/api/admin/category_edit",
            vec![
                ("id", category.clone()),
                ("name", "旱厕改造".into()),
                ("icon", "🚽".into()),
                ("deadline_hours", "240".into()),
                back(),
            ],
        ),
        (
            "/api/admin/category_active",
            vec![("id", category), ("active", "0".into()), back()],
        ),
        (
            "/api/admin/user_add",
            vec![
                ("username", "huaihe2".into()),
                ("display_name", "淮河路第二值班员".into()),
                ("role", "staff".into()),
                ("office", office),
                ("password", "another-password".into()),
                back(),
            ],
        ),
        (
            "/api/admin/user_password",
            vec![
                ("id", victim.clone()),
                ("password", "brand-new-password".into()),
                back(),
            ],
        ),
        // Last: it signs kaiyuan out.
        (
            "/api/admin/user_active",
            vec![("id", victim), ("active", "0".into()), back()],
        ),
    ]
}

fn as_form<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

// ---- 1. authorization ----

#[tokio::test]
async fn only_the_admin_may_call_admin_functions_and_refusals_change_nothing() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let taihao = app.login("taihao").await;
    let huaihe = app.login("huaihe").await;
    let calls = every_admin_call(&app).await;
    assert_eq!(calls.len(), 13);

    let callers: [(&str, Option<&str>, StatusCode); 3] = [
        ("anonymous", None, StatusCode::UNAUTHORIZED),
        ("taihao", Some(&taihao), StatusCode::FORBIDDEN),
        ("huaihe", Some(&huaihe), StatusCode::FORBIDDEN),
    ];
    let before = snapshot(&app).await;
    for (who, cookie, expected) in callers {
        for (path, fields) in &calls {
            let (status, body) = post(&app, path, cookie, &as_form(fields)).await;
            assert_eq!(status, expected, "{who} → {path}: {body}");
            assert_eq!(
                snapshot(&app).await,
                before,
                "{who} → {path} changed something"
            );
        }
        // A browser's form post is refused the same way (sent back with the message).
        let (path, fields) = &calls[1];
        let (status, location) = browser_post(&app, path, cookie, &as_form(fields)).await;
        assert_eq!(status, StatusCode::FOUND, "{who}");
        assert!(location.starts_with("/admin?err="), "{who}: {location}");
        assert_eq!(snapshot(&app).await, before);
    }
    // A forged session cookie is nobody.
    let (status, _) = post(
        &app,
        calls[1].0,
        Some("jx_session=forged"),
        &as_form(&calls[1].1),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(snapshot(&app).await, before);

    // The admin succeeds at every one of them, and each write changes something.
    for (path, fields) in &calls {
        let was = snapshot(&app).await;
        let (status, body) = post(&app, path, Some(&admin), &as_form(fields)).await;
        assert_eq!(status, StatusCode::OK, "admin → {path}: {body}");
        if *path != "/api/admin/overview" {
            assert_ne!(snapshot(&app).await, was, "admin → {path} changed nothing");
            assert_eq!(body, "\"/admin\"", "{path}");
        } else {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(v["offices"].as_array().unwrap().len() >= 3);
            assert!(v["users"].as_array().unwrap().len() >= 4);
            assert!(
                !body.contains("argon2"),
                "the overview must not carry password hashes"
            );
        }
    }
    assert_ne!(snapshot(&app).await, before);
}

// ---- 2. the changes ----

#[tokio::test]
async fn admin_manages_offices_communities_and_streets() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let a = Some(admin.as_str());
    let back = ("back", "/admin#offices");

    // 办事处
    let (status, body) = post(
        &app,
        "/api/admin/office_add",
        a,
        &[("name", " 新城办事处 "), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let office = office_id(&app, "新城办事处").await;
    let (status, body) = post(
        &app,
        "/api/admin/office_add",
        a,
        &[("name", "新城办事处"), back],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("办事处名称已存在"), "{body}");
    let (status, body) = post(&app, "/api/admin/office_add", a, &[("name", "  "), back]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("请填写办事处名称"), "{body}");
    let long = "办".repeat(33);
    let (status, _) = post(
        &app,
        "/api/admin/office_add",
        a,
        &[("name", long.as_str()), back],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = post(&app, "/api/admin/office_add", a, &[back]).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a missing field is a 400 too"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM offices").await, 4);

    let id = office.to_string();
    let (status, body) = post(
        &app,
        "/api/admin/office_rename",
        a,
        &[("id", &id), ("name", "新城街道办事处"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(office_id(&app, "新城街道办事处").await, office);
    let (status, _) = post(
        &app,
        "/api/admin/office_rename",
        a,
        &[("id", &id), ("name", "太昊路办事处"), back],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Renaming to its own name is no clash.
    let (status, _) = post(
        &app,
        "/api/admin/office_rename",
        a,
        &[("id", &id), ("name", "新城街道办事处"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(
        &app,
        "/api/admin/office_rename",
        a,
        &[("id", "999999"), ("name", "无此办事处"), back],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post(
        &app,
        "/api/admin/office_rename",
        a,
        &[("id", "abc"), ("name", "x"), back],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // 居委会 under it; the same name may exist under another office, not twice under one.
    let (status, body) = post(
        &app,
        "/api/admin/community_add",
        a,
        &[("office", &id), ("name", "新城社区"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let community = community_id(&app, "新城社区").await;
    let (office_of,): (i64,) = sqlx::query_as("SELECT office_id FROM communities WHERE id = $1")
        .bind(community)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(office_of, office);
    let (status, body) = post(
        &app,
        "/api/admin/community_add",
        a,
        &[("office", &id), ("name", "新城社区"), back],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = post(
        &app,
        "/api/admin/community_add",
        a,
        &[("office", &id), ("name", "韩营"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "韩营 exists under 太昊路, not here");
    let (status, body) = post(
        &app,
        "/api/admin/community_add",
        a,
        &[("office", "999999"), ("name", "孤儿社区"), back],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let cid = community.to_string();
    let (status, _) = post(
        &app,
        "/api/admin/community_rename",
        a,
        &[("id", &cid), ("name", "新城东社区"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(community_id(&app, "新城东社区").await, community);
    let (status, _) = post(
        &app,
        "/api/admin/community_rename",
        a,
        &[("id", &cid), ("name", "韩营"), back],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "a sibling's name");

    // 街巷 under the community.
    let (status, body) = post(
        &app,
        "/api/admin/street_add",
        a,
        &[("community", &cid), ("name", "新城一巷"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = post(
        &app,
        "/api/admin/street_add",
        a,
        &[("community", &cid), ("name", "新城二巷"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let street = street_id(&app, "新城一巷").await;
    let (status, body) = post(
        &app,
        "/api/admin/street_add",
        a,
        &[("community", &cid), ("name", "新城一巷"), back],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("已存在"), "{body}");
    let sid = street.to_string();
    let (status, _) = post(
        &app,
        "/api/admin/street_rename",
        a,
        &[("id", &sid), ("name", "新城二巷"), back],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = post(
        &app,
        "/api/admin/street_rename",
        a,
        &[("id", &sid), ("name", "新城东一巷"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(street_id(&app, "新城东一巷").await, street);
    let (status, _) = post(
        &app,
        "/api/admin/street_rename",
        a,
        &[("id", &sid), ("name", "新城\n一巷"), back],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(street_id(&app, "新城东一巷").await, street);

    // The new street is in the resident's reference data, under the new office.
    let (_, body) = post(&app, "/api/reference_data", None, &[]).await;
    assert!(
        body.contains("新城东一巷") && body.contains("新城街道办事处"),
        "{body}"
    );
}

#[tokio::test]
async fn admin_edits_categories_and_their_deadlines() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let a = Some(admin.as_str());
    let back = ("back", "/admin#categories");
    let garbage = category_id(&app, "exposed_garbage").await.to_string();
    let edit = |hours: &'static str| {
        [
            ("id", garbage.clone()),
            ("name", "暴露垃圾".to_string()),
            ("icon", "🗑️".to_string()),
            ("deadline_hours", hours.to_string()),
            ("back", "/admin#categories".to_string()),
        ]
    };

    assert_eq!(deadline_hours(&app, "exposed_garbage").await, 4);
    let (status, body) = post(&app, "/api/admin/category_edit", a, &as_form(&edit("6"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(deadline_hours(&app, "exposed_garbage").await, 6);
    let before = snapshot(&app).await;
    for bad in ["0", "abc", "9999", "", "-3", "2161", "4.5"] {
        let (status, body) = post(&app, "/api/admin/category_edit", a, &as_form(&edit(bad))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}: {body}");
        assert!(body.contains("处置时限须为1至2160小时之间的整数"), "{body}");
        assert_eq!(snapshot(&app).await, before, "{bad:?} changed something");
    }
    let (status, _) = post(&app, "/api/admin/category_edit", a, &as_form(&edit("2160"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(deadline_hours(&app, "exposed_garbage").await, 2160);
    // Another category's name is taken.
    let (status, body) = post(
        &app,
        "/api/admin/category_edit",
        a,
        &[
            ("id", garbage.as_str()),
            ("name", "道路不洁"),
            ("icon", "🗑️"),
            ("deadline_hours", "4"),
            back,
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // A new category.
    let new = [
        ("code", "fallen_trees"),
        ("name", "树木倒伏"),
        ("icon", "🌳"),
        ("deadline_hours", "12"),
        back,
    ];
    let (status, body) = post(&app, "/api/admin/category_add", a, &new).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(deadline_hours(&app, "fallen_trees").await, 12);
    assert!(
        public_category_codes(&app)
            .await
            .contains(&"fallen_trees".to_string())
    );
    let (status, body) = post(&app, "/api/admin/category_add", a, &new).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("类别代码已存在"), "{body}");
    let (status, body) = post(
        &app,
        "/api/admin/category_add",
        a,
        &[
            ("code", "trees2"),
            ("name", "树木倒伏"),
            ("icon", "🌳"),
            ("deadline_hours", "12"),
            back,
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("类别名称已存在"), "{body}");
    let before = snapshot(&app).await;
    for (code, name, icon, hours) in [
        ("Bad Code", "坏代码", "❌", "12"),
        ("ok_code", "", "❌", "12"),
        ("ok_code", "无图标", "", "12"),
        ("ok_code", "时限为零", "❌", "0"),
        ("ok_code", "时限太长", "❌", "9999"),
    ] {
        let (status, body) = post(
            &app,
            "/api/admin/category_add",
            a,
            &[
                ("code", code),
                ("name", name),
                ("icon", icon),
                ("deadline_hours", hours),
                back,
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{code} {name}: {body}");
    }
    assert_eq!(snapshot(&app).await, before);

    // 停用 hides it from the report form; 启用 brings it back.
    let trees = category_id(&app, "fallen_trees").await.to_string();
    let (status, _) = post(
        &app,
        "/api/admin/category_active",
        a,
        &[("id", trees.as_str()), ("active", "0"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !public_category_codes(&app)
            .await
            .contains(&"fallen_trees".to_string())
    );
    let (status, _) = post(
        &app,
        "/api/admin/category_active",
        a,
        &[("id", trees.as_str()), ("active", "yes"), back],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = post(
        &app,
        "/api/admin/category_active",
        a,
        &[("id", trees.as_str()), ("active", "1"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public_category_codes(&app)
            .await
            .contains(&"fallen_trees".to_string())
    );
    let (status, _) = post(
        &app,
        "/api/admin/category_active",
        a,
        &[("id", "999999"), ("active", "0"), back],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admin_manages_accounts() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let a = Some(admin.as_str());
    let back = ("back", "/admin#users");
    let taihao_office = office_id(&app, "太昊路办事处").await.to_string();

    // A staff account of 太昊路, who can then sign in (and is not an admin).
    let (status, body) = post(
        &app,
        "/api/admin/user_add",
        a,
        &[
            ("username", "xinren"),
            ("display_name", "新来的值班员"),
            ("role", "staff"),
            ("office", &taihao_office),
            ("password", "first-password"),
            back,
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let xinren = login_with(&app, "xinren", "first-password")
        .await
        .expect("login");
    let (status, _) = post(&app, "/api/admin/overview", Some(&xinren), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = post(&app, "/api/staff/me", Some(&xinren), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("太昊路办事处"), "{body}");

    // Refusals: same username, staff without an office, unknown role, short password.
    let before = snapshot(&app).await;
    for (username, role, office, password, expected) in [
        (
            "xinren",
            "staff",
            taihao_office.as_str(),
            "first-password",
            StatusCode::CONFLICT,
        ),
        (
            "nooffice",
            "staff",
            "",
            "first-password",
            StatusCode::BAD_REQUEST,
        ),
        (
            "badrole",
            "root",
            taihao_office.as_str(),
            "first-password",
            StatusCode::BAD_REQUEST,
        ),
        (
            "shortpw",
            "staff",
            taihao_office.as_str(),
            "short",
            StatusCode::BAD_REQUEST,
        ),
        (
            "王五",
            "staff",
            taihao_office.as_str(),
            "first-password",
            StatusCode::BAD_REQUEST,
        ),
        (
            "ghost",
            "staff",
            "999999",
            "first-password",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, body) = post(
            &app,
            "/api/admin/user_add",
            a,
            &[
                ("username", username),
                ("display_name", "某人"),
                ("role", role),
                ("office", office),
                ("password", password),
                back,
            ],
        )
        .await;
        assert_eq!(status, expected, "{username}: {body}");
    }
    assert_eq!(snapshot(&app).await, before);

    // A second admin (the office field is ignored for admins).
    let (status, body) = post(
        &app,
        "/api/admin/user_add",
        a,
        &[
            ("username", "admin2"),
            ("display_name", "区创卫办副管理员"),
            ("role", "admin"),
            ("office", ""),
            ("password", "admin2-password"),
            back,
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let admin2 = login_with(&app, "admin2", "admin2-password")
        .await
        .expect("login");
    let (status, _) = post(&app, "/api/admin/overview", Some(&admin2), &[]).await;
    assert_eq!(status, StatusCode::OK);

    // Reset a password: the old one fails, the new one works, old sessions end.
    let xid = user_id(&app, "xinren").await.to_string();
    let (status, _) = post(
        &app,
        "/api/admin/user_password",
        a,
        &[("id", &xid), ("password", "short"), back],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(login_with(&app, "xinren", "first-password").await.is_ok());
    let (status, body) = post(
        &app,
        "/api/admin/user_password",
        a,
        &[("id", &xid), ("password", "second-password"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(login_with(&app, "xinren", "first-password").await.is_err());
    assert!(login_with(&app, "xinren", "second-password").await.is_ok());
    let (_, body) = post(&app, "/api/staff/me", Some(&xinren), &[]).await;
    assert_eq!(body.trim(), "null", "the old session must end: {body}");
    let (status, _) = post(
        &app,
        "/api/admin/user_password",
        a,
        &[("id", "999999"), ("password", "second-password"), back],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Deactivate admin2: its session stops working and it cannot sign in; then back on.
    let id2 = user_id(&app, "admin2").await.to_string();
    let (status, body) = post(
        &app,
        "/api/admin/user_active",
        a,
        &[("id", &id2), ("active", "0"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = post(&app, "/api/admin/overview", Some(&admin2), &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post(
        &app,
        "/api/admin/office_add",
        Some(&admin2),
        &[("name", "停用后添加"), back],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(login_with(&app, "admin2", "admin2-password").await.is_err());
    let (status, _) = post(
        &app,
        "/api/admin/user_active",
        a,
        &[("id", &id2), ("active", "1"), back],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let admin2 = login_with(&app, "admin2", "admin2-password")
        .await
        .expect("login again");
    let (status, _) = post(&app, "/api/admin/overview", Some(&admin2), &[]).await;
    assert_eq!(status, StatusCode::OK);

    // Nobody switches off their own account.
    let me = user_id(&app, "admin").await.to_string();
    let (status, body) = post(
        &app,
        "/api/admin/user_active",
        a,
        &[("id", &me), ("active", "0"), back],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("不能停用自己"), "{body}");
    let (status, _) = post(&app, "/api/admin/overview", a, &[]).await;
    assert_eq!(status, StatusCode::OK, "still signed in and active");
}

// ---- the browser's round trip ----

#[tokio::test]
async fn browser_form_posts_return_to_the_section_with_the_outcome() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let a = Some(admin.as_str());

    let (status, location) = browser_post(
        &app,
        "/api/admin/office_add",
        a,
        &[("name", "表单办事处"), ("back", "/admin#offices")],
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location, "/admin?ok=1#offices");

    let (status, location) = browser_post(
        &app,
        "/api/admin/office_add",
        a,
        &[("name", "表单办事处"), ("back", "/admin#offices")],
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    // The message, signed: `err=<signature>.<办事处名称已存在, percent-encoded>`.
    assert!(location.starts_with("/admin?err="), "{location}");
    assert!(location.contains(".%E5%8A%9E"), "{location}");
    assert!(location.ends_with("#offices"), "{location}");
    let sent_back = location.trim_end_matches("#offices").to_string();

    // No open redirect (nor a broken header) through the hidden field.
    for back in ["https://evil.example/", "//evil.example", "/admin#街巷"] {
        let (status, location) = browser_post(
            &app,
            "/api/admin/office_add",
            a,
            &[("name", &format!("办事处{}", back.len())), ("back", back)],
        )
        .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(location, "/admin?ok=1", "{back}");
    }

    // The page shows the error it was sent back with, and not one written by hand.
    let (status, _, html) = page(&app, &sent_back, a, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("办事处名称已存在"), "flash missing");
    let (status, _, html) = page(
        &app,
        "/admin?err=%E5%8A%9E%E4%BA%8B%E5%A4%84%E5%90%8D%E7%A7%B0%E5%B7%B2%E5%AD%98%E5%9C%A8",
        a,
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("办事处名称已存在"),
        "an unsigned message is shown"
    );
}

// ---- 3. the pages ----

#[tokio::test]
async fn the_admin_page_is_for_admins_only() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let taihao = app.login("taihao").await;

    let (status, _, html) = page(&app, "/admin", Some(&admin), &[]).await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "id=\"offices\"",
        "id=\"communities\"",
        "id=\"streets\"",
        "id=\"categories\"",
        "id=\"users\"",
        "action=\"/api/admin/office_add\"",
        "action=\"/api/admin/street_rename\"",
        "action=\"/api/admin/category_edit\"",
        "action=\"/api/admin/user_password\"",
        "name=\"back\"",
        "打印二维码海报",
        "韩营一巷",
        "淮河路办事处",
        "暴露垃圾",
        "taihao",
    ] {
        assert!(html.contains(needle), "/admin lacks {needle}");
    }
    let street = street_id(&app, "韩营一巷").await;
    assert!(html.contains(&format!("href=\"/admin/streets/{street}/poster\"")));
    assert!(!html.contains("$argon2"), "no password hash in the page");

    let (status, _, html) = page(&app, "/admin", Some(&taihao), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("没有权限"));
    assert!(!html.contains("action=\"/api/admin/office_add\""));

    let (status, location, _) = page(&app, "/admin", None, &[]).await;
    assert!(status.is_redirection(), "{status}");
    assert!(location.starts_with("/staff/login"), "{location}");
}

#[tokio::test]
async fn street_posters_carry_a_qr_code_of_the_report_form() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let taihao = app.login("taihao").await;
    let huaihe = app.login("huaihe").await;
    let street = street_id(&app, "韩营一巷").await; // 太昊路办事处
    let path = format!("/admin/streets/{street}/poster");

    let (status, _, html) = page(&app, &path, Some(&admin), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<svg"), "no QR code");
    assert!(!html.contains("<?xml"));
    let url = format!("http://{}/report?street={street}", app.addr);
    assert!(html.contains(&url), "no report URL {url}");
    for needle in [
        "韩营一巷",
        "韩营 · 太昊路办事处",
        "街巷随手拍",
        "扫码上报本街巷的问题",
        "window.print()",
    ] {
        assert!(html.contains(needle), "poster lacks {needle}");
    }

    // Behind an https proxy the code points at https.
    let (status, _, html) =
        page(&app, &path, Some(&admin), &[("x-forwarded-proto", "https")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("https://{}/report?street={street}", app.addr)));

    // Staff of the street's own office may print it; of another office not.
    let (status, _, html) = page(&app, &path, Some(&taihao), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<svg"));
    let (status, _, html) = page(&app, &path, Some(&huaihe), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !html.contains("<svg") && !html.contains("report?street="),
        "poster leaked"
    );
    assert!(html.contains("没有权限"));

    let (status, location, _) = page(&app, &path, None, &[]).await;
    assert!(status.is_redirection(), "{status}");
    assert!(location.starts_with("/staff/login"), "{location}");

    let (status, _, _) = page(&app, "/admin/streets/999999/poster", Some(&admin), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = page(&app, "/admin/streets/abc/poster", Some(&admin), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The server function itself answers the same way.
    let sid = street.to_string();
    let (status, _) = post(&app, "/api/admin/poster", None, &[("street", &sid)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post(
        &app,
        "/api/admin/poster",
        Some(&huaihe),
        &[("street", &sid)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = post(
        &app,
        "/api/admin/poster",
        Some(&taihao),
        &[("street", &sid)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("韩营一巷"));
}
