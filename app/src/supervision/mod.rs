//! 督导: the district supervisors' inspection rounds (督导 openly, 暗访 unannounced) and their
//! findings, each sent to the responsible office as a 整改通知 with a deadline, rectified by
//! the office with after-photos and re-checked (复查) by the supervisor.
//!
//! Findings are recorded on the supervisor's phone with the resident's own form and device
//! queue (the same exactly-once sync, the same photo shrinking): a submission from a signed-in
//! supervisor is stored here, in the round that supervisor had open, never among residents'
//! reports — so residents' figures (/stats, the dashboard) stay the residents'.
//!
//! Files: `workflow.rs` (the pure state machine and who may act), `db.rs` (all SQL of
//! `inspection_rounds`, `round_places`, `findings`, `finding_photos`, `finding_events`),
//! `service.rs` (checks and steps), `api.rs` (thin server functions), `pages/`.

pub mod api;
pub mod bulletin;
pub mod escalation;
pub mod pages;
pub mod strings;
pub mod workflow;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod synthetic;

use crate::domain::{CommunityId, FindingId, Millis, OfficeId, RoundId, StreetId};
use crate::reports::PhotoRef;
use serde::{Deserialize, Serialize};
pub use workflow::{FindingAction, FindingStatus};

/// The supervisor's start page, and where 整改通知 are listed (the office's, or every
/// office's for the supervisor and admin).
pub use crate::shell::{FINDINGS_HOME, SUPERVISOR_HOME};
/// Where 整改完成 with after-photos (multipart) is posted.
pub const RECTIFY_PATH: &str = "/api/findings/rectify";
/// Where a new round (multipart: its many place checkboxes) is posted.
pub const START_ROUND_PATH: &str = "/api/dudao/start_round";
/// Residents' reports past their deadline, for the supervisor to press (催办).
pub use crate::shell::OVERDUE_REPORTS_PATH;
/// Rows a page of overdue reports shows (keyset pages beyond).
pub const OVERDUE_REPORT_ROWS: usize = 50;
/// Rows a findings list shows at most (newest deadline first beyond it: filter to see more).
pub const LIST_ROWS: i64 = 200;

/// 督导 (announced) or 暗访 (unannounced).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundKind {
    Open,
    Covert,
}

impl RoundKind {
    pub const ALL: [Self; 2] = [Self::Open, Self::Covert];

    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Covert => "covert",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => strings::KIND_OPEN,
            Self::Covert => strings::KIND_COVERT,
        }
    }
}

/// A round as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundSummary {
    pub id: RoundId,
    pub kind: RoundKind,
    /// China-time day number.
    pub held_on: i64,
    pub points_checked: i64,
    pub note: String,
    pub supervisor: String,
    pub started_at: Millis,
    pub ended_at: Option<Millis>,
    pub findings: i64,
    /// "韩营社区", "韩营社区 · 韩营一巷", …
    pub places: Vec<String>,
}

impl RoundSummary {
    pub fn is_open(&self) -> bool {
        self.ended_at.is_none()
    }

    pub fn held_on_text(&self) -> String {
        Millis::from_cst_day(self.held_on).format_date()
    }
}

/// A finding in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    pub id: FindingId,
    pub code: String,
    pub round_id: RoundId,
    pub round_kind: RoundKind,
    pub category: String,
    pub office: String,
    pub place: Option<String>,
    pub description: String,
    pub status: FindingStatus,
    pub deadline_at: Millis,
    pub received_at: Millis,
    pub rework_count: i64,
    pub press_count: i64,
    /// 0, or 1 催办, 2 督办, 3 提级 (`escalation`).
    pub escalation_level: i64,
}

impl FindingRow {
    pub fn overdue(&self, now: Millis) -> bool {
        self.status == FindingStatus::Open && self.deadline_at < now
    }
}

/// One step of a finding, as its page lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingEventView {
    /// A [`FindingAction`]'s code, or an escalation's (`auto_press`, `supervise`, `escalate`).
    pub action: String,
    /// Its word.
    pub label: String,
    /// Who (the escalation rules: 系统).
    pub actor: String,
    pub at: Millis,
    pub note: String,
    pub deadline_at: Option<Millis>,
}

/// A finding's page: everything, and what the viewer may do with it now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingDetail {
    pub row: FindingRow,
    pub office_id: OfficeId,
    pub round_held_on: i64,
    pub version: i64,
    pub location: Option<(f64, f64)>,
    pub late_count: i64,
    pub photos: Vec<PhotoRef>,
    pub events: Vec<FindingEventView>,
    /// What the signed-in viewer can do now (the page offers these forms only).
    pub actions: Vec<FindingAction>,
    /// The offices it may be reassigned to (改派), when the viewer may.
    pub offices: Vec<(OfficeId, String)>,
    pub now: Millis,
}

/// A round's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundDetail {
    pub round: RoundSummary,
    pub findings: Vec<FindingRow>,
    /// Whether the viewer is the supervisor who can record into it and end it.
    pub mine: bool,
    pub now: Millis,
}

/// A community with its streets, for the coverage of a new round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceChoice {
    pub office: String,
    pub community_id: CommunityId,
    pub community: String,
    pub streets: Vec<(StreetId, String)>,
}

/// The supervisor's start page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupervisorHome {
    /// The viewer's round that is open now, if any.
    pub open: Option<RoundSummary>,
    pub rounds: Vec<RoundSummary>,
    pub places: Vec<PlaceChoice>,
    pub today: String,
    /// Open findings past their deadline, district-wide.
    pub overdue: i64,
}

/// A findings list: the rows, and the counts per status of its scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingList {
    pub rows: Vec<FindingRow>,
    pub open: i64,
    pub rectified: i64,
    pub overdue: i64,
    /// Open findings at 催办, 督办, 提级.
    pub escalated: (i64, i64, i64),
    pub offices: Vec<(OfficeId, String)>,
    pub now: Millis,
}

/// `/dudao/reports`: residents' reports past their deadline (or already escalated), district
/// wide or one office's, in deadline order, for the supervisor's 催办 by hand. The rows are
/// the staff queue's without the 查询码 (the resident's key) and without contact details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueReports {
    pub rows: Vec<crate::reports::triage::QueueRow>,
    /// Cursor of the next page.
    pub next: Option<(i64, crate::domain::ReportNo)>,
    /// Overdue now in scope, and dispatched at 催办, 督办, 提级.
    pub overdue: i64,
    pub levels: [i64; 3],
    pub offices: Vec<(OfficeId, String)>,
    pub now: Millis,
}
