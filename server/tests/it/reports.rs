//! Resident report submission end to end: the multipart server function, validation, photo
//! processing and storage, idempotent retries, limits, photo serving and the public views —
//! on the real router and a real database (SQLite, or PostgreSQL with TEST_DATABASE=postgres).

use crate::common::{TestApp, spawn_app, spawn_app_with};
use app::error::AppError;
use app::reports::{MyReport, PublicReport, Receipt};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use uuid::Uuid;

// ---- fixtures ----

/// Ids of the seeded demo data the tests report against.
struct Refs {
    street: i64,
    office: i64,
    category: i64,
}

async fn refs(app: &TestApp) -> Refs {
    let (street,): (i64,) = sqlx::query_as("SELECT id FROM streets WHERE name = '韩营一巷'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let (office,): (i64,) = sqlx::query_as("SELECT id FROM offices WHERE name = '淮河路办事处'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let (category,): (i64,) =
        sqlx::query_as("SELECT id FROM categories WHERE code = 'exposed_garbage'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    Refs {
        street,
        office,
        category,
    }
}

/// A JPEG with a gradient, `seed` making different photos differ.
fn jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        Rgb([
            (x % 256) as u8,
            (y % 256) as u8,
            seed.wrapping_mul(37).wrapping_add(50),
        ])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

/// A street report; tests change what they need.
fn draft(r: &Refs) -> Value {
    json!({
        "report_id": Uuid::new_v4(),
        "category_id": r.category,
        "office_id": null,
        "street_id": r.street,
        "location": null,
        "description": "巷口垃圾三天没人清理",
        "contact_phone": "",
        "created_on_device": 1_795_786_380_000_i64,
    })
}

fn form(report: &str, photos: &[Vec<u8>]) -> Form {
    let mut form = Form::new().part(
        "report",
        Part::text(report.to_string())
            .mime_str("application/json")
            .unwrap(),
    );
    for (i, p) in photos.iter().enumerate() {
        form = form.part(
            "photo",
            Part::bytes(p.clone())
                .file_name(format!("photo{i}.jpg"))
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    form
}

async fn submit_raw(app: &TestApp, report: &str, photos: &[Vec<u8>]) -> reqwest::Response {
    app.post_multipart("/api/reports/submit", None, form(report, photos))
        .await
}

async fn submit(app: &TestApp, report: &Value, photos: &[Vec<u8>]) -> reqwest::Response {
    submit_raw(app, &report.to_string(), photos).await
}

async fn receipt(res: reqwest::Response) -> Receipt {
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The refusal as the Leptos client decodes it, after checking its status.
async fn refusal(res: reqwest::Response, status: u16) -> AppError {
    let got = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(got, status, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not an AppError ({e}): {body}"))
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    n
}

async fn nothing_stored(app: &TestApp) {
    assert_eq!(count(app, "reports").await, 0);
    assert_eq!(count(app, "report_photos").await, 0);
    assert_eq!(count(app, "report_events").await, 0);
    let files = walk(&app.data_dir.path().join("photos"));
    assert!(files.is_empty(), "photo files written: {files:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

async fn photo_shas(app: &TestApp, code: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT p.sha256 FROM report_photos p JOIN reports r ON r.id = p.report_id \
         WHERE r.tracking_code = $1 ORDER BY p.position",
    )
    .bind(code)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    rows.into_iter().map(|(s,)| s).collect()
}

fn stored_file(app: &TestApp, sha: &str, suffix: &str) -> std::path::PathBuf {
    app.data_dir
        .path()
        .join("photos")
        .join(&sha[..2])
        .join(format!("{sha}.{suffix}"))
}

async fn track(app: &TestApp, code: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/reports/track"))
        .form(&[("code", code)])
        .send()
        .await
        .unwrap()
}

// ---- submission ----

#[tokio::test]
async fn a_valid_report_is_stored_with_its_photos() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let mut report = draft(&r);
    report["contact_phone"] = json!("138 1234 5678");
    let photos = [jpeg(2000, 1500, 1), jpeg(64, 48, 2)];
    let res = submit(&app, &report, &photos).await;
    let receipt = receipt(res).await;
    assert_eq!(receipt.report_id.to_string(), report["report_id"]);
    assert_eq!(receipt.status, app::domain::ReportStatus::Pending);
    assert_eq!(receipt.tracking_code.as_str().len(), 8);

    // The rows, in one piece.
    let (status, street, office, phone, description): (String, i64, i64, String, String) =
        sqlx::query_as(
            "SELECT status, street_id, office_id, contact_phone, description FROM reports \
             WHERE tracking_code = $1",
        )
        .bind(receipt.tracking_code.as_str())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "pending");
    assert_eq!(street, r.street);
    let (street_office,): (i64,) = sqlx::query_as(
        "SELECT c.office_id FROM streets s JOIN communities c ON c.id = s.community_id \
         WHERE s.id = $1",
    )
    .bind(r.street)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(office, street_office, "the street decides the office");
    assert_eq!(phone, "13812345678");
    assert_eq!(description, "巷口垃圾三天没人清理");
    assert_eq!(count(&app, "report_photos").await, 2);
    let (action, from, to): (String, Option<String>, String) =
        sqlx::query_as("SELECT action, from_status, to_status FROM report_events")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        (action.as_str(), from, to.as_str()),
        ("submit", None, "pending")
    );

    // The files: downscaled JPEG and thumbnail, content-addressed.
    let shas = photo_shas(&app, receipt.tracking_code.as_str()).await;
    assert_eq!(shas.len(), 2);
    let full = std::fs::read(stored_file(&app, &shas[0], "jpg")).unwrap();
    let thumb = std::fs::read(stored_file(&app, &shas[0], "thumb.jpg")).unwrap();
    assert_eq!(
        image::guess_format(&full).unwrap(),
        image::ImageFormat::Jpeg
    );
    let full = image::load_from_memory(&full).unwrap();
    assert_eq!((full.width(), full.height()), (1600, 1200));
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert!(thumb.width().max(thumb.height()) <= 320);
    assert_eq!((thumb.width(), thumb.height()), (320, 240));
    let small = image::open(stored_file(&app, &shas[1], "jpg")).unwrap();
    assert_eq!((small.width(), small.height()), (64, 48));
}

#[tokio::test]
async fn a_retry_gets_the_same_receipt_and_stores_nothing_new() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let report = draft(&r);
    let photos = [jpeg(64, 48, 1)];
    let first = receipt(submit(&app, &report, &photos).await).await;
    let again = receipt(submit(&app, &report, &photos).await).await;
    assert_eq!(first, again);
    assert_eq!(count(&app, "reports").await, 1);
    assert_eq!(count(&app, "report_photos").await, 1);
    assert_eq!(count(&app, "report_events").await, 1);
}

#[tokio::test]
async fn concurrent_retries_make_one_report() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let report = draft(&r);
    let photos = [jpeg(64, 48, 1)];
    let (a, b, c) = tokio::join!(
        submit(&app, &report, &photos),
        submit(&app, &report, &photos),
        submit(&app, &report, &photos)
    );
    let (a, b, c) = (receipt(a).await, receipt(b).await, receipt(c).await);
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert_eq!(count(&app, "reports").await, 1);
    assert_eq!(count(&app, "report_photos").await, 1);
}

#[tokio::test]
async fn the_same_report_id_with_other_content_is_a_conflict() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let report = draft(&r);
    receipt(submit(&app, &report, &[jpeg(64, 48, 1)]).await).await;

    let mut changed = report.clone();
    changed["description"] = json!("另一件事");
    let err = refusal(submit(&app, &changed, &[jpeg(64, 48, 1)]).await, 409).await;
    assert!(
        matches!(&err, AppError::Conflict(m) if m.contains("上报编号")),
        "{err:?}"
    );
    // Same fields, another photo: also other content.
    let err = refusal(submit(&app, &report, &[jpeg(64, 48, 2)]).await, 409).await;
    assert!(matches!(err, AppError::Conflict(_)));
    assert_eq!(count(&app, "reports").await, 1);
}

#[tokio::test]
async fn a_gps_only_report_goes_to_the_chosen_office() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let mut report = draft(&r);
    report["street_id"] = Value::Null;
    report["office_id"] = json!(r.office);
    report["location"] = json!({"lat": 33.623_456, "lon": 114.654_987, "accuracy_m": 12.5});
    let receipt = receipt(submit(&app, &report, &[jpeg(64, 48, 1)]).await).await;
    let (office, street, lat): (i64, Option<i64>, f64) =
        sqlx::query_as("SELECT office_id, street_id, lat FROM reports")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((office, street), (r.office, None));
    assert_eq!(lat, 33.623_456);

    let public: PublicReport = track(&app, receipt.tracking_code.as_str())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public.office_name, "淮河路办事处");
    assert_eq!(public.place, None);
    // The public sees the position only to about 100 m.
    assert_eq!(public.coarse_location, Some((33.623, 114.655)));
}

// ---- refused submissions: a clear 4xx, and nothing stored ----

#[tokio::test]
async fn a_file_that_is_not_an_image_is_refused_whatever_its_name() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let fake = b"MZ\x90\x00 this is an executable, not a photo".repeat(20);
    let err = refusal(submit(&app, &draft(&r), &[fake]).await, 400).await;
    assert_eq!(
        err,
        AppError::BadRequest(app::reports::strings::validation::PHOTO_NOT_IMAGE.into())
    );
    // A corrupt JPEG (right magic bytes, nothing after) too.
    let mut broken = jpeg(64, 48, 1);
    broken.truncate(200);
    refusal(submit(&app, &draft(&r), &[broken]).await, 400).await;
    nothing_stored(&app).await;
}

#[tokio::test]
async fn a_photo_over_the_size_limit_is_refused() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let mut big = jpeg(64, 48, 1);
    big.resize(6 * 1000 * 1000, 0);
    let err = refusal(submit(&app, &draft(&r), &[big]).await, 413).await;
    assert!(
        matches!(&err, AppError::PayloadTooLarge(m) if m.contains("5 MB")),
        "{err:?}"
    );
    nothing_stored(&app).await;
}

#[tokio::test]
async fn a_body_over_the_total_limit_is_refused() {
    let app = spawn_app_with(&[("PHOTO_MAX_BYTES", "100000")]).await;
    // 3 × 100 kB + 1 MiB of headroom: a 2 MB body is over, declared or not.
    let body = vec![b'x'; 2_000_000];
    let res = app
        .client
        .post(app.url("/api/reports/submit"))
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body(body)
        .send()
        .await
        .unwrap();
    let err = refusal(res, 413).await;
    assert!(matches!(err, AppError::PayloadTooLarge(_)));
    // Streamed without a Content-Length (chunked): counted while read.
    let (status, body) = chunked_post(&app, "/api/reports/submit", 20, 100_000).await;
    assert_eq!(status, 413, "{body}");
    assert!(matches!(
        serde_json::from_str::<AppError>(&body).unwrap(),
        AppError::PayloadTooLarge(_)
    ));
    nothing_stored(&app).await;
}

/// POSTs `chunks` × `size` bytes with `Transfer-Encoding: chunked` (no Content-Length) over
/// a raw connection; returns the status and the body of the answer.
async fn chunked_post(app: &TestApp, path: &str, chunks: usize, size: usize) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary=XYZ\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.addr
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'x'; size];
    for _ in 0..chunks {
        conn.write_all(format!("{size:x}\r\n").as_bytes())
            .await
            .unwrap();
        conn.write_all(&chunk).await.unwrap();
        conn.write_all(b"\r\n").await.unwrap();
    }
    conn.write_all(b"0\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn more_than_three_photos_are_refused() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let photos: Vec<_> = (0..4).map(|i| jpeg(64, 48, i)).collect();
    let err = refusal(submit(&app, &draft(&r), &photos).await, 400).await;
    assert_eq!(err, AppError::BadRequest("最多只能上传 3 张照片".into()));
    nothing_stored(&app).await;
}

#[tokio::test]
async fn a_report_without_photos_is_refused() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let err = refusal(submit(&app, &draft(&r), &[]).await, 400).await;
    assert_eq!(
        err,
        AppError::BadRequest(app::reports::strings::validation::NO_PHOTOS.into())
    );
    nothing_stored(&app).await;
}

#[tokio::test]
async fn unknown_parts_are_refused() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let form = form(&draft(&r).to_string(), &[jpeg(64, 48, 1)])
        .part("attachment", Part::bytes(vec![1, 2, 3]));
    let res = app.post_multipart("/api/reports/submit", None, form).await;
    let err = refusal(res, 400).await;
    assert!(
        matches!(&err, AppError::BadRequest(m) if m.contains("attachment")),
        "{err:?}"
    );
    nothing_stored(&app).await;
}

#[tokio::test]
async fn multipart_without_a_boundary_is_a_400_not_a_crash() {
    let app = spawn_app().await;
    for content_type in ["multipart/form-data", "application/json", "text/plain"] {
        let res = app
            .client
            .post(app.url("/api/reports/submit"))
            .header("content-type", content_type)
            .body("--x\r\nContent-Disposition: form-data; name=\"report\"\r\n\r\n{}\r\n--x--\r\n")
            .send()
            .await
            .unwrap();
        let err = refusal(res, 400).await;
        assert_eq!(
            err,
            AppError::BadRequest(app::reports::strings::validation::NOT_MULTIPART.into()),
            "{content_type}"
        );
    }
    // No content type at all, and a body that is not multipart despite its header.
    let res = app
        .client
        .post(app.url("/api/reports/submit"))
        .body("hello")
        .send()
        .await
        .unwrap();
    refusal(res, 400).await;
    let res = app
        .client
        .post(app.url("/api/reports/submit"))
        .header("content-type", "multipart/form-data; boundary=abc")
        .body("this is not multipart at all")
        .send()
        .await
        .unwrap();
    refusal(res, 400).await;
    // The server is still there.
    let res = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    nothing_stored(&app).await;
}

#[tokio::test]
async fn malformed_json_in_the_report_part_is_refused() {
    let app = spawn_app().await;
    let photos = [jpeg(64, 48, 1)];
    for bad in ["{not json", "[]", "{\"report_id\": \"not-a-uuid\"}", ""] {
        let err = refusal(submit_raw(&app, bad, &photos).await, 400).await;
        assert_eq!(
            err,
            AppError::BadRequest(app::reports::strings::validation::MALFORMED_REPORT.into()),
            "{bad}"
        );
    }
    nothing_stored(&app).await;
}

#[tokio::test]
async fn a_bad_phone_number_is_refused_in_chinese() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let mut report = draft(&r);
    report["contact_phone"] = json!("12345");
    let err = refusal(submit(&app, &report, &[jpeg(64, 48, 1)]).await, 400).await;
    assert_eq!(
        err,
        AppError::BadRequest("请输入11位手机号码，例如 13812345678".into())
    );
    nothing_stored(&app).await;
}

#[tokio::test]
async fn a_description_over_500_characters_is_refused() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let mut report = draft(&r);
    report["description"] = json!("垃".repeat(501));
    let err = refusal(submit(&app, &report, &[jpeg(64, 48, 1)]).await, 400).await;
    assert_eq!(
        err,
        AppError::BadRequest("问题描述不能超过 500 个字".into())
    );
    nothing_stored(&app).await;
    // Exactly 500 (1500 bytes of UTF-8) is fine.
    report["description"] = json!("垃".repeat(500));
    receipt(submit(&app, &report, &[jpeg(64, 48, 1)]).await).await;
}

#[tokio::test]
async fn a_report_needs_a_street_or_a_position() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let mut report = draft(&r);
    report["street_id"] = Value::Null;
    report["office_id"] = json!(r.office);
    let err = refusal(submit(&app, &report, &[jpeg(64, 48, 1)]).await, 400).await;
    assert_eq!(err, AppError::BadRequest("请选择街巷或使用当前位置".into()));
    // GPS alone needs an office.
    report["office_id"] = Value::Null;
    report["location"] = json!({"lat": 33.62, "lon": 114.65, "accuracy_m": 10.0});
    let err = refusal(submit(&app, &report, &[jpeg(64, 48, 1)]).await, 400).await;
    assert_eq!(
        err,
        AppError::BadRequest(app::reports::strings::validation::OFFICE_REQUIRED.into())
    );
    // Impossible coordinates.
    report["office_id"] = json!(r.office);
    report["location"] = json!({"lat": 133.62, "lon": 114.65, "accuracy_m": 10.0});
    refusal(submit(&app, &report, &[jpeg(64, 48, 1)]).await, 400).await;
    nothing_stored(&app).await;
}

#[tokio::test]
async fn unknown_street_office_or_category_is_refused() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let mut report = draft(&r);
    report["street_id"] = json!(999_999);
    let err = refusal(submit(&app, &report, &[jpeg(64, 48, 1)]).await, 400).await;
    assert_eq!(
        err,
        AppError::BadRequest(app::reports::strings::validation::UNKNOWN_STREET.into())
    );

    let mut report = draft(&r);
    report["street_id"] = Value::Null;
    report["office_id"] = json!(999_999);
    report["location"] = json!({"lat": 33.62, "lon": 114.65, "accuracy_m": null});
    let err = refusal(submit(&app, &report, &[jpeg(64, 48, 1)]).await, 400).await;
    assert_eq!(
        err,
        AppError::BadRequest(app::reports::strings::validation::UNKNOWN_OFFICE.into())
    );

    let mut report = draft(&r);
    report["category_id"] = json!(999_999);
    refusal(submit(&app, &report, &[jpeg(64, 48, 1)]).await, 400).await;
    // A category the admin switched off.
    sqlx::query("UPDATE categories SET active = 0 WHERE id = $1")
        .bind(r.category)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let err = refusal(submit(&app, &draft(&r), &[jpeg(64, 48, 1)]).await, 400).await;
    assert_eq!(
        err,
        AppError::BadRequest(app::reports::strings::validation::UNKNOWN_CATEGORY.into())
    );
    nothing_stored(&app).await;
}

/// A JPEG carrying an APP1 Exif segment with Orientation = 6 (rotate 90°) and a GPS IFD.
/// Returns the file and the bytes of its GPS latitude, to look for later.
fn jpeg_with_exif_gps(w: u32, h: u32) -> (Vec<u8>, Vec<u8>) {
    fn entry(t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
        t.extend(tag.to_le_bytes());
        t.extend(kind.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value);
    }
    fn rationals(vals: &[(u32, u32)]) -> Vec<u8> {
        vals.iter()
            .flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes()))
            .collect()
    }
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const ASCII: u16 = 2;
    const RATIONAL: u16 = 5;
    let ifd0 = 8u32;
    let gps_ifd = ifd0 + 2 + 2 * 12 + 4;
    let gps_data = gps_ifd + 2 + 4 * 12 + 4;
    let lat = rationals(&[(33, 1), (37, 1), (4242, 100)]);
    let lon = rationals(&[(114, 1), (39, 1), (1717, 100)]);

    let mut t = Vec::new();
    t.extend(b"II");
    t.extend(42u16.to_le_bytes());
    t.extend(ifd0.to_le_bytes());
    t.extend(2u16.to_le_bytes());
    entry(&mut t, 0x0112, SHORT, 1, [6, 0, 0, 0]); // Orientation
    entry(&mut t, 0x8825, LONG, 1, gps_ifd.to_le_bytes()); // GPSInfo
    t.extend(0u32.to_le_bytes());
    assert_eq!(t.len() as u32, gps_ifd);
    t.extend(4u16.to_le_bytes());
    entry(&mut t, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, RATIONAL, 3, gps_data.to_le_bytes());
    entry(&mut t, 0x0003, ASCII, 2, *b"E\0\0\0");
    entry(&mut t, 0x0004, RATIONAL, 3, (gps_data + 24).to_le_bytes());
    t.extend(0u32.to_le_bytes());
    assert_eq!(t.len() as u32, gps_data);
    t.extend(&lat);
    t.extend(&lon);

    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(((2 + 6 + t.len()) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(&t);

    let plain = jpeg(w, h, 7);
    assert_eq!(&plain[..2], &[0xFF, 0xD8]);
    let mut out = plain[..2].to_vec();
    out.extend(&app1);
    out.extend(&plain[2..]);
    (out, lat)
}

/// The markers of a JPEG's header segments, up to the start of the scan.
fn segments(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let mut markers = Vec::new();
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
        let marker = jpeg[i + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        i += 2 + usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
    }
    markers
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn exif_gps_is_stripped_and_orientation_applied() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let (photo, gps_lat) = jpeg_with_exif_gps(64, 32);
    // The upload really carries them, so the checks below can fail.
    assert!(contains(&photo, b"Exif\0\0"));
    assert!(segments(&photo).contains(&0xE1));
    assert!(contains(&photo, &gps_lat));
    assert_eq!(
        image::load_from_memory(&photo).unwrap().width(),
        64,
        "the test JPEG decodes"
    );

    let receipt = receipt(submit(&app, &draft(&r), &[photo]).await).await;
    let sha = &photo_shas(&app, receipt.tracking_code.as_str()).await[0];
    for suffix in ["jpg", "thumb.jpg"] {
        let stored = std::fs::read(stored_file(&app, sha, suffix)).unwrap();
        assert!(
            !contains(&stored, b"Exif"),
            "{suffix} keeps an Exif segment"
        );
        assert!(
            !segments(&stored).contains(&0xE1),
            "{suffix} keeps an APP1 segment"
        );
        assert!(
            !contains(&stored, &gps_lat),
            "{suffix} keeps the GPS position"
        );
    }
    // Orientation 6 turned the 64×32 picture upright: 32×64.
    let stored = image::open(stored_file(&app, sha, "jpg")).unwrap();
    assert_eq!((stored.width(), stored.height()), (32, 64));
    let (w, h): (i64, i64) = sqlx::query_as("SELECT width, height FROM report_photos")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!((w, h), (32, 64));
}

#[tokio::test]
async fn too_many_submissions_from_one_address_get_429_with_retry_after() {
    let app = spawn_app_with(&[("REPORT_RATE_LIMIT", "2/600")]).await;
    let r = refs(&app).await;
    receipt(submit(&app, &draft(&r), &[jpeg(64, 48, 1)]).await).await;
    // A refused submission counts too.
    refusal(submit(&app, &draft(&r), &[]).await, 400).await;
    let res = submit(&app, &draft(&r), &[jpeg(64, 48, 2)]).await;
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    let err = refusal(res, 429).await;
    assert!(
        matches!(err, AppError::TooManyRequests { retry_after_secs } if retry_after_secs == retry_after)
    );
    assert_eq!(count(&app, "reports").await, 1);
    // Other endpoints are not limited.
    let res = track(&app, "ABCD2345").await;
    assert_eq!(res.status(), 404);
}

// ---- photos ----

#[tokio::test]
async fn stored_photos_are_served_immutable_and_others_are_404() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let receipt = receipt(submit(&app, &draft(&r), &[jpeg(640, 480, 1)]).await).await;
    let sha = photo_shas(&app, receipt.tracking_code.as_str())
        .await
        .remove(0);

    let res = app
        .client
        .get(app.url(&format!("/photos/{sha}.jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{sha}\""));
    let body = res.bytes().await.unwrap();
    assert_eq!(
        body.as_ref(),
        std::fs::read(stored_file(&app, &sha, "jpg")).unwrap()
    );

    let res = app
        .client
        .get(app.url(&format!("/photos/{sha}/thumb.jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let thumb = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 240));

    // Revalidation is answered without the body.
    let res = app
        .client
        .get(app.url(&format!("/photos/{sha}.jpg")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    // An unknown sha, a malformed one, a path trick: 404. So is a file no report refers to.
    let unknown = "0".repeat(64);
    std::fs::create_dir_all(app.data_dir.path().join("photos/00")).unwrap();
    std::fs::write(stored_file(&app, &unknown, "jpg"), b"orphan").unwrap();
    for path in [
        format!("/photos/{unknown}.jpg"),
        format!("/photos/{unknown}/thumb.jpg"),
        format!("/photos/{}.jpg", sha.to_uppercase()),
        format!("/photos/{}.jpg", &sha[..63]),
        format!("/photos/{sha}.png"),
        "/photos/..%2F..%2Ftest.db".to_string(),
    ] {
        let res = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
}

// ---- public views ----

#[tokio::test]
async fn the_public_view_shows_the_report_but_never_the_phone() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let mut report = draft(&r);
    report["contact_phone"] = json!("13812345678");
    report["location"] = json!({"lat": 33.623_456, "lon": 114.654_987, "accuracy_m": 8.0});
    let receipt = receipt(submit(&app, &report, &[jpeg(64, 48, 1), jpeg(64, 48, 2)]).await).await;

    let res = track(&app, &receipt.tracking_code.as_str().to_lowercase()).await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(!body.contains("13812345678"), "the phone leaked: {body}");
    assert!(!body.contains("5678"), "part of the phone leaked: {body}");
    assert!(
        !body.contains("623456") && !body.contains("654987"),
        "exact position leaked"
    );
    let public: PublicReport = serde_json::from_str(&body).unwrap();
    assert_eq!(public.tracking_code, receipt.tracking_code);
    assert_eq!(public.category_name, "暴露垃圾");
    assert_eq!(public.office_name, "太昊路办事处");
    assert_eq!(public.place.as_deref(), Some("韩营 · 韩营一巷"));
    assert_eq!(public.coarse_location, Some((33.623, 114.655)));
    assert_eq!(public.status, app::domain::ReportStatus::Pending);
    assert_eq!(public.photos.len(), 2);
    assert_eq!(
        public
            .photos
            .iter()
            .map(|p| p.sha256.clone())
            .collect::<Vec<_>>(),
        photo_shas(&app, receipt.tracking_code.as_str()).await
    );
    assert_eq!(public.timeline.len(), 1);
    assert_eq!(
        public.timeline[0].status,
        app::domain::ReportStatus::Pending
    );
    assert_eq!(public.timeline[0].note, None);
}

#[tokio::test]
async fn internal_notes_stay_internal() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let receipt = receipt(submit(&app, &draft(&r), &[jpeg(64, 48, 1)]).await).await;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM reports")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    for (from, to, note, public) in [
        ("pending", "accepted", "已核实，立案", 1_i64),
        ("accepted", "accepted", "内部：联系人是居委会张主任", 0),
        ("accepted", "dispatched", "内部：派给保洁三组", 0),
    ] {
        sqlx::query(
            "INSERT INTO report_events (report_id, action, from_status, to_status, note, \
                 public_note, created_at) VALUES ($1, 'staff', $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(note)
        .bind(public)
        .bind(receipt.received_at.0 + 1000)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    let body = track(&app, receipt.tracking_code.as_str())
        .await
        .text()
        .await
        .unwrap();
    assert!(!body.contains("内部"), "an internal note leaked: {body}");
    let public: PublicReport = serde_json::from_str(&body).unwrap();
    let steps: Vec<_> = public
        .timeline
        .iter()
        .map(|e| (e.status.code(), e.note.as_deref()))
        .collect();
    assert_eq!(
        steps,
        [
            ("pending", None),
            ("accepted", Some("已核实，立案")),
            ("dispatched", None)
        ]
    );
}

#[tokio::test]
async fn script_in_a_description_round_trips_and_is_escaped_on_the_page() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let mut report = draft(&r);
    let evil = "<script>alert('x')</script> & \"引号\" <img src=x onerror=alert(1)>";
    report["description"] = json!(evil);
    let receipt = receipt(submit(&app, &report, &[jpeg(64, 48, 1)]).await).await;
    let code = receipt.tracking_code.as_str();

    // Stored and returned verbatim: escaping is the page's job, not the database's.
    let public: PublicReport = track(&app, code).await.json().await.unwrap();
    assert_eq!(public.description, evil);

    let res = app
        .client
        .get(app.url(&format!("/track?code={code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(code),
        "the track page did not render the report"
    );
    assert!(!html.contains("<script>alert"), "unescaped script: {html}");
    assert!(!html.contains("<img src=x"), "unescaped markup");
    assert!(
        html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
        "the description is not shown escaped"
    );
}

#[tokio::test]
async fn track_answers_404_for_unknown_and_400_for_malformed_codes() {
    let app = spawn_app().await;
    let err = refusal(track(&app, "ABCD2345").await, 404).await;
    assert_eq!(err, AppError::NotFound);
    for bad in ["ABC", "ABCD234O", "'; DROP TABLE reports; --", ""] {
        let err = refusal(track(&app, bad).await, 400).await;
        assert!(matches!(err, AppError::BadRequest(_)), "{bad}: {err:?}");
    }
    // A request without the argument at all is the caller's mistake too.
    let res = app
        .client
        .post(app.url("/api/reports/track"))
        .form(&[("other", "x")])
        .send()
        .await
        .unwrap();
    refusal(res, 400).await;
}

#[tokio::test]
async fn guessing_tracking_codes_runs_out_of_budget_while_a_resident_does_not() {
    use app::ratelimit::{DEFAULT_LOOKUP_LIMIT, LOOKUP_MISS};
    let app = spawn_app().await;
    let r = refs(&app).await;
    let mine = receipt(submit(&app, &draft(&r), &[jpeg(64, 48, 9)]).await).await;
    // A resident checking their own report now and then never meets the limit.
    for _ in 0..10 {
        assert_eq!(track(&app, mine.tracking_code.as_str()).await.status(), 200);
    }
    // 200 random codes in a row: misses cost more, and the 429 comes long before the end.
    let mut statuses = Vec::new();
    let mut rng = 7u64;
    for _ in 0..200 {
        let code: String = (0..8)
            .map(|_| {
                rng = rng
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let alphabet = app::domain::tracking::ALPHABET;
                alphabet[(rng >> 33) as usize % alphabet.len()] as char
            })
            .collect();
        let res = track(&app, &code).await;
        if res.status() == 429 {
            assert!(res.headers().contains_key(reqwest::header::RETRY_AFTER));
        }
        statuses.push(res.status().as_u16());
    }
    let misses = statuses.iter().filter(|s| **s == 404).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    eprintln!("200 random look-ups: {misses} × 404, {limited} × 429");
    let budget = (DEFAULT_LOOKUP_LIMIT.max - 10) / LOOKUP_MISS;
    assert!(misses as u32 <= budget + 1, "{misses} misses answered");
    assert_eq!(misses + limited, 200);
    // The page answers 429 too, and so do 我的上报, answers and objections from that address.
    let res = app
        .client
        .get(app.url(&format!("/track?code={}", mine.tracking_code)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "/track page");
    let res = app
        .client
        .post(app.url("/api/reports/mine"))
        .form(&[("codes[0]", mine.tracking_code.to_string())])
        .send()
        .await
        .unwrap();
    refusal(res, 429).await;
    let res = app
        .client
        .post(app.url("/api/honours/object"))
        .form(&[("honour", "1"), ("content", "门前堆物")])
        .send()
        .await
        .unwrap();
    refusal(res, 429).await;
}

#[tokio::test]
async fn a_batch_of_guesses_is_cut_off_where_the_budget_ends() {
    use app::ratelimit::{LOOKUP_HIT, LOOKUP_MISS};
    let app = spawn_app_with(&[("LOOKUP_RATE_LIMIT", "100/600")]).await;
    let r = refs(&app).await;
    let real = receipt(submit(&app, &draft(&r), &[jpeg(64, 48, 4)]).await).await;
    let mine = |codes: Vec<String>| {
        let fields: Vec<(String, String)> = codes
            .into_iter()
            .enumerate()
            .map(|(i, c)| (format!("codes[{i}]"), c))
            .collect();
        app.client
            .post(app.url("/api/reports/mine"))
            .form(&fields)
            .send()
    };
    // 99 guesses with the real code last: the answer stops where the budget does, so the
    // real report (which a guesser would have found) is not in it.
    let mut codes: Vec<String> = (0..99)
        .map(|i| format!("ZZZ{}", 22_222 + i * 7).replace(['0', '1'], "Z"))
        .collect();
    codes.push(real.tracking_code.to_string());
    let res = mine(codes).await.unwrap();
    assert_eq!(res.status(), 200);
    let shown: Vec<MyReport> = res.json().await.unwrap();
    assert!(shown.is_empty(), "{shown:?}");
    // The same list with the real code first: it is answered (a hit is cheap).
    let app2 = spawn_app_with(&[("LOOKUP_RATE_LIMIT", "100/600")]).await;
    let r2 = refs(&app2).await;
    let real2 = receipt(submit(&app2, &draft(&r2), &[jpeg(64, 48, 4)]).await).await;
    let mut codes = vec![real2.tracking_code.to_string()];
    codes.extend((0..99).map(|i| format!("ZZZ{}", 22_222 + i * 7).replace(['0', '1'], "Z")));
    let fields: Vec<(String, String)> = codes
        .into_iter()
        .enumerate()
        .map(|(i, c)| (format!("codes[{i}]"), c))
        .collect();
    let res = app2
        .client
        .post(app2.url("/api/reports/mine"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let shown: Vec<MyReport> = res.json().await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].tracking_code, real2.tracking_code);
    // The guesses spent the budget: 1 + 1 + 19 misses of 5 = 97 of 100, and a couple more
    // calls of guesses later the address gets 429.
    assert_eq!(LOOKUP_HIT + LOOKUP_HIT + 19 * LOOKUP_MISS, 97);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let res = app2
            .client
            .post(app2.url("/api/reports/mine"))
            .form(&[("codes[0]", "ZZZZ2222")])
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn only_messages_the_server_signed_appear_on_a_page() {
    let app = spawn_app().await;
    for path in [
        "/track?err=请拨打110领取补贴",
        "/track?code=ABCD2345&err=%E8%AF%B7%E6%8B%A8%E6%89%93110%E9%A2%86%E5%8F%96%E8%A1%A5%E8%B4%B4",
        "/honours?err=请拨打110领取补贴",
        "/staff/login?err=请拨打110领取补贴",
        "/track?err=0123456789abcdef0123456789abcdef.请拨打110领取补贴",
    ] {
        let html = app
            .client
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("请拨打110"), "{path} shows the forged text");
        assert!(!html.contains("flash-error"), "{path}");
    }
    // A genuine error of a form post (a browser answering on a report that is not closed)
    // comes back signed and is shown.
    let r = refs(&app).await;
    let mine = receipt(submit(&app, &draft(&r), &[jpeg(64, 48, 5)]).await).await;
    let form = Form::new()
        .text("code", mine.tracking_code.to_string())
        .text("answer", "resolved");
    let res = app
        .client
        .post(app.url("/api/reports/feedback"))
        .header(reqwest::header::ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(location.contains("err="), "{location}");
    let html = app
        .client
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("flash-error"),
        "{location}: the signed message is shown"
    );
}

#[tokio::test]
async fn my_reports_come_back_in_one_call_newest_first() {
    let app = spawn_app().await;
    let r = refs(&app).await;
    let older = receipt(submit(&app, &draft(&r), &[jpeg(64, 48, 1), jpeg(64, 48, 2)]).await).await;
    let mut gps = draft(&r);
    gps["street_id"] = Value::Null;
    gps["office_id"] = json!(r.office);
    gps["location"] = json!({"lat": 33.62, "lon": 114.65, "accuracy_m": null});
    // Distinct received_at on a fast machine.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let newer = receipt(submit(&app, &gps, &[jpeg(64, 48, 3)]).await).await;

    let res = app
        .client
        .post(app.url("/api/reports/mine"))
        .form(&[
            ("codes[0]", older.tracking_code.as_str().to_lowercase()),
            ("codes[1]", "not a code".to_string()),
            ("codes[2]", newer.tracking_code.to_string()),
            ("codes[3]", "ZZZZ2222".to_string()),
            ("codes[4]", older.tracking_code.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    let mine: Vec<MyReport> = serde_json::from_str(&body).unwrap();
    let codes: Vec<_> = mine.iter().map(|m| m.tracking_code.clone()).collect();
    assert_eq!(
        codes,
        [newer.tracking_code.clone(), older.tracking_code.clone()]
    );
    assert_eq!(mine[1].place.as_deref(), Some("韩营 · 韩营一巷"));
    assert_eq!(mine[0].place, None);
    assert_eq!(mine[1].category_name, "暴露垃圾");
    let first_photo = &photo_shas(&app, older.tracking_code.as_str()).await[0];
    assert_eq!(mine[1].thumb.as_ref().map(|p| &p.sha256), Some(first_photo));
    assert!(mine[0].thumb.is_some());

    // Only unknown codes: an empty list, not an error.
    let res = app
        .client
        .post(app.url("/api/reports/mine"))
        .form(&[("codes[0]", "ZZZZ2222")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Vec<MyReport>>().await.unwrap(), vec![]);

    // More codes than one call may ask about.
    let many: Vec<(String, String)> = (0..=app::reports::MAX_CODES_PER_QUERY)
        .map(|i| (format!("codes[{i}]"), "ABCD2345".to_string()))
        .collect();
    let res = app
        .client
        .post(app.url("/api/reports/mine"))
        .form(&many)
        .send()
        .await
        .unwrap();
    refusal(res, 400).await;
}

/// The race the service relies on: a second insert of the same report id, or of a taken
/// tracking code, is told apart (`None`) on both databases and leaves nothing behind.
#[tokio::test]
async fn duplicate_inserts_are_unique_violations() {
    use app::domain::{CategoryId, CommunityId, Millis, OfficeId, StreetId, TrackingCode};
    use app::reports::db::{NewPhoto, NewReport, insert_submission};
    let app = spawn_app().await;
    let r = refs(&app).await;
    let (community, office): (i64, i64) = sqlx::query_as(
        "SELECT c.id, c.office_id FROM streets s JOIN communities c ON c.id = s.community_id \
         WHERE s.id = $1",
    )
    .bind(r.street)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let photos = [NewPhoto {
        sha256: app::storage::PhotoSha::of(b"x"),
        width: 64,
        height: 48,
        bytes: 1,
    }];
    let new = NewReport {
        client_uuid: Uuid::new_v4(),
        content_hash: "h",
        category_id: CategoryId(r.category),
        office_id: OfficeId(office),
        community_id: Some(CommunityId(community)),
        street_id: Some(StreetId(r.street)),
        grid_id: None,
        location: None,
        description: "",
        contact_phone: None,
        created_on_device: Millis(1),
        received_at: Millis(2),
        photos: &photos,
        origin: None,
    };
    let code = TrackingCode::parse("ABCD2345").unwrap();
    assert!(
        insert_submission(&app.db, &new, &code)
            .await
            .unwrap()
            .is_some()
    );

    let same_uuid = insert_submission(&app.db, &new, &TrackingCode::parse("WXYZ6789").unwrap())
        .await
        .unwrap();
    let other = NewReport {
        client_uuid: Uuid::new_v4(),
        ..new.clone()
    };
    let same_code = insert_submission(&app.db, &other, &code).await.unwrap();
    assert_eq!(same_uuid, None, "a taken report id");
    assert_eq!(same_code, None, "a taken tracking code");
    assert_eq!(count(&app, "reports").await, 1);
    assert_eq!(count(&app, "report_photos").await, 1);
    assert_eq!(count(&app, "report_events").await, 1);
}

/// Reports with and without coordinates, in turn, over one database connection: the
/// statement cached for the first must not spoil the second (sqlx 0.8's Any driver binds a
/// NULL f64 as PostgreSQL float4, which once broke the GPS report after a street-only one).
#[tokio::test]
async fn reports_with_and_without_coordinates_share_one_connection() {
    let app = spawn_app_with(&[("DATABASE_MAX_CONNECTIONS", "1")]).await;
    let r = refs(&app).await;
    let street_only = draft(&r);
    let mut gps_no_accuracy = draft(&r);
    gps_no_accuracy["street_id"] = Value::Null;
    gps_no_accuracy["office_id"] = json!(r.office);
    gps_no_accuracy["location"] = json!({"lat": 33.62, "lon": 114.65, "accuracy_m": null});
    let mut gps = gps_no_accuracy.clone();
    gps["location"] = json!({"lat": 33.621, "lon": 114.651, "accuracy_m": 12.5});
    for (i, d) in [&street_only, &gps_no_accuracy, &gps, &street_only]
        .into_iter()
        .enumerate()
    {
        let mut d = d.clone();
        d["report_id"] = json!(Uuid::new_v4());
        receipt(submit(&app, &d, &[jpeg(64, 48, i as u8)]).await).await;
    }
    let rows: Vec<(Option<f64>, Option<f64>, Option<f64>)> =
        sqlx::query_as("SELECT lat, lon, accuracy_m FROM reports ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        rows,
        [
            (None, None, None),
            (Some(33.62), Some(114.65), None),
            (Some(33.621), Some(114.651), Some(12.5)),
            (None, None, None),
        ]
    );
}
