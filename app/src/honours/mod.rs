//! 示范户 / 卫生家庭 / 示范街 / 文明商户: the 评选 of the 创卫 campaign. Staff of an office keep
//! their office's list (申报 → 公示 → 已挂牌 → 复查 → 保持 / 已摘牌, each change an event with a
//! note and an optional photo), import it from CSV or Excel, and handle the public's 异议.
//! The public page `/honours` shows the list by 办事处 and 居委会 with names masked.
//!
//! Every page here is server-rendered HTML with plain forms; nothing is in the resident's wasm.

pub mod api;
pub mod pages;
pub mod strings;
pub mod workflow;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod xlsx;

use crate::domain::{CommunityId, HonourId, HonourStatus, HonourTitle, Millis, OfficeId, StreetId};
use serde::{Deserialize, Serialize};

pub use pages::{HonoursPage, StaffHonoursPage};

/// The new-honour form's fields, as posted (`create_honour`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateForm {
    pub community: String,
    pub street: String,
    pub kind: String,
    pub title: String,
    pub full_name: String,
    pub public_name: String,
    pub house_number: String,
    /// The checkbox: "1"/"on" when the household agreed to show its number.
    pub show_house_number: Option<String>,
    pub note: String,
}

/// Largest objection, in characters.
pub const MAX_OBJECTION_CHARS: usize = 500;
/// Largest note of an event, in characters.
pub const MAX_NAME_CHARS: usize = 40;
/// Largest import file.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 1000;
/// Columns an import reads; a value further right refuses the file.
pub const MAX_IMPORT_COLUMNS: usize = 32;
/// Longest cell of an import, in characters.
pub const MAX_CELL_CHARS: usize = 500;
/// Honours listed on one staff page.
pub const STAFF_LIST_LIMIT: i64 = 300;

/// Where the multipart forms are posted (the server's upload guard may check them).
pub const ACT_PATH: &str = "/api/honours/act";
pub const IMPORT_PATH: &str = "/api/honours/import";

/// What is honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HonourKind {
    Household,
    Shop,
    Street,
}

impl HonourKind {
    pub const ALL: &'static [HonourKind] = &[Self::Household, Self::Shop, Self::Street];

    pub fn code(self) -> &'static str {
        match self {
            Self::Household => "household",
            Self::Shop => "shop",
            Self::Street => "street",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Household => strings::KIND_HOUSEHOLD,
            Self::Shop => strings::KIND_SHOP,
            Self::Street => strings::KIND_STREET,
        }
    }

    /// From a spreadsheet cell: the code or the Chinese label (家庭/户/商户/店/街道/街).
    pub fn parse_label(v: &str) -> Option<Self> {
        match v.trim() {
            "家庭" | "户" | "住户" | "household" => Some(Self::Household),
            "商户" | "店" | "店铺" | "shop" => Some(Self::Shop),
            "街道" | "街" | "街巷" | "street" => Some(Self::Street),
            _ => None,
        }
    }
}

/// A title from a spreadsheet cell: the code or the Chinese label.
pub fn parse_title_label(v: &str) -> Option<HonourTitle> {
    let v = v.trim().trim_matches(|c| c == '“' || c == '”' || c == '"');
    HonourTitle::ALL.iter().copied().find(|t| {
        t.label() == v || t.code() == v || (v == "创卫示范街" && *t == HonourTitle::ModelStreet)
    })
}

/// One honour as the public sees it: never the full name, the house number only when the
/// household agreed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicHonour {
    pub id: HonourId,
    pub kind: HonourKind,
    pub title: HonourTitle,
    pub public_name: String,
    pub house_number: Option<String>,
    pub street_name: Option<String>,
    pub status: HonourStatus,
    pub notice_until: Option<Millis>,
    pub awarded_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
    /// In 公示 and the notice period not over: the objection form is shown.
    pub open_for_objection: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicCommunity {
    pub name: String,
    pub honours: Vec<PublicHonour>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicOffice {
    pub name: String,
    pub communities: Vec<PublicCommunity>,
}

/// The public page: grouped by 办事处 and 居委会, with counts per title and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicHonours {
    pub offices: Vec<PublicOffice>,
    /// (title, status, count), only the non-zero cells.
    pub counts: Vec<(HonourTitle, HonourStatus, i64)>,
    pub query: String,
    pub now: Millis,
}

impl PublicHonours {
    pub fn count(&self, title: HonourTitle, status: HonourStatus) -> i64 {
        self.counts
            .iter()
            .find(|(t, s, _)| *t == title && *s == status)
            .map(|c| c.2)
            .unwrap_or(0)
    }
}

/// One event of an honour's history (staff).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HonourEvent {
    pub at: Millis,
    pub actor: Option<String>,
    pub action: String,
    pub from: Option<HonourStatus>,
    pub to: HonourStatus,
    pub note: String,
    pub photo_sha256: Option<String>,
}

/// An honour as staff see it: everything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffHonour {
    pub id: HonourId,
    pub version: i64,
    pub office_id: OfficeId,
    pub office_name: String,
    pub community_id: CommunityId,
    pub community_name: String,
    pub street_id: Option<StreetId>,
    pub street_name: Option<String>,
    pub kind: HonourKind,
    pub title: HonourTitle,
    pub full_name: String,
    pub public_name: String,
    pub house_number: Option<String>,
    pub show_house_number: bool,
    pub status: HonourStatus,
    pub notice_until: Option<Millis>,
    pub awarded_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
    pub revoke_reason: Option<String>,
    pub updated_at: Millis,
    pub events: Vec<HonourEvent>,
}

/// An 异议 as staff see it (with the contact phone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    pub id: i64,
    pub honour_id: HonourId,
    pub office_id: OfficeId,
    pub honour_full_name: String,
    pub honour_public_name: String,
    pub community_name: String,
    pub title: HonourTitle,
    pub content: String,
    pub contact_phone: Option<String>,
    pub created_at: Millis,
    pub handled_at: Option<Millis>,
    pub handled_by: Option<String>,
    pub handled_note: String,
}

/// A 居委会 staff may file honours in, with its streets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityChoice {
    pub id: CommunityId,
    pub name: String,
    pub office_name: String,
    pub streets: Vec<(StreetId, String)>,
}

/// The staff page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffHonours {
    pub honours: Vec<StaffHonour>,
    pub objections: Vec<Objection>,
    pub communities: Vec<CommunityChoice>,
    pub now: Millis,
}

/// One parsed row of an import file (what would be created).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The line in the file (1 = the header).
    pub line: usize,
    pub kind: String,
    pub full_name: String,
    pub public_name: String,
    pub office: String,
    pub community: String,
    pub street: String,
    pub house_number: String,
    pub show_house_number: String,
    pub title: String,
    /// Chinese messages; empty when the row is good.
    pub errors: Vec<String>,
}

/// The preview of an uploaded file. `errors` lists the file-level problems and every row's,
/// each prefixed with its line ("第3行：…").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: i64,
    pub file_name: String,
    pub rows: Vec<ImportRow>,
    pub errors: Vec<String>,
    pub imported_at: Option<Millis>,
}

impl ImportPreview {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty() && !self.rows.is_empty()
    }
}
