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

use crate::domain::Millis;
/// The queue and the full report as staff see them (their SQL is the `reports` table's owner's).
pub use crate::reports::triage::{
    EVERY_STATUS, Inbox, InboxCounts, InboxKind, InboxSection, QueueFilter, QueuePage, QueueQuery,
    QueueRow, ReportDetail, StaffEvent,
};
use serde::{Deserialize, Serialize};

/// Where staff land after logging in, and the login page itself.
pub use crate::shell::{LOGIN_PATH, STAFF_HOME};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ReportNo, ReportStatus};

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
