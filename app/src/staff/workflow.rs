//! The 数字城管 workflow as a pure state machine, and the deadline arithmetic. No I/O: the
//! transition table and the overdue rules are tested here cell by cell.
//!
//! 待受理 ─受理立案→ 已立案 ─派遣→ 已派遣 ─整改完成→ 已整改 ─核查结案→ 已结案
//! side exits: 不予受理 (reason), 标记重复 (link), 转办 (another office, back to 待受理 there);
//! 退回 sends 已整改 back to 已派遣; 重新打开 (staff) or 仍未解决 (the resident) bring a finished
//! report back to 已立案.

use super::strings as s;
use crate::domain::{Millis, ReportStatus};
use serde::{Deserialize, Serialize};

/// What staff (or the resident holding the code) can do to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 受理立案 (may correct the category)
    Accept,
    /// 不予受理 (reason required)
    Reject,
    /// 标记重复 (link to another report of the office)
    MarkDuplicate,
    /// 转办 (to another office; leaves this queue)
    Transfer,
    /// 派遣 (to a 居委会 or named unit, with a deadline)
    Dispatch,
    /// 整改完成 (after-photo required)
    Rectify,
    /// 核查结案
    Close,
    /// 退回 (rectification not accepted: back to dispatched)
    SendBack,
    /// 重新打开 (staff)
    Reopen,
    /// 回访 不满意 (the resident, once closed): reopens it, counts against the office
    ResidentReopen,
    /// 回访 满意 (no change of status)
    ResidentSatisfied,
    /// 回访 基本满意 (no change of status)
    ResidentBasic,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Self::Accept,
        Self::Reject,
        Self::MarkDuplicate,
        Self::Transfer,
        Self::Dispatch,
        Self::Rectify,
        Self::Close,
        Self::SendBack,
        Self::Reopen,
        Self::ResidentReopen,
        Self::ResidentSatisfied,
        Self::ResidentBasic,
    ];

    /// Stored in `report_events.action` and used in form fields.
    pub fn code(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::MarkDuplicate => "duplicate",
            Self::Transfer => "transfer",
            Self::Dispatch => "dispatch",
            Self::Rectify => "rectify",
            Self::Close => "close",
            Self::SendBack => "send_back",
            Self::Reopen => "reopen",
            Self::ResidentReopen => "resident_reopen",
            Self::ResidentSatisfied => "resident_satisfied",
            Self::ResidentBasic => "resident_basic",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Accept => s::ACT_ACCEPT,
            Self::Reject => s::ACT_REJECT,
            Self::MarkDuplicate => s::ACT_DUPLICATE,
            Self::Transfer => s::ACT_TRANSFER,
            Self::Dispatch => s::ACT_DISPATCH,
            Self::Rectify => s::ACT_RECTIFY,
            Self::Close => s::ACT_CLOSE,
            Self::SendBack => s::ACT_SEND_BACK,
            Self::Reopen => s::ACT_REOPEN,
            Self::ResidentReopen => s::ACT_RESIDENT_REOPEN,
            Self::ResidentSatisfied => s::ACT_RESIDENT_SATISFIED,
            Self::ResidentBasic => s::ACT_RESIDENT_BASIC,
        }
    }

    /// Only the resident holding the tracking code takes these.
    pub fn by_resident(self) -> bool {
        matches!(
            self,
            Self::ResidentReopen | Self::ResidentSatisfied | Self::ResidentBasic
        )
    }

    /// A note is required (the reason of a refusal, a send-back or a reopen).
    pub fn needs_note(self) -> bool {
        matches!(self, Self::Reject | Self::SendBack | Self::Reopen)
    }
}

/// The status `action` leads to from `from`, or `None` when the workflow forbids it.
/// (A transfer leaves the report 待受理 in the other office.)
pub fn next_status(from: ReportStatus, action: Action) -> Option<ReportStatus> {
    use Action as A;
    use ReportStatus as S;
    match (from, action) {
        (S::Pending, A::Accept) => Some(S::Accepted),
        (S::Pending, A::Reject) => Some(S::Rejected),
        (S::Pending | S::Accepted, A::MarkDuplicate) => Some(S::Duplicate),
        (S::Pending | S::Accepted, A::Transfer) => Some(S::Pending),
        (S::Accepted, A::Dispatch) => Some(S::Dispatched),
        (S::Dispatched, A::Rectify) => Some(S::Rectified),
        (S::Rectified, A::Close) => Some(S::Closed),
        (S::Rectified, A::SendBack) => Some(S::Dispatched),
        (S::Closed | S::Rejected | S::Duplicate, A::Reopen) => Some(S::Accepted),
        (S::Closed, A::ResidentReopen) => Some(S::Accepted),
        (S::Closed, A::ResidentSatisfied | A::ResidentBasic) => Some(S::Closed),
        _ => None,
    }
}

/// The staff actions offered for a report in `status` (the detail page shows exactly these).
pub fn staff_actions(status: ReportStatus) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| !a.by_resident() && next_status(status, *a).is_some())
        .collect()
}

/// Overdue (超期): dispatched and past the deadline without 整改完成.
pub fn is_overdue(status: ReportStatus, deadline: Option<Millis>, now: Millis) -> bool {
    status.deadline_running() && deadline.is_some_and(|d| now > d)
}

/// How long past its deadline a report is (while its deadline runs) or was when its work was
/// done (整改, else 结案); None when it has no deadline or kept it.
pub fn overdue_by(
    status: ReportStatus,
    deadline: Option<Millis>,
    rectified: Option<Millis>,
    closed: Option<Millis>,
    now: Millis,
) -> Option<i64> {
    let deadline = deadline?;
    let end = if status.deadline_running() {
        now
    } else {
        rectified.or(closed)?
    };
    (end.0 > deadline.0).then(|| end.0 - deadline.0)
}

pub use crate::shell::{format_time_left, time_left};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::HOUR_MS;
    use ReportStatus as S;

    /// Every state × every action: exactly these cells are allowed.
    #[test]
    fn transition_table() {
        use Action as A;
        let allowed: &[(S, A, S)] = &[
            (S::Pending, A::Accept, S::Accepted),
            (S::Pending, A::Reject, S::Rejected),
            (S::Pending, A::MarkDuplicate, S::Duplicate),
            (S::Pending, A::Transfer, S::Pending),
            (S::Accepted, A::MarkDuplicate, S::Duplicate),
            (S::Accepted, A::Transfer, S::Pending),
            (S::Accepted, A::Dispatch, S::Dispatched),
            (S::Dispatched, A::Rectify, S::Rectified),
            (S::Rectified, A::Close, S::Closed),
            (S::Rectified, A::SendBack, S::Dispatched),
            (S::Closed, A::Reopen, S::Accepted),
            (S::Rejected, A::Reopen, S::Accepted),
            (S::Duplicate, A::Reopen, S::Accepted),
            (S::Closed, A::ResidentReopen, S::Accepted),
            (S::Closed, A::ResidentSatisfied, S::Closed),
            (S::Closed, A::ResidentBasic, S::Closed),
        ];
        let mut allowed_cells = 0;
        for from in S::ALL {
            for action in Action::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| f == from && a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    next_status(*from, *action),
                    expected,
                    "{from:?} × {action:?}"
                );
                allowed_cells += usize::from(expected.is_some());
            }
        }
        // Every listed cell was met in the grid exactly once: a cell listed twice, or one whose
        // state or action is missing from ALL, fails here; and ALL holds each one once.
        assert_eq!(allowed_cells, allowed.len(), "a cell listed twice");
        for (i, s) in S::ALL.iter().enumerate() {
            assert!(!S::ALL[i + 1..].contains(s), "{s:?} twice in S::ALL");
        }
        for (i, a) in Action::ALL.iter().enumerate() {
            assert!(
                !Action::ALL[i + 1..].contains(a),
                "{a:?} twice in the actions"
            );
        }
        // 转办 never leaves a report in the 转办 state; it goes to the other office's queue.
        assert!(Action::ALL.iter().all(|a| {
            S::ALL
                .iter()
                .all(|f| next_status(*f, *a) != Some(S::Transferred))
        }));
    }

    #[test]
    fn staff_are_offered_only_valid_staff_actions() {
        assert_eq!(
            staff_actions(S::Pending),
            vec![
                Action::Accept,
                Action::Reject,
                Action::MarkDuplicate,
                Action::Transfer
            ]
        );
        assert_eq!(
            staff_actions(S::Closed),
            vec![Action::Reopen],
            "the resident's answers are not staff actions"
        );
        assert_eq!(staff_actions(S::Transferred), vec![]);
    }

    #[test]
    fn codes_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.code()), Some(*a));
        }
        assert_eq!(Action::parse("ACCEPT"), None);
    }

    #[test]
    fn overdue_only_while_dispatched_and_past_the_deadline() {
        let deadline = Millis(10 * HOUR_MS);
        let before = Millis(9 * HOUR_MS);
        let after = Millis(10 * HOUR_MS + 1);
        assert!(!is_overdue(S::Dispatched, Some(deadline), before));
        assert!(
            !is_overdue(S::Dispatched, Some(deadline), deadline),
            "at the deadline: on time"
        );
        assert!(is_overdue(S::Dispatched, Some(deadline), after));
        assert!(
            !is_overdue(S::Rectified, Some(deadline), after),
            "整改完成 stops the clock"
        );
        assert!(!is_overdue(S::Accepted, None, after));
        assert!(!is_overdue(S::Dispatched, None, after));
        assert_eq!(time_left(deadline, before), HOUR_MS);
        assert_eq!(time_left(deadline, after), -1);
    }

    #[test]
    fn overdue_by_counts_to_now_while_running_else_to_the_work_done() {
        let d = Some(Millis(10 * HOUR_MS));
        let now = Millis(13 * HOUR_MS);
        assert_eq!(
            overdue_by(S::Dispatched, d, None, None, now),
            Some(3 * HOUR_MS)
        );
        assert_eq!(
            overdue_by(S::Dispatched, d, None, None, Millis(9 * HOUR_MS)),
            None
        );
        let late = Some(Millis(11 * HOUR_MS));
        let closed = Some(Millis(12 * HOUR_MS));
        assert_eq!(overdue_by(S::Rectified, d, late, None, now), Some(HOUR_MS));
        assert_eq!(overdue_by(S::Closed, d, late, closed, now), Some(HOUR_MS));
        assert_eq!(
            overdue_by(S::Closed, d, Some(Millis(9 * HOUR_MS)), closed, now),
            None,
            "rectified in time, closed later: on time"
        );
        assert_eq!(
            overdue_by(S::Closed, d, None, closed, now),
            Some(2 * HOUR_MS)
        );
        assert_eq!(overdue_by(S::Rejected, None, None, closed, now), None);
        assert_eq!(overdue_by(S::Accepted, None, None, None, now), None);
    }

    #[test]
    fn deadline_is_dispatch_plus_the_category_hours() {
        let dispatched = Millis(1_764_000_000_000);
        assert_eq!(dispatched.plus_hours(4).0 - dispatched.0, 4 * HOUR_MS);
    }

    #[test]
    fn time_left_reads_in_chinese() {
        assert_eq!(
            format_time_left(3 * HOUR_MS + 20 * 60_000),
            "剩余 3小时20分"
        );
        assert_eq!(format_time_left(-(26 * HOUR_MS)), "超期 1天2小时");
        assert_eq!(format_time_left(30_000), "剩余 不足1分钟");
        assert_eq!(format_time_left(5 * 60_000), "剩余 5分钟");
    }
}
