//! Forms, shared by every area with plain HTML forms (staff, honours, admin, the resident's
//! answer on /track): reading their fields ([`parse_id`], [`parse_opt`], [`parse_date`],
//! [`flag`]; multipart uploads in `upload.rs`) and answering them (`answer.rs`).

pub mod strings;

#[cfg(feature = "ssr")]
mod answer;
#[cfg(feature = "ssr")]
pub mod upload;

#[cfg(feature = "ssr")]
pub use answer::{accepts_html, encode, finish, local_path, with_param};
#[cfg(feature = "ssr")]
pub use upload::FormUpload;

/// Photos one form may carry (a report, 整改完成, a plaque).
pub const MAX_PHOTOS: usize = 3;

use crate::domain::Millis;
use crate::error::AppError;
use serde::Deserialize;

/// A number or row id from a hidden or select field.
pub fn parse_id<T: std::str::FromStr>(raw: &str) -> Result<T, AppError> {
    raw.trim()
        .parse::<T>()
        .map_err(|_| AppError::bad_request(strings::FORM_BAD))
}

/// An optional number or id from a form or query value ("" = none).
pub fn parse_opt<T: std::str::FromStr>(raw: &str) -> Result<Option<T>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .map(Some)
        .map_err(|_| AppError::bad_request(strings::FORM_BAD))
}

/// A date input's value "2026-11-28" → midnight of that day in China time; "" → None.
pub fn parse_date(raw: &str) -> Result<Option<Millis>, AppError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Millis::parse_cst_date(raw)
        .map(Some)
        .ok_or_else(|| AppError::bad_request(strings::BAD_DATE))
}

/// For a typed form's whole-number field (`#[serde(deserialize_with = "…")]`): a form
/// posts it as text ("3"), a JSON caller as a number; both are taken.
pub fn int_field<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Field {
        Number(i64),
        Text(String),
    }
    match Field::deserialize(d)? {
        Field::Number(n) => Ok(n),
        Field::Text(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(strings::FORM_BAD)),
    }
}

/// Longest note (备注, 说明, a resident's words), in characters.
pub const MAX_NOTE_CHARS: usize = 500;

/// A note as typed into a textarea: trimmed, line breaks kept as `\n`, other control
/// characters dropped, at most [`MAX_NOTE_CHARS`] (else `too_long`, the area's own wording).
pub fn note(raw: &str, too_long: &'static str) -> Result<String, AppError> {
    let n: String = raw
        .trim()
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    if n.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::bad_request(too_long));
    }
    Ok(n)
}

/// A checkbox or flag: "1", "on" (what a browser sends for a ticked box) or "true".
pub fn flag(raw: &str) -> bool {
    matches!(raw.trim(), "1" | "on" | "true")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(parse_id::<i64>(" 7 ").unwrap(), 7);
        assert!(parse_id::<i64>("7 OR 1=1").is_err());
        assert_eq!(parse_opt::<i64>("  ").unwrap(), None);
        assert_eq!(parse_opt::<i64>("3").unwrap(), Some(3));
        assert!(parse_opt::<i64>("x").is_err());
        assert_eq!(parse_date("").unwrap(), None);
        assert_eq!(
            parse_date("2026-11-28")
                .unwrap()
                .map(Millis::format_date)
                .as_deref(),
            Some("2026-11-28")
        );
        let e = parse_date("2026/11/28").unwrap_err();
        assert_eq!(e, AppError::bad_request(strings::BAD_DATE));
        for on in ["1", "on", "true", " on "] {
            assert!(flag(on), "{on}");
        }
        for off in ["", "0", "off", "yes", "ON"] {
            assert!(!flag(off), "{off}");
        }
        assert_eq!(
            note(" 已清运\r\n二行\u{7}\t ", "x").unwrap(),
            "已清运\n二行"
        );
        assert!(note(&"字".repeat(MAX_NOTE_CHARS), "x").is_ok());
        assert_eq!(
            note(&"字".repeat(MAX_NOTE_CHARS + 1), "太长").unwrap_err(),
            AppError::bad_request("太长")
        );
    }
}
