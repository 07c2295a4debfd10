//! Staff pages post plain HTML forms to server functions (no wasm on these pages). A browser
//! posting a form (`Accept: text/html`) is redirected: on success to the next page with
//! `?ok=1`, on an error back to the form's page with `?err=<message>`, which the page shows.
//! Any other caller (scripts, the tests) gets the JSON answer with the error's HTTP status.

use crate::error::AppError;
use axum::http::header;
use axum::http::request::Parts;

/// Whether the current request is a plain browser form post (or navigation).
pub fn accepts_html() -> bool {
    leptos::prelude::use_context::<Parts>()
        .and_then(|p| {
            p.headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// A local path to return to: starts with one `/`, no scheme, no host. Anything else becomes
/// `fallback` (no open redirects through a hidden field).
pub fn local_path(candidate: &str, fallback: &str) -> String {
    // Printable ASCII only: a header value must be, and a redirect must never panic.
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && candidate.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        candidate.to_string()
    } else {
        fallback.to_string()
    }
}

/// `path` with `key=value` set (replacing an earlier `ok`/`err`), before any `#fragment`.
pub fn with_param(path: &str, key: &str, value: &str) -> String {
    let (path, fragment) = match path.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (path, String::new()),
    };
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .filter(|kv| {
            let k = kv.split('=').next().unwrap_or("");
            k != "ok" && k != "err"
        })
        .map(str::to_string)
        .collect();
    parts.push(format!("{key}={}", encode(value)));
    format!("{base}?{}{fragment}", parts.join("&"))
}

/// Percent-encoding of everything but the unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Ends a form-posted server function. `result` holds the page to go to on success; `back`
/// is the form's own page.
pub fn finish(result: Result<String, AppError>, back: &str) -> Result<String, AppError> {
    if accepts_html() {
        match &result {
            Ok(next) => leptos_axum::redirect(&with_param(next, "ok", "1")),
            Err(e) => leptos_axum::redirect(&with_param(
                back,
                "err",
                &crate::flash::seal_current(&e.to_string()),
            )),
        }
        // The redirect carries the outcome; the body is not read by a browser.
        return Ok(result.unwrap_or_default());
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths() {
        assert_eq!(local_path("/staff/report/3", "/staff"), "/staff/report/3");
        assert_eq!(local_path("//evil.example/x", "/staff"), "/staff");
        assert_eq!(local_path("https://evil.example", "/staff"), "/staff");
        assert_eq!(local_path("/\\evil", "/staff"), "/staff");
        assert_eq!(local_path("", "/staff"), "/staff");
        assert_eq!(
            local_path("/admin#街巷", "/admin"),
            "/admin",
            "non-ASCII never reaches a header"
        );
        assert_eq!(local_path("/a b", "/admin"), "/admin");
    }

    #[test]
    fn params_replace_old_outcomes() {
        assert_eq!(with_param("/staff", "ok", "1"), "/staff?ok=1");
        assert_eq!(
            with_param("/admin#streets", "ok", "1"),
            "/admin?ok=1#streets"
        );
        assert_eq!(
            with_param("/admin?x=1&ok=1#s", "err", "a"),
            "/admin?x=1&err=a#s"
        );
        assert_eq!(
            with_param("/staff?status=pending&err=x", "err", "请填写原因"),
            "/staff?status=pending&err=%E8%AF%B7%E5%A1%AB%E5%86%99%E5%8E%9F%E5%9B%A0"
        );
    }
}
