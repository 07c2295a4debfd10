//! The finding's workflow as a pure state machine, with who may take each step. No I/O: the
//! table is tested here cell by cell (every state × every action × every actor).
//!
//! 整改中 ─整改完成 (office, after-photos)→ 待复查 ─复查通过 (supervisor)→ 已通过
//!                                          └─复查不通过 (supervisor, new deadline)→ 整改中 (返工 +1)
//! The supervisor may also 调整时限, 催办 or 改派 (to the office truly responsible, reason
//! required) while it is 整改中, and 撤销 a finding recorded in error (reason required). The office can never close, pass or withdraw its own finding.

use super::strings as s;
use serde::{Deserialize, Serialize};

/// Where a finding stands. Stored as the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// 整改中: the office's deadline runs.
    Open,
    /// 待复查: the office says it is done; the supervisor checks again.
    Rectified,
    /// 已通过: the re-check passed. Final.
    Passed,
    /// 已撤销: recorded in error. Final.
    Withdrawn,
}

impl FindingStatus {
    pub const ALL: &'static [Self] = &[Self::Open, Self::Rectified, Self::Passed, Self::Withdrawn];

    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Rectified => "rectified",
            Self::Passed => "passed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => s::STATUS_OPEN,
            Self::Rectified => s::STATUS_RECTIFIED,
            Self::Passed => s::STATUS_PASSED,
            Self::Withdrawn => s::STATUS_WITHDRAWN,
        }
    }

    /// Still the office's or the supervisor's work.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::Rectified)
    }
}

/// A step of a finding. Stored in `finding_events.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingAction {
    /// Recorded in the alley (the first event).
    Record,
    /// 整改完成 (the office; after-photos required)
    Rectify,
    /// 复查通过 (the supervisor)
    Pass,
    /// 复查不通过 (the supervisor; a new deadline and the reason): one 返工
    Fail,
    /// 调整时限 (the supervisor)
    SetDeadline,
    /// 催办 (the supervisor, once the deadline has passed)
    Press,
    /// 撤销 (the supervisor; reason required)
    Withdraw,
    /// 改派 (the supervisor; another office and the reason): the office now responsible
    Reassign,
}

impl FindingAction {
    pub const ALL: &'static [Self] = &[
        Self::Record,
        Self::Rectify,
        Self::Pass,
        Self::Fail,
        Self::SetDeadline,
        Self::Press,
        Self::Withdraw,
        Self::Reassign,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Record => "record",
            Self::Rectify => "rectify",
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::SetDeadline => "set_deadline",
            Self::Press => "press",
            Self::Withdraw => "withdraw",
            Self::Reassign => "reassign",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Record => s::ACT_RECORD,
            Self::Rectify => s::ACT_RECTIFY,
            Self::Pass => s::ACT_PASS,
            Self::Fail => s::ACT_FAIL,
            Self::SetDeadline => s::ACT_SET_DEADLINE,
            Self::Press => s::ACT_PRESS,
            Self::Withdraw => s::ACT_WITHDRAW,
            Self::Reassign => s::ACT_REASSIGN,
        }
    }

    /// A note is required (the reason).
    pub fn needs_note(self) -> bool {
        matches!(self, Self::Fail | Self::Withdraw | Self::Reassign)
    }

    /// A new deadline is required.
    pub fn needs_deadline(self) -> bool {
        matches!(self, Self::Fail | Self::SetDeadline)
    }
}

/// Who is acting on a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// Staff of the office the finding was sent to.
    ResponsibleOffice,
    /// Staff of any other office.
    OtherOffice,
    /// The 督导组.
    Supervisor,
    /// The district admin: sees everything, changes nothing here.
    Admin,
}

impl Actor {
    /// Whether this actor may see the finding at all.
    pub fn may_see(self) -> bool {
        !matches!(self, Self::OtherOffice)
    }
}

/// The status `action` by `actor` leads to from `from`, or `None` when it is not allowed.
/// `overdue`: the finding's deadline has passed (催办 needs it).
pub fn next(
    actor: Actor,
    from: FindingStatus,
    action: FindingAction,
    overdue: bool,
) -> Option<FindingStatus> {
    use FindingAction as A;
    use FindingStatus as S;
    match (actor, from, action) {
        (Actor::ResponsibleOffice, S::Open, A::Rectify) => Some(S::Rectified),
        (Actor::Supervisor, S::Rectified, A::Pass) => Some(S::Passed),
        (Actor::Supervisor, S::Rectified, A::Fail) => Some(S::Open),
        (Actor::Supervisor, S::Open, A::SetDeadline) => Some(S::Open),
        (Actor::Supervisor, S::Open, A::Press) if overdue => Some(S::Open),
        (Actor::Supervisor, S::Open, A::Reassign) => Some(S::Open),
        (Actor::Supervisor, S::Open | S::Rectified, A::Withdraw) => Some(S::Withdrawn),
        _ => None,
    }
}

/// Whether `actor` takes `action` in any state at all (otherwise asking is forbidden, not
/// merely untimely).
pub fn may_ever(actor: Actor, action: FindingAction) -> bool {
    FindingStatus::ALL.iter().any(|&from| {
        [false, true]
            .iter()
            .any(|&o| next(actor, from, action, o).is_some())
    })
}

/// The actions `actor` can take now (what the page offers).
pub fn available(actor: Actor, from: FindingStatus, overdue: bool) -> Vec<FindingAction> {
    FindingAction::ALL
        .iter()
        .copied()
        .filter(|&a| next(actor, from, a, overdue).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use FindingAction as A;
    use FindingStatus as S;

    const ACTORS: [Actor; 4] = [
        Actor::ResponsibleOffice,
        Actor::OtherOffice,
        Actor::Supervisor,
        Actor::Admin,
    ];

    /// Every (actor, state, action, overdue) cell: the allowed ones listed, all others refused.
    #[test]
    fn every_cell_of_the_table() {
        let allowed = [
            (
                Actor::ResponsibleOffice,
                S::Open,
                A::Rectify,
                false,
                S::Rectified,
            ),
            (
                Actor::ResponsibleOffice,
                S::Open,
                A::Rectify,
                true,
                S::Rectified,
            ),
            (Actor::Supervisor, S::Rectified, A::Pass, false, S::Passed),
            (Actor::Supervisor, S::Rectified, A::Pass, true, S::Passed),
            (Actor::Supervisor, S::Rectified, A::Fail, false, S::Open),
            (Actor::Supervisor, S::Rectified, A::Fail, true, S::Open),
            (Actor::Supervisor, S::Open, A::SetDeadline, false, S::Open),
            (Actor::Supervisor, S::Open, A::SetDeadline, true, S::Open),
            (Actor::Supervisor, S::Open, A::Press, true, S::Open),
            (Actor::Supervisor, S::Open, A::Reassign, false, S::Open),
            (Actor::Supervisor, S::Open, A::Reassign, true, S::Open),
            (Actor::Supervisor, S::Open, A::Withdraw, false, S::Withdrawn),
            (Actor::Supervisor, S::Open, A::Withdraw, true, S::Withdrawn),
            (
                Actor::Supervisor,
                S::Rectified,
                A::Withdraw,
                false,
                S::Withdrawn,
            ),
            (
                Actor::Supervisor,
                S::Rectified,
                A::Withdraw,
                true,
                S::Withdrawn,
            ),
        ];
        let mut cells = 0;
        for actor in ACTORS {
            for &from in S::ALL {
                for &action in A::ALL {
                    for overdue in [false, true] {
                        cells += 1;
                        let expected = allowed
                            .iter()
                            .find(|c| (c.0, c.1, c.2, c.3) == (actor, from, action, overdue))
                            .map(|c| c.4);
                        assert_eq!(
                            next(actor, from, action, overdue),
                            expected,
                            "{actor:?} {from:?} {action:?} overdue={overdue}"
                        );
                    }
                }
            }
        }
        assert_eq!(cells, 4 * 4 * 8 * 2);
    }

    #[test]
    fn the_office_can_never_close_its_own_finding() {
        for &from in S::ALL {
            for overdue in [false, true] {
                let can = available(Actor::ResponsibleOffice, from, overdue);
                assert!(can.iter().all(|a| *a == A::Rectify), "{from:?}: {can:?}");
                assert!(available(Actor::OtherOffice, from, overdue).is_empty());
                assert!(available(Actor::Admin, from, overdue).is_empty());
            }
        }
        assert!(!Actor::OtherOffice.may_see());
        assert!(Actor::Admin.may_see() && Actor::ResponsibleOffice.may_see());
    }

    #[test]
    fn who_may_ever_take_a_step() {
        assert!(may_ever(Actor::ResponsibleOffice, A::Rectify));
        for a in [
            A::Pass,
            A::Fail,
            A::SetDeadline,
            A::Press,
            A::Withdraw,
            A::Reassign,
        ] {
            assert!(may_ever(Actor::Supervisor, a));
            assert!(!may_ever(Actor::ResponsibleOffice, a));
            assert!(!may_ever(Actor::Admin, a));
        }
        assert!(!may_ever(Actor::Supervisor, A::Rectify));
        for &a in A::ALL {
            assert!(!may_ever(Actor::OtherOffice, a));
            assert!(!may_ever(Actor::Admin, a));
        }
        assert!(!may_ever(Actor::Supervisor, A::Record));
    }

    #[test]
    fn final_states_take_no_step() {
        for actor in ACTORS {
            for from in [S::Passed, S::Withdrawn] {
                assert!(available(actor, from, true).is_empty());
                assert!(!from.is_open());
            }
        }
    }

    #[test]
    fn codes_round_trip_and_labels_are_distinct() {
        for &st in S::ALL {
            assert_eq!(S::parse(st.code()), Some(st));
        }
        for &a in A::ALL {
            assert_eq!(A::parse(a.code()), Some(a));
        }
        let labels: std::collections::HashSet<_> = A::ALL.iter().map(|a| a.label()).collect();
        assert_eq!(labels.len(), A::ALL.len());
        assert!(S::parse("OPEN").is_none());
        assert!(A::Fail.needs_note() && A::Fail.needs_deadline());
        assert!(!A::Pass.needs_note() && !A::Rectify.needs_deadline());
    }
}
