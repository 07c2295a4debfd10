//! 示范户 end to end on the real router and a real database (SQLite, or PostgreSQL with
//! TEST_DATABASE=postgres): the workflow with its events, authorization, the CSV/XLSX import
//! (all or nothing), the public page and its objections, and privacy of every public page.
//! Fixtures: server/tests/fixtures/honours_*.csv (hand-written) and honours_*.xlsx (made by
//! fixtures/make_honours_xlsx.py with openpyxl).

use crate::common::{TestApp, ok, refused, small_jpeg as jpeg, spawn_app};
use app::domain::Millis;
use app::domain::time::DAY_MS;
use app::honours::strings as hs;
use app::honours::{ImportPreview, StaffHonours};
use reqwest::multipart::{Form, Part};

// ---- helpers ----

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// YYYY-MM-DD `days` from now (China time).
pub(crate) fn day(days: i64) -> String {
    Millis(Millis::now().0 + days * DAY_MS).format_date()
}

async fn community(app: &TestApp, name: &str) -> i64 {
    app.scalar(&format!("SELECT id FROM communities WHERE name = '{name}'"))
        .await
}

/// A household nominated by `cookie` in 韩营 (太昊路办事处) through the create form.
pub(crate) async fn nominate(app: &TestApp, cookie: &str, full_name: &str) -> i64 {
    let c = community(app, "韩营").await;
    let res = app
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
        .await;
    ok(res).await;
    app.scalar(&format!(
        "SELECT MAX(id) FROM honours WHERE full_name = '{full_name}'"
    ))
    .await
}

/// (status, version, events) of an honour.
async fn snapshot(app: &TestApp, id: i64) -> (String, i64, i64) {
    let (status, version): (String, i64) =
        sqlx::query_as("SELECT status, version FROM honours WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let (events,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM honour_events WHERE honour_id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    (status, version, events)
}

pub(crate) async fn act(
    app: &TestApp,
    cookie: Option<&str>,
    id: i64,
    action: &str,
    date: &str,
    note: &str,
    photo: bool,
) -> reqwest::Response {
    let v = snapshot(app, id).await.1;
    let mut form = Form::new()
        .text("honour", id.to_string())
        .text("version", v.to_string())
        .text("action", action.to_string())
        .text("date", date.to_string())
        .text("note", note.to_string());
    if photo {
        form = form.part(
            "photo",
            Part::bytes(jpeg(9))
                .file_name("plaque.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    app.post_multipart("/api/honours/act", cookie, form).await
}

async fn staff_view(app: &TestApp, cookie: &str) -> StaffHonours {
    let res = app.post_form("/api/honours/staff", Some(cookie), &[]).await;
    serde_json::from_str(&ok(res).await).unwrap()
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// Uploads a file; returns the upload's id (from "/staff/honours?import=ID").
async fn upload(app: &TestApp, cookie: &str, name: &str, bytes: Vec<u8>) -> i64 {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    let body = ok(app
        .post_multipart("/api/honours/import", Some(cookie), form)
        .await)
    .await;
    let path: String = serde_json::from_str(&body).unwrap();
    path.rsplit('=').next().unwrap().parse().unwrap()
}

async fn preview(app: &TestApp, cookie: &str, id: i64) -> ImportPreview {
    let res = app
        .post_form(
            "/api/honours/import_preview",
            Some(cookie),
            &[("id", id.to_string())],
        )
        .await;
    serde_json::from_str(&ok(res).await).unwrap()
}

async fn confirm(app: &TestApp, cookie: &str, id: i64) -> reqwest::Response {
    app.post_form(
        "/api/honours/import_confirm",
        Some(cookie),
        &[("id", id.to_string())],
    )
    .await
}

async fn object(app: &TestApp, honour: i64, content: &str, contact: &str) -> reqwest::Response {
    app.post_form(
        "/api/honours/object",
        None,
        &[
            ("honour", honour.to_string()),
            ("content", content.into()),
            ("contact", contact.into()),
        ],
    )
    .await
}

// ---- the workflow ----

#[tokio::test]
async fn workflow_goes_through_every_status_and_records_each_change() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;
    let id = nominate(&app, &staff, "王建国").await;
    assert_eq!(snapshot(&app, id).await, ("nominated".into(), 1, 1));
    // A household's public name is masked whatever staff typed.
    let (public,): (String,) = sqlx::query_as("SELECT public_name FROM honours WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(public, "王**家");

    // 公示 needs an end date in the future.
    let e = refused(
        act(&app, Some(&staff), id, "publish", "", "", false).await,
        400,
    )
    .await;
    assert!(e.to_string().contains("公示截止日期"), "{e}");
    refused(
        act(&app, Some(&staff), id, "publish", &day(-2), "", false).await,
        400,
    )
    .await;
    ok(act(&app, Some(&staff), id, "publish", &day(5), "", false).await).await;
    assert_eq!(snapshot(&app, id).await.0, "notice");

    // Not a valid step from 公示: 409, nothing changed.
    let before = snapshot(&app, id).await;
    refused(
        act(&app, Some(&staff), id, "keep", "", "", false).await,
        409,
    )
    .await;
    refused(act(&app, Some(&staff), id, "fly", "", "", false).await, 400).await;
    assert_eq!(snapshot(&app, id).await, before);

    // 挂牌 with the plaque's photo.
    ok(act(&app, Some(&staff), id, "award", "", "已挂牌", true).await).await;
    assert_eq!(snapshot(&app, id).await.0, "awarded");
    let (sha,): (Option<String>,) = sqlx::query_as(
        "SELECT photo_sha256 FROM honour_events WHERE honour_id = $1 AND action = 'award'",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let sha = sha.expect("the plaque's photo");
    // Stored (downscaled, metadata stripped) like a report's photo.
    let sha = app::storage::PhotoSha::parse(&sha).expect("a content address");
    let store = app::storage::PhotoStore::new(app.data_dir.path());
    for variant in [
        app::storage::PhotoVariant::Full,
        app::storage::PhotoVariant::Thumb,
    ] {
        assert!(store.local_path(&sha, variant).unwrap().exists());
    }

    ok(act(&app, Some(&staff), id, "reinspect", "", "年度复查", false).await).await;
    ok(act(&app, Some(&staff), id, "keep", "", "复查合格", false).await).await;
    assert_eq!(snapshot(&app, id).await.0, "awarded");
    ok(act(&app, Some(&staff), id, "reinspect", "", "", false).await).await;
    // 摘牌 needs a reason.
    let e = refused(
        act(&app, Some(&staff), id, "revoke", "", " ", false).await,
        400,
    )
    .await;
    assert_eq!(e.to_string(), "请填写原因");
    ok(act(
        &app,
        Some(&staff),
        id,
        "revoke",
        "",
        "院内堆放杂物，复查不合格",
        false,
    )
    .await)
    .await;
    let (status, version, events) = snapshot(&app, id).await;
    assert_eq!((status.as_str(), version, events), ("revoked", 7, 7));
    // Final: nothing more.
    refused(
        act(&app, Some(&staff), id, "reinspect", "", "", false).await,
        409,
    )
    .await;

    // A stale form (old version) is a conflict.
    let other = nominate(&app, &staff, "李秀兰").await;
    let form = Form::new()
        .text("honour", other.to_string())
        .text("version", "0")
        .text("action", "publish")
        .text("date", day(3));
    refused(
        app.post_multipart("/api/honours/act", Some(&staff), form)
            .await,
        409,
    )
    .await;

    // The staff view has the events, in order, with who did them.
    let view = staff_view(&app, &staff).await;
    let h = view.honours.iter().find(|h| h.id.0 == id).unwrap();
    let steps: Vec<&str> = h.events.iter().map(|e| e.to.code()).collect();
    assert_eq!(
        steps,
        [
            "nominated",
            "notice",
            "awarded",
            "reinspection",
            "awarded",
            "reinspection",
            "revoked"
        ]
    );
    assert_eq!(h.events[6].note, "院内堆放杂物，复查不合格");
    assert_eq!(h.events[1].actor.as_deref(), Some("太昊路办事处值班员"));
    assert_eq!(h.revoke_reason.as_deref(), Some("院内堆放杂物，复查不合格"));

    // The staff page renders it for a browser.
    let res = app
        .client
        .get(app.url("/staff/honours"))
        .header(reqwest::header::COOKIE, &staff)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("王建国") && html.contains("已摘牌"),
        "staff see the full name"
    );
}

#[tokio::test]
async fn a_browser_form_post_is_redirected_back_with_the_outcome() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;
    let res = app
        .client
        .post(app.url("/api/honours/create"))
        .header(reqwest::header::COOKIE, &staff)
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&[
            ("community", community(&app, "韩营").await.to_string()),
            ("kind", "street".into()),
            ("title", "hygienic_family".into()),
            ("full_name", "韩营二巷".into()),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    let to = res.headers()[reqwest::header::LOCATION].to_str().unwrap();
    assert!(to.starts_with("/staff/honours?err="), "{to}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM honours").await, 0);
}

// ---- authorization ----

#[tokio::test]
async fn other_offices_and_anonymous_callers_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let b = app.login("huaihe").await;
    let admin = app.login("admin").await;
    let id = nominate(&app, &a, "王建国").await;
    let before = snapshot(&app, id).await;

    // Anonymous: 401 everywhere staff-only.
    refused(
        act(&app, None, id, "publish", &day(3), "", false).await,
        401,
    )
    .await;
    refused(app.post_form("/api/honours/staff", None, &[]).await, 401).await;
    refused(
        app.post_form(
            "/api/honours/create",
            None,
            &[
                ("community", community(&app, "韩营").await.to_string()),
                ("kind", "household".into()),
                ("title", "hygienic_family".into()),
                ("full_name", "某某".into()),
            ],
        )
        .await,
        401,
    )
    .await;
    let form = Form::new().part(
        "file",
        Part::bytes(fixture("honours_good.csv")).file_name("a.csv"),
    );
    refused(
        app.post_multipart("/api/honours/import", None, form).await,
        401,
    )
    .await;
    let (status, _) = page(&app, "/staff/honours").await;
    assert_eq!(status, 302, "signed-out staff page redirects to the login");

    // Another office: 403, nothing changed.
    refused(
        act(&app, Some(&b), id, "publish", &day(3), "", false).await,
        403,
    )
    .await;
    refused(
        app.post_form(
            "/api/honours/create",
            Some(&b),
            &[
                ("community", community(&app, "韩营").await.to_string()),
                ("kind", "household".into()),
                ("title", "hygienic_family".into()),
                ("full_name", "某某".into()),
            ],
        )
        .await,
        403,
    )
    .await;
    assert_eq!(snapshot(&app, id).await, before);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM honours").await, 1);
    // …and does not see it.
    let view_b = staff_view(&app, &b).await;
    assert!(view_b.honours.is_empty());
    assert!(
        view_b
            .communities
            .iter()
            .all(|c| c.office_name == "淮河路办事处")
    );
    // Another office's upload preview is not theirs either.
    let up = upload(&app, &a, "good.csv", fixture("honours_good.csv")).await;
    refused(
        app.post_form(
            "/api/honours/import_preview",
            Some(&b),
            &[("id", up.to_string())],
        )
        .await,
        403,
    )
    .await;
    refused(confirm(&app, &b, up).await, 403).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM honours").await, 1);

    // The admin can act in every office.
    ok(act(&app, Some(&admin), id, "publish", &day(3), "", false).await).await;
    assert_eq!(snapshot(&app, id).await.0, "notice");
    assert_eq!(staff_view(&app, &admin).await.honours.len(), 1);
}

// ---- import ----

#[tokio::test]
async fn a_good_csv_file_imports_every_row_in_one_go() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;
    let up = upload(&app, &staff, "示范户.csv", fixture("honours_good.csv")).await;
    let p = preview(&app, &staff, up).await;
    assert!(p.is_valid(), "{:?}", p.errors);
    assert_eq!(p.rows.len(), 4);
    assert_eq!(p.rows[2].full_name, "韩营便民超市, 东店", "quoted comma");
    // Nothing yet: the preview only.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM honours").await, 0);
    let body = ok(confirm(&app, &staff, up).await).await;
    assert!(body.contains("imported=4"), "{body}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM honours WHERE status = 'nominated'")
            .await,
        4
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM honour_events WHERE action = 'import'")
            .await,
        4
    );
    let (public, show): (String, i64) = sqlx::query_as(
        "SELECT public_name, show_house_number FROM honours WHERE full_name = '李秀英'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((public.as_str(), show), ("李**家", 1));
    // Confirming twice imports nothing more.
    refused(confirm(&app, &staff, up).await, 409).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM honours").await, 4);
}

#[tokio::test]
async fn a_csv_file_with_a_bad_row_imports_nothing_and_says_which_row() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;
    let up = upload(&app, &staff, "bad.csv", fixture("honours_bad.csv")).await;
    let p = preview(&app, &staff, up).await;
    assert!(!p.is_valid());
    assert_eq!(
        p.errors,
        vec!["第3行：居委会“康楼”不属于本办事处".to_string()]
    );
    assert!(p.rows[0].errors.is_empty() && p.rows[2].errors.is_empty());
    let e = refused(confirm(&app, &staff, up).await, 400).await;
    assert!(e.to_string().contains("未导入任何记录"), "{e}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM honours").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM honour_events").await, 0);

    // The preview page shows the row's error in Chinese.
    let res = app
        .client
        .get(app.url(&format!("/staff/honours?import={up}")))
        .header(reqwest::header::COOKIE, &staff)
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("第3行：居委会“康楼”不属于本办事处"), "{html}");
    assert!(!html.contains("确认导入"));

    // File-level problems are refused at once.
    let form = Form::new().part(
        "file",
        Part::bytes("名称\n王五\n".as_bytes().to_vec()).file_name("x.csv"),
    );
    let e = refused(
        app.post_multipart("/api/honours/import", Some(&staff), form)
            .await,
        400,
    )
    .await;
    assert_eq!(e.to_string(), "缺少列：类型、居委会、称号");
    let form = Form::new().part(
        "file",
        Part::bytes(vec![0xb0, 0xa1, 0x2c]).file_name("gbk.csv"),
    );
    let e = refused(
        app.post_multipart("/api/honours/import", Some(&staff), form)
            .await,
        400,
    )
    .await;
    assert!(e.to_string().contains("UTF-8"), "{e}");
    let form = Form::new().part(
        "file",
        Part::bytes(b"PK\x03\x04junk".to_vec()).file_name("x.xlsx"),
    );
    refused(
        app.post_multipart("/api/honours/import", Some(&staff), form)
            .await,
        400,
    )
    .await;

    // A small .xlsx that would unpack to gigabytes (a "zip bomb") is refused unread.
    let bomb = {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("xl/sharedStrings.xml", opts).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..100 {
            w.write_all(&zeros).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    let before = app.scalar("SELECT COUNT(*) FROM honour_imports").await;
    let form = Form::new().part("file", Part::bytes(bomb).file_name("名单.xlsx"));
    let e = refused(
        app.post_multipart("/api/honours/import", Some(&staff), form)
            .await,
        400,
    )
    .await;
    assert_eq!(e.to_string(), hs::IMPORT_XLSX_EXPANDS_TOO_MUCH);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM honour_imports").await,
        before
    );
}

/// `fixture`'s workbook with `extra` put at the end of its first sheet's data and, when
/// `sst_count` is given, a shared-string table declaring that many strings.
fn xlsx_with(fixture_bytes: &[u8], extra: &str, sst_count: Option<&str>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(fixture_bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut body = String::new();
        f.read_to_string(&mut body).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            body = body.replace("</sheetData>", &format!("{extra}</sheetData>"));
        }
        out.start_file(name, opts).unwrap();
        out.write_all(body.as_bytes()).unwrap();
    }
    // The fixture (openpyxl) writes inline strings; a shared-string table is added.
    if let Some(n) = sst_count {
        out.start_file("xl/sharedStrings.xml", opts).unwrap();
        write!(
            out,
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="{n}"><si><t>x</t></si></sst>"#
        )
        .unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_sheet_naming_a_far_cell_is_refused_and_the_server_stays_up() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;
    let good = fixture("honours_good.xlsx");
    // The reproduction: one extra cell at XFD1048576 (calamine asked for a 512 GB grid).
    let far = xlsx_with(
        &good,
        r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#,
        None,
    );
    assert!(far.len() < 20_000, "{}", far.len());
    let before = app.scalar("SELECT COUNT(*) FROM honour_imports").await;
    let form = Form::new().part("file", Part::bytes(far).file_name("名单.xlsx"));
    let e = refused(
        app.post_multipart("/api/honours/import", Some(&staff), form)
            .await,
        400,
    )
    .await;
    assert_eq!(e.to_string(), hs::IMPORT_OUT_OF_RANGE);
    let health = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(health.status(), 200, "the server is still up");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM honour_imports").await,
        before
    );

    // A shared-string table that declares 10^15 strings is read for what it holds.
    let declared = xlsx_with(&good, "", Some("999999999999999"));
    let form = Form::new().part("file", Part::bytes(declared).file_name("名单.xlsx"));
    let res = app
        .post_multipart("/api/honours/import", Some(&staff), form)
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // Too many rows stops the read with the row message.
    let rows: String = (2..=1100)
        .map(|i| {
            format!(
                r#"<row r="{}"><c r="A{}"><v>{i}</v></c></row>"#,
                i + 10,
                i + 10
            )
        })
        .collect();
    let form = Form::new().part(
        "file",
        Part::bytes(xlsx_with(&good, &rows, None)).file_name("名单.xlsx"),
    );
    let e = refused(
        app.post_multipart("/api/honours/import", Some(&staff), form)
            .await,
        400,
    )
    .await;
    assert_eq!(e.to_string(), hs::IMPORT_TOO_MANY_ROWS);
}

#[tokio::test]
async fn xlsx_files_import_all_or_nothing_too() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;

    let bad = upload(&app, &staff, "bad.xlsx", fixture("honours_bad.xlsx")).await;
    let p = preview(&app, &staff, bad).await;
    assert!(!p.is_valid());
    assert_eq!(p.rows.len(), 4);
    assert!(
        p.errors.iter().all(|e| e.starts_with("第5行：")),
        "{:?}",
        p.errors
    );
    assert!(
        p.errors
            .iter()
            .any(|e| e.contains("居委会“不存在的居委会”不存在"))
    );
    assert!(p.errors.iter().any(|e| e.contains("称号“最美家庭”无效")));
    refused(confirm(&app, &staff, bad).await, 400).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM honours").await, 0);

    let good = upload(&app, &staff, "good.xlsx", fixture("honours_good.xlsx")).await;
    let p = preview(&app, &staff, good).await;
    assert!(p.is_valid(), "{:?}", p.errors);
    assert_eq!(
        p.rows[0].house_number, "7",
        "a number cell reads as 7, not 7.0"
    );
    ok(confirm(&app, &staff, good).await).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM honours").await, 3);
    let (public,): (String,) =
        sqlx::query_as("SELECT public_name FROM honours WHERE full_name = '南徐快餐店'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        public, "南徐快餐",
        "a shop keeps the public name staff gave"
    );
}

// ---- objections ----

#[tokio::test]
async fn objections_are_taken_during_the_notice_only_and_seen_by_that_office() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let b = app.login("huaihe").await;
    let id = nominate(&app, &a, "王建国").await;

    // 申报 is not public yet: no objections.
    refused(object(&app, id, "门前常年堆放杂物", "").await, 409).await;
    ok(act(&app, Some(&a), id, "publish", &day(5), "", false).await).await;

    // The public page offers the form and shows the end of the notice.
    let (_, html) = page(&app, "/honours").await;
    assert!(html.contains("公示中 至 "), "{html}");
    assert!(html.contains("/api/honours/object"));

    // Validation.
    refused(object(&app, id, "   ", "").await, 400).await;
    refused(object(&app, id, &"脏".repeat(501), "").await, 400).await;
    let e = refused(object(&app, id, "门前常年堆放杂物", "12345").await, 400).await;
    assert!(e.to_string().contains("手机号码"), "{e}");
    refused(object(&app, 999_999, "门前常年堆放杂物", "").await, 404).await;

    ok(object(&app, id, "门前常年堆放杂物", "13912345678").await).await;
    // A browser is sent back to the page with a thank-you.
    let res = app
        .client
        .post(app.url("/api/honours/object"))
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&[("honour", id.to_string()), ("content", "第二条意见".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()[reqwest::header::LOCATION].to_str().unwrap(),
        "/honours?objection=1&ok=1"
    );

    // Staff of the office see both, with the phone; the other office sees none.
    let view = staff_view(&app, &a).await;
    assert_eq!(view.objections.len(), 2);
    let first = view
        .objections
        .iter()
        .find(|o| o.content == "门前常年堆放杂物")
        .unwrap();
    assert_eq!(first.contact_phone.as_deref(), Some("13912345678"));
    assert_eq!(first.honour_full_name, "王建国");
    assert!(staff_view(&app, &b).await.objections.is_empty());
    refused(
        app.post_form(
            "/api/honours/objection_handle",
            Some(&b),
            &[("id", first.id.to_string()), ("note", "x".into())],
        )
        .await,
        403,
    )
    .await;
    ok(app
        .post_form(
            "/api/honours/objection_handle",
            Some(&a),
            &[
                ("id", first.id.to_string()),
                ("note", "已核实，已整改".into()),
            ],
        )
        .await)
    .await;
    refused(
        app.post_form(
            "/api/honours/objection_handle",
            Some(&a),
            &[("id", first.id.to_string())],
        )
        .await,
        409,
    )
    .await;
    let view = staff_view(&app, &a).await;
    let handled = view.objections.iter().find(|o| o.id == first.id).unwrap();
    assert!(handled.handled_at.is_some());
    assert_eq!(handled.handled_note, "已核实，已整改");

    // Once the notice period is over: refused, and no form on the page.
    sqlx::query("UPDATE honours SET notice_until = $1 WHERE id = $2")
        .bind(Millis::now().0 - 1000)
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    refused(object(&app, id, "再提一条", "").await, 409).await;
    let (_, html) = page(&app, "/honours").await;
    assert!(!html.contains("/api/honours/object"));
    assert!(html.contains("公示期满"));

    // In another status: refused.
    ok(act(&app, Some(&a), id, "award", "", "", false).await).await;
    refused(object(&app, id, "再提一条", "").await, 409).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM honour_objections").await,
        2
    );
}

// ---- the public page ----

#[tokio::test]
async fn the_public_page_is_grouped_counted_searchable_and_cacheable() {
    let app = spawn_app().await;
    let a = app.login("taihao").await;
    let b = app.login("huaihe").await;
    let one = nominate(&app, &a, "王建国").await;
    ok(act(&app, Some(&a), one, "publish", &day(3), "", false).await).await;
    ok(act(&app, Some(&a), one, "award", "", "", false).await).await;
    let two = nominate(&app, &a, "李秀兰").await;
    ok(act(&app, Some(&a), two, "publish", &day(3), "", false).await).await;
    let hidden = nominate(&app, &a, "赵小明").await;
    let _ = hidden; // 申报 only: not public yet.
    let c = community(&app, "康楼").await;
    ok(app
        .post_form(
            "/api/honours/create",
            Some(&b),
            &[
                ("community", c.to_string()),
                ("kind", "shop".into()),
                ("title", "civilized_shop".into()),
                ("full_name", "康楼副食店（店主孙大海）".into()),
                ("public_name", "康楼副食店".into()),
            ],
        )
        .await)
    .await;
    let shop = app
        .scalar("SELECT id FROM honours WHERE kind = 'shop'")
        .await;
    ok(act(&app, Some(&b), shop, "publish", &day(2), "", false).await).await;

    let res = app.client.get(app.url("/honours")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()[reqwest::header::CACHE_CONTROL]
            .to_str()
            .unwrap(),
        "public, max-age=60"
    );
    let html = res.text().await.unwrap();
    for expected in [
        "太昊路办事处",
        "淮河路办事处",
        "韩营",
        "康楼",
        "王**家",
        "李**家",
        "康楼副食店",
        "已挂牌",
        "公示中 至 ",
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    assert!(!html.contains("赵"), "申报 is not public");
    assert!(!html.contains("孙大海") && !html.contains("王建国") && !html.contains("李秀兰"));
    assert!(!html.contains("12号"), "house number hidden unless agreed");

    let (_, html) = page(&app, "/honours?q=%E5%BA%B7%E6%A5%BC").await; // 康楼
    assert!(html.contains("康楼副食店") && !html.contains("王**家"));
    let (_, html) = page(&app, "/honours?q=%25").await; // a literal %
    assert!(html.contains("没有找到"), "wildcards are matched literally");
    let (_, html) = page(&app, "/honours?q=%27%20OR%201%3D1%20--").await;
    assert!(html.contains("没有找到"));
}

// ---- privacy ----

/// Residents' phones and households' full names never appear on a public page.
#[tokio::test]
async fn public_pages_never_show_a_phone_or_a_full_household_name() {
    let app = spawn_app().await;
    let staff = app.login("taihao").await;
    let phones = ["13800138000", "13912345678"];
    let mut codes = Vec::new();
    for (i, phone) in phones.iter().enumerate() {
        let (_, code) = app
            .submit_street_report(
                "韩营一巷",
                "exposed_garbage",
                phone,
                "巷口垃圾三天没人清理",
                i as u8,
            )
            .await;
        codes.push(code);
    }
    // Honours in every public state, with full names; the house number of one is hidden.
    let full_names = ["王建国", "张秀英", "欧阳明华"];
    let mut ids = Vec::new();
    for name in full_names {
        let id = nominate(&app, &staff, name).await;
        ok(act(&app, Some(&staff), id, "publish", &day(4), "", false).await).await;
        ids.push(id);
    }
    ok(act(
        &app,
        Some(&staff),
        ids[1],
        "award",
        "",
        "王建国邻居张秀英家挂牌",
        false,
    )
    .await)
    .await;
    ok(act(&app, Some(&staff), ids[2], "award", "", "", false).await).await;
    ok(act(&app, Some(&staff), ids[2], "reinspect", "", "", false).await).await;
    ok(object(&app, ids[0], "我是邻居，有意见", phones[1]).await).await;

    let mut paths = vec![
        "/".to_string(),
        "/report".into(),
        "/my".into(),
        "/honours".into(),
        "/honours?q=%E9%9F%A9%E8%90%A5".into(), // 韩营
        "/honours?q=%E9%9F%A9%E8%90%A5%E4%B8%80%E5%B7%B7".into(), // 韩营一巷
        "/stats".into(),
    ];
    paths.extend(codes.iter().map(|c| format!("/track?code={c}")));
    let mut checked = 0;
    for path in &paths {
        let (status, html) = page(&app, path).await;
        if path == "/stats" && status == 404 {
            continue; // not built yet
        }
        assert_eq!(status, 200, "{path}");
        for phone in phones {
            assert!(!html.contains(phone), "{path} shows a phone");
            assert!(!html.contains(&phone[3..]), "{path} shows most of a phone");
        }
        for name in full_names {
            assert!(!html.contains(name), "{path} shows {name}");
        }
        assert!(
            !html.contains("韩营一巷12号"),
            "{path} shows a hidden house number"
        );
        checked += 1;
    }
    assert!(checked >= paths.len() - 1);
    let (_, html) = page(&app, "/honours").await;
    assert!(html.contains("王**家") && html.contains("张**家") && html.contains("欧阳**家"));
    // The public server function answers the same, without the names.
    let body = ok(app.post_form("/api/honours/public", None, &[]).await).await;
    for name in full_names {
        assert!(!body.contains(name));
    }
    assert!(!body.contains(phones[1]));
}

#[tokio::test]
async fn demo_honours_fill_the_public_page_without_names() {
    let app = spawn_app().await;
    assert!(
        app::honours::seed::seed_demo_honours(&app.db)
            .await
            .unwrap()
    );
    assert!(
        !app::honours::seed::seed_demo_honours(&app.db)
            .await
            .unwrap(),
        "only once"
    );
    let (status, html) = page(&app, "/honours").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("王**家") && html.contains("陈营便民超市") && html.contains("公示中 至 ")
    );
    assert!(!html.contains("王建华") && !html.contains("李秀兰") && !html.contains("毛**家"));
    assert!(
        html.contains("3号"),
        "a house number the household agreed to show"
    );
    let (nulls,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM honours WHERE house_number IS NULL")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(nulls > 0);
}

/// With the public caches on, a crowd's pages come from one computation: a change shows only
/// when the value's life ends. A search of /honours is not cached (it asks the database).
#[tokio::test]
async fn public_pages_are_computed_once_per_cache_life() {
    let app = crate::common::spawn_app_with(&[("PUBLIC_CACHE_SECS", "3600")]).await;
    assert!(
        app::honours::seed::seed_demo_honours(&app.db)
            .await
            .unwrap()
    );
    let (_, honours) = page(&app, "/honours").await;
    let (_, home) = page(&app, "/").await;
    let (_, stats) = page(&app, "/stats").await;
    assert!(honours.contains("陈营便民超市"));
    assert!(stats.contains("太昊路办事处") && !stats.contains("新设办事处"));

    // Every honour withdrawn from the public page, and a new office.
    sqlx::query("UPDATE honours SET status = 'nominated'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    app::areas::db::add_office(&app.db, "新设办事处")
        .await
        .unwrap();

    // Within the cache's life, every visitor sees what was computed first.
    let crowd: Vec<_> = (0..10)
        .map(|_| {
            let (app, client) = (app.url("/honours"), app.client.clone());
            tokio::spawn(async move { client.get(app).send().await.unwrap().text().await })
        })
        .collect();
    for task in crowd {
        assert!(task.await.unwrap().unwrap().contains("陈营便民超市"));
    }
    let offices = |html: &str| {
        let at = html.find(" 个办事处").expect("the home page's summary");
        html[..at].rsplit(' ').next().unwrap().to_string()
    };
    assert_eq!(offices(&page(&app, "/").await.1), offices(&home));
    assert!(!page(&app, "/stats").await.1.contains("新设办事处"));
    // A search is answered from the database.
    let (_, searched) = page(&app, "/honours?q=%E9%99%88%E8%90%A5").await;
    assert!(!searched.contains("陈营便民超市"));

    // With no cache (the tests' default), the same changes show at once.
    let fresh = spawn_app().await;
    app::honours::seed::seed_demo_honours(&fresh.db)
        .await
        .unwrap();
    assert!(page(&fresh, "/honours").await.1.contains("陈营便民超市"));
    sqlx::query("UPDATE honours SET status = 'nominated'")
        .execute(&fresh.db.pool)
        .await
        .unwrap();
    assert!(!page(&fresh, "/honours").await.1.contains("陈营便民超市"));
}
