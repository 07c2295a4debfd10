//! The street posters' QR codes (server only): an SVG made from the report form's URL, and
//! the site's origin as the request shows it.

use crate::domain::StreetId;
use crate::error::AppError;
use axum::http::HeaderMap;
use axum::http::header;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// When the request carries no usable `Host`.
pub const FALLBACK_ORIGIN: &str = "http://127.0.0.1:3000";

/// The report form preset to one street.
pub fn report_url(origin: &str, street: StreetId) -> String {
    format!(
        "{}/report?street={}",
        origin.trim_end_matches('/'),
        street.0
    )
}

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

/// The QR code of `data` as an `<svg>` element (no XML declaration, so it can sit inside
/// HTML). Error correction M survives a poster's wear; the quiet zone is included. The SVG
/// scales with CSS (it has a `viewBox`); `width`/`height` are only its natural size.
pub fn qr_svg(data: &str) -> Result<String, AppError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(|e| {
        tracing::error!(error = %e, "making a QR code failed");
        AppError::Internal
    })?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(480, 480)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    let start = image.find("<svg").unwrap_or(0);
    Ok(image[start..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn svg_has_modules_and_is_deterministic() {
        let url = report_url("http://127.0.0.1:3000", StreetId(7));
        assert_eq!(url, "http://127.0.0.1:3000/report?street=7");
        let a = qr_svg(&url).unwrap();
        assert!(a.starts_with("<svg"), "{}", &a[..40]);
        assert!(a.trim_end().ends_with("</svg>"));
        assert!(a.contains("viewBox"));
        assert!(a.contains("<rect") && a.contains("<path"));
        // The dark modules are drawn as one path of many squares.
        assert!(a.matches('M').count() > 50);
        assert!(!a.contains("<?xml"));
        assert_eq!(a, qr_svg(&url).unwrap());
        assert_ne!(
            a,
            qr_svg(&report_url("http://127.0.0.1:3000", StreetId(8))).unwrap()
        );
    }

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
        assert_eq!(
            report_url("https://jx.example.cn/", StreetId(3)),
            "https://jx.example.cn/report?street=3"
        );
    }
}
