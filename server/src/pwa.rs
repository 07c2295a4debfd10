//! The installable app: the web app manifest and the service worker that lets the resident
//! pages open with no network after one online visit.
//!
//! `/sw.js` is rendered from the template `pwa/sw.js`: the server fills in `VERSION` (a digest
//! of everything the worker precaches that lives on disk, plus the template and the manifest,
//! so a new deploy means new worker bytes and the browser updates it) and `PRECACHE` (every
//! file of the pkg dir, the icons, the manifest, the favicon and the resident pages' HTML).
//! It is rendered at startup and again whenever those files change on disk (names, sizes,
//! modification times), so it always lists what the pages name: leptos reads the hashed names
//! from the hash file on each page.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::LeptosOptions;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Server-rendered pages that work offline: precached at install, refreshed on each visit.
pub const HTML_ROUTES: &[&str] = &["/", "/report", "/my", "/track"];

/// The manifest is part of the binary (the copy cargo-leptos puts in the site dir is shadowed
/// by the route), so it always matches the server that names it.
pub const MANIFEST: &str = include_str!("../../public/manifest.webmanifest");
pub const MANIFEST_PATH: &str = "/manifest.webmanifest";
const MANIFEST_CONTENT_TYPE: &str = "application/manifest+json";

const SW_TEMPLATE: &str = include_str!("pwa/sw.js");
pub const SW_PATH: &str = "/sw.js";

/// Static files under the site root that the worker precaches when they exist.
const ICONS_DIR: &str = "icons";
const FAVICON: &str = "favicon.svg";

/// The rendered worker script and what went into it.
#[derive(Debug, Clone)]
pub struct ServiceWorker {
    /// Hex digest, also the cache name suffix (`jiexiang-<version>`).
    pub version: String,
    /// Absolute paths, in install order.
    pub precache: Vec<String>,
    pub script: String,
}

impl ServiceWorker {
    /// Reads the site dir and renders the worker. A missing pkg or icons dir is not an error
    /// (the integration tests run without a built site); the worker then precaches less.
    pub fn build(options: &LeptosOptions) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(SW_TEMPLATE.as_bytes());
        hasher.update(MANIFEST.as_bytes());
        let mut precache = Vec::new();
        for (url, path) in site_files(options) {
            hash_file(&mut hasher, &url, &path);
            precache.push(url);
        }
        precache.push(MANIFEST_PATH.to_string());
        precache.extend(HTML_ROUTES.iter().map(|r| r.to_string()));

        let digest = hasher.finalize();
        let version = hex::encode(&digest[..8]);
        let script = SW_TEMPLATE
            .replace("\"__VERSION__\"", &json(version.as_str()))
            .replace("[\"__PRECACHE__\"]", &json(&precache[..]))
            .replace("[\"__HTML_ROUTES__\"]", &json(HTML_ROUTES));
        Self {
            version,
            precache,
            script,
        }
    }
}

/// The files on disk the worker precaches, as (URL path, file): the pkg dir, the icons and
/// the favicon.
fn site_files(options: &LeptosOptions) -> Vec<(String, PathBuf)> {
    let site_root = Path::new(&*options.site_root);
    let pkg_dir = options.site_pkg_dir.trim_matches('/');
    let mut out = Vec::new();
    for dir in [pkg_dir, ICONS_DIR] {
        for (rel, path) in files_under(&site_root.join(dir)) {
            out.push((format!("/{dir}/{rel}"), path));
        }
    }
    let favicon = site_root.join(FAVICON);
    if favicon.is_file() {
        out.push((format!("/{FAVICON}"), favicon));
    }
    out
}

/// What tells a changed site without reading it: each file's URL, size and modification time.
type Stamp = Vec<(String, u64, Option<SystemTime>)>;

fn stamp(options: &LeptosOptions) -> Stamp {
    site_files(options)
        .into_iter()
        .map(|(url, path)| {
            let meta = std::fs::metadata(&path).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            (url, len, meta.and_then(|m| m.modified().ok()))
        })
        .collect()
}

/// The current worker: rendered again when the site files changed since the last request.
struct Current {
    options: LeptosOptions,
    rendered: Mutex<(Stamp, Arc<ServiceWorker>)>,
}

impl Current {
    fn new(options: &LeptosOptions) -> Self {
        let stamp = stamp(options);
        let sw = Arc::new(ServiceWorker::build(options));
        log_worker(&sw);
        Self {
            options: options.clone(),
            rendered: Mutex::new((stamp, sw)),
        }
    }

    /// Blocking file system calls: run it off the async workers.
    fn get(&self) -> Arc<ServiceWorker> {
        let now = stamp(&self.options);
        let mut rendered = self.rendered.lock().unwrap_or_else(|e| e.into_inner());
        if rendered.0 != now {
            let sw = Arc::new(ServiceWorker::build(&self.options));
            log_worker(&sw);
            *rendered = (now, sw);
        }
        rendered.1.clone()
    }
}

fn log_worker(sw: &ServiceWorker) {
    tracing::info!(
        "service worker {}: {} files to precache",
        sw.version,
        sw.precache.len()
    );
}

/// A JSON literal of strings for the worker's script (a `Value`'s text cannot fail).
fn json(value: impl Into<serde_json::Value>) -> String {
    value.into().to_string()
}

fn hash_file(hasher: &mut Sha256, url: &str, path: &Path) {
    hasher.update(url.as_bytes());
    hasher.update([0]);
    match std::fs::read(path) {
        Ok(bytes) => {
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(&bytes);
        }
        Err(e) => tracing::warn!("service worker: cannot read {}: {e}", path.display()),
    }
}

/// Files below `dir` as (`a/b.js` relative URL path, full path), sorted. Left out: the
/// precompressed `.br`/`.gz` twins (the server picks them by Accept-Encoding) and the
/// TypeScript declarations wasm-bindgen writes (`jiexiang.d.<hash>.ts`; no browser loads them).
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, dir)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            let rel = format!("{prefix}{name}");
            if path.is_dir() {
                stack.push((format!("{rel}/"), path));
            } else if !(name.ends_with(".br")
                || name.ends_with(".gz")
                || name.ends_with(".ts")
                || name.starts_with('.'))
            {
                out.push((rel, path));
            }
        }
    }
    out.sort();
    out
}

/// True when the pkg files carry content hashes in their names (`LEPTOS_HASH_FILES=true` and
/// the hash file written by `cargo leptos build` is there); only then may they be cached
/// forever.
pub fn hashed_assets(options: &LeptosOptions) -> bool {
    if !options.hash_files {
        return false;
    }
    let path = app::islands::hash_file_path(options);
    let found = path.is_file();
    if !found {
        tracing::warn!(
            "LEPTOS_HASH_FILES is on but {} is missing; serving unhashed names",
            path.display()
        );
    }
    found
}

/// `Cache-Control` for a `/pkg` response: hashed names never change, so successful answers
/// are immutable; errors and unhashed names are revalidated.
pub fn pkg_cache_control(hashed: bool, status: StatusCode) -> HeaderValue {
    if hashed && (status.is_success() || status == StatusCode::NOT_MODIFIED) {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("no-cache")
    }
}

/// `/sw.js` and `/manifest.webmanifest`.
pub fn router<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let current = Arc::new(Current::new(options));
    Router::new()
        .route(SW_PATH, get(move || service_worker(current.clone())))
        .route(MANIFEST_PATH, get(manifest))
}

async fn service_worker(current: Arc<Current>) -> Response {
    let sw = match tokio::task::spawn_blocking(move || current.get()).await {
        Ok(sw) => sw,
        Err(e) => {
            tracing::error!("rendering the service worker: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // The browser must see a new deploy's worker at once.
            (header::CACHE_CONTROL, "no-cache"),
            (
                header::HeaderName::from_static("service-worker-allowed"),
                "/",
            ),
        ],
        sw.script.clone(),
    )
        .into_response()
}

async fn manifest() -> Response {
    (
        [
            (header::CONTENT_TYPE, MANIFEST_CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        MANIFEST,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_placeholders_are_all_filled() {
        let dir = tempfile::tempdir().unwrap();
        let options = LeptosOptions::builder()
            .output_name("jiexiang")
            .site_root(dir.path().display().to_string())
            .build();
        let sw = ServiceWorker::build(&options);
        assert!(!sw.script.contains("__VERSION__"));
        assert!(!sw.script.contains("__PRECACHE__"));
        assert!(!sw.script.contains("__HTML_ROUTES__"));
        assert!(sw.script.contains(&format!("\"{}\"", sw.version)));
    }

    #[test]
    fn manifest_is_json() {
        let v: serde_json::Value = serde_json::from_str(MANIFEST).unwrap();
        assert_eq!(v["start_url"], "/report");
    }

    #[test]
    fn precompressed_twins_type_declarations_and_dotfiles_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("snippets/x")).unwrap();
        for f in [
            "a.js",
            "a.js.br",
            "a.js.gz",
            "a.d.HASH.ts",
            ".hidden",
            "snippets/x/inline0.js",
        ] {
            std::fs::write(dir.path().join(f), f).unwrap();
        }
        let names: Vec<String> = files_under(dir.path()).into_iter().map(|f| f.0).collect();
        assert_eq!(names, ["a.js", "snippets/x/inline0.js"]);
    }

    #[test]
    fn only_hashed_successes_are_immutable() {
        assert_eq!(pkg_cache_control(false, StatusCode::OK), "no-cache");
        assert_eq!(pkg_cache_control(true, StatusCode::NOT_FOUND), "no-cache");
        assert!(
            pkg_cache_control(true, StatusCode::OK)
                .to_str()
                .unwrap()
                .contains("immutable")
        );
    }
}
