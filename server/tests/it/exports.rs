//! The offices' exports end to end: the real router, a real database, the files read back
//! with calamine (XLSX) and an RFC 4180 reader (CSV): headers, counts against the database,
//! office scoping, dates as real Excel dates, notes kept apart, formula neutralisation, and
//! the dashboard's one-sheet XLSX against the dashboard's own figures.

use crate::common::{TestApp, ok, spawn_app_with};
use crate::staff::{act, rectify};
use app::staff::Dashboard;
use app::staff::strings as t;
use calamine::{Data, DataType, Reader, Xlsx};
use std::collections::BTreeSet;

const DANGEROUS: [&str; 4] = [
    "=HYPERLINK(\"http://example.com\",\"点我\")",
    "+86 13800138000",
    "-5度结冰",
    "@SUM(A1:A9)",
];

struct Fixture {
    app: TestApp,
    staff_a: String,
    admin: String,
    office_b: i64,
    /// The report of office A that went all the way to 结案 (with notes and photos).
    closed: String,
    /// Office A's report dispatched and past its deadline.
    late: String,
}

async fn fixture() -> Fixture {
    let app = spawn_app_with(&[("REPORT_RATE_LIMIT", "100/600")]).await;
    let staff_a = app.login("taihao").await;
    let admin = app.login("admin").await;
    for (i, d) in DANGEROUS.iter().enumerate() {
        app.submit_street_report("韩营一巷", "exposed_garbage", "", d, i as u8)
            .await;
    }
    let (closed_id, closed) = app
        .submit_street_report("韩营二巷", "exposed_garbage", "13800138000", "垃圾堆", 9)
        .await;
    let (late_id, late) = app
        .submit_street_report("韩营东街", "exposed_garbage", "", "污水", 10)
        .await;
    for i in 0..3 {
        app.submit_street_report("康楼中街", "exposed_garbage", "", "康楼的", 20 + i)
            .await;
    }
    let a = Some(staff_a.as_str());
    let public = [("note", "已受理，正在安排"), ("public_note", "1")];
    ok(act(&app, a, closed_id, "accept", &public).await).await;
    let dispatch = [("unit", "韩营居委会"), ("note", "内部：联系老王")];
    ok(act(&app, a, closed_id, "dispatch", &dispatch).await).await;
    ok(rectify(&app, a, closed_id, 1).await).await;
    ok(act(&app, a, closed_id, "close", &[]).await).await;
    ok(act(&app, a, late_id, "accept", &[]).await).await;
    ok(act(&app, a, late_id, "dispatch", &[("unit", "韩营居委会")]).await).await;
    let past = app::domain::Millis::now().0 - 3 * 3_600_000;
    sqlx::query("UPDATE reports SET deadline_at = $1 WHERE id = $2")
        .bind(past)
        .bind(late_id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let office_b = app
        .scalar("SELECT id FROM offices WHERE name = '淮河路办事处'")
        .await;
    Fixture {
        app,
        staff_a,
        admin,
        office_b,
        closed,
        late,
    }
}

async fn get(app: &TestApp, cookie: Option<&str>, path: &str) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    if let Some(c) = cookie {
        req = req.header(reqwest::header::COOKIE, c);
    }
    req.send().await.unwrap()
}

async fn download(app: &TestApp, cookie: &str, path: &str) -> Vec<u8> {
    let res = get(app, Some(cookie), path).await;
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.bytes().await.unwrap().to_vec();
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    let disposition = headers[reqwest::header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(headers[reqwest::header::CACHE_CONTROL], "no-store");
    body
}

/// The rows of the workbook's first sheet, and whether any cell holds a formula.
pub(crate) fn xlsx_rows(bytes: Vec<u8>) -> (Vec<Vec<Data>>, bool) {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let formulas = book.worksheet_formula(&name).unwrap();
    let any_formula = formulas.used_cells().any(|(_, _, f)| !f.is_empty());
    (range.rows().map(|r| r.to_vec()).collect(), any_formula)
}

pub(crate) fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A reader of RFC 4180 CSV (quoted fields, doubled quotes, CRLF).
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark first");
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

async fn codes_of_office(app: &TestApp, office: &str) -> BTreeSet<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT r.tracking_code FROM reports r JOIN offices o ON o.id = r.office_id \
         WHERE o.name = $1",
    )
    .bind(office)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    rows.into_iter().map(|(c,)| c).collect()
}

fn column(name: &str) -> usize {
    t::EXPORT_COLUMNS.iter().position(|c| *c == name).unwrap()
}

#[tokio::test]
async fn an_office_exports_all_its_reports_and_nothing_of_another_office() {
    let f = fixture().await;
    let app = &f.app;
    let (rows, any_formula) =
        xlsx_rows(download(app, &f.staff_a, "/staff/export/reports.xlsx?status=all").await);
    assert!(!any_formula, "no cell of an export is a formula");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(header, t::EXPORT_COLUMNS);
    let codes: BTreeSet<String> = rows[1..].iter().map(|r| text(&r[0])).collect();
    assert_eq!(rows.len() - 1, codes.len(), "each report once");
    assert_eq!(codes, codes_of_office(app, "太昊路办事处").await);
    assert!(
        codes_of_office(app, "淮河路办事处")
            .await
            .is_disjoint(&codes)
    );

    // Descriptions that look like formulas are text, exactly as typed.
    let descriptions: BTreeSet<String> = rows[1..]
        .iter()
        .map(|r| text(&r[column("问题描述")]))
        .collect();
    for d in DANGEROUS {
        assert!(descriptions.contains(d), "{d} kept as text");
    }

    // The closed report: real Excel dates, both notes apart, before and after photos.
    let row = rows[1..].iter().find(|r| text(&r[0]) == f.closed).unwrap();
    let received = app
        .scalar_for(
            "SELECT received_at FROM reports WHERE tracking_code = $1",
            &f.closed,
        )
        .await;
    match &row[column("收到时间")] {
        Data::DateTime(d) => {
            let want = app::sheet::excel_serial(app::domain::Millis(received));
            assert!((d.as_f64() - want).abs() < 1e-6, "{} vs {want}", d.as_f64());
        }
        other => panic!("收到时间 is not a date: {other:?}"),
    }
    assert!(matches!(row[column("结案时间")], Data::DateTime(_)));
    assert_eq!(text(&row[column("状态")]), "已结案");
    assert_eq!(text(&row[column("是否超期")]), t::EXPORT_NO);
    assert_eq!(text(&row[column("派遣至")]), "韩营居委会");
    let public = text(&row[column("公开说明")]);
    let internal = text(&row[column("内部备注")]);
    assert!(
        public.contains("已受理，正在安排") && public.contains("已清运"),
        "{public}"
    );
    assert!(!public.contains("老王"), "{public}");
    assert!(internal.contains("内部：联系老王"), "{internal}");
    let links: Vec<String> = text(&row[column("照片链接")])
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(links.len(), 2, "one before, one after: {links:?}");
    for link in &links {
        assert!(link.starts_with(&app.url("/photos/")), "{link}");
        let res = app.client.get(link).send().await.unwrap();
        assert_eq!(res.status(), 200, "{link}");
    }
    // Past its deadline and still dispatched: overdue, by about three hours.
    let late = rows[1..].iter().find(|r| text(&r[0]) == f.late).unwrap();
    assert_eq!(text(&late[column("是否超期")]), t::EXPORT_YES);
    assert!(text(&late[column("超期时长")]).starts_with("3小时"));

    // The CSV holds the same reports; text that a spreadsheet would run starts with '.
    let csv = csv_rows(&download(app, &f.staff_a, "/staff/export/reports.csv?status=all").await);
    assert_eq!(csv[0], t::EXPORT_COLUMNS);
    let csv_codes: BTreeSet<String> = csv[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(csv_codes, codes);
    let csv_descriptions: BTreeSet<String> = csv[1..]
        .iter()
        .map(|r| r[column("问题描述")].clone())
        .collect();
    for d in DANGEROUS {
        assert!(
            csv_descriptions.contains(&format!("'{d}")),
            "{d} neutralised"
        );
    }
    let csv_closed = csv[1..].iter().find(|r| r[0] == f.closed).unwrap();
    let received = app::domain::Millis(received);
    assert_eq!(
        csv_closed[column("收到时间")],
        app::sheet::plain_datetime(received)
    );

    // The queue's filters apply: without a status the open ones, or one status.
    let open = csv_rows(&download(app, &f.staff_a, "/staff/export/reports.csv").await);
    assert_eq!(open.len() - 1, codes.len() - 1, "all but the closed one");
    assert!(open.iter().all(|r| r[0] != f.closed));
    let closed =
        csv_rows(&download(app, &f.staff_a, "/staff/export/reports.csv?status=closed").await);
    assert_eq!(closed.len(), 2);
    assert_eq!(closed[1][0], f.closed);
    let overdue = csv_rows(&download(app, &f.staff_a, "/staff/export/reports.csv?overdue=1").await);
    assert_eq!(overdue.len(), 2);
    assert_eq!(overdue[1][0], f.late);
}

#[tokio::test]
async fn exports_are_scoped_to_the_account_and_refuse_bad_requests() {
    let f = fixture().await;
    let app = &f.app;
    let b = f.office_b;
    // Staff of office A asking for office B: 403, in Chinese.
    let res = get(
        app,
        Some(&f.staff_a),
        &format!("/staff/export/reports.csv?office={b}"),
    )
    .await;
    assert_eq!(res.status(), 403);
    assert_eq!(res.text().await.unwrap(), app::error::strings::FORBIDDEN);
    let res = get(
        app,
        Some(&f.staff_a),
        &format!("/staff/export/dashboard.xlsx?office={b}"),
    )
    .await;
    assert_eq!(res.status(), 403);
    // Signed out: to the login, as the pages do.
    let res = get(app, None, "/staff/export/reports.xlsx").await;
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()[reqwest::header::LOCATION], "/staff/login");
    // Bad filters and unknown files.
    let res = get(
        app,
        Some(&f.staff_a),
        "/staff/export/reports.csv?status=junk",
    )
    .await;
    assert_eq!(res.status(), 400);
    let res = get(
        app,
        Some(&f.staff_a),
        "/staff/export/reports.csv?from=2026-02-30",
    )
    .await;
    assert_eq!(res.status(), 400);
    let res = get(app, Some(&f.staff_a), "/staff/export/reports.pdf").await;
    assert_eq!(res.status(), 404);

    // The admin: every office, or one.
    let all = csv_rows(&download(app, &f.admin, "/staff/export/reports.csv?status=all").await);
    let total = app.scalar("SELECT COUNT(*) FROM reports").await;
    assert_eq!(all.len() as i64 - 1, total);
    let (rows, _) = xlsx_rows(
        download(
            app,
            &f.admin,
            &format!("/staff/export/reports.xlsx?status=all&office={b}"),
        )
        .await,
    );
    let codes: BTreeSet<String> = rows[1..].iter().map(|r| text(&r[0])).collect();
    assert_eq!(codes, codes_of_office(app, "淮河路办事处").await);
    assert_eq!(codes.len(), 3);
    // A date range with nothing in it: the header alone.
    let none = csv_rows(
        &download(
            app,
            &f.admin,
            "/staff/export/reports.csv?status=all&from=2020-01-01&until=2020-01-31",
        )
        .await,
    );
    assert_eq!(none.len(), 1);
}

#[tokio::test]
async fn the_dashboard_export_holds_the_dashboards_figures() {
    let f = fixture().await;
    let app = &f.app;
    let dash: Dashboard = serde_json::from_str(
        &ok(app
            .post_form("/api/staff/dashboard", Some(&f.staff_a), &[])
            .await)
        .await,
    )
    .unwrap();
    let (rows, _) = xlsx_rows(download(app, &f.staff_a, "/staff/export/dashboard.xlsx").await);
    let header = rows
        .iter()
        .position(|r| text(&r[0]) == t::EXPORT_DASH_COLUMNS[0])
        .expect("the header row");
    assert_eq!(
        rows[header].iter().map(text).collect::<Vec<_>>(),
        t::EXPORT_DASH_COLUMNS
    );
    assert!(
        text(&rows[0][0]).starts_with("太昊路办事处"),
        "the title names the office"
    );
    let body = &rows[header + 1..];
    assert_eq!(body.len(), 1, "staff: their office only");
    let row = &body[0];
    assert_eq!(text(&row[0]), "太昊路办事处");
    let num = |d: &Data| d.as_f64().unwrap();
    assert_eq!(num(&row[1]) as i64, dash.open_now);
    assert_eq!(num(&row[2]) as i64, dash.overdue_now);
    assert_eq!(num(&row[3]) as i64, dash.record.received);
    assert_eq!(num(&row[4]) as i64, dash.record.closed_in_period);
    assert_eq!(dash.overdue_now, 1);
    let close_rate = dash.record.close_rate_permille().unwrap() as f64 / 1000.0;
    assert!((num(&row[5]) - close_rate).abs() < 1e-9);
    assert_eq!(
        (num(&row[6]) * 1000.0).round() as i64,
        1000,
        "closed on time"
    );

    // The admin's district sheet: a row per office and the district's total.
    let (rows, _) = xlsx_rows(download(app, &f.admin, "/staff/export/dashboard.xlsx").await);
    let header = rows
        .iter()
        .position(|r| text(&r[0]) == t::EXPORT_DASH_COLUMNS[0])
        .unwrap();
    let body = &rows[header + 1..];
    let offices = app.scalar("SELECT COUNT(*) FROM offices").await;
    assert_eq!(body.len() as i64, offices + 1);
    let last = body.last().unwrap();
    assert_eq!(text(&last[0]), t::EXPORT_DASH_TOTAL);
    let received: f64 = body[..body.len() - 1].iter().map(|r| num(&r[3])).sum();
    assert_eq!(
        received as i64,
        app.scalar("SELECT COUNT(*) FROM reports").await
    );
    assert_eq!(num(&last[3]), received);
}
