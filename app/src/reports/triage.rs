//! The queue and the full report as 办事处 staff and the admin see them: what the `reports`
//! table's owner (`db::triage`) reads for the staff pages (the staff area, above).

use super::PhotoRef;
use crate::domain::{CategoryId, CommunityId, Millis, OfficeId, ReportNo, ReportStatus, StreetId};
use serde::{Deserialize, Serialize};

/// The queue filter's value for 全部状态 (no value: the open ones).
pub const EVERY_STATUS: &str = "all";

/// Filters of the queue `/staff`. All optional; the default is every open report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// Admin only: one office (staff always see their own).
    pub office: Option<OfficeId>,
    pub status: Option<ReportStatus>,
    /// 全部状态: no status filter at all (without it and without `status`, the open ones).
    pub every_status: bool,
    pub category: Option<CategoryId>,
    pub community: Option<CommunityId>,
    pub street: Option<StreetId>,
    /// 单元网格.
    pub grid: Option<crate::domain::GridId>,
    pub overdue_only: bool,
    /// Received on or after (inclusive), Unix ms.
    pub from: Option<Millis>,
    /// Received before (exclusive), Unix ms.
    pub until: Option<Millis>,
    /// Keyset cursor: the sort key and id of the last row of the previous page.
    pub after: Option<(i64, ReportNo)>,
    /// 查询码 (as a resident reads it out on the phone): that report, in whatever status.
    pub code: Option<String>,
    /// Dispatched and due from now until this time, not yet overdue (the inbox's 即将到期;
    /// not a query-string filter).
    pub due_before: Option<Millis>,
    /// 催办/督办 received: dispatched and escalated to at least this level (1 催办, 2 督办,
    /// 3 提级), in deadline order.
    pub level: Option<i64>,
}

/// What needs a staff member now (the inbox `/staff/inbox`), most urgent first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub sections: Vec<InboxSection>,
    pub now: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxSection {
    pub kind: InboxKind,
    /// How many there are in all (the rows are the first few).
    pub count: i64,
    pub rows: Vec<QueueRow>,
}

/// The inbox's sections, in order of urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InboxKind {
    /// 催办/督办 received: dispatched and escalated (by the rules or a supervisor).
    Pressed,
    /// 已超期: dispatched and past the deadline.
    Overdue,
    /// 24小时内到期.
    DueSoon,
    /// 待受理: new reports.
    New,
    /// 待核查: rectified, waiting for the office to check and close.
    ToCheck,
}

impl InboxKind {
    pub const ALL: [InboxKind; 5] = [
        Self::Pressed,
        Self::Overdue,
        Self::DueSoon,
        Self::New,
        Self::ToCheck,
    ];
}

/// The inbox's counts, for the navigation of every staff page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxCounts {
    pub overdue: i64,
    pub due_soon: i64,
    pub new: i64,
    pub to_check: i64,
    /// 催办/督办 received (also overdue, mostly: not added to the total).
    pub pressed: i64,
}

impl InboxCounts {
    pub fn total(&self) -> i64 {
        self.overdue + self.due_soon + self.new + self.to_check
    }

    /// Whether the navigation's count shows as urgent.
    pub fn urgent(&self) -> bool {
        self.overdue > 0 || self.pressed > 0
    }
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
    /// 0, or 1 催办, 2 督办, 3 提级 (while dispatched).
    pub escalation_level: i64,
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
    /// The Open311 client that sent it (its key's name, filled by the staff area from
    /// `open311::db::key_name`); None: a resident, in the app.
    pub source: Option<String>,
    /// The key of the Open311 client that sent it.
    #[serde(default)]
    pub api_key_id: Option<i64>,
    /// What an Open311 client said of its sender (staff only), and its photo link.
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub media_url: Option<String>,
    pub received_at: Millis,
    pub created_on_device: Millis,
    pub dispatched_to: Option<String>,
    pub deadline_at: Option<Millis>,
    pub duplicate_of: Option<(ReportNo, String)>,
    pub reopen_count: i64,
    /// 0, or 1 催办, 2 督办, 3 提级 (while dispatched), and 退回 since the last 派遣.
    pub escalation_level: i64,
    pub send_back_count: i64,
    pub photos: Vec<PhotoRef>,
    pub events: Vec<StaffEvent>,
    /// The 单元网格 that holds its point, and the grid's code, name and office (filled by the
    /// staff area from `areas::db::grids::label`).
    #[serde(default)]
    pub grid_id: Option<crate::domain::GridId>,
    #[serde(default)]
    pub grid: Option<crate::areas::GridLabel>,
    /// Same street and category in the last 7 days (for 标记重复).
    pub duplicate_candidates: Vec<(ReportNo, String, Millis)>,
    pub now: Millis,
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
    /// 单元网格 (its id).
    pub grid: String,
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
            grid,
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
            grid: crate::forms::parse_opt(grid)?,
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
