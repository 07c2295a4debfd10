//! 办事处 staff and 区 admin: accounts and sessions, the office-scoped report queue, and the
//! 数字城管 workflow (受理 → 立案 → 派遣 → 处置 → 核查 → 结案) with per-category 处置时限.
//!
//! Every staff page is server-rendered HTML with plain forms that post to the server functions
//! in `api.rs`; nothing here ships in the resident's wasm.

pub mod api;
pub mod pages;
pub mod strings;
pub mod workflow;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod forms;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod throttle;

use crate::domain::{
    CategoryId, CommunityId, Millis, OfficeId, ReportNo, ReportStatus, StreetId, UserId,
};
use crate::reports::PhotoRef;
use serde::{Deserialize, Serialize};

/// Where staff land after logging in, and the login page itself.
pub const STAFF_HOME: &str = "/staff";
pub const LOGIN_PATH: &str = "/staff/login";
/// Reports per page of the queue.
pub const PAGE_SIZE: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 区 admin (创卫办): every office, the admin pages.
    Admin,
    /// 办事处 staff: one office.
    Staff,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Staff => "staff",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "admin" => Some(Self::Admin),
            "staff" => Some(Self::Staff),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => strings::ROLE_ADMIN,
            Self::Staff => strings::ROLE_STAFF,
        }
    }
}

/// The signed-in account, as every staff server function sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// `None` for an admin.
    pub office_id: Option<OfficeId>,
    pub office_name: Option<String>,
}

impl StaffUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether this account may see and change a report of `office`.
    pub fn may_act_in(&self, office: OfficeId) -> bool {
        self.is_admin() || self.office_id == Some(office)
    }
}

/// Filters of the queue `/staff`. All optional; the default is every open report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// Admin only: one office (staff always see their own).
    pub office: Option<OfficeId>,
    pub status: Option<ReportStatus>,
    pub category: Option<CategoryId>,
    pub community: Option<CommunityId>,
    pub street: Option<StreetId>,
    pub overdue_only: bool,
    /// Received on or after (inclusive), Unix ms.
    pub from: Option<Millis>,
    /// Received before (exclusive), Unix ms.
    pub until: Option<Millis>,
    /// Keyset cursor: the sort key and id of the last row of the previous page.
    pub after: Option<(i64, ReportNo)>,
}

/// One line of the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub id: ReportNo,
    pub tracking_code: String,
    pub status: ReportStatus,
    pub category_name: String,
    pub category_icon: String,
    pub office_name: String,
    pub place: Option<String>,
    pub received_at: Millis,
    pub deadline_at: Option<Millis>,
    pub thumb: Option<PhotoRef>,
    pub reopen_count: i64,
    /// The queue's sort key (for the next page's cursor).
    pub sort_key: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    /// Cursor of the next page, when there is one.
    pub next: Option<(i64, ReportNo)>,
    /// Reports per status in scope (all of the office, whatever the other filters).
    pub counts: Vec<(ReportStatus, i64)>,
    /// Dispatched and past the deadline, now.
    pub overdue: i64,
    pub now: Millis,
}

/// One event of the full (staff) timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffEvent {
    pub at: Millis,
    pub actor: Option<String>,
    pub action: String,
    pub from: Option<ReportStatus>,
    pub to: ReportStatus,
    pub note: String,
    pub public_note: bool,
}

/// A report as staff see it: everything, including the contact phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDetail {
    pub id: ReportNo,
    pub version: i64,
    pub tracking_code: String,
    pub status: ReportStatus,
    pub office_id: OfficeId,
    pub office_name: String,
    pub category_id: CategoryId,
    pub category_name: String,
    pub category_icon: String,
    pub deadline_hours: i64,
    pub community_id: Option<CommunityId>,
    pub place: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub description: String,
    pub contact_phone: Option<String>,
    pub received_at: Millis,
    pub created_on_device: Millis,
    pub dispatched_to: Option<String>,
    pub deadline_at: Option<Millis>,
    pub duplicate_of: Option<(ReportNo, String)>,
    pub reopen_count: i64,
    pub photos: Vec<PhotoRef>,
    pub events: Vec<StaffEvent>,
    /// Same street and category in the last 7 days (for 标记重复).
    pub duplicate_candidates: Vec<(ReportNo, String, Millis)>,
    pub now: Millis,
}

/// The office dashboard for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub office_name: Option<String>,
    pub from: Millis,
    pub until: Millis,
    pub record: workflow::OfficeRecord,
    /// Open now (待受理, 已立案, 已派遣, 已整改) and overdue now.
    pub open_now: i64,
    pub overdue_now: i64,
}

/// An optional id from a form or query value ("" = none).
pub fn parse_opt<T: std::str::FromStr>(raw: &str) -> Result<Option<T>, crate::error::AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .map(Some)
        .map_err(|_| crate::error::AppError::bad_request(strings::FORM_BAD))
}

/// "2026-11-28" → midnight of that day in China time (UTC+8); "" → None.
pub fn parse_date(raw: &str) -> Result<Option<Millis>, crate::error::AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let bad = || crate::error::AppError::bad_request(strings::BAD_DATE);
    let mut it = raw.splitn(3, '-');
    let (y, m, d) = (
        it.next()
            .and_then(|v| v.parse::<i64>().ok())
            .ok_or_else(bad)?,
        it.next()
            .and_then(|v| v.parse::<u32>().ok())
            .ok_or_else(bad)?,
        it.next()
            .and_then(|v| v.parse::<u32>().ok())
            .ok_or_else(bad)?,
    );
    if !(1970..=2200).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return Err(bad());
    }
    let days = days_from_civil(y, m, d);
    Ok(Some(Millis(
        days * crate::domain::time::DAY_MS - 8 * crate::domain::time::HOUR_MS,
    )))
}

/// "2026-11-28" for a date input's value (China time).
pub fn format_date(at: Millis) -> String {
    let t = at.to_cst();
    format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl QueueFilter {
    /// The queue's query string, validated. Dates are whole days in China time; `until` is
    /// inclusive of its day.
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        office: &str,
        status: &str,
        category: &str,
        community: &str,
        street: &str,
        overdue: &str,
        from: &str,
        until: &str,
        after: &str,
    ) -> Result<Self, crate::error::AppError> {
        let bad = || crate::error::AppError::bad_request(strings::FORM_BAD);
        let status = match status.trim() {
            "" => None,
            code => Some(ReportStatus::parse(code).map_err(|_| bad())?),
        };
        let after = match after.trim() {
            "" => None,
            cursor => {
                let (k, id) = cursor.split_once('_').ok_or_else(bad)?;
                Some((
                    k.parse::<i64>().map_err(|_| bad())?,
                    ReportNo(id.parse::<i64>().map_err(|_| bad())?),
                ))
            }
        };
        Ok(Self {
            office: parse_opt(office)?,
            status,
            category: parse_opt(category)?,
            community: parse_opt(community)?,
            street: parse_opt(street)?,
            overdue_only: matches!(overdue.trim(), "1" | "on" | "true"),
            from: parse_date(from)?,
            until: parse_date(until)?.map(|d| Millis(d.0 + crate::domain::time::DAY_MS)),
            after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_china_midnight() {
        // 2026-11-28 00:00 CST = 2026-11-27 16:00 UTC
        let d = parse_date("2026-11-28").unwrap().unwrap();
        assert_eq!(d.format_datetime(), "2026年11月28日 00:00");
        assert_eq!(format_date(d), "2026-11-28");
        assert_eq!(parse_date("").unwrap(), None);
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026/11/28").is_err());
        assert!(parse_date("'; DROP TABLE reports; --").is_err());
        assert_eq!(
            parse_date("2024-02-29").unwrap().unwrap().format_datetime(),
            "2024年2月29日 00:00"
        );
    }

    #[test]
    fn queue_filter_parses_and_refuses_junk() {
        let f = QueueFilter::parse(
            "",
            "dispatched",
            "3",
            "",
            "",
            "1",
            "2026-11-01",
            "2026-11-30",
            "99_7",
        )
        .unwrap();
        assert_eq!(f.status, Some(ReportStatus::Dispatched));
        assert_eq!(f.category, Some(CategoryId(3)));
        assert!(f.overdue_only);
        assert_eq!(f.after, Some((99, ReportNo(7))));
        assert_eq!(
            f.until.unwrap().0 - f.from.unwrap().0,
            30 * crate::domain::time::DAY_MS
        );
        assert!(QueueFilter::parse("", "PENDING", "", "", "", "", "", "", "").is_err());
        assert!(QueueFilter::parse("", "", "1 OR 1=1", "", "", "", "", "", "").is_err());
        assert!(QueueFilter::parse("", "", "", "", "", "", "", "", "x").is_err());
    }
}
