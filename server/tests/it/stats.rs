//! The public statistics (/stats) end to end on the real router and a real database (SQLite,
//! or PostgreSQL with TEST_DATABASE=postgres): reports are submitted by residents and moved
//! through the workflow by staff, then the server function's figures per office, the ranking,
//! and the page itself — charts, rates, caching, and never a phone number or a description.

use crate::common::{TestApp, ok, small_jpeg as jpeg, spawn_app, spawn_app_with};
use app::domain::Millis;
use app::reports::record::format_permille;
use app::stats::StatsOverview;
use reqwest::multipart::{Form, Part};

const PHONE: &str = "13912345678";
const DESCRIPTION: &str = "巷口垃圾三天没人清理";
const FEEDBACK_NOTE: &str = "垃圾又堆起来了";
const DAY: i64 = 86_400_000;

// ---- fixtures (as in staff.rs) ----

/// A resident's report on `street` (太昊路办事处: 韩营一巷 …; 淮河路办事处: 康楼中街 …).
async fn report_on(app: &TestApp, street: &str) -> (i64, String) {
    let seed = street.len() as u8;
    app.submit_street_report(street, "exposed_garbage", PHONE, DESCRIPTION, seed)
        .await
}

async fn version(app: &TestApp, id: i64) -> i64 {
    app.scalar(&format!("SELECT version FROM reports WHERE id = {id}"))
        .await
}

async fn act(app: &TestApp, cookie: &str, id: i64, action: &str, extra: &[(&str, &str)]) {
    let mut fields = vec![
        ("report", id.to_string()),
        ("version", version(app, id).await.to_string()),
        ("action", action.to_string()),
    ];
    fields.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    let res = app
        .client
        .post(app.url("/api/staff/act"))
        .header(reqwest::header::COOKIE, cookie)
        .form(&fields)
        .send()
        .await
        .unwrap();
    ok(res).await;
}

async fn rectify(app: &TestApp, cookie: &str, id: i64) {
    let form = Form::new()
        .text("report", id.to_string())
        .text("version", version(app, id).await.to_string())
        .text("note", "已清运")
        .text("public_note", "1")
        .part(
            "photo",
            Part::bytes(jpeg(100))
                .file_name("after.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let res = app
        .post_multipart("/api/staff/rectify", Some(cookie), form)
        .await;
    ok(res).await;
}

/// Submitted, accepted, dispatched, rectified and closed.
async fn closed_report(app: &TestApp, cookie: &str, street: &str) -> (i64, String) {
    let (id, code) = report_on(app, street).await;
    act(app, cookie, id, "accept", &[]).await;
    act(app, cookie, id, "dispatch", &[("unit", "韩营居委会")]).await;
    rectify(app, cookie, id).await;
    act(app, cookie, id, "close", &[]).await;
    (id, code)
}

/// The resident says 仍未解决.
async fn not_fixed(app: &TestApp, code: &str) {
    let form = Form::new()
        .text("code", code.to_string())
        .text("answer", "unresolved")
        .text("note", FEEDBACK_NOTE)
        .part(
            "photo",
            Part::bytes(jpeg(200))
                .file_name("again.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let res = app
        .post_multipart("/api/reports/feedback", None, form)
        .await;
    ok(res).await;
}

/// Rewrites history behind the application's back, then rebuilds the kept figures from
/// the reports (as after a bulk load).
async fn sql(app: &TestApp, statement: &str, values: &[i64]) {
    let mut q = sqlx::query(statement);
    for v in values {
        q = q.bind(*v);
    }
    q.execute(&app.db.pool).await.unwrap();
    app::reports::db::figures::rebuild(&app.db).await.unwrap();
}

async fn overview(app: &TestApp) -> (StatsOverview, String) {
    let body = ok(app
        .client
        .post(app.url("/api/stats/offices"))
        .send()
        .await
        .unwrap())
    .await;
    (serde_json::from_str(&body).unwrap(), body)
}

async fn page(app: &TestApp) -> (reqwest::header::HeaderMap, String) {
    let res = app.client.get(app.url("/stats")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    (headers, res.text().await.unwrap())
}

/// 太昊路: one closed on time, one closed late (received 2 days ago), one open, and one closed
/// 40 days ago (all time only). 淮河路: one closed that the resident says is not fixed.
/// 开元路: nothing.
async fn seeded() -> TestApp {
    let app = spawn_app_with(&[("REPORT_RATE_LIMIT", "100/600")]).await;
    let taihao = app.login("taihao").await;
    let huaihe = app.login("huaihe").await;
    let now = Millis::now().0;
    closed_report(&app, &taihao, "韩营一巷").await;
    let (late, _) = closed_report(&app, &taihao, "韩营一巷").await;
    sql(
        &app,
        "UPDATE reports SET deadline_at = $1, received_at = $2 WHERE id = $3",
        &[now - 10_000_000, now - 2 * DAY, late],
    )
    .await;
    report_on(&app, "陈营前街").await;
    let (old, _) = closed_report(&app, &taihao, "韩营一巷").await;
    sql(
        &app,
        "UPDATE reports SET received_at = $1, closed_at = $2 WHERE id = $3",
        &[now - 40 * DAY, now - 39 * DAY, old],
    )
    .await;
    let (_, code) = closed_report(&app, &huaihe, "康楼中街").await;
    not_fixed(&app, &code).await;
    app
}

// ---- the figures ----

#[tokio::test]
async fn figures_per_office_for_30_days_and_all_time() {
    let app = seeded().await;
    let (o, json) = overview(&app).await;
    let names: Vec<&str> = o.offices.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["太昊路办事处", "淮河路办事处", "开元路产业集聚区"]);

    let taihao = &o.offices[0];
    let r = &taihao.recent;
    assert_eq!(
        (r.received, r.closed, r.closed_in_period, r.closed_on_time),
        (3, 2, 2, 1)
    );
    assert_eq!(format_permille(r.close_rate_permille()), "66.6%");
    assert_eq!(format_permille(r.on_time_rate_permille()), "50.0%");
    // The median of ~0 and ~2 days (1 day), within its stated error (the 3-hour bucket of
    // the 2-day case).
    let median = r.median_close_ms.unwrap();
    assert_eq!(r.median_error_ms, Some(3 * 3_600_000));
    assert!((median - DAY).abs() <= 3 * 3_600_000, "{median}");
    assert_eq!(r.reopened_by_residents, 0);
    let a = &taihao.all_time;
    assert_eq!(
        (a.received, a.closed, a.closed_in_period, a.closed_on_time),
        (4, 3, 3, 2)
    );
    assert_eq!(format_permille(a.close_rate_permille()), "75.0%");
    assert_eq!(format_permille(a.on_time_rate_permille()), "66.6%");
    // ~0, ~2 days, 1 day: the median is the old one's day, within half an hour.
    assert_eq!(a.median_error_ms, Some(1_800_000));
    assert!((a.median_close_ms.unwrap() - DAY).abs() <= 1_800_000);

    // Reopened by the resident: no longer closed, and it counts against the office.
    let huaihe = &o.offices[1].recent;
    assert_eq!(
        (huaihe.received, huaihe.closed, huaihe.closed_in_period),
        (1, 0, 0)
    );
    assert_eq!(format_permille(huaihe.close_rate_permille()), "0.0%");
    assert_eq!(huaihe.on_time_rate_permille(), None);
    assert_eq!(huaihe.median_close_ms, None);
    assert_eq!(huaihe.reopened_by_residents, 1);
    assert_eq!(o.offices[1].all_time.reopened_by_residents, 1);

    let kaiyuan = &o.offices[2];
    assert_eq!(
        kaiyuan.recent,
        app::reports::record::OfficeRecord::default()
    );
    assert_eq!(kaiyuan.all_time.received, 0);

    // The district is the sum of its offices.
    let d = &o.district_recent;
    assert_eq!(
        (
            d.received,
            d.closed,
            d.closed_in_period,
            d.closed_on_time,
            d.reopened_by_residents
        ),
        (4, 2, 2, 1, 1)
    );
    let d = &o.district_all_time;
    assert_eq!((d.received, d.closed, d.closed_on_time), (5, 3, 2));

    // The ranking: 太昊路 first; 淮河路 (a 结案率 but no 按期结案率) before 开元路 (neither).
    let ranked: Vec<(Option<usize>, &str)> = app::stats::ranking(&o.offices)
        .into_iter()
        .map(|(p, s)| (p, s.name.as_str()))
        .collect();
    assert_eq!(
        ranked,
        [
            (Some(1), "太昊路办事处"),
            (None, "淮河路办事处"),
            (None, "开元路产业集聚区")
        ]
    );

    // Numbers only.
    for secret in [
        PHONE,
        DESCRIPTION,
        FEEDBACK_NOTE,
        "已清运",
        "值班员",
        "tracking_code",
    ] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
}

// ---- the page ----

#[tokio::test]
async fn the_page_shows_rates_charts_and_ranking_and_is_cacheable() {
    let app = seeded().await;
    let (headers, html) = page(&app).await;
    assert_eq!(
        headers[reqwest::header::CACHE_CONTROL].to_str().unwrap(),
        "public, max-age=300"
    );
    // Shared caches may keep it: nothing personal in the response.
    assert!(headers.get(reqwest::header::SET_COOKIE).is_none());
    assert!(html.contains("<title>公开统计"), "title");
    for name in ["太昊路办事处", "淮河路办事处", "开元路产业集聚区"] {
        assert!(html.contains(name), "{name}");
    }
    for figure in ["50.0%", "66.6%", "75.0%", "0.0%", "1天"] {
        assert!(html.contains(figure), "{figure}");
    }
    // Two server-drawn, labelled charts.
    assert_eq!(html.matches("<svg").count(), 2);
    assert_eq!(html.matches(r#"role="img""#).count(), 2);
    assert!(html.contains(r#"<title id="chart-counts-title">近30天 收到与结案（件）</title>"#));
    assert!(html.contains("太昊路办事处：收到 3 件，结案 2 件"));
    assert!(html.contains("太昊路办事处：按期结案率 50.0%"));
    // The ranking table in rank order, with the district total.
    let ranking = &html[html.find(r#"data-testid="ranking""#).unwrap()..];
    let pos = |name: &str| ranking.find(name).unwrap();
    assert!(pos("太昊路办事处") < pos("淮河路办事处"));
    assert!(pos("淮河路办事处") < pos("开元路产业集聚区"));
    assert!(ranking.contains("第1名"));
    assert!(ranking.contains(r#"data-testid="district-row""#));
    assert!(html.contains("回访不满意") && html.contains("满意率"));
    // Its own style sheet, and the way back.
    assert!(html.contains(r#"href="/stats.css""#));
    assert!(html.contains(r#"href="/""#) && html.contains("返回首页"));
    // Never a phone number, a description, a note or a person.
    for secret in [PHONE, DESCRIPTION, FEEDBACK_NOTE, "已清运", "值班员"] {
        assert!(!html.contains(secret), "{secret} on the public page");
    }
}

#[tokio::test]
async fn without_reports_the_page_shows_dashes_and_office_names_are_escaped() {
    let app = spawn_app().await;
    let tricky = r#"<b>南&"区</b>"#;
    sqlx::query("INSERT INTO offices (name, sort_order) VALUES ($1, 99)")
        .bind(tricky)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (o, _) = overview(&app).await;
    assert_eq!(o.offices.len(), 4);
    assert_eq!(o.offices[3].name, tricky);
    assert!(
        o.offices
            .iter()
            .all(|s| s.recent.received == 0 && s.recent.on_time_rate_permille().is_none())
    );
    let (headers, html) = page(&app).await;
    assert_eq!(
        headers[reqwest::header::CACHE_CONTROL].to_str().unwrap(),
        "public, max-age=300"
    );
    assert!(html.contains("—"));
    assert!(html.contains("无结案"));
    assert_eq!(html.matches("<svg").count(), 2);
    // Escaped everywhere: tables (by Leptos) and charts (by chart::escape).
    assert!(!html.contains("<b>南"), "raw markup from the database");
    assert!(html.contains("&lt;b&gt;南&amp;"));
}
