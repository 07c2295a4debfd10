//! The foundation end to end: health, the server-rendered home page, the demo seed,
//! server functions, security headers, 404s — on the real router and a real database.

mod common;

use common::spawn_app;

#[tokio::test]
async fn health_answers_json_with_the_database() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["service"], "jiexiang");
    assert_eq!(body["database"], common::backend().as_str());
}

#[tokio::test]
async fn home_page_is_server_rendered_in_chinese() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(headers.contains_key(h), "missing {h}");
    }
    // Not a document: only nosniff, no CSP bytes on every asset.
    let health = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");
    assert!(!health.headers().contains_key("content-security-policy"));
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<html lang="zh-CN""#));
    for text in [
        "街巷随手拍",
        "我要上报",
        "我的上报",
        "进度查询",
        "示范户公示",
        "工作人员登录",
    ] {
        assert!(html.contains(text), "home page lacks {text}");
    }
    // The hydration scripts point at the named wasm bundle.
    assert!(html.contains("/pkg/jiexiang"), "no hydration script");
    // Server-side data reached the page: the seeded counts.
    assert!(
        html.contains("已收到上报 0 件，已结案 0 件"),
        "summary not rendered"
    );
    assert!(
        html.contains("覆盖 3 个办事处、9 个居委会、"),
        "coverage not rendered"
    );
}

#[tokio::test]
async fn html_is_compressed_when_the_client_accepts_it() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn demo_seed_has_the_seed_pages_places_and_categories_once() {
    let app = spawn_app().await;
    let data = app::areas::db::reference_data(&app.db).await.unwrap();
    let names: Vec<_> = data.offices.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["太昊路办事处", "淮河路办事处", "开元路产业集聚区"]);
    let office_of = |community: &str| {
        let c = data
            .communities
            .iter()
            .find(|c| c.name == community)
            .unwrap();
        data.office(c.office_id).unwrap().name.clone()
    };
    for c in ["韩营", "陈营", "杨井沿"] {
        assert_eq!(office_of(c), "太昊路办事处");
    }
    for c in ["康楼", "姚滩"] {
        assert_eq!(office_of(c), "淮河路办事处");
    }
    assert_eq!(office_of("毛楼"), "开元路产业集聚区");
    for c in ["南徐", "康庄", "路庄"] {
        office_of(c);
    }
    assert!(data.streets.len() >= 2 * data.communities.len());
    assert_eq!(data.categories.len(), 16);
    let garbage = data
        .categories
        .iter()
        .find(|c| c.name == "暴露垃圾")
        .unwrap();
    assert!(garbage.deadline_hours > 0);
    assert_eq!(data.categories.last().unwrap().name, "其他");
    // Seeding again does nothing.
    assert!(!app::areas::seed::seed_demo(&app.db).await.unwrap());
    let again = app::areas::db::reference_data(&app.db).await.unwrap();
    assert_eq!(again, data);
}

#[tokio::test]
async fn reference_data_server_function_returns_json() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/reference_data"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["offices"].as_array().unwrap().len(), 3);
    assert_eq!(body["categories"][0]["name"], "暴露垃圾");
}

#[tokio::test]
async fn unknown_pages_are_a_chinese_404() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains("页面不存在"));
}

#[tokio::test]
async fn pkg_files_are_served_precompressed() {
    let app = spawn_app().await;
    let pkg = app.data_dir.path().join("site").join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        pkg.join("jiexiang.js"),
        "export function hydrate() {}\n".repeat(50),
    )
    .unwrap();
    std::fs::write(pkg.join("jiexiang.js.br"), b"pretend-brotli").unwrap();

    let res = app
        .client
        .get(app.url("/pkg/jiexiang.js"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"pretend-brotli");

    let plain = app
        .client
        .get(app.url("/pkg/jiexiang.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());

    let missing = app
        .client
        .get(app.url("/pkg/nope.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
