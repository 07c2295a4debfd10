//! Open311 GeoReport v2 on the real router and a real database: every field of a request and
//! what it must never show, the list's filters and window, every error in the standard's
//! shape, keys issued and revoked by the admin, POST landing in the office's queue exactly
//! once, and two independently written clients from PyPI (georeport, civicbot) driving it.

use crate::common::{TestApp, ok, small_jpeg, spawn_app_with};
use crate::staff::act;
use app::staff::ReportDetail;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

const BASE: &str = "/open311/v2";

async fn app() -> TestApp {
    spawn_app_with(&[("REPORT_RATE_LIMIT", "100/600")]).await
}

async fn get(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn get_json(app: &TestApp, path: &str) -> (u16, Value) {
    let (status, body) = get(app, path).await;
    let v = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    (status, v)
}

/// The admin issues a key for `name`; the key comes back once, in a cookie for the page.
pub(crate) async fn issue_key(app: &TestApp, name: &str) -> String {
    let admin = app.login("admin").await;
    let res = app
        .post_form(
            "/api/admin/api_key_add",
            Some(&admin),
            &[
                ("name", name.to_string()),
                ("back", "/admin#api-keys".into()),
            ],
        )
        .await;
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("jx_new_api_key="))
        .expect("the new key's cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Path=/admin"),
        "{cookie}"
    );
    ok(res).await;
    let key = cookie["jx_new_api_key=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(key.starts_with("jx_") && key.len() == 43, "{key}");
    key
}

async fn post(app: &TestApp, fields: &[(&str, &str)]) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(&format!("{BASE}/requests.json")))
        .form(fields)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")),
    )
}

/// A resident's report on 韩营一巷 with a GPS fix and a phone number.
async fn resident_report(app: &TestApp) -> String {
    let street = app
        .scalar("SELECT id FROM streets WHERE name = '韩营一巷'")
        .await;
    let category = app
        .scalar("SELECT id FROM categories WHERE code = 'exposed_garbage'")
        .await;
    let draft = serde_json::json!({
        "report_id": uuid::Uuid::new_v4(),
        "category_id": category,
        "office_id": null,
        "street_id": street,
        "location": {"lat": 34.7981234, "lon": 114.3071234, "accuracy_m": 8.0},
        "description": "巷口垃圾三天没人清理",
        "contact_phone": "13800138000",
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
            Part::bytes(small_jpeg(3))
                .file_name("p.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let res = app.post_multipart("/api/reports/submit", None, form).await;
    let receipt: app::reports::Receipt = serde_json::from_str(&ok(res).await).unwrap();
    receipt.tracking_code.to_string()
}

fn field<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.get(name).unwrap_or_else(|| panic!("no {name} in {v}"))
}

#[tokio::test]
async fn a_request_maps_every_field_and_shows_nothing_private() {
    let app = app().await;
    let code = resident_report(&app).await;
    let staff = app.login("taihao").await;
    let id = app
        .scalar_for("SELECT id FROM reports WHERE tracking_code = $1", &code)
        .await;
    let public = [("note", "已受理，安排保洁"), ("public_note", "1")];
    ok(act(&app, Some(&staff), id, "accept", &public).await).await;
    let dispatch = [("unit", "韩营居委会"), ("note", "内部：联系老王")];
    ok(act(&app, Some(&staff), id, "dispatch", &dispatch).await).await;

    let (status, v) = get_json(&app, &format!("{BASE}/requests/{code}.json")).await;
    assert_eq!(status, 200, "{v}");
    let r = &v.as_array().expect("a list of one")[0];
    assert_eq!(field(r, "service_request_id"), code.as_str());
    assert_eq!(field(r, "status"), "open");
    assert_eq!(field(r, "status_notes"), "已受理，安排保洁");
    assert_eq!(field(r, "service_name"), "暴露垃圾");
    assert_eq!(field(r, "service_code"), "exposed_garbage");
    assert_eq!(field(r, "description"), "巷口垃圾三天没人清理");
    assert_eq!(field(r, "agency_responsible"), "太昊路办事处");
    assert!(field(r, "service_notice").is_null());
    assert_eq!(field(r, "address"), "韩营 · 韩营一巷");
    let street = app
        .scalar("SELECT id FROM streets WHERE name = '韩营一巷'")
        .await;
    assert_eq!(field(r, "address_id"), street.to_string().as_str());
    assert!(field(r, "zipcode").is_null());
    assert_eq!(field(r, "lat"), 34.798, "coarsened as on /track");
    assert_eq!(field(r, "long"), 114.307);
    let (received, deadline, updated): (i64, i64, i64) =
        sqlx::query_as("SELECT received_at, deadline_at, updated_at FROM reports WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let w3c = |name: &str| {
        app::open311::w3c::parse(field(r, name).as_str().unwrap())
            .unwrap()
            .0
    };
    assert_eq!(w3c("requested_datetime"), received / 1000 * 1000);
    assert_eq!(w3c("expected_datetime"), deadline / 1000 * 1000);
    assert_eq!(w3c("updated_datetime"), updated / 1000 * 1000);
    let media = field(r, "media_url").as_str().unwrap();
    assert!(media.starts_with(&app.url("/photos/")), "{media}");
    assert_eq!(app.client.get(media).send().await.unwrap().status(), 200);

    // Never the phone, the internal note or the exact position, in either format.
    for path in [
        format!("{BASE}/requests/{code}.json"),
        format!("{BASE}/requests/{code}.xml"),
        format!("{BASE}/requests.json"),
        format!("{BASE}/requests.xml"),
    ] {
        let (status, body) = get(&app, &path).await;
        assert_eq!(status, 200, "{path}: {body}");
        for secret in [
            "13800138000",
            "老王",
            "34.7981234",
            "114.3071234",
            "34.7981",
        ] {
            assert!(!body.contains(secret), "{path} shows {secret}");
        }
    }
    let (_, xml) = get(&app, &format!("{BASE}/requests/{code}.xml")).await;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    for part in [
        format!("<service_requests><request><service_request_id>{code}</service_request_id>"),
        "<status>open</status>".to_string(),
        "<agency_responsible>太昊路办事处</agency_responsible>".to_string(),
        "<zipcode/>".to_string(),
        "<lat>34.798</lat><long>114.307</long>".to_string(),
    ] {
        assert!(xml.contains(&part), "{part} in {xml}");
    }
    // Closed once 结案: status closed.
    ok(crate::staff::rectify(&app, Some(&staff), id, 1).await).await;
    ok(act(&app, Some(&staff), id, "close", &[]).await).await;
    let (_, v) = get_json(&app, &format!("{BASE}/requests/{code}.json")).await;
    assert_eq!(v[0]["status"], "closed");
    assert_eq!(v[0]["status_notes"], "已清运", "the newest public note");
}

#[tokio::test]
async fn discovery_services_and_the_lists_filters_and_errors() {
    let app = app().await;
    let code = resident_report(&app).await;
    let (status, d) = get_json(&app, &format!("{BASE}/discovery.json")).await;
    assert_eq!(status, 200);
    let ep = &d["endpoints"][0];
    assert_eq!(ep["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(ep["url"], app.url(BASE));
    assert_eq!(
        ep["formats"],
        serde_json::json!(["text/xml", "application/json"])
    );
    let (_, xml) = get(&app, &format!("{BASE}/discovery.xml")).await;
    assert!(xml.contains("<discovery><changeset>"), "{xml}");
    assert!(
        xml.contains(
            "<formats><format>text/xml</format><format>application/json</format></formats>"
        )
    );

    let (_, services) = get_json(&app, &format!("{BASE}/services.json")).await;
    let services = services.as_array().unwrap();
    let active = app
        .scalar("SELECT COUNT(*) FROM categories WHERE active = 1")
        .await;
    assert_eq!(services.len() as i64, active);
    let s = services
        .iter()
        .find(|s| s["service_code"] == "illegal_flyers")
        .unwrap();
    assert_eq!(s["service_name"], "非法小广告");
    assert_eq!(s["group"], "市容秩序");
    assert_eq!(s["metadata"], false);
    assert_eq!(s["type"], "realtime");
    assert!(s["description"].as_str().unwrap().contains("24"));
    let (_, xml) = get(&app, &format!("{BASE}/services.xml")).await;
    assert!(xml.contains(
        "<service><service_code>exposed_garbage</service_code><service_name>暴露垃圾</service_name>"
    ));
    // The admin sets a category's group; the services say so.
    let admin = app.login("admin").await;
    let flyers = app
        .scalar("SELECT id FROM categories WHERE code = 'illegal_flyers'")
        .await;
    let edit = |group: &str| {
        vec![
            ("id", flyers.to_string()),
            ("name", "非法小广告".to_string()),
            ("icon", "📄".to_string()),
            ("deadline_hours", "24".to_string()),
            ("group", group.to_string()),
        ]
    };
    ok(app
        .post_form(
            "/api/admin/category_edit",
            Some(&admin),
            &edit("牛皮癣治理"),
        )
        .await)
    .await;
    let (_, services) = get_json(&app, &format!("{BASE}/services.json")).await;
    let s = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "illegal_flyers")
        .unwrap();
    assert_eq!(s["group"], "牛皮癣治理");
    let long = "分".repeat(21);
    let res = app
        .post_form("/api/admin/category_edit", Some(&admin), &edit(&long))
        .await;
    assert_eq!(res.status(), 400);
    let (status, def) = get_json(&app, &format!("{BASE}/services/exposed_garbage.json")).await;
    assert_eq!(status, 200);
    assert_eq!(def["service_code"], "exposed_garbage");
    assert_eq!(def["attributes"], serde_json::json!([]));

    let list = |q: &str| format!("{BASE}/requests.json?{q}");
    let codes = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, v) = get_json(&app, &list("")).await;
    assert_eq!(codes(&v), [code.as_str()], "the last 90 days by default");
    let (_, v) = get_json(
        &app,
        &list("status=open&service_code=exposed_garbage,dirty_road"),
    )
    .await;
    assert_eq!(codes(&v), [code.as_str()]);
    let (_, v) = get_json(&app, &list("status=closed")).await;
    assert!(codes(&v).is_empty());
    let (_, v) = get_json(&app, &list("service_code=dirty_road")).await;
    assert!(codes(&v).is_empty());
    let (_, v) = get_json(
        &app,
        &list("status=open,closed&jurisdiction_id=&page_size="),
    )
    .await;
    assert_eq!(
        codes(&v),
        [code.as_str()],
        "empty parameters are absent ones"
    );
    let (_, v) = get_json(
        &app,
        &list("start_date=2020-01-01T00:00:00%2B08:00&end_date=2020-03-01T00:00:00Z"),
    )
    .await;
    assert!(codes(&v).is_empty());
    let (_, v) = get_json(
        &app,
        &list(&format!("service_request_id={code},ZZZZ,2222AAAA")),
    )
    .await;
    assert_eq!(
        codes(&v),
        [code.as_str()],
        "ids override every other filter"
    );
    let second = resident_report(&app).await;
    let (_, v) = get_json(&app, &list("page_size=1")).await;
    assert_eq!(codes(&v), [second.as_str()], "newest first");
    let (_, v) = get_json(&app, &list("page_size=1&page=2")).await;
    assert_eq!(codes(&v), [code.as_str()]);

    // Errors: the standard's shape, the right status, in both formats.
    let many: Vec<String> = (0..101).map(|i| format!("AAAA{i:04}")).collect();
    for (path, status) in [
        (list("start_date=yesterday"), 400),
        (list("start_date=2026-11-01"), 400),
        (
            list("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"),
            400,
        ),
        (
            list("start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z"),
            400,
        ),
        (list("status=pending"), 400),
        (list("page_size=0"), 400),
        (list("page_size=1001"), 400),
        (list(&format!("service_request_id={}", many.join(","))), 400),
        (format!("{BASE}/requests/NOSUCHID.json"), 404),
        (format!("{BASE}/requests/2222AAAA.json"), 404),
        (format!("{BASE}/services/no_such.json"), 404),
        (format!("{BASE}/tokens/nothing.json"), 404),
        (format!("{BASE}/nothing.json"), 404),
        (format!("{BASE}/requests.html"), 400),
    ] {
        let (got, body) = get(&app, &path).await;
        assert_eq!(got, status, "{path}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(v[0]["code"], status, "{path}: {body}");
        assert!(!v[0]["description"].as_str().unwrap().is_empty());
    }
    let (got, xml) = get(&app, &format!("{BASE}/requests.xml?status=pending")).await;
    assert_eq!(got, 400);
    assert!(
        xml.contains("<errors><error><code>400</code><description>"),
        "{xml}"
    );
}

#[tokio::test]
async fn a_post_needs_a_live_key_lands_in_the_queue_once_and_keeps_contacts_staff_only() {
    let app = app().await;
    let key = issue_key(&app, "12345热线").await;
    let street = app
        .scalar("SELECT id FROM streets WHERE name = '康楼中街'")
        .await
        .to_string();
    let base: Vec<(&str, &str)> = vec![
        ("service_code", "illegal_flyers"),
        ("address_id", &street),
        ("description", "电线杆上贴满小广告"),
        ("email", "caller@example.com"),
        ("first_name", "李"),
        ("phone", "13900139000"),
        ("token", "hotline-0001"),
    ];
    let with = |extra: &[(&'static str, &str)]| -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = base
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (k, v) in extra {
            f.retain(|(n, _)| n != k);
            f.push((k.to_string(), v.to_string()));
        }
        f
    };
    let send = |f: Vec<(String, String)>| {
        let app = &app;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            post(app, &f).await
        }
    };

    // No key, a wrong key: 403, nothing stored.
    let (status, v) = send(with(&[])).await;
    assert_eq!((status, v[0]["code"].as_i64()), (403, Some(403)), "{v}");
    let (status, _) = send(with(&[(
        "api_key",
        "jx_0000000000000000000000000000000000000000",
    )]))
    .await;
    assert_eq!(status, 403);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 0);

    // With the key: stored; retries (also at once) get the same request.
    let (status, v) = send(with(&[("api_key", &key)])).await;
    assert_eq!(status, 200, "{v}");
    let code = v[0]["service_request_id"].as_str().unwrap().to_string();
    assert!(v[0]["service_notice"].is_string() && v[0]["account_id"].is_null());
    let retries = (0..5).map(|_| send(with(&[("api_key", &key)])));
    for (status, v) in futures_util::future::join_all(retries).await {
        assert_eq!(status, 200, "{v}");
        assert_eq!(v[0]["service_request_id"], code.as_str());
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 1);
    // The same token with other content: refused, not merged.
    let (status, v) = send(with(&[("api_key", &key), ("description", "别的内容")])).await;
    assert_eq!(status, 409, "{v}");
    let (status, v) = get_json(&app, &format!("{BASE}/tokens/hotline-0001.json")).await;
    assert_eq!(status, 200);
    assert_eq!(v[0]["service_request_id"], code.as_str());
    assert_eq!(v[0]["token"], "hotline-0001");

    // In 淮河路's queue, from the hotline, with the caller's contacts for staff only.
    let staff = app.login("huaihe").await;
    let id = app
        .scalar_for("SELECT id FROM reports WHERE tracking_code = $1", &code)
        .await;
    let detail: ReportDetail = serde_json::from_str(
        &ok(app
            .post_form("/api/staff/report", Some(&staff), &[("id", id.to_string())])
            .await)
        .await,
    )
    .unwrap();
    assert_eq!(detail.office_name, "淮河路办事处");
    assert_eq!(detail.source.as_deref(), Some("12345热线"));
    assert_eq!(detail.contact_name.as_deref(), Some("李"));
    assert_eq!(detail.contact_email.as_deref(), Some("caller@example.com"));
    assert_eq!(detail.contact_phone.as_deref(), Some("13900139000"));
    let html = app
        .client
        .get(app.url(&format!("/staff/report/{id}")))
        .header(reqwest::header::COOKIE, &staff)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("12345热线") && html.contains("caller@example.com"));
    let (_, public) = get(&app, &format!("{BASE}/requests/{code}.json")).await;
    assert!(!public.contains("caller@example.com") && !public.contains("13900139000"));

    // Without a token: the same content on the same day is one request.
    let no_token = || {
        with(&[("api_key", &key), ("description", "垃圾桶满了")])
            .into_iter()
            .filter(|(k, _)| k != "token")
            .collect::<Vec<_>>()
    };
    let (_, a) = send(no_token()).await;
    let (_, b) = send(no_token()).await;
    assert_eq!(a[0]["service_request_id"], b[0]["service_request_id"]);

    // Places: a street named in the address; near an earlier report; else a clear 400.
    let (status, v) = send(vec![
        ("api_key".into(), key.clone()),
        ("service_code".into(), "dirty_road".into()),
        ("address_string".into(), "开封市 韩营二巷 东口".into()),
    ])
    .await;
    assert_eq!(status, 200, "{v}");
    let by_name = v[0]["service_request_id"].as_str().unwrap().to_string();
    let (_, r) = get_json(&app, &format!("{BASE}/requests/{by_name}.json")).await;
    assert_eq!(r[0]["address"], "韩营 · 韩营二巷");
    resident_report(&app).await; // 韩营一巷 at 34.7981234, 114.3071234
    let (status, v) = send(vec![
        ("api_key".into(), key.clone()),
        ("service_code".into(), "dirty_road".into()),
        ("lat".into(), "34.7990".into()),
        ("long".into(), "114.3075".into()),
    ])
    .await;
    assert_eq!(status, 200, "{v}");
    let near = v[0]["service_request_id"].as_str().unwrap().to_string();
    let (_, r) = get_json(&app, &format!("{BASE}/requests/{near}.json")).await;
    assert_eq!(r[0]["address"], "韩营 · 韩营一巷");
    for (fields, status) in [
        (vec![("lat", "30.0"), ("long", "120.0")], 400),
        (vec![("lat", "34.79")], 400),
        (vec![("address_string", "没有这条街")], 400),
        (vec![("address_id", "999999")], 400),
        (vec![], 400),
    ] {
        let mut f = vec![
            ("api_key".to_string(), key.clone()),
            ("service_code".to_string(), "dirty_road".to_string()),
        ];
        f.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let (got, v) = send(f).await;
        assert_eq!(got, status, "{fields:?}: {v}");
        assert!(v[0]["description"].is_string());
    }
    let (status, _) = send(with(&[("api_key", &key), ("service_code", "no_such")])).await;
    assert_eq!(status, 404);
    let (status, _) = send(with(&[
        ("api_key", &key),
        ("media_url", "javascript:alert(1)"),
    ]))
    .await;
    assert_eq!(status, 400);

    // A photo attached (multipart `media`): stored like a resident's, its URL public.
    let form = Form::new()
        .text("api_key", key.clone())
        .text("service_code", "exposed_garbage")
        .text("address_id", street.clone())
        .text("token", "hotline-photo")
        .part(
            "media",
            Part::bytes(small_jpeg(7))
                .file_name("m.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let res = app
        .client
        .post(app.url(&format!("{BASE}/requests.xml")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let xml = res.text().await.unwrap();
    let photo_code = xml
        .split("<service_request_id>")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_string();
    let (_, r) = get_json(&app, &format!("{BASE}/requests/{photo_code}.json")).await;
    let media = r[0]["media_url"].as_str().unwrap();
    assert!(media.contains("/photos/"), "{media}");
    assert_eq!(app.client.get(media).send().await.unwrap().status(), 200);

    // Revoked: the key stops working at once.
    let admin = app.login("admin").await;
    let key_id = app.scalar("SELECT id FROM api_keys").await;
    ok(app
        .post_form(
            "/api/admin/api_key_revoke",
            Some(&admin),
            &[("id", key_id.to_string()), ("back", "/admin".into())],
        )
        .await)
    .await;
    let (status, _) = send(with(&[("api_key", &key), ("token", "after-revoke")])).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_admin_sees_a_new_key_once_and_staff_cannot_issue_keys() {
    let app = app().await;
    let staff = app.login("taihao").await;
    let res = app
        .post_form(
            "/api/admin/api_key_add",
            Some(&staff),
            &[("name", "x".into())],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .post_form("/api/admin/api_key_add", None, &[("name", "x".into())])
        .await;
    assert_eq!(res.status(), 401);
    let key = issue_key(&app, "城管平台").await;
    let key_id = app.scalar("SELECT id FROM api_keys").await.to_string();
    for (cookie, status) in [(Some(staff.as_str()), 403), (None, 401)] {
        let res = app
            .post_form(
                "/api/admin/api_key_revoke",
                cookie,
                &[("id", key_id.clone())],
            )
            .await;
        assert_eq!(res.status(), status);
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL")
            .await,
        1,
        "refusals change nothing"
    );
    let admin = app.login("admin").await;
    let page = app
        .client
        .get(app.url("/admin"))
        .header(
            reqwest::header::COOKIE,
            format!("{admin}; jx_new_api_key={key}"),
        )
        .send()
        .await
        .unwrap();
    let cleared = page
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("jx_new_api_key=;") && v.contains("Max-Age=0"));
    assert!(cleared, "the page clears the key's cookie");
    let html = page.text().await.unwrap();
    assert!(html.contains(&key), "shown once");
    assert!(html.contains("城管平台") && html.contains(&key[..9]));
    let stored: (String,) = sqlx::query_as("SELECT key_hash FROM api_keys")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_ne!(stored.0, key, "only a hash is stored");
    let later = app
        .client
        .get(app.url("/admin"))
        .header(reqwest::header::COOKIE, &admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!later.contains(&key), "never again");
}

/// georeport and civicbot from PyPI (scripts/setup.sh test installs them into
/// target/open311-py from server/tests/open311/requirements.txt) against this server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn independent_open311_clients_from_pypi_read_and_post() {
    let app = app().await;
    let key = issue_key(&app, "civicbot").await;
    let street = app
        .scalar("SELECT id FROM streets WHERE name = '韩营东街'")
        .await
        .to_string();
    let (status, v) = post(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "dirty_road"),
            ("address_id", &street),
            ("token", "rust-token-1"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let token_code = v[0]["service_request_id"].as_str().unwrap().to_string();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let site = root.join("target/open311-py");
    assert!(
        site.join(".installed").exists(),
        "the Open311 clients are missing: run ./scripts/setup.sh test"
    );
    let script = root.join("server/tests/open311/clients.py");
    let base = app.url(BASE);
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .arg(&script)
            .args([&base, &key, &token_code])
            .env("PYTHONPATH", &site)
            .env("NO_PROXY", "*")
            .output()
    })
    .await
    .unwrap()
    .expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("all checks passed"), "{stdout}");
}

#[tokio::test]
async fn calls_past_the_limit_get_429_in_the_standards_shape() {
    let app = spawn_app_with(&[("OPEN311_RATE_LIMIT", "3/600")]).await;
    for _ in 0..3 {
        assert_eq!(get(&app, &format!("{BASE}/services.json")).await.0, 200);
    }
    let res = app
        .client
        .get(app.url(&format!("{BASE}/requests.xml")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()[reqwest::header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    let xml = res.text().await.unwrap();
    assert!(xml.contains("<errors><error><code>429</code>"), "{xml}");
    let (status, v) = post(&app, &[("service_code", "dirty_road")]).await;
    assert_eq!((status, v[0]["code"].as_i64()), (429, Some(429)));
    // The rest of the site is not counted.
    assert_eq!(get(&app, "/api/health").await.0, 200);
    assert_eq!(get(&app, "/track").await.0, 200);
}
