//! Escalation of residents' reports (the same admin rules as findings) and the supervisor's
//! 催办 by hand, on the real router and database with a moved clock; and a finding's 改派 and
//! the bulletin's findings column (withdrawn ones not counted).

use crate::common::{TestApp, ok, refused, spawn_app};
use crate::staff::{act, rectify};
use crate::supervision::page;
use app::supervision::OverdueReports;
use app::supervision::escalation::sweep;

const H: i64 = 3_600_000;

/// (action, actor, at, note, office) of a report event.
type Step = (String, Option<i64>, i64, String, Option<i64>);

/// The admin's rules: 催办 2 h after the deadline, 督办 10 h later, 提级 20 h after that,
/// 督办 at once when sent back twice.
pub(crate) async fn set_rules(app: &TestApp) {
    let admin = app.login("admin").await;
    ok(app
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
        .await)
    .await;
}

/// A resident's report on 韩营一巷 (太昊路办事处), accepted and dispatched for `hours`.
async fn dispatched(app: &TestApp, office: &str, hours: &str, seed: u8) -> (i64, String) {
    let (id, code) = app
        .submit_street_report("韩营一巷", "exposed_garbage", "", "巷口垃圾", seed)
        .await;
    ok(act(app, Some(office), id, "accept", &[]).await).await;
    ok(act(
        app,
        Some(office),
        id,
        "dispatch",
        &[("unit", "韩营居委会"), ("deadline_hours", hours)],
    )
    .await)
    .await;
    (id, code)
}

/// (level, version, events) of a report.
async fn standing(app: &TestApp, id: i64) -> (i64, i64, i64) {
    let (level, version): (i64, i64) =
        sqlx::query_as("SELECT escalation_level, version FROM reports WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let events = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM report_events WHERE report_id = {id}"
        ))
        .await;
    (level, version, events)
}

pub(crate) async fn press(
    app: &TestApp,
    cookie: Option<&str>,
    id: i64,
    note: &str,
) -> reqwest::Response {
    app.post_form(
        "/api/dudao/press_report",
        cookie,
        &[("report", id.to_string()), ("note", note.into())],
    )
    .await
}

async fn overdue_list(app: &TestApp, cookie: &str, level: &str) -> reqwest::Response {
    app.post_form(
        "/api/dudao/reports",
        Some(cookie),
        &[("level", level.into())],
    )
    .await
}

#[tokio::test]
async fn residents_reports_are_pressed_by_hand_and_escalated_by_the_rules() {
    let app = spawn_app().await;
    set_rules(&app).await;
    let dudao = app.login("dudao").await;
    let taihao = app.login("taihao").await;
    let huaihe = app.login("huaihe").await;
    let admin = app.login("admin").await;
    let (id, code) = dispatched(&app, &taihao, "4", 3).await;
    let deadline = app
        .scalar(&format!("SELECT deadline_at FROM reports WHERE id = {id}"))
        .await;

    // Not overdue yet: a 催办 by hand is refused and changes nothing; only a supervisor may.
    let before = standing(&app, id).await;
    refused(press(&app, Some(&dudao), id, "").await, 409).await;
    refused(press(&app, Some(&taihao), id, "").await, 403).await;
    refused(press(&app, Some(&admin), id, "").await, 403).await;
    refused(press(&app, None, id, "").await, 401).await;
    assert_eq!(standing(&app, id).await, before);
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 0);

    // 5 h on: overdue by 1 h; the rules' 催办 is an hour away. The supervisor presses.
    app.clock.advance(5 * H);
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 0);
    let list: OverdueReports =
        serde_json::from_str(&ok(overdue_list(&app, &dudao, "").await).await).unwrap();
    assert_eq!(list.overdue, 1);
    assert_eq!(list.rows.len(), 1);
    assert_eq!(list.rows[0].id.0, id);
    assert!(
        list.rows[0].tracking_code.is_empty(),
        "no 查询码 for the supervisor"
    );
    let listing = page(&app, "/dudao/reports", &dudao).await;
    assert!(listing.contains("press-report") && !listing.contains(&code));
    refused(overdue_list(&app, &taihao, "").await, 403).await;
    ok(overdue_list(&app, &admin, "").await).await;
    let t0 = app.clock.now().0;
    ok(press(&app, Some(&dudao), id, "请今天内清运").await).await;
    let t1 = app.clock.now().0;
    let (level, version, _) = standing(&app, id).await;
    assert_eq!(
        (level, version),
        (1, before.1),
        "the version stays: open forms still work"
    );

    // 10 h after the 催办 by hand: 督办; 20 h after that: 提级 (each at its own moment).
    app.clock.advance(31 * H);
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 2);
    assert_eq!(standing(&app, id).await.0, 3);
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 0);
    let steps: Vec<Step> = sqlx::query_as(
        "SELECT e.action, e.actor_user, e.created_at, e.note, e.office_id FROM report_events e \
         WHERE e.report_id = $1 AND e.action IN ('press', 'auto_press', 'supervise', 'escalate') \
         ORDER BY e.id",
    )
    .bind(id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let pressed_at = steps[0].2;
    assert!(
        (t0..=t1).contains(&pressed_at),
        "pressed at the clock's now"
    );
    let dudao_id = app
        .scalar("SELECT id FROM users WHERE username = 'dudao'")
        .await;
    let taihao_office = app
        .scalar("SELECT id FROM offices WHERE name = '太昊路办事处'")
        .await;
    assert_eq!(
        steps,
        vec![
            (
                "press".into(),
                Some(dudao_id),
                pressed_at,
                "请今天内清运".into(),
                Some(taihao_office)
            ),
            (
                "supervise".into(),
                None,
                pressed_at + 10 * H,
                String::new(),
                Some(taihao_office)
            ),
            (
                "escalate".into(),
                None,
                pressed_at + 30 * H,
                String::new(),
                Some(taihao_office)
            ),
        ]
    );
    assert!(
        pressed_at < deadline + 2 * H,
        "pressed before the rules would have"
    );

    // The office: its inbox's 被催办、督办 section, the queue's filter, the report's page with
    // the printable 督办通知 and the rules named as the actor; the navigation count is urgent.
    let inbox = page(&app, "/staff/inbox", &taihao).await;
    assert!(inbox.contains("inbox-pressed"), "{inbox}");
    let counts: app::staff::InboxCounts = serde_json::from_str(
        &ok(app
            .post_form("/api/staff/inbox_counts", Some(&taihao), &[])
            .await)
        .await,
    )
    .unwrap();
    assert_eq!(counts.pressed, 1);
    assert!(counts.urgent());
    let queue = page(&app, "/staff?level=3", &taihao).await;
    assert!(queue.contains("report-level") && queue.contains(&code));
    let queue = page(&app, "/staff?level=1", &huaihe).await;
    assert!(!queue.contains(&code), "another office's queue");
    refused(
        app.post_form("/api/staff/queue", Some(&taihao), &[("level", "9".into())])
            .await,
        400,
    )
    .await;
    let detail = page(&app, &format!("/staff/report/{id}"), &taihao).await;
    assert!(detail.contains("supervise-notice"), "the printable notice");
    assert!(detail.contains("系统（催办督办规则）") && detail.contains("区创卫督导组"));
    // The resident's page shows none of it.
    let track = ok(app
        .post_form("/api/reports/track", None, &[("code", code.clone())])
        .await)
    .await;
    assert!(!track.contains("请今天内清运") && !track.contains("supervise"));

    // The supervisor's list by level; the office's form of before the steps still works.
    let top: OverdueReports =
        serde_json::from_str(&ok(overdue_list(&app, &dudao, "3").await).await).unwrap();
    assert_eq!((top.rows.len(), top.levels), (1, [0, 0, 1]));
    ok(rectify(&app, Some(&taihao), id, 1).await).await;
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 0);
    let none: OverdueReports =
        serde_json::from_str(&ok(overdue_list(&app, &dudao, "1").await).await).unwrap();
    assert!(none.rows.is_empty());
    refused(press(&app, Some(&dudao), id, "").await, 409).await;

    // Sent back twice (退回): 督办 at once, before its deadline. A new 派遣 starts over.
    let (other, _) = dispatched(&app, &taihao, "72", 5).await;
    for _ in 0..2 {
        ok(rectify(&app, Some(&taihao), other, 1).await).await;
        ok(act(
            &app,
            Some(&taihao),
            other,
            "send_back",
            &[("note", "未清理干净")],
        )
        .await)
        .await;
    }
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 1);
    assert_eq!(standing(&app, other).await.0, 2);
    ok(rectify(&app, Some(&taihao), other, 1).await).await;
    ok(act(&app, Some(&taihao), other, "close", &[]).await).await;
    ok(act(&app, Some(&taihao), other, "reopen", &[("note", "复发")]).await).await;
    ok(act(
        &app,
        Some(&taihao),
        other,
        "dispatch",
        &[("unit", "韩营居委会"), ("deadline_hours", "24")],
    )
    .await)
    .await;
    let (level, sent_back): (i64, i64) =
        sqlx::query_as("SELECT escalation_level, send_back_count FROM reports WHERE id = $1")
            .bind(other)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((level, sent_back), (0, 0));
    assert_eq!(sweep(&app.db, app.clock.now()).await.unwrap(), 0);

    // The bulletin of the month counts the residents' steps per office, as a recount does.
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
    let recount: Vec<(String, String)> = sqlx::query_as(
        "SELECT o.name, e.action FROM report_events e JOIN offices o ON o.id = e.office_id \
         WHERE e.action IN ('press', 'auto_press', 'supervise', 'escalate')",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    for row in &b.rows {
        let n = |actions: &[&str]| {
            recount
                .iter()
                .filter(|(o, a)| *o == row.office && actions.contains(&a.as_str()))
                .count() as i64
        };
        assert_eq!(
            row.report_pressed,
            n(&["press", "auto_press"]),
            "{}",
            row.office
        );
        assert_eq!(row.report_supervised, n(&["supervise"]), "{}", row.office);
        assert_eq!(row.report_escalated, n(&["escalate"]), "{}", row.office);
    }
    let t = b.rows.iter().find(|r| r.office == "太昊路办事处").unwrap();
    assert_eq!(
        (t.report_pressed, t.report_supervised, t.report_escalated),
        (1, 2, 1)
    );
}

#[tokio::test]
async fn a_finding_is_reassigned_by_the_supervisor_and_withdrawn_ones_leave_the_bulletin() {
    let app = spawn_app().await;
    let dudao = app.login("dudao").await;
    let taihao = app.login("taihao").await;
    let huaihe = app.login("huaihe").await;
    let (_, f1) = crate::supervision::finding(&app).await;
    let (_, f2) = crate::supervision::finding(&app).await;
    let huaihe_id = app
        .scalar("SELECT id FROM offices WHERE name = '淮河路办事处'")
        .await;
    let taihao_id = app
        .scalar("SELECT id FROM offices WHERE name = '太昊路办事处'")
        .await;
    let reassign = |cookie: String, id: i64, office: String, note: &'static str| {
        let app = &app;
        async move {
            crate::supervision::act(
                app,
                Some(&cookie),
                id,
                "reassign",
                &[("office", &office), ("note", note)],
            )
            .await
        }
    };
    let snapshot = || async {
        app.scalar(&format!(
            "SELECT office_id * 1000 + version FROM findings WHERE id = {f1}"
        ))
        .await
    };
    let before = snapshot().await;
    // The office cannot move its own finding; the supervisor needs a reason and another,
    // existing office.
    refused(
        reassign(taihao.clone(), f1, huaihe_id.to_string(), "不归我们").await,
        403,
    )
    .await;
    refused(
        reassign(dudao.clone(), f1, huaihe_id.to_string(), "").await,
        400,
    )
    .await;
    refused(
        reassign(dudao.clone(), f1, taihao_id.to_string(), "同一单位").await,
        400,
    )
    .await;
    refused(
        reassign(dudao.clone(), f1, "999999".into(), "不存在").await,
        400,
    )
    .await;
    refused(reassign(dudao.clone(), f1, "x".into(), "乱填").await, 400).await;
    assert_eq!(snapshot().await, before);
    // The detail offers the other offices to the supervisor only.
    let d = crate::supervision::detail(&app, &dudao, f1).await;
    assert!(d.offices.iter().any(|(o, _)| o.0 == huaihe_id));
    assert!(d.offices.iter().all(|(o, _)| o.0 != taihao_id));
    assert!(
        crate::supervision::detail(&app, &taihao, f1)
            .await
            .offices
            .is_empty()
    );

    ok(reassign(dudao.clone(), f1, huaihe_id.to_string(), "该巷属淮河路管辖").await).await;
    assert_eq!(
        app.scalar(&format!("SELECT office_id FROM findings WHERE id = {f1}"))
            .await,
        huaihe_id
    );
    // The old office no longer sees it; the new one does, with the step and its reason.
    let gone = app
        .post_form(
            "/api/findings/detail",
            Some(&taihao),
            &[("id", f1.to_string())],
        )
        .await;
    assert_eq!(gone.status(), 404);
    let d = crate::supervision::detail(&app, &huaihe, f1).await;
    let step = d.events.iter().find(|e| e.label == "改派").unwrap();
    assert!(step.note.contains("太昊路办事处") && step.note.contains("该巷属淮河路管辖"));
    assert_eq!(step.actor, "区创卫督导组");
    ok(crate::supervision::rectify(&app, Some(&huaihe), f1, 1).await).await;

    // f2 withdrawn: the bulletin's 督导发现 counts f1 for 淮河路 and nothing for 太昊路.
    ok(crate::supervision::act(&app, Some(&dudao), f2, "withdraw", &[("note", "误报")]).await)
        .await;
    let b: app::supervision::bulletin::Bulletin = serde_json::from_str(
        &ok(app
            .post_form(
                "/api/dudao/bulletin",
                Some(&dudao),
                &[("kind", "week".into())],
            )
            .await)
        .await,
    )
    .unwrap();
    let line = |name: &str| b.rows.iter().find(|r| r.office == name).unwrap().clone();
    assert_eq!(line("太昊路办事处").findings, 0);
    assert_eq!(line("淮河路办事处").findings, 1);
    assert_eq!(line("淮河路办事处").rectified, 1);
}

/// `n` dispatched reports (or open findings) of 太昊路办事处 at `level`, reached at
/// `escalated_at`, their deadline at `deadline`, written straight into the table (the
/// sweep's candidates, in numbers the API would take minutes to make).
async fn many_at_level(
    app: &TestApp,
    table: &str,
    tag: &str,
    n: i64,
    level: i64,
    deadline: i64,
    escalated_at: i64,
) {
    let office = app
        .scalar("SELECT id FROM offices WHERE name = '太昊路办事处'")
        .await;
    let street = app
        .scalar("SELECT id FROM streets WHERE name = '韩营一巷'")
        .await;
    let category = app
        .scalar("SELECT id FROM categories WHERE code = 'exposed_garbage'")
        .await;
    let sql = match table {
        "reports" => {
            "INSERT INTO reports (client_uuid, tracking_code, content_hash, category_id, \
                 office_id, street_id, status, created_on_device, received_at, updated_at, \
                 deadline_at, escalation_level, escalated_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
             SELECT $2 || '-' || i, $2 || i, '', $3, $4, $5, 'dispatched', $6, $6, $6, $7, \
                 $8, $9 FROM n"
        }
        _ => {
            "INSERT INTO findings (round_id, client_uuid, content_hash, code, category_id, \
                 office_id, street_id, status, deadline_at, created_by, created_on_device, \
                 received_at, updated_at, escalation_level, escalated_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
             SELECT (SELECT MIN(id) FROM inspection_rounds), $2 || '-' || i, '', $2 || i, $3, \
                 $4, $5, 'open', $7, (SELECT id FROM users WHERE username = 'dudao'), $6, $6, \
                 $6, $8, $9 FROM n"
        }
    };
    sqlx::query(sql)
        .bind(n)
        .bind(tag)
        .bind(category)
        .bind(office)
        .bind(street)
        .bind(deadline - 10 * H)
        .bind(deadline)
        .bind(level)
        .bind(escalated_at)
        .execute(&app.db.pool)
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"));
}

/// The rules' sweep reads only what is due: among 100,000 dispatched reports at 催办 or 督办
/// with the oldest deadlines but not due for their next step (each sweep used to read the
/// first 10,000 of them and nothing after), the 1,000 at 催办 for longer than the 督办
/// threshold are all stepped by one sweep; the same for open findings.
#[tokio::test]
async fn one_sweep_steps_every_due_candidate_among_100000_waiting() {
    let app = spawn_app().await;
    set_rules(&app).await; // 督办 10 h after 催办, 提级 20 h after 督办
    let now = app.clock.now().0;
    many_at_level(&app, "reports", "wait1", 60_000, 1, now - 100 * H, now - H).await;
    many_at_level(&app, "reports", "wait2", 39_000, 2, now - 100 * H, now - H).await;
    many_at_level(
        &app,
        "reports",
        "due1",
        1_000,
        1,
        now - 12 * H,
        now - 11 * H,
    )
    .await;
    // A round for the findings to belong to.
    let dudao = app.login("dudao").await;
    let res = crate::supervision::start_round(&app, &dudao, "open").await;
    assert!(res.status().is_success(), "{}", res.status());
    many_at_level(&app, "findings", "fwait", 30_000, 1, now - 100 * H, now - H).await;
    many_at_level(&app, "findings", "fdue", 500, 1, now - 12 * H, now - 11 * H).await;

    let started = std::time::Instant::now();
    let written = sweep(&app.db, app.clock.now()).await.unwrap();
    eprintln!(
        "one sweep among 130,000 waiting ({}): {written} steps in {:?}",
        crate::common::backend(),
        started.elapsed()
    );
    assert_eq!(
        written, 1_500,
        "one 督办 each for the due ones, nothing for the rest"
    );
    let level = |table: &str, tag: &str, level: i64| {
        format!(
            "SELECT COUNT(*) FROM {table} WHERE client_uuid LIKE '{tag}-%' \
             AND escalation_level = {level}"
        )
    };
    assert_eq!(app.scalar(&level("reports", "due1", 2)).await, 1_000);
    assert_eq!(app.scalar(&level("reports", "wait1", 1)).await, 60_000);
    assert_eq!(app.scalar(&level("reports", "wait2", 2)).await, 39_000);
    assert_eq!(app.scalar(&level("findings", "fdue", 2)).await, 500);
    assert_eq!(app.scalar(&level("findings", "fwait", 1)).await, 30_000);
    assert_eq!(
        sweep(&app.db, app.clock.now()).await.unwrap(),
        0,
        "nothing left due"
    );
}
