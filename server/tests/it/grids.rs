//! 单元网格: the admin's import (upload, preview under a mapping, confirm, re-import), hostile
//! files, placement of reports by their point (resident, Open311 `lat`/`long` only) and
//! `GET /api/grids.geojson`.

use crate::common::{TestApp, ok, refused, spawn_app};
use crate::open311::issue_key;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

const UPLOAD: &str = app::admin::grids::IMPORT_PATH;
const CONFIRM: &str = "/api/admin/grids_confirm";

/// A district-like file: `n` square grids in a row from (x, y), each `side` degrees, with
/// code, name and office (and community) properties as a 数字城管 export writes them.
pub fn district(grids: &[(&str, &str, Option<&str>, [f64; 2])], side: f64) -> String {
    let features: Vec<String> = grids
        .iter()
        .map(|(code, office, community, [x, y])| {
            let community = community.map_or(String::new(), |c| format!(r#","SQMC":"{c}""#));
            format!(
                r#"{{"type":"Feature","properties":{{"WGBM":"{code}","WGMC":"网格{code}","JDMC":"{office}"{community},"AREA":1.5}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#,
                x1 = x + side,
                y1 = y + side
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","name":"grids","features":[{}]}}"#,
        features.join(",")
    )
}

async fn upload(app: &TestApp, cookie: Option<&str>, body: Vec<u8>) -> reqwest::Response {
    let form = Form::new().part(
        "file",
        Part::bytes(body)
            .file_name("grids.geojson")
            .mime_str("application/geo+json")
            .unwrap(),
    );
    app.post_multipart(UPLOAD, cookie, form).await
}

/// Uploads as the admin: the preview's path.
async fn uploaded(app: &TestApp, admin: &str, text: &str) -> String {
    let body = ok(upload(app, Some(admin), text.as_bytes().to_vec()).await).await;
    let path: String = serde_json::from_str(&body).unwrap();
    assert!(path.starts_with("/admin/grids/import/"), "{path}");
    path
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> (u16, String) {
    let res = app
        .client
        .get(app.url(path))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn confirm(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    let id = path.rsplit('/').next().unwrap().to_string();
    app.post_form(
        CONFIRM,
        Some(cookie),
        &[
            ("id", id),
            ("code", "WGBM".into()),
            ("name", "WGMC".into()),
            ("community", "SQMC".into()),
            ("office", "JDMC".into()),
            ("office_for_all", String::new()),
        ],
    )
    .await
}

/// The demo's 太昊路 (韩营) and 淮河路 (康楼) grids, side by side west of 114.65.
fn two_offices() -> String {
    district(
        &[
            ("411602001001001", "太昊路", Some("韩营"), [114.60, 33.60]),
            ("411602001002001", "太昊路办事处", None, [114.61, 33.60]),
            ("411602002001001", "淮河路", Some("康楼"), [114.62, 33.60]),
        ],
        0.01,
    )
}

#[tokio::test]
async fn the_admin_imports_previews_confirms_and_reimports_grids() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let path = uploaded(&app, &admin, &two_offices()).await;
    // Nothing is imported by the upload.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM grids").await, 0);
    // The preview guesses the mapping (WGBM, WGMC, SQMC, JDMC) and lists the three as new.
    let (status, html) = page(&app, &admin, &path).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("data-testid=\"grid-plan\""), "{html}");
    assert!(html.contains("411602002001001"), "{html}");
    assert!(html.contains(r#"value="WGBM" selected"#), "{html}");
    // A mapping that cannot place the grids: the preview says why, naming the feature.
    let (_, html) = page(&app, &admin, &format!("{path}?code=WGMC&office=AREA")).await;
    assert!(html.contains("第 1 个要素"), "{html}");
    assert!(!html.contains("grid-confirm"));

    ok(confirm(&app, &admin, &path).await).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM grids").await, 3);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM grids g JOIN offices o ON o.id = g.office_id \
             JOIN communities c ON c.id = g.community_id \
             WHERE g.code = '411602001001001' AND o.name = '太昊路办事处' AND c.name = '韩营'"
        )
        .await,
        1
    );
    assert_eq!(app.scalar("SELECT version FROM grid_version").await, 1);
    // Confirmed twice: refused, nothing changes.
    refused(confirm(&app, &admin, &path).await, 409).await;
    assert_eq!(app.scalar("SELECT version FROM grid_version").await, 1);
    let (_, html) = page(&app, &admin, &path).await;
    assert!(html.contains("grids-imported"));

    // A report placed in the first grid keeps it through the re-import that retires it.
    let key = issue_key(&app, "热线").await;
    let (status, v) = open311_point(&app, &key, 33.605, 114.605).await;
    assert_eq!(status, 200, "{v}");

    // Re-import: the first moved west, the second gone, the third renamed, a fourth new.
    let second = district(
        &[
            ("411602001001001", "太昊路", Some("韩营"), [114.59, 33.60]),
            ("411602002001001", "淮河路", Some("康楼"), [114.62, 33.60]),
            ("411602002002001", "淮河路", Some("姚滩"), [114.63, 33.60]),
        ],
        0.01,
    )
    .replace("网格411602002001001", "康楼东网格");
    let path2 = uploaded(&app, &admin, &second).await;
    let (_, html) = page(&app, &admin, &path2).await;
    for (kind, n) in [
        ("grid-added", 1),
        ("grid-moved", 1),
        ("grid-changed", 1),
        ("grid-retired", 1),
    ] {
        let at = html.find(&format!("data-testid=\"{kind}\"")).unwrap();
        assert!(
            html[at..].contains(&format!("<strong>{n}</strong>")),
            "{kind}: {html}"
        );
    }
    ok(confirm(&app, &admin, &path2).await).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM grids WHERE retired_at IS NULL")
            .await,
        3
    );
    assert_eq!(
        app.scalar_for(
            "SELECT COUNT(*) FROM grids WHERE code = $1 AND retired_at IS NOT NULL",
            "411602001002001"
        )
        .await,
        1,
        "retired, not deleted"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM reports WHERE grid_id IS NOT NULL")
            .await,
        1
    );
    // The moved grid now holds 114.595; its old east half is no grid's.
    let (status, _) = open311_point(&app, &key, 33.605, 114.595).await;
    assert_eq!(status, 200);
    let (status, v) = open311_point(&app, &key, 33.605, 114.615).await;
    assert_eq!(status, 400, "the retired grid places nothing: {v}");
}

#[tokio::test]
async fn only_the_admin_uploads_and_bad_files_are_refused_naming_the_feature() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let staff = app.login("taihao").await;
    refused(
        upload(&app, Some(&staff), two_offices().into_bytes()).await,
        403,
    )
    .await;
    refused(upload(&app, None, two_offices().into_bytes()).await, 401).await;

    let square = |ring: &str| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"WGBM":"A"}},"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}]}}"#
        )
    };
    let huge_ring = {
        let mut pts: Vec<String> = (0..20_001)
            .map(|i| {
                let a = f64::from(i) / 20_001.0 * std::f64::consts::TAU;
                format!("[{},{}]", 114.6 + 0.01 * a.cos(), 33.6 + 0.01 * a.sin())
            })
            .collect();
        pts.push(pts[0].clone());
        format!("[{}]", pts.join(","))
    };
    let many = {
        let one = r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[114.6,33.6],[114.61,33.6],[114.61,33.61],[114.6,33.6]]]}}"#;
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            vec![one; 20_001].join(",")
        )
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"PK\x03\x04 not json".to_vec(), "不是有效的 GeoJSON"),
        (br#"{"type":"Feature"}"#.to_vec(), "FeatureCollection"),
        (
            square("[[114.6,33.6],[114.61,33.6],[114.61,33.61],[114.6,33.611]]").into_bytes(),
            "第 1 个要素：有一个环没有闭合",
        ),
        (
            square("[[33.6,114.6],[33.61,114.6],[33.61,114.61],[33.6,114.6]]").into_bytes(),
            "第 1 个要素：有坐标不在中国境内",
        ),
        (
            square("[[114.6,33.6],[114.61,33.61],[114.61,33.6],[114.6,33.61],[114.6,33.6]]")
                .into_bytes(),
            "第 1 个要素：边界自相交",
        ),
        (square(&huge_ring).into_bytes(), "顶点超过 20000 个"),
        (many.into_bytes(), "要素超过 20000 个"),
    ];
    for (body, expected) in cases {
        let e = refused(upload(&app, Some(&admin), body).await, 400).await;
        assert!(e.to_string().contains(expected), "{e} ∌ {expected}");
    }
    // 65 MB: 413 before it is read, in JSON.
    let big = vec![b' '; 65 * 1024 * 1024];
    let res = upload(&app, Some(&admin), big).await;
    assert_eq!(res.status(), 413);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM grid_imports").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM grids").await, 0);
}

async fn open311_point(app: &TestApp, key: &str, lat: f64, lon: f64) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .form(&[
            ("api_key", key.to_string()),
            ("service_code", "exposed_garbage".into()),
            ("lat", lat.to_string()),
            ("long", lon.to_string()),
            ("description", format!("{lat},{lon}")),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn reports_are_placed_in_the_grid_of_their_point() {
    let app = crate::common::spawn_app_with(&[("SEED_DEMO_GRIDS", "true")]).await;
    let key = issue_key(&app, "12345 热线").await;
    // The demo grids: 淮河路's first community (康楼) is the second column's first row.
    let shapes = app::areas::seed::demo_grid_shapes();
    let (code, _, office, community, shape) = &shapes[4];
    assert_eq!((*office, *community), ("淮河路办事处", "康楼"));
    let [lon, lat] = shape.inner_point().unwrap();
    let (status, v) = open311_point(&app, &key, lat, lon).await;
    assert_eq!(status, 200, "{v}");
    let placed = app
        .scalar_for(
            "SELECT COUNT(*) FROM reports r JOIN grids g ON g.id = r.grid_id \
             JOIN offices o ON o.id = r.office_id JOIN communities c ON c.id = r.community_id \
             WHERE g.code = $1 AND o.name = '淮河路办事处' AND c.name = '康楼' \
             AND r.street_id IS NULL",
            code,
        )
        .await;
    assert_eq!(
        placed, 1,
        "Open311 lat/long only: the grid's office and community"
    );
    // The request reads back with its office as the agency.
    let id = v[0]["service_request_id"].as_str().unwrap().to_string();
    let r: Value = app
        .client
        .get(app.url(&format!("/open311/v2/requests/{id}.json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r[0]["agency_responsible"], "淮河路办事处", "{r}");
    // Outside every grid: 400 in the standard's shape.
    let (status, v) = open311_point(&app, &key, 34.79, 114.30).await;
    assert_eq!(status, 400);
    assert!(
        v[0]["description"]
            .as_str()
            .unwrap()
            .contains("不在本区任何网格内")
    );

    // A resident names a street of 太昊路 while standing in 康楼's grid: the street decides
    // the office; the grid is kept (staff see the difference).
    report_at(&app, Named::Street("韩营一巷"), lat, lon, 3).await;
    assert_eq!(
        app.scalar_for(
            "SELECT COUNT(*) FROM reports r JOIN grids g ON g.id = r.grid_id \
             JOIN offices o ON o.id = r.office_id \
             WHERE g.code = $1 AND o.name = '太昊路办事处' AND r.street_id IS NOT NULL",
            code,
        )
        .await,
        1
    );
    // Staff of 太昊路 see the grid beside the report, and that it is 淮河路's.
    let id = app
        .scalar("SELECT MAX(id) FROM reports WHERE street_id IS NOT NULL")
        .await;
    let taihao = app.login("taihao").await;
    let html = app
        .client
        .get(app.url(&format!("/staff/report/{id}")))
        .header(reqwest::header::COOKIE, taihao.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-testid=\"report-grid\""), "{html}");
    assert!(html.contains(code.as_str()));
    let warning = html
        .find("data-testid=\"grid-elsewhere\"")
        .expect("the other office is said");
    assert!(html[warning..].contains("淮河路办事处"));
    // The queue and the export filter by grid; the export names the grid.
    let (tracking,): (String,) = sqlx::query_as("SELECT tracking_code FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let grid = app
        .scalar_for("SELECT id FROM grids WHERE code = $1", code)
        .await;
    let other = app
        .scalar_for("SELECT id FROM grids WHERE code = $1", &shapes[0].0)
        .await;
    let get = |path: String| {
        let app = &app;
        let cookie = taihao.clone();
        async move {
            app.client
                .get(app.url(&path))
                .header(reqwest::header::COOKIE, cookie)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert!(get(format!("/staff?grid={grid}")).await.contains(&tracking));
    assert!(
        !get(format!("/staff?grid={other}"))
            .await
            .contains(&tracking)
    );
    let csv = get(format!("/staff/export/reports.csv?grid={grid}")).await;
    assert!(
        csv.contains("网格编码") && csv.contains(code.as_str()),
        "{csv}"
    );
    assert_eq!(
        csv.lines().count(),
        2,
        "the header and the one report: {csv}"
    );
}

#[tokio::test]
async fn the_grids_geojson_answers_each_account_its_scope() {
    let app = crate::common::spawn_app_with(&[("SEED_DEMO_GRIDS", "true")]).await;
    let get = |cookie: Option<String>, etag: Option<String>| {
        let app = &app;
        async move {
            let mut req = app.client.get(app.url("/api/grids.geojson"));
            if let Some(c) = cookie {
                req = req.header(reqwest::header::COOKIE, c);
            }
            if let Some(e) = etag {
                req = req.header(reqwest::header::IF_NONE_MATCH, e);
            }
            req.send().await.unwrap()
        }
    };
    assert_eq!(get(None, None).await.status(), 401);
    let admin = app.login("admin").await;
    let res = get(Some(admin.clone()), None).await;
    assert_eq!(res.status(), 200);
    let etag = res.headers()[reqwest::header::ETAG]
        .to_str()
        .unwrap()
        .to_string();
    let all: Value = res.json().await.unwrap();
    let features = all["features"].as_array().unwrap();
    assert_eq!(features.len(), app::areas::seed::demo_grid_shapes().len());
    let first = &features[0];
    assert_eq!(first["geometry"]["type"], "MultiPolygon");
    assert_eq!(first["properties"]["office"], "太昊路办事处");
    assert_eq!(first["properties"]["community"], "韩营");
    assert_eq!(first["properties"]["code"], "411602001001001");
    assert_eq!(get(Some(admin.clone()), Some(etag)).await.status(), 304);
    // Staff: their office's only.
    let taihao = app.login("taihao").await;
    let theirs: Value = get(Some(taihao), None).await.json().await.unwrap();
    let offices: Vec<&str> = theirs["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["office"].as_str().unwrap())
        .collect();
    assert_eq!(offices, vec!["太昊路办事处"; 4]);
}

/// Where a resident says the problem is: the 办事处 alone (with GPS), or a street.
enum Named<'a> {
    Office(&'a str),
    Street(&'a str),
}

/// A resident's report with a point, as the phone sends one.
async fn report_at(app: &TestApp, named: Named<'_>, lat: f64, lon: f64, seed: u8) {
    let (office, street) = match named {
        Named::Office(name) => (
            Some(
                app.scalar_for("SELECT id FROM offices WHERE name = $1", name)
                    .await,
            ),
            None,
        ),
        Named::Street(name) => (
            None,
            Some(
                app.scalar_for("SELECT id FROM streets WHERE name = $1", name)
                    .await,
            ),
        ),
    };
    let category = app
        .scalar("SELECT id FROM categories WHERE code = 'dirty_road'")
        .await;
    let draft = serde_json::json!({
        "report_id": uuid::Uuid::new_v4(),
        "category_id": category,
        "office_id": office,
        "street_id": street,
        "location": {"lat": lat, "lon": lon, "accuracy_m": 9.0},
        "description": "",
        "contact_phone": "",
        "created_on_device": 1_795_786_380_000_i64,
    });
    ok(app.submit_draft(&draft, seed).await).await;
}

#[tokio::test]
async fn reports_from_before_the_grids_are_placed_by_a_resumable_backfill() {
    use app::reports::placement::step;
    let app = spawn_app().await;
    let shapes = app::areas::seed::demo_grid_shapes();
    let inside = |i: usize| shapes[i].4.inner_point().unwrap();
    let [lon0, lat0] = inside(0);
    let [lon1, lat1] = inside(1);
    report_at(&app, Named::Office("太昊路办事处"), lat0, lon0, 1).await;
    report_at(&app, Named::Office("太昊路办事处"), 34.79, 114.30, 2).await; // in no grid
    report_at(&app, Named::Office("太昊路办事处"), lat1, lon1, 3).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM reports WHERE grid_id IS NOT NULL")
            .await,
        0
    );
    let slot = app::areas::grids::GridIndexSlot::default();
    // No grids yet: nothing to do.
    assert!(step(&app.db, &slot, 1).await.unwrap().done);
    assert!(
        app::areas::seed::seed_demo_grids(&app.db, app::domain::Millis::now())
            .await
            .unwrap()
    );
    // One report a batch: the cursor is kept, so a new slot (a restart) goes on from it.
    let first = step(&app.db, &slot, 1).await.unwrap();
    assert_eq!((first.read, first.placed, first.done), (1, 1, false));
    let (version, after) = app::reports::db::grids::backfill_cursor(&app.db)
        .await
        .unwrap();
    assert_eq!(version, 1);
    assert_eq!(after, app.scalar("SELECT MIN(id) FROM reports").await);
    let restarted = app::areas::grids::GridIndexSlot::default();
    let mut steps = vec![];
    loop {
        let s = step(&app.db, &restarted, 1).await.unwrap();
        steps.push((s.read, s.placed));
        if s.done {
            break;
        }
    }
    assert_eq!(steps, [(1, 0), (1, 1), (0, 0)]);
    let placed: Vec<(String,)> = sqlx::query_as(
        "SELECT g.code FROM reports r JOIN grids g ON g.id = r.grid_id ORDER BY r.id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        placed.into_iter().map(|(c,)| c).collect::<Vec<_>>(),
        [shapes[0].0.clone(), shapes[1].0.clone()]
    );
    // Done: the next step reads nothing.
    assert_eq!(step(&app.db, &slot, 100).await.unwrap().read, 0);
}

#[tokio::test]
async fn synthetic_reports_lie_inside_the_grids_of_their_places() {
    let app = crate::common::spawn_app_with(&[("SEED_DEMO_GRIDS", "true")]).await;
    let store = app::storage::PhotoStore::new(app.data_dir.path());
    let filled =
        app::reports::db::synthetic::fill(&app.db, &store, 600, app::domain::Millis::now(), 11)
            .await
            .unwrap();
    assert_eq!(filled.reports, 600);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM reports r JOIN grids g ON g.id = r.grid_id \
             WHERE r.lat BETWEEN g.min_lat AND g.max_lat AND r.lon BETWEEN g.min_lon AND g.max_lon"
        )
        .await,
        600,
        "every report has a point inside its grid"
    );
    // A street's report lies in its community's grid.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM reports r JOIN grids g ON g.id = r.grid_id \
             WHERE r.street_id IS NOT NULL AND g.community_id <> r.community_id"
        )
        .await,
        0
    );
    // The index agrees with where the generator put them.
    let slot = app::areas::grids::GridIndexSlot::default();
    let index = app::areas::grids::index(&app.db, &slot).await.unwrap();
    let rows: Vec<(i64, f64, f64)> = sqlx::query_as("SELECT grid_id, lat, lon FROM reports")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    for (grid, lat, lon) in rows {
        assert_eq!(index.locate(lon, lat).map(|p| p.grid.0), Some(grid));
    }
}
