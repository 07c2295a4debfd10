//! The installable app: the service worker at /sw.js (rendered from the site dir at startup),
//! the web app manifest, the shell's links to both, and cargo-leptos file hashing.

use crate::common::{TestApp, spawn_app, spawn_app_with_site};
use std::path::Path;

/// A built site as cargo-leptos leaves it: pkg files with precompressed twins, a wasm-bindgen
/// snippet, the icons and the favicon.
fn fake_site(root: &Path, names: [&str; 3]) {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(pkg.join("snippets/app-0123/src")).unwrap();
    for name in names {
        std::fs::write(pkg.join(name), format!("contents of {name}\n")).unwrap();
        std::fs::write(pkg.join(format!("{name}.br")), b"pretend-brotli").unwrap();
        std::fs::write(pkg.join(format!("{name}.gz")), b"pretend-gzip").unwrap();
    }
    std::fs::write(pkg.join("snippets/app-0123/src/inline0.js"), "export {}\n").unwrap();
    std::fs::write(pkg.join("jiexiang.d.HASH.ts"), "export {}\n").unwrap();
    std::fs::create_dir_all(root.join("icons")).unwrap();
    for icon in ["icon-192.png", "icon-512.png", "maskable-512.png"] {
        std::fs::write(root.join("icons").join(icon), b"png").unwrap();
    }
    std::fs::write(root.join("favicon.svg"), "<svg/>").unwrap();
}

const PLAIN: [&str; 3] = ["jiexiang.js", "jiexiang.wasm", "jiexiang.css"];

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

/// The worker script and the value of one of its `const NAME = <json>;` lines.
async fn sw_const(app: &TestApp, name: &str) -> serde_json::Value {
    let script = get(app, "/sw.js").await.text().await.unwrap();
    let prefix = format!("const {name} = ");
    let line = script
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {name} in sw.js"));
    serde_json::from_str(line.trim_end_matches(';')).unwrap()
}

async fn precache(app: &TestApp) -> Vec<String> {
    serde_json::from_value(sw_const(app, "PRECACHE").await).unwrap()
}

async fn version(app: &TestApp) -> String {
    sw_const(app, "VERSION").await.as_str().unwrap().to_string()
}

#[tokio::test]
async fn service_worker_is_javascript_for_the_whole_origin_and_never_stale() {
    let site = tempfile::tempdir().unwrap();
    fake_site(site.path(), PLAIN);
    let app = spawn_app_with_site(site.path(), None).await;
    let res = get(&app, "/sw.js").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert_eq!(res.headers()["service-worker-allowed"], "/");
    let script = res.text().await.unwrap();
    assert!(!script.contains("__VERSION__") && !script.contains("__PRECACHE__"));
    // The network-only paths the sync engine depends on are named in the worker.
    assert!(script.contains("'/api/'") && script.contains("'/photos/'"));
}

#[tokio::test]
async fn service_worker_precaches_pkg_icons_manifest_and_resident_pages() {
    let site = tempfile::tempdir().unwrap();
    fake_site(site.path(), PLAIN);
    let app = spawn_app_with_site(site.path(), None).await;
    let list = precache(&app).await;
    for url in [
        "/pkg/jiexiang.js",
        "/pkg/jiexiang.wasm",
        "/pkg/jiexiang.css",
        "/pkg/snippets/app-0123/src/inline0.js",
        "/icons/icon-192.png",
        "/icons/icon-512.png",
        "/icons/maskable-512.png",
        "/manifest.webmanifest",
        "/favicon.svg",
        "/",
        "/report",
        "/my",
        "/track",
    ] {
        assert!(
            list.iter().any(|u| u == url),
            "{url} not precached: {list:?}"
        );
    }
    assert!(
        !list
            .iter()
            .any(|u| u.ends_with(".br") || u.ends_with(".gz") || u.ends_with(".ts")),
        "precompressed twins or type declarations precached: {list:?}"
    );
    let mut unique = list.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), list.len(), "duplicates: {list:?}");
    // Every precached file answers 200, or the worker's install would fail.
    for url in &list {
        assert_eq!(get(&app, url).await.status(), 200, "{url}");
    }
}

#[tokio::test]
async fn without_a_site_the_worker_still_precaches_the_pages() {
    let app = spawn_app().await;
    let list = precache(&app).await;
    assert_eq!(
        list,
        ["/manifest.webmanifest", "/", "/report", "/my", "/track"]
    );
}

#[tokio::test]
async fn a_new_deploy_gives_a_new_worker_version() {
    let site = tempfile::tempdir().unwrap();
    fake_site(site.path(), PLAIN);
    let first = version(&spawn_app_with_site(site.path(), None).await).await;
    assert_eq!(first.len(), 16);
    let again = version(&spawn_app_with_site(site.path(), None).await).await;
    assert_eq!(first, again, "same files, same version");

    // The same names with new contents.
    std::fs::write(site.path().join("pkg/jiexiang.wasm"), b"new build").unwrap();
    let changed = version(&spawn_app_with_site(site.path(), None).await).await;
    assert_ne!(first, changed);

    // A renamed file with the same contents.
    std::fs::rename(
        site.path().join("pkg/jiexiang.css"),
        site.path().join("pkg/jiexiang.abc.css"),
    )
    .unwrap();
    let renamed = version(&spawn_app_with_site(site.path(), None).await).await;
    assert_ne!(changed, renamed);
}

#[tokio::test]
async fn a_running_server_renders_the_worker_again_when_the_site_changes() {
    let site = tempfile::tempdir().unwrap();
    fake_site(site.path(), PLAIN);
    let app = spawn_app_with_site(site.path(), None).await;
    let first = version(&app).await;
    assert_eq!(first, version(&app).await, "nothing changed");

    // A frontend-only deploy under a running server: new hashed names in the pkg dir.
    std::fs::write(site.path().join("pkg/jiexiang.NEWHASH.css"), "body{}").unwrap();
    let second = version(&app).await;
    assert_ne!(first, second);
    assert!(
        precache(&app)
            .await
            .contains(&"/pkg/jiexiang.NEWHASH.css".to_string())
    );
    std::fs::remove_file(site.path().join("pkg/jiexiang.NEWHASH.css")).unwrap();
    assert_eq!(version(&app).await, first, "back to the first site");
}

#[tokio::test]
async fn manifest_is_an_installable_web_app_manifest() {
    let app = spawn_app().await;
    let res = get(&app, "/manifest.webmanifest").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/manifest+json",
        "manifest content type"
    );
    let m: serde_json::Value = res.json().await.unwrap();
    assert_eq!(m["name"], "街巷随手拍");
    assert!(!m["short_name"].as_str().unwrap().is_empty());
    assert_eq!(m["lang"], "zh-CN");
    assert_eq!(m["start_url"], "/report");
    assert_eq!(m["scope"], "/");
    assert_eq!(m["display"], "standalone");
    assert_eq!(m["theme_color"], "#1f7a4d");
    assert!(m["background_color"].as_str().unwrap().starts_with('#'));

    let icons = m["icons"].as_array().unwrap();
    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    for (size, purpose) in [(192, "any"), (512, "any"), (512, "maskable")] {
        let icon = icons
            .iter()
            .find(|i| i["sizes"] == format!("{size}x{size}") && i["purpose"] == purpose)
            .unwrap_or_else(|| panic!("no {size} {purpose} icon"));
        assert_eq!(icon["type"], "image/png");
        // The file is in public/ (cargo-leptos copies it to the site) and has that size.
        let src = icon["src"].as_str().unwrap();
        let bytes = std::fs::read(public.join(src.trim_start_matches('/'))).unwrap();
        assert!(bytes.len() < 16 * 1024, "{src} is {} bytes", bytes.len());
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!((img.width(), img.height()), (size, size), "{src}");
    }

    // The theme colour is the shell's.
    let html = get(&app, "/").await.text().await.unwrap();
    assert!(html.contains(r##"<meta name="theme-color" content="#1f7a4d">"##));
}

#[tokio::test]
async fn the_shell_links_the_manifest_and_its_loader_registers_the_worker_after_the_islands() {
    let app = spawn_app().await;
    for path in ["/", "/report", "/my", "/track"] {
        let html = get(&app, path).await.text().await.unwrap();
        assert!(
            html.contains(r#"<link rel="manifest" href="/manifest.webmanifest">"#),
            "{path}"
        );
        assert!(
            html.contains(r#"<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png">"#),
            "{path}"
        );
        // The loader (app/src/islands.rs): the module and the wasm preloaded, each island in a
        // task of its own, then the worker, once the islands are done.
        assert!(
            html.contains(r#"<link rel="modulepreload" href="/pkg/jiexiang.js">"#),
            "{path}"
        );
        assert!(
            html.contains(r#"<link rel="preload" href="/pkg/jiexiang.wasm" as="fetch""#),
            "{path}"
        );
        let loader = html
            .split("<script")
            .find(|s| s.contains("leptos-island"))
            .unwrap_or_else(|| panic!("{path}: no islands loader"));
        assert!(loader.contains(r#"type="module""#), "{path}");
        let islands = loader.find("for (const el of").expect("the islands' loop");
        let register = loader
            .find(r#"navigator.serviceWorker.register("/sw.js")"#)
            .expect("the worker's registration");
        let after = loader
            .find("start().finally(")
            .expect("the worker after the islands");
        assert!(register < islands && islands < after, "{path}: {loader}");
        assert!(
            loader.contains(r#"("/pkg/jiexiang.js", "/pkg/jiexiang.wasm")"#),
            "{path}"
        );
        // No hash file: the plain names.
        assert!(
            html.contains(r#"<link id="leptos" rel="stylesheet" href="/pkg/jiexiang.css">"#),
            "{path}"
        );
    }
}

/// The nonce in a page's CSP `script-src` (none: the test fails), checked against the page's
/// scripts: every `<script` carries exactly it, and the policy allows no inline script without.
async fn page_nonce(app: &TestApp, path: &str) -> String {
    let res = get(app, path).await;
    assert!(
        !res.headers().contains_key("x-csp-nonce"),
        "{path}: internal header sent"
    );
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap_or_else(|| panic!("{path}: no script-src in {csp}"));
    assert!(
        !script_src.contains("'unsafe-inline'"),
        "{path}: {script_src}"
    );
    let nonce = script_src
        .split_whitespace()
        .find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''))
        .unwrap_or_else(|| panic!("{path}: no nonce in {script_src}"))
        .to_string();
    assert!(nonce.len() >= 16, "{path}: {nonce}");
    let html = res.text().await.unwrap();
    let scripts: Vec<&str> = html
        .split("<script")
        .skip(1)
        .map(|s| &s[..s.find('>').unwrap()])
        .collect();
    assert!(
        scripts.len() >= 2,
        "{path}: the bootstrap and the worker registration"
    );
    for attrs in scripts {
        assert!(
            attrs.contains(&format!(r#"nonce="{nonce}""#)),
            "{path}: <script{attrs}> without the page's nonce"
        );
    }
    assert!(!html.contains(" onclick="), "{path}: an inline handler");
    nonce
}

#[tokio::test]
async fn every_page_has_a_fresh_csp_nonce_on_all_its_scripts() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/report",
        "/my",
        "/track",
        "/honours",
        "/stats",
        "/staff/login",
        "/nowhere",
    ] {
        let first = page_nonce(&app, path).await;
        let second = page_nonce(&app, path).await;
        assert_ne!(first, second, "{path}: the same nonce twice");
    }
    // Not a page: no nonce to give, and still no inline script allowed.
    let res = get(&app, "/sw.js").await;
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );
    assert!(!res.headers().contains_key("x-csp-nonce"));
}

#[tokio::test]
async fn hashed_pkg_files_are_named_by_the_page_and_cached_for_a_year() {
    let site = tempfile::tempdir().unwrap();
    let names = [
        "jiexiang.JSHASH0000000000000000.js",
        "jiexiang.WASMHASH00000000000000.wasm",
        "jiexiang.CSSHASH0000000000000000.css",
    ];
    fake_site(site.path(), names);
    let hashes = tempfile::tempdir().unwrap();
    let hash_file = hashes.path().join("hash.txt");
    std::fs::write(
        &hash_file,
        "js: JSHASH0000000000000000\nwasm: WASMHASH00000000000000\ncss: CSSHASH0000000000000000\n",
    )
    .unwrap();
    let app = spawn_app_with_site(site.path(), Some(&hash_file)).await;

    let html = get(&app, "/report").await.text().await.unwrap();
    for name in names {
        assert!(html.contains(&format!("/pkg/{name}")), "page lacks {name}");
    }
    assert!(!html.contains("/pkg/jiexiang.css"));

    for name in names {
        let res = get(&app, &format!("/pkg/{name}")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
    }
    // A miss is not cached for a year (another instance may have the file a moment later).
    let missing = get(&app, "/pkg/jiexiang.OTHER.js").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["cache-control"], "no-cache");

    // Still precompressed.
    let br = app
        .client
        .get(app.url(&format!("/pkg/{}", names[1])))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");

    let list = precache(&app).await;
    for name in names {
        assert!(
            list.contains(&format!("/pkg/{name}")),
            "{name} not precached"
        );
    }
}
