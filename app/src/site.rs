//! The site's own address as a request names it (server only): for links that leave the
//! page (a poster's QR code, an export's photo links, Open311's `media_url`). Neutral: no
//! area below or beside it.

use axum::http::HeaderMap;
use axum::http::header;

/// When the request carries no usable `Host`.
pub const FALLBACK_ORIGIN: &str = "http://127.0.0.1:3000";

/// `http(s)://host[:port]` of the current request: the `Host` header, https only when a proxy
/// says so with `X-Forwarded-Proto: https`. A missing or odd `Host` gives [`FALLBACK_ORIGIN`].
pub fn origin_from_headers(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|h| valid_host(h));
    let Some(host) = host else {
        return FALLBACK_ORIGIN.to_string();
    };
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// A host name or address with an optional port, nothing else (the header is the client's).
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn origin_comes_from_host_and_forwarded_proto() {
        let mut h = HeaderMap::new();
        assert_eq!(origin_from_headers(&h), FALLBACK_ORIGIN);
        h.insert(header::HOST, HeaderValue::from_static("jx.example.cn"));
        assert_eq!(origin_from_headers(&h), "http://jx.example.cn");
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(origin_from_headers(&h), "https://jx.example.cn");
        h.insert("x-forwarded-proto", HeaderValue::from_static("http"));
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(origin_from_headers(&h), "http://127.0.0.1:8080");
        h.insert(
            header::HOST,
            HeaderValue::from_static("evil.example/\"><script>"),
        );
        assert_eq!(origin_from_headers(&h), FALLBACK_ORIGIN);
    }
}
