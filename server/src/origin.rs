//! Refuses state-changing requests that another site's page sends (cross-site request
//! forgery), in front of every route.
//!
//! The session cookie is `SameSite=Lax`, so a browser already leaves it off another site's
//! POST; this is the second lock. Browsers say where a request comes from:
//! `Sec-Fetch-Site` (Chromium, Firefox and Safari, these last years) or, failing that,
//! `Origin`. A POST, PUT, PATCH or DELETE that says another site is refused with 403 and
//! reaches nothing. A request that says neither (curl, a server-side client, a very old
//! browser) passes: it carries no cookie a page could have borrowed.

use app::error::AppError;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::response::Response;

pub async fn guard(req: Request, next: Next) -> Response {
    let safe = matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    // HTTP/2 carries the host in the URI (:authority) rather than a Host header.
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    if !safe && let Some(why) = cross_site(req.headers(), host) {
        tracing::warn!(
            method = %req.method(),
            path = req.uri().path(),
            why,
            "cross-site request refused"
        );
        return AppError::Forbidden.into_response();
    }
    next.run(req).await
}

/// Why the request comes from another site, or None when it does not (or does not say).
/// `host` is the host (and port) the request was sent to.
pub fn cross_site(headers: &HeaderMap, host: Option<&str>) -> Option<&'static str> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        // "same-site" is a sibling host under the same domain: another site to us.
        return match site {
            "same-origin" | "none" => None,
            _ => Some("sec-fetch-site"),
        };
    }
    let origin = text(header::ORIGIN.as_str())?;
    // An origin is scheme://host[:port]; the scheme may differ behind a TLS proxy, and a
    // proxy may pass the public host on in X-Forwarded-Host (which no page can set on a
    // cross-site request).
    let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
    let matches = |h: Option<&str>| h.is_some_and(|h| h.eq_ignore_ascii_case(origin_host));
    if origin_host.is_empty() || !(matches(host) || matches(text("x-forwarded-host"))) {
        return Some("origin");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// `cross_site` for these headers, the host taken from a `host` pair as the guard does.
    fn check(pairs: &[(&'static str, &'static str)]) -> Option<&'static str> {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        let host = h.get("host").and_then(|v| v.to_str().ok());
        cross_site(&h, host)
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert_eq!(check(&[("sec-fetch-site", "same-origin")]), None);
        assert_eq!(check(&[("sec-fetch-site", "none")]), None);
        assert!(check(&[("sec-fetch-site", "cross-site")]).is_some());
        assert!(check(&[("sec-fetch-site", "same-site")]).is_some());
        // It wins over a matching Origin.
        assert!(
            check(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "http://a.test"),
                ("host", "a.test"),
            ])
            .is_some()
        );
    }

    #[test]
    fn origin_must_name_this_host() {
        let same = [
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ];
        assert_eq!(check(&same), None);
        // Behind a proxy that ends TLS the scheme differs; the host is what counts.
        let proxied = [
            ("origin", "https://jx.example.cn"),
            ("host", "JX.example.cn"),
        ];
        assert_eq!(check(&proxied), None);
        let forwarded = [
            ("origin", "https://jx.example.cn"),
            ("host", "127.0.0.1:3000"),
            ("x-forwarded-host", "jx.example.cn"),
        ];
        assert_eq!(check(&forwarded), None);
        for origin in ["http://evil.test", "http://127.0.0.1:3001", "null", ""] {
            let h = [("origin", origin), ("host", "127.0.0.1:3000")];
            assert!(check(&h).is_some(), "{origin}");
        }
        assert_eq!(check(&[("host", "127.0.0.1:3000")]), None);
        assert_eq!(check(&[]), None);
    }
}
