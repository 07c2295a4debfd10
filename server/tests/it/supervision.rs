//! 督导 end to end on the real router and database: a supervisor's round, findings sent
//! through the resident's submission endpoint (the phone's queue) and stored as findings of
//! the open round, exactly once; the office's 整改完成, the supervisor's 复查 with 返工; the
//! authorization matrix with the new role; 催办 only when overdue; nothing a refused call
//! changes.

use crate::common::{TestApp, ok, refused, small_jpeg as jpeg, spawn_app};
use app::supervision::{FindingDetail, FindingList, FindingStatus, RoundDetail, SupervisorHome};
use reqwest::multipart::{Form, Part};

const START: &str = "/api/dudao/start_round";

/// A read: path, form fields, the status for each caller in the matrix's order.
type Read<'a> = (&'a str, Vec<(&'a str, String)>, [u16; 5]);

/// Starts a round covering 韩营 (and one of its streets) as `cookie`.
pub(crate) async fn start_round(app: &TestApp, cookie: &str, kind: &str) -> reqwest::Response {
    let community = app
        .scalar("SELECT community_id FROM streets WHERE name = '韩营一巷'")
        .await;
    let street = app
        .scalar("SELECT id FROM streets WHERE name = '韩营一巷'")
        .await;
    let form = Form::new()
        .text("kind", kind.to_string())
        .text("date", "")
        .text("points", "12")
        .text("note", "第一次暗访")
        .text("place", format!("c{community}"))
        .text("place", format!("s{community}_{street}"));
    app.post_multipart(START, Some(cookie), form).await
}

/// The phone's submission (the resident's endpoint) of a finding on `street`, as `cookie`.
async fn submit(
    app: &TestApp,
    cookie: Option<&str>,
    id: uuid::Uuid,
    street: &str,
    seed: u8,
) -> reqwest::Response {
    let street_id = app
        .scalar(&format!("SELECT id FROM streets WHERE name = '{street}'"))
        .await;
    let category = app
        .scalar("SELECT id FROM categories WHERE code = 'exposed_garbage'")
        .await;
    let draft = serde_json::json!({
        "report_id": id,
        "category_id": category,
        "office_id": null,
        "street_id": street_id,
        "location": null,
        "description": "巷尾垃圾堆放",
        "contact_phone": "",
        "created_on_device": 1_795_786_380_000_i64,
    });
    let form = Form::new()
        .part(
            "report",
            Part::text(draft.to_string())
                .mime_str("application/json")
                .unwrap(),
        )
        .part(
            "photo",
            Part::bytes(jpeg(seed))
                .file_name("p.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    app.post_multipart("/api/reports/submit", cookie, form)
        .await
}

/// A supervisor with an open round and one finding on 韩营一巷 (太昊路办事处): (cookie, id).
pub(crate) async fn finding(app: &TestApp) -> (String, i64) {
    let dudao = app.login("dudao").await;
    if app
        .scalar("SELECT COUNT(*) FROM inspection_rounds WHERE ended_at IS NULL")
        .await
        == 0
    {
        ok(start_round(app, &dudao, "covert").await).await;
    }
    let id = uuid::Uuid::new_v4();
    ok(submit(app, Some(&dudao), id, "韩营一巷", 7).await).await;
    let finding = app
        .scalar_for(
            "SELECT id FROM findings WHERE client_uuid = $1",
            &id.to_string(),
        )
        .await;
    (dudao, finding)
}

/// (status, version, events, rework) of a finding: what a refused call must leave alone.
async fn snapshot(app: &TestApp, id: i64) -> (String, i64, i64, i64) {
    let (status, version, rework): (String, i64, i64) =
        sqlx::query_as("SELECT status, version, rework_count FROM findings WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let events = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM finding_events WHERE finding_id = {id}"
        ))
        .await;
    (status, version, events, rework)
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
    let mut fields = vec![
        ("finding", id.to_string()),
        ("version", version(app, id).await.to_string()),
        ("action", action.to_string()),
    ];
    fields.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    app.post_form("/api/findings/act", cookie, &fields).await
}

pub(crate) async fn rectify(
    app: &TestApp,
    cookie: Option<&str>,
    id: i64,
    photos: usize,
) -> reqwest::Response {
    let mut form = Form::new()
        .text("finding", id.to_string())
        .text("version", version(app, id).await.to_string())
        .text("note", "已清运并冲洗");
    for i in 0..photos {
        form = form.part(
            "photo",
            Part::bytes(jpeg(150 + i as u8))
                .file_name("after.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    app.post_multipart("/api/findings/rectify", cookie, form)
        .await
}

async fn publish(app: &TestApp, cookie: &str) -> reqwest::Response {
    app.post_form(
        "/api/dudao/publish",
        Some(cookie),
        &[("kind", "week".into())],
    )
    .await
}

/// The HTML of `path` for the session `cookie`.
pub(crate) async fn page(app: &TestApp, path: &str, cookie: &str) -> String {
    app.client
        .get(app.url(path))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

pub(crate) async fn detail(app: &TestApp, cookie: &str, id: i64) -> FindingDetail {
    let res = app
        .post_form(
            "/api/findings/detail",
            Some(cookie),
            &[("id", id.to_string())],
        )
        .await;
    serde_json::from_str(&ok(res).await).unwrap()
}

#[tokio::test]
async fn a_supervisors_phone_records_findings_exactly_once_into_the_open_round() {
    let app = spawn_app().await;
    let dudao = app.login("dudao").await;
    let id = uuid::Uuid::new_v4();

    // No round open: refused with a reason, nothing stored (the phone keeps it).
    let e = refused(submit(&app, Some(&dudao), id, "韩营一巷", 1).await, 409).await;
    assert!(e.to_string().contains("检查轮次"), "{e}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM findings").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 0);

    let started = start_round(&app, &dudao, "covert").await;
    assert_eq!(started.status(), 200);
    // A second round while this one is open: 409.
    refused(start_round(&app, &dudao, "open").await, 409).await;

    let first: app::reports::Receipt =
        serde_json::from_str(&ok(submit(&app, Some(&dudao), id, "韩营一巷", 1).await).await)
            .unwrap();
    // The queue's retry of the same finding: the same receipt, still one finding.
    let again: app::reports::Receipt =
        serde_json::from_str(&ok(submit(&app, Some(&dudao), id, "韩营一巷", 1).await).await)
            .unwrap();
    assert_eq!(first.tracking_code, again.tracking_code);
    // Other content under the same id: 409, never merged.
    refused(submit(&app, Some(&dudao), id, "韩营一巷", 2).await, 409).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM findings").await, 1);
    // Not a resident's report: residents' figures are untouched.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 0);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM report_counts WHERE n <> 0")
            .await,
        0
    );

    // Sent to the street's office, with the category's 4-hour deadline, in the open round.
    let office = app.scalar("SELECT office_id FROM findings").await;
    let taihao = app
        .scalar("SELECT id FROM offices WHERE name = '太昊路办事处'")
        .await;
    assert_eq!(office, taihao);
    assert_eq!(
        app.scalar("SELECT deadline_at - received_at FROM findings")
            .await,
        4 * 3_600_000
    );
    let round: RoundDetail = serde_json::from_str(
        &ok(app
            .post_form(
                "/api/dudao/round",
                Some(&dudao),
                &[(
                    "id",
                    app.scalar("SELECT id FROM inspection_rounds")
                        .await
                        .to_string(),
                )],
            )
            .await)
        .await,
    )
    .unwrap();
    assert_eq!(round.findings.len(), 1);
    assert_eq!(round.round.findings, 1);
    assert_eq!(round.round.points_checked, 12);
    assert_eq!(round.round.places.len(), 2, "{:?}", round.round.places);
    assert!(round.mine);

    // Its photo is served (photos are served only when something refers to them).
    let sha: (String,) = sqlx::query_as("SELECT sha256 FROM finding_photos")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let photo = app
        .client
        .get(app.url(&format!("/photos/{}.jpg", sha.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), 200);

    // A resident (no session) still makes a resident's report.
    let resident = submit(&app, None, uuid::Uuid::new_v4(), "韩营一巷", 3).await;
    ok(resident).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM findings").await, 1);

    // The home page shows the open round; ending it closes it.
    let home: SupervisorHome =
        serde_json::from_str(&ok(app.post_form("/api/dudao/home", Some(&dudao), &[]).await).await)
            .unwrap();
    let open = home.open.expect("the open round");
    let end = app
        .post_form(
            "/api/dudao/end_round",
            Some(&dudao),
            &[("round", open.id.0.to_string())],
        )
        .await;
    ok(end).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM inspection_rounds WHERE ended_at IS NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn the_office_rectifies_and_the_supervisor_sends_back_once_then_passes() {
    let app = spawn_app().await;
    let (dudao, id) = finding(&app).await;
    let office = app.login("taihao").await;

    // 整改完成 needs a photo.
    refused(rectify(&app, Some(&office), id, 0).await, 400).await;
    ok(rectify(&app, Some(&office), id, 1).await).await;
    assert_eq!(snapshot(&app, id).await.0, "rectified");

    // 复查不通过 needs the reason and a new deadline.
    refused(
        act(&app, Some(&dudao), id, "fail", &[("deadline_hours", "24")]).await,
        400,
    )
    .await;
    refused(
        act(&app, Some(&dudao), id, "fail", &[("note", "仍有垃圾")]).await,
        400,
    )
    .await;
    ok(act(
        &app,
        Some(&dudao),
        id,
        "fail",
        &[("note", "仍有垃圾"), ("deadline_hours", "24")],
    )
    .await)
    .await;
    let (status, _, _, rework) = snapshot(&app, id).await;
    assert_eq!((status.as_str(), rework), ("open", 1));
    assert!(
        app.scalar(&format!(
            "SELECT deadline_at - updated_at FROM findings WHERE id = {id}"
        ))
        .await
            == 24 * 3_600_000
    );

    ok(rectify(&app, Some(&office), id, 2).await).await;
    ok(act(&app, Some(&dudao), id, "pass", &[]).await).await;
    let d = detail(&app, &dudao, id).await;
    assert_eq!(d.row.status, FindingStatus::Passed);
    assert_eq!(d.row.rework_count, 1);
    assert!(d.actions.is_empty(), "final: {:?}", d.actions);
    let steps: Vec<&str> = d.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        steps,
        ["record", "rectify", "fail", "rectify", "pass"],
        "every step with who and when"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM finding_photos WHERE finding_id = {id} AND kind = 'after'"
        ))
        .await,
        3
    );
    // A step on a stale version: 409, nothing changes.
    let before = snapshot(&app, id).await;
    let stale = app
        .post_form(
            "/api/findings/act",
            Some(&dudao),
            &[
                ("finding", id.to_string()),
                ("version", "1".to_string()),
                ("action", "withdraw".to_string()),
                ("note", "误报".to_string()),
            ],
        )
        .await;
    refused(stale, 409).await;
    assert_eq!(snapshot(&app, id).await, before);

    // The office's list: no longer open; with "all" it is there, passed.
    let list: FindingList = serde_json::from_str(
        &ok(app
            .post_form(
                "/api/findings/list",
                Some(&office),
                &[("status", "all".into())],
            )
            .await)
        .await,
    )
    .unwrap();
    assert!(
        list.rows
            .iter()
            .any(|r| r.id.0 == id && r.status == FindingStatus::Passed)
    );
    assert_eq!((list.open, list.rectified), (0, 0));
}

#[tokio::test]
async fn authorization_matrix_with_the_supervisor() {
    let app = spawn_app().await;
    let (dudao, id) = finding(&app).await;
    let a = app.login("taihao").await; // the responsible office
    let b = app.login("huaihe").await; // another office
    let admin = app.login("admin").await;
    let round = app.scalar("SELECT id FROM inspection_rounds").await;
    let callers: [(&str, Option<&str>); 5] = [
        ("anonymous", None),
        ("office", Some(&a)),
        ("other office", Some(&b)),
        ("admin", Some(&admin)),
        ("supervisor", Some(&dudao)),
    ];

    // Reads.
    for (who, cookie) in callers {
        let reads: [Read; 5] = [
            // anonymous, office, other office, admin, supervisor
            ("/api/findings/list", vec![], [401, 200, 200, 200, 200]),
            (
                "/api/findings/detail",
                vec![("id", id.to_string())],
                [401, 200, 404, 200, 200],
            ),
            ("/api/dudao/home", vec![], [401, 403, 403, 403, 200]),
            (
                "/api/dudao/round",
                vec![("id", round.to_string())],
                [401, 403, 403, 200, 200],
            ),
            // The supervisor does not triage residents' reports.
            ("/api/staff/queue", vec![], [401, 200, 200, 200, 403]),
        ];
        let i = callers.iter().position(|c| c.0 == who).unwrap();
        for (path, fields, expect) in reads {
            let res = app.post_form(path, cookie, &fields).await;
            assert_eq!(res.status().as_u16(), expect[i], "{who} {path}");
        }
    }
    // Another office's list does not show it.
    let list: FindingList =
        serde_json::from_str(&ok(app.post_form("/api/findings/list", Some(&b), &[]).await).await)
            .unwrap();
    assert!(list.rows.iter().all(|r| r.id.0 != id));
    // An office asking for another office's list: 403.
    let taihao = app
        .scalar("SELECT id FROM offices WHERE name = '太昊路办事处'")
        .await;
    let res = app
        .post_form(
            "/api/findings/list",
            Some(&b),
            &[("office", taihao.to_string())],
        )
        .await;
    assert_eq!(res.status(), 403);

    // Writes on the open finding: only the office may rectify.
    let before = snapshot(&app, id).await;
    for (who, cookie, expect) in [
        ("anonymous", None, 401),
        ("other office", Some(b.as_str()), 404),
        ("admin", Some(admin.as_str()), 403),
        ("supervisor", Some(dudao.as_str()), 403),
    ] {
        let res = rectify(&app, cookie, id, 1).await;
        assert_eq!(res.status().as_u16(), expect, "{who} rectify");
        assert_eq!(snapshot(&app, id).await, before, "{who}");
    }
    // The office can neither pass, fail, withdraw nor re-time its own finding.
    for action in ["pass", "fail", "withdraw", "set_deadline", "press"] {
        let extra = [("note", "自行结案"), ("deadline_hours", "48")];
        for (who, cookie) in [("office", a.as_str()), ("admin", admin.as_str())] {
            let res = act(&app, Some(cookie), id, action, &extra).await;
            assert_eq!(res.status(), 403, "{who} {action}");
        }
    }
    assert_eq!(snapshot(&app, id).await, before);
    // 整改完成 and 复查 are not asked of /act.
    refused(act(&app, Some(&a), id, "rectify", &[]).await, 400).await;
    refused(act(&app, Some(&dudao), id, "record", &[]).await, 400).await;

    ok(rectify(&app, Some(&a), id, 1).await).await;
    let before = snapshot(&app, id).await;
    for (who, cookie, expect) in [
        ("office", Some(a.as_str()), 403),
        ("other office", Some(b.as_str()), 404),
        ("admin", Some(admin.as_str()), 403),
        ("anonymous", None, 401),
    ] {
        let res = act(&app, cookie, id, "pass", &[]).await;
        assert_eq!(res.status().as_u16(), expect, "{who} pass");
    }
    assert_eq!(snapshot(&app, id).await, before);
    // The supervisor's 整改完成 is refused even now; the office's second one is untimely.
    refused(rectify(&app, Some(&dudao), id, 1).await, 403).await;
    refused(rectify(&app, Some(&a), id, 1).await, 409).await;

    // The supervisor cannot act on residents' reports either.
    let (report, _) = app
        .submit_street_report("韩营一巷", "exposed_garbage", "13800138000", "垃圾", 9)
        .await;
    let res = app
        .post_form(
            "/api/staff/act",
            Some(&dudao),
            &[
                ("report", report.to_string()),
                ("version", "1".into()),
                ("action", "accept".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .post_form(
            "/api/staff/report",
            Some(&dudao),
            &[("id", report.to_string())],
        )
        .await;
    assert_eq!(res.status(), 403);
    // Nor download them (the exports carry residents' phone numbers).
    for file in ["reports.csv", "reports.xlsx", "dashboard.xlsx"] {
        let res = app
            .client
            .get(app.url(&format!("/staff/export/{file}")))
            .header(reqwest::header::COOKIE, &dudao)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{file}");
    }
    // And office staff cannot start rounds.
    refused(start_round(&app, &a, "open").await, 403).await;
}

#[tokio::test]
async fn pressing_needs_an_overdue_finding_and_bad_rounds_are_refused() {
    let app = spawn_app().await;
    let (dudao, id) = finding(&app).await;
    // Not overdue yet: 催办 is untimely.
    refused(act(&app, Some(&dudao), id, "press", &[]).await, 409).await;
    sqlx::query("UPDATE findings SET deadline_at = deadline_at - 10 * 3600000 WHERE id = $1")
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let office = app.login("taihao").await;
    let list: FindingList = serde_json::from_str(
        &ok(app
            .post_form("/api/findings/list", Some(&office), &[])
            .await)
        .await,
    )
    .unwrap();
    assert_eq!(list.overdue, 1);
    ok(act(&app, Some(&dudao), id, "press", &[("note", "请今日内完成")]).await).await;
    assert_eq!(detail(&app, &dudao, id).await.row.press_count, 1);
    // Rectified late: counted.
    ok(rectify(&app, Some(&office), id, 1).await).await;
    assert_eq!(
        app.scalar(&format!("SELECT late_count FROM findings WHERE id = {id}"))
            .await,
        1
    );

    // A round without places, with a bad kind or bad points, or naming an unknown place.
    let bad_forms = [
        Form::new().text("kind", "open"),
        Form::new().text("kind", "secret").text("place", "c1"),
        Form::new()
            .text("kind", "open")
            .text("points", "-1")
            .text("place", "c1"),
        Form::new().text("kind", "open").text("place", "c99999"),
        Form::new().text("kind", "open").text("place", "s1_99999"),
    ];
    let rounds = app.scalar("SELECT COUNT(*) FROM inspection_rounds").await;
    for form in bad_forms {
        let res = app.post_multipart(START, Some(&dudao), form).await;
        assert_eq!(res.status(), 400);
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM inspection_rounds").await,
        rounds
    );
}

/// An existing SQLite deployment upgraded to the supervisor role: migration 20261212000001
/// rebuilds `users` with its foreign keys checked at COMMIT, so its sessions, devices and
/// every other row referring to an account survive (the DROP cascades to login_devices,
/// which the migration puts back).
#[tokio::test]
async fn an_existing_sqlite_database_gains_the_supervisor_role_and_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let db = server::database::connect(&url, Some(1)).await.unwrap();
    // The migrations before this one, as the old server had them.
    let before = dir.path().join("migrations");
    std::fs::create_dir(&before).unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut names: Vec<_> = std::fs::read_dir(&source)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in names.iter().filter(|n| *n.to_string_lossy() < *"20261207") {
        std::fs::copy(source.join(name), before.join(name)).unwrap();
    }
    sqlx::migrate::Migrator::new(before.as_path())
        .await
        .unwrap()
        .run(&db.pool)
        .await
        .unwrap();
    for sql in [
        "INSERT INTO offices (id, name) VALUES (1, '太昊路办事处')",
        "INSERT INTO users (id, username, display_name, password_hash, role, office_id, active, \
             created_at) VALUES (1, 'taihao', '值班员', 'h', 'staff', 1, 1, 0), \
             (2, 'admin', '管理员', 'h', 'admin', NULL, 1, 0)",
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('s', 1, 0, 9)",
        "INSERT INTO login_devices (token_hash, user_id, created_at, last_used_at) \
             VALUES ('d1', 1, 0, 0), ('d2', 2, 0, 0)",
    ] {
        sqlx::query(sql).execute(&db.pool).await.unwrap();
    }
    let count = |sql: &'static str| {
        let pool = db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
            n
        }
    };
    // Refused before the upgrade.
    let supervisor = "INSERT INTO users (username, display_name, password_hash, role, office_id, \
         active, created_at) VALUES ('dudao', '督导组', 'h', 'supervisor', NULL, 1, 0)";
    assert!(sqlx::query(supervisor).execute(&db.pool).await.is_err());

    server::database::migrate(&db).await.unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM users").await, 2);
    assert_eq!(count("SELECT COUNT(*) FROM sessions").await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM login_devices").await, 2);
    sqlx::query(supervisor).execute(&db.pool).await.unwrap();
    // Staff still need an office; foreign keys are on again (a device of no account fails).
    let staff_without_office = "INSERT INTO users (username, display_name, password_hash, role, \
         office_id, active, created_at) VALUES ('x', 'x', 'h', 'staff', NULL, 1, 0)";
    assert!(
        sqlx::query(staff_without_office)
            .execute(&db.pool)
            .await
            .is_err()
    );
    let orphan = "INSERT INTO login_devices (token_hash, user_id, created_at, last_used_at) \
         VALUES ('d3', 999, 0, 0)";
    assert!(sqlx::query(orphan).execute(&db.pool).await.is_err());
    // Running again changes nothing.
    server::database::migrate(&db).await.unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM users").await, 3);
}

/// The week's bulletin against a recount from the findings' events; who may see, download
/// and publish it; the published copy is public and names no one.
#[tokio::test]
async fn the_bulletin_matches_a_recount_from_the_events_and_publishes_without_names() {
    use app::supervision::bulletin::{Bulletin, PublishedBulletin};
    let app = spawn_app().await;
    let (dudao, f1) = finding(&app).await;
    let taihao = app.login("taihao").await;
    let huaihe = app.login("huaihe").await;
    let admin = app.login("admin").await;
    // f1: rectified on time, sent back, rectified, passed.
    ok(rectify(&app, Some(&taihao), f1, 1).await).await;
    ok(act(
        &app,
        Some(&dudao),
        f1,
        "fail",
        &[("note", "不彻底"), ("deadline_hours", "24")],
    )
    .await)
    .await;
    ok(rectify(&app, Some(&taihao), f1, 1).await).await;
    ok(act(&app, Some(&dudao), f1, "pass", &[]).await).await;
    // f2: overdue, pressed, rectified late.
    let (_, f2) = finding(&app).await;
    sqlx::query("UPDATE findings SET deadline_at = deadline_at - 10 * 3600000 WHERE id = $1")
        .bind(f2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    ok(act(&app, Some(&dudao), f2, "press", &[]).await).await;
    ok(rectify(&app, Some(&taihao), f2, 1).await).await;
    // f3: 淮河路办事处's, open.
    let id = uuid::Uuid::new_v4();
    ok(submit(&app, Some(&dudao), id, "康楼中街", 9).await).await;

    let bulletin = |cookie: Option<String>| {
        let app = &app;
        async move {
            app.post_form(
                "/api/dudao/bulletin",
                cookie.as_deref(),
                &[("kind", "week".into())],
            )
            .await
        }
    };
    let b: Bulletin = serde_json::from_str(&ok(bulletin(Some(dudao.clone())).await).await).unwrap();
    assert_eq!(b.until_day - b.from_day, 7);

    // The recount: every event of the week, tallied here.
    let events: Vec<(String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT o.name, e.action, e.created_at, e.deadline_at FROM finding_events e \
         JOIN offices o ON o.id = e.office_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    for row in &b.rows {
        let of = |action: &str| {
            events
                .iter()
                .filter(|e| e.0 == row.office && e.1 == action)
                .count() as i64
        };
        let on_time = events
            .iter()
            .filter(|e| e.0 == row.office && e.1 == "rectify" && e.3.is_some_and(|d| e.2 <= d))
            .count() as i64;
        assert_eq!(row.findings, of("record"), "{}", row.office);
        assert_eq!(row.rectified, of("rectify"), "{}", row.office);
        assert_eq!(row.rectified_on_time, on_time, "{}", row.office);
        assert_eq!(row.rework, of("fail"), "{}", row.office);
        assert_eq!(row.pressed, of("press"), "{}", row.office);
        assert_eq!(row.passed, of("pass"), "{}", row.office);
    }
    let line = |name: &str| b.rows.iter().find(|r| r.office == name).unwrap().clone();
    let t = line("太昊路办事处");
    assert_eq!(
        (
            t.findings,
            t.rectified,
            t.rectified_on_time,
            t.rework,
            t.pressed,
            t.passed,
            t.open_now
        ),
        (2, 3, 2, 1, 1, 1, 1)
    );
    let h = line("淮河路办事处");
    assert_eq!((h.findings, h.rectified, h.open_now), (1, 0, 1));
    assert_eq!(t.rank, 1, "{:?}", b.rows);
    assert!(h.rank > t.rank);

    // Who may see it, download it, publish it.
    assert_eq!(bulletin(None).await.status(), 401);
    assert_eq!(bulletin(Some(taihao.clone())).await.status(), 403);
    assert_eq!(bulletin(Some(admin.clone())).await.status(), 200);
    let xlsx = |cookie: Option<&str>| {
        let mut req = app.client.get(app.url("/dudao/bulletin.xlsx?kind=week"));
        if let Some(c) = cookie {
            req = req.header(reqwest::header::COOKIE, c);
        }
        req.send()
    };
    let file = xlsx(Some(&dudao)).await.unwrap();
    assert_eq!(file.status(), 200);
    assert!(
        file.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    // Opened as a spreadsheet program would: the period's title, the columns, then one row
    // per office with the figures of the page.
    let (rows, formulas) = crate::exports::xlsx_rows(file.bytes().await.unwrap().to_vec());
    assert!(!formulas);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(crate::exports::text).collect())
        .collect();
    assert_eq!(cells[0][0], b.title());
    let header = cells
        .iter()
        .position(|r| r[0] == app::supervision::strings::BULLETIN_COLUMNS[0])
        .expect("the header row");
    assert_eq!(
        cells[header],
        app::supervision::strings::BULLETIN_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
    );
    let body_rows = &cells[header + 1..];
    assert_eq!(body_rows.len(), b.rows.len(), "one row per office");
    for (cells, row) in body_rows.iter().zip(&b.rows) {
        assert_eq!(cells[0], row.rank.to_string(), "{cells:?}");
        assert_eq!(cells[1], row.office);
        assert_eq!(cells[2], row.findings.to_string(), "{}", row.office);
        assert_eq!(cells[3], row.rectified.to_string(), "{}", row.office);
        assert_eq!(cells[5], row.rework.to_string(), "{}", row.office);
        assert_eq!(cells[6], row.pressed.to_string(), "{}", row.office);
        assert_eq!(cells[9], row.passed.to_string(), "{}", row.office);
        assert_eq!(cells[10], row.open_now.to_string(), "{}", row.office);
    }
    assert_eq!(xlsx(Some(&huaihe)).await.unwrap().status(), 403);
    assert_eq!(publish(&app, &taihao).await.status(), 403);
    assert_eq!(publish(&app, &admin).await.status(), 403);
    ok(publish(&app, &dudao).await).await;
    ok(publish(&app, &dudao).await).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM bulletins").await,
        1,
        "same period: replaced"
    );

    // Public: the list and the copy, with offices only.
    let list: Vec<PublishedBulletin> =
        serde_json::from_str(&ok(app.post_form("/api/bulletins/list", None, &[]).await).await)
            .unwrap();
    assert_eq!(list.len(), 1);
    let body = ok(app
        .post_form(
            "/api/bulletins/get",
            None,
            &[("id", list[0].id.to_string())],
        )
        .await)
    .await;
    for name in ["值班员", "督导组", "管理员", "不彻底"] {
        assert!(!body.contains(name), "{name} in {body}");
    }
    let public: Bulletin = serde_json::from_str(&body).unwrap();
    assert!(public.published_at.is_some());
    assert_eq!(public.rows, b.rows);
    let page = app.client.get(app.url("/bulletins")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("督导通报"));
}

/// 催办 → 督办 → 提级 by the admin's rules as the clock moves, each step an event at the
/// moment it fell due with no actor; 返工 twice is 督办 at once; the office's inbox and the
/// bulletin count them.
#[tokio::test]
async fn escalation_follows_the_rules_as_the_clock_moves() {
    use app::supervision::escalation::sweep;
    let app = spawn_app().await;
    let (dudao, id) = finding(&app).await;
    let admin = app.login("admin").await;
    let office = app.login("taihao").await;
    let level = |id: i64| {
        let app = &app;
        async move {
            app.scalar(&format!(
                "SELECT escalation_level FROM findings WHERE id = {id}"
            ))
            .await
        }
    };
    const H: i64 = 3_600_000;
    // The admin: 催办 2 h after the deadline, 督办 10 h later, 提级 20 h after that.
    let set = app
        .post_form(
            "/api/admin/set_escalation_rules",
            Some(&admin),
            &[
                ("press_after_hours", "2".into()),
                ("supervise_after_hours", "10".into()),
                ("escalate_after_hours", "20".into()),
                ("supervise_on_rework", "2".into()),
            ],
        )
        .await;
    ok(set).await;
    let refused_rules = app
        .post_form(
            "/api/admin/set_escalation_rules",
            Some(&office),
            &[("press_after_hours", "1".into())],
        )
        .await;
    assert_eq!(refused_rules.status(), 403);
    let bad = app
        .post_form(
            "/api/admin/set_escalation_rules",
            Some(&admin),
            &[
                ("press_after_hours", "-3".into()),
                ("supervise_after_hours", "10".into()),
                ("escalate_after_hours", "20".into()),
                ("supervise_on_rework", "2".into()),
            ],
        )
        .await;
    assert_eq!(bad.status(), 400);

    let deadline = app
        .scalar(&format!("SELECT deadline_at FROM findings WHERE id = {id}"))
        .await;
    // The deadline (4 h) passes, then one more hour: not yet.
    app.clock.advance(5 * H);
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 0);
    assert_eq!(level(id).await, 0);
    app.clock.advance(H + 60_000);
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 1);
    assert_eq!(level(id).await, 1);
    // Nothing new on the next minute.
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 0);
    // 35 hours later: 督办 and 提级 both fell due; each is written at its own moment.
    app.clock.advance(35 * H);
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 2);
    assert_eq!(level(id).await, 3);
    let steps: Vec<(String, Option<i64>, i64)> = sqlx::query_as(
        "SELECT action, actor_user, created_at FROM finding_events \
         WHERE finding_id = $1 AND action IN ('auto_press', 'supervise', 'escalate') ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        steps,
        vec![
            ("auto_press".to_string(), None, deadline + 2 * H),
            ("supervise".to_string(), None, deadline + 12 * H),
            ("escalate".to_string(), None, deadline + 32 * H),
        ]
    );
    // The district's 提级 list, the office's inbox card and the 督办 notice.
    let listed: app::supervision::FindingList = serde_json::from_str(
        &ok(app
            .post_form("/api/findings/list", Some(&dudao), &[("level", "3".into())])
            .await)
        .await,
    )
    .unwrap();
    assert_eq!(listed.rows.len(), 1);
    assert_eq!(listed.escalated, (0, 0, 1));
    let d = detail(&app, &office, id).await;
    assert_eq!(d.row.escalation_level, 3);
    assert!(
        d.events
            .iter()
            .any(|e| e.label == "督办" && e.actor == "系统")
    );
    let finding_page = page(&app, &format!("/findings/{id}"), &office).await;
    assert!(finding_page.contains("督办通知"), "the printable notice");
    let inbox = page(&app, "/staff/inbox", &office).await;
    assert!(inbox.contains("inbox-findings"), "the inbox lists it");
    let queue = page(&app, "/staff", &office).await;
    assert!(queue.contains("findings-banner"), "the queue points to it");
    let other = app.login("huaihe").await;
    let elsewhere = page(&app, "/staff", &other).await;
    assert!(
        !elsewhere.contains("findings-banner"),
        "not another office's"
    );

    // Rectified: the rules stop; sent back twice: 督办 at once, without waiting for a deadline.
    let (_, other) = finding(&app).await;
    for _ in 0..2 {
        ok(rectify(&app, Some(&office), other, 1).await).await;
        ok(act(
            &app,
            Some(&dudao),
            other,
            "fail",
            &[("note", "不合格"), ("deadline_hours", "72")],
        )
        .await)
        .await;
    }
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 1);
    assert_eq!(level(other).await, 2);

    // The bulletin of the week the clock is in counts them.
    let b: app::supervision::bulletin::Bulletin = serde_json::from_str(
        &ok(app
            .post_form(
                "/api/dudao/bulletin",
                Some(&dudao),
                &[("kind", "month".into())],
            )
            .await)
        .await,
    )
    .unwrap();
    let t = b.rows.iter().find(|r| r.office == "太昊路办事处").unwrap();
    assert!(t.supervised >= 1 && t.rework == 2, "{t:?}");
}

/// `server synthetic --findings`: a year of findings whose kept columns agree with their
/// events, which the bulletin and the escalation read without error.
#[tokio::test]
async fn synthetic_findings_are_consistent_with_their_events() {
    let app = spawn_app().await;
    let now = app.clock.now();
    let (rounds, findings, events) = app::supervision::synthetic::fill(&app.db, 1_000, now, 7)
        .await
        .unwrap();
    assert_eq!((rounds, findings), (50, 1_000));
    assert!(events > 2_000, "{events}");
    // A second fill is refused.
    assert!(
        app::supervision::synthetic::fill(&app.db, 10, now, 7)
            .await
            .is_err()
    );
    // Kept columns against the events.
    for (column, action) in [("rework_count", "fail"), ("version", "%")] {
        let kept = app
            .scalar(&format!(
                "SELECT CAST(SUM({column}) AS BIGINT) FROM findings"
            ))
            .await;
        let counted = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM finding_events WHERE action LIKE '{action}'"
            ))
            .await;
        assert_eq!(kept, counted, "{column}");
    }
    let passed = app
        .scalar("SELECT COUNT(*) FROM findings WHERE status = 'passed'")
        .await;
    assert!(passed > 500, "{passed}");
    assert_eq!(
        passed,
        app.scalar("SELECT COUNT(*) FROM finding_events WHERE action = 'pass'")
            .await
    );
    // Escalated ones have their steps; the sweep finds nothing new to write for them.
    let escalated = app
        .scalar("SELECT COUNT(*) FROM finding_events WHERE action = 'auto_press'")
        .await;
    assert_eq!(
        escalated,
        app.scalar("SELECT COUNT(*) FROM findings WHERE escalation_level >= 1")
            .await
    );
    // Last month's bulletin reads them; a new finding still gets a fresh id.
    let dudao = app.login("dudao").await;
    let last_month = app::domain::Millis(now.0 - 40 * 24 * 3_600_000).format_date();
    let b: app::supervision::bulletin::Bulletin = serde_json::from_str(
        &ok(app
            .post_form(
                "/api/dudao/bulletin",
                Some(&dudao),
                &[("kind", "month".into()), ("date", last_month)],
            )
            .await)
        .await,
    )
    .unwrap();
    assert!(b.rows.iter().map(|r| r.findings).sum::<i64>() > 0);
    ok(start_round(&app, &dudao, "open").await).await;
    ok(submit(&app, Some(&dudao), uuid::Uuid::new_v4(), "韩营一巷", 3).await).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM findings").await, 1_001);
}
