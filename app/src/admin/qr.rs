//! The street posters' QR codes (server only): an SVG made from the report form's URL.

use crate::domain::StreetId;
use crate::error::AppError;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The report form preset to one street.
pub fn report_url(origin: &str, street: StreetId) -> String {
    format!(
        "{}/report?street={}",
        origin.trim_end_matches('/'),
        street.0
    )
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
    fn a_poster_names_its_street() {
        assert_eq!(
            report_url("https://jx.example.cn/", StreetId(3)),
            "https://jx.example.cn/report?street=3"
        );
    }
}
