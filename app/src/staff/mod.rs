//! 办事处 staff and 区 admin: the office-scoped report queue, and the
//! 数字城管 workflow (受理 → 立案 → 派遣 → 处置 → 核查 → 结案) with per-category 处置时限.
//!
//! Every staff page is server-rendered HTML with plain forms that post to the server functions
//! in `api.rs`; nothing here ships in the resident's wasm.

pub mod api;
pub mod pages;
pub mod strings;
pub mod workflow;

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::{Millis, ReportNo, ReportStatus};
/// The queue and the full report as staff see them (their SQL is the `reports` table's owner's).
pub use crate::reports::triage::{
    Inbox, InboxCounts, InboxKind, InboxSection, QueueFilter, QueuePage, QueueRow, ReportDetail,
    StaffEvent,
};
use serde::{Deserialize, Serialize};

/// Where staff land after logging in, and the login page itself.
pub const STAFF_HOME: &str = "/staff";
pub const LOGIN_PATH: &str = "/staff/login";
/// The queue filter's value for 全部状态 (no value: the open ones).
pub const EVERY_STATUS: &str = "all";
/// Reports per page of the queue.
pub const PAGE_SIZE: usize = 20;

/// The office dashboard for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub office_name: Option<String>,
    pub from: Millis,
    pub until: Millis,
    pub record: crate::reports::record::OfficeRecord,
    /// Open now (待受理, 已立案, 已派遣, 已整改) and overdue now.
    pub open_now: i64,
    pub overdue_now: i64,
}

/// A staff action as posted by the detail page's forms (整改完成 comes with photos through
/// `service::rectify`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActForm {
    #[serde(deserialize_with = "crate::forms::int_field")]
    pub report: i64,
    #[serde(deserialize_with = "crate::forms::int_field")]
    pub version: i64,
    pub action: String,
    #[serde(default)]
    pub note: String,
    /// "1"/"on" when the note may be shown on /track.
    #[serde(default)]
    pub public_note: Option<String>,
    /// 受理立案: the corrected category.
    #[serde(default)]
    pub category: Option<String>,
    /// 标记重复: the original's tracking code or number.
    #[serde(default)]
    pub duplicate_of: Option<String>,
    /// 转办: the receiving office.
    #[serde(default)]
    pub transfer_to: Option<String>,
    /// 派遣: the 居委会 or unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// 派遣: 处置时限 in hours (default: the category's).
    #[serde(default)]
    pub deadline_hours: Option<String>,
}

/// The queue's query string as the page and its filter form give it: every field the raw
/// value ("" = not set). [`QueueFilter::parse`] validates it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    pub office: String,
    pub status: String,
    pub category: String,
    pub community: String,
    pub street: String,
    pub overdue: String,
    pub from: String,
    pub until: String,
    /// The keyset cursor of the next page.
    pub after: String,
    /// 查询码 search.
    pub code: String,
    /// 催办/督办 received, at least this level (1–3).
    pub level: String,
}

impl QueueFilter {
    /// The queue's query string, validated. Dates are whole days in China time; `until` is
    /// inclusive of its day.
    pub fn parse(q: &QueueQuery) -> Result<Self, crate::error::AppError> {
        let QueueQuery {
            office,
            status,
            category,
            community,
            street,
            overdue,
            from,
            until,
            after,
            code,
            level,
        } = q;
        let bad = || crate::error::AppError::bad_request(crate::forms::strings::FORM_BAD);
        let status_code = status.trim();
        let every_status = status_code == EVERY_STATUS;
        let status = match status_code {
            "" | EVERY_STATUS => None,
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
        let code = match code.trim() {
            "" => None,
            c => Some(
                crate::domain::TrackingCode::parse(c)
                    .map_err(|e| crate::error::AppError::bad_request(e.to_string()))?
                    .as_str()
                    .to_string(),
            ),
        };
        Ok(Self {
            office: crate::forms::parse_opt(office)?,
            status,
            every_status,
            category: crate::forms::parse_opt(category)?,
            community: crate::forms::parse_opt(community)?,
            street: crate::forms::parse_opt(street)?,
            overdue_only: crate::forms::flag(overdue),
            from: crate::forms::parse_date(from)?,
            until: crate::forms::parse_date(until)?
                .map(|d| Millis(d.0 + crate::domain::time::DAY_MS)),
            after,
            code,
            due_before: None,
            level: match level.trim() {
                "" => None,
                l => Some(
                    l.parse::<i64>()
                        .ok()
                        .filter(|l| (1..=3).contains(l))
                        .ok_or_else(bad)?,
                ),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_filter_parses_and_refuses_junk() {
        let f = QueueFilter::parse(&QueueQuery {
            status: "dispatched".into(),
            category: "3".into(),
            overdue: "1".into(),
            from: "2026-11-01".into(),
            until: "2026-11-30".into(),
            after: "99_7".into(),
            ..QueueQuery::default()
        })
        .unwrap();
        assert_eq!(f.status, Some(ReportStatus::Dispatched));
        assert_eq!(f.category, Some(crate::domain::CategoryId(3)));
        assert!(f.overdue_only);
        assert_eq!(f.after, Some((99, ReportNo(7))));
        assert_eq!(
            f.until.unwrap().0 - f.from.unwrap().0,
            30 * crate::domain::time::DAY_MS
        );
        let bad = |f: fn(&mut QueueQuery)| {
            let mut q = QueueQuery::default();
            f(&mut q);
            QueueFilter::parse(&q).is_err()
        };
        assert!(bad(|q| q.status = "PENDING".into()));
        assert!(bad(|q| q.category = "1 OR 1=1".into()));
        assert!(bad(|q| q.after = "x".into()));
        assert!(bad(|q| q.from = "2026-02-30".into()));
        assert!(bad(|q| q.code = "ABC".into()));
        assert!(bad(|q| q.code = "' OR 1=1".into()));
        let found = QueueFilter::parse(&QueueQuery {
            code: " abcd-efgh ".into(),
            ..QueueQuery::default()
        })
        .unwrap();
        assert_eq!(found.code.as_deref(), Some("ABCDEFGH"));
        assert!(QueueFilter::parse(&QueueQuery::default()).is_ok());
        let every = QueueFilter::parse(&QueueQuery {
            status: EVERY_STATUS.into(),
            ..QueueQuery::default()
        })
        .unwrap();
        assert!(every.every_status && every.status.is_none());
        assert!(
            !QueueFilter::parse(&QueueQuery::default())
                .unwrap()
                .every_status
        );
    }
}
