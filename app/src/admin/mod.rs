//! 区 admin (创卫办): the area tree (办事处 → 居委会 → 街巷), the problem categories with
//! their 处置时限, the staff accounts, and a printable QR poster per street.
//!
//! Server-rendered pages with plain HTML forms posting to the server functions in `api.rs`
//! (see `crate::forms`); no islands, so none of this is in the resident's wasm.

pub mod api;
pub mod api_keys;
pub mod grids;
pub mod pages;
pub mod strings;

#[cfg(feature = "ssr")]
pub mod qr;

pub use crate::areas::{CategorySetting, Community, Office, Street};
use crate::domain::{CommunityId, OfficeId, StreetId};
use crate::error::AppError;
use crate::session::Role;
use serde::{Deserialize, Serialize};
use strings as s;

/// Where the admin forms return to when their `back` field is missing or not local.
pub const ADMIN_HOME: &str = "/admin";
pub use crate::areas::{MAX_DEADLINE_HOURS, MIN_DEADLINE_HOURS, parse_deadline_hours};
/// Longest names, in characters.
pub const MAX_AREA_NAME_CHARS: usize = 32;
pub const MAX_CATEGORY_NAME_CHARS: usize = 16;
pub const MAX_ICON_CHARS: usize = 8;

/// Everything the /admin page shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub offices: Vec<Office>,
    pub communities: Vec<Community>,
    pub streets: Vec<Street>,
    pub categories: Vec<CategorySetting>,
    pub users: Vec<crate::session::Account>,
    /// The Open311 clients' keys, and a key issued just now (shown this once).
    pub api: crate::open311::ApiKeys,
    /// 单元网格 per office.
    pub grids: grids::GridCounts,
}

impl AdminOverview {
    pub fn communities_of(&self, office: OfficeId) -> impl Iterator<Item = &Community> {
        self.communities
            .iter()
            .filter(move |c| c.office_id == office)
    }

    pub fn streets_of(&self, community: CommunityId) -> impl Iterator<Item = &Street> {
        self.streets
            .iter()
            .filter(move |st| st.community_id == community)
    }

    /// Streets in all communities of an office.
    pub fn street_count_of(&self, office: OfficeId) -> usize {
        self.communities_of(office)
            .map(|c| self.streets_of(c.id).count())
            .sum()
    }
}

/// What a street's QR poster shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetPoster {
    pub street_id: StreetId,
    pub street_name: String,
    pub community_name: String,
    pub office_id: OfficeId,
    pub office_name: String,
    /// The report form for this street: `{origin}/report?street={id}`.
    pub report_url: String,
    /// SVG markup made on the server from `report_url` (no user text in it).
    pub qr_svg: String,
}

// ---- parsing form fields ----

/// A name of an office, community, street or category: trimmed, not empty, at most `max`
/// characters, no control characters. `what` names the field in the error ("办事处名称").
/// A category's group: optional, at most [`MAX_GROUP_CHARS`] characters.
pub fn parse_group(raw: &str) -> Result<String, AppError> {
    let group = raw.trim();
    if group.chars().count() > MAX_GROUP_CHARS {
        return Err(AppError::bad_request(s::GROUP_TOO_LONG));
    }
    Ok(group.to_string())
}

pub const MAX_GROUP_CHARS: usize = 20;

pub fn parse_name(raw: &str, what: &str, max: usize) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::bad_request(s::name_required(what)));
    }
    if name.chars().count() > max {
        return Err(AppError::bad_request(s::name_too_long(what, max)));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::bad_request(s::name_bad_chars(what)));
    }
    Ok(name.to_string())
}

/// A category code: 2–40 of `a-z 0-9 _`, starting with a letter (it is an API name).
pub fn parse_category_code(raw: &str) -> Result<String, AppError> {
    let code = raw.trim();
    let ok = (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(code.to_string())
    } else {
        Err(AppError::bad_request(s::CATEGORY_CODE_INVALID))
    }
}

/// A category icon: usually one emoji (which may be several code points).
pub fn parse_icon(raw: &str) -> Result<String, AppError> {
    let icon = raw.trim();
    let n = icon.chars().count();
    if (1..=MAX_ICON_CHARS).contains(&n)
        && !icon.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        Ok(icon.to_string())
    } else {
        Err(AppError::bad_request(s::CATEGORY_ICON_INVALID))
    }
}

/// The on/off switch of a category or account: "1" (启用) or "0" (停用).
pub fn parse_active(raw: &str) -> Result<bool, AppError> {
    match raw.trim() {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(AppError::bad_request(s::ACTIVE_INVALID)),
    }
}

pub fn parse_role(raw: &str) -> Result<Role, AppError> {
    Role::parse(raw.trim()).ok_or_else(|| AppError::bad_request(s::ROLE_INVALID))
}

/// Where a form returns to: a local path (no open redirect through the hidden field) in
/// plain ASCII (it becomes a `Location` header), else [`ADMIN_HOME`].
pub fn back_path(back: Option<&str>) -> String {
    let candidate = back.unwrap_or(ADMIN_HOME);
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && candidate.len() <= 200
        && candidate.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    if ok {
        candidate.to_string()
    } else {
        ADMIN_HOME.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(r: Result<impl std::fmt::Debug, AppError>) -> String {
        match r {
            Err(AppError::BadRequest(m)) => m,
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            parse_name("  韩营三巷 ", "街巷名称", 32).unwrap(),
            "韩营三巷"
        );
        assert_eq!(bad(parse_name("   ", "街巷名称", 32)), "请填写街巷名称");
        assert_eq!(
            bad(parse_name(&"巷".repeat(33), "街巷名称", 32)),
            "街巷名称不能超过32个字"
        );
        assert!(parse_name(&"巷".repeat(32), "街巷名称", 32).is_ok());
        assert!(parse_name("韩营\n三巷", "街巷名称", 32).is_err());
    }

    #[test]
    fn deadline_hours_are_whole_hours_up_to_90_days() {
        assert_eq!(parse_deadline_hours(" 24 ").unwrap(), 24);
        assert_eq!(parse_deadline_hours("1").unwrap(), 1);
        assert_eq!(parse_deadline_hours("2160").unwrap(), 2160);
        for raw in ["0", "-4", "2161", "9999", "abc", "", "4.5", "1e3"] {
            assert_eq!(
                bad(parse_deadline_hours(raw)),
                crate::areas::strings::deadline_hours_invalid(),
                "{raw}"
            );
        }
    }

    #[test]
    fn category_codes_and_icons() {
        assert_eq!(parse_category_code("dead_trees").unwrap(), "dead_trees");
        for raw in ["", "a", "Dead", "9lives", "死树", "a b", &"a".repeat(41)] {
            assert!(parse_category_code(raw).is_err(), "{raw}");
        }
        assert_eq!(parse_icon(" 🗑️ ").unwrap(), "🗑️");
        assert!(parse_icon("").is_err());
        assert!(parse_icon("🌳 🌳").is_err());
        assert!(parse_icon("123456789").is_err());
    }

    #[test]
    fn switches_roles_and_ids() {
        assert!(parse_active("1").unwrap());
        assert!(!parse_active("0").unwrap());
        assert!(parse_active("yes").is_err());
        assert_eq!(parse_role("staff").unwrap(), Role::Staff);
        assert!(parse_role("root").is_err());
        assert_eq!(
            crate::forms::parse_id::<OfficeId>(" 3 ").unwrap(),
            OfficeId(3)
        );
        assert!(crate::forms::parse_id::<OfficeId>("x").is_err());
        assert_eq!(crate::forms::parse_opt::<OfficeId>("").unwrap(), None);
        assert_eq!(
            crate::forms::parse_opt::<OfficeId>("2").unwrap(),
            Some(OfficeId(2))
        );
    }

    #[test]
    fn back_paths_stay_local_and_ascii() {
        assert_eq!(back_path(Some("/admin#streets")), "/admin#streets");
        assert_eq!(back_path(None), "/admin");
        for raw in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "/admin#街巷",
            "",
            "/a b",
        ] {
            assert_eq!(back_path(Some(raw)), "/admin", "{raw}");
        }
    }
}
