//! The 示范户 workflow as a pure state machine, and the public name of a household. No I/O.
//!
//! 申报 ─公示→ 公示 (until a date) ─挂牌→ 已挂牌 ─复查→ 复查 ─复查保持→ 已挂牌
//!                 └撤回公示→ 申报 (e.g. an objection upheld)   复查 ─摘牌→ 已摘牌 (reason)

use super::HonourKind;
use super::strings as s;
use crate::domain::{HonourStatus, HonourTitle};
use serde::{Deserialize, Serialize};

/// What staff can do to an honour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HonourAction {
    /// 公示 (with the end date of the notice period)
    Publish,
    /// 撤回公示 (reason required; back to 申报)
    Withdraw,
    /// 挂牌 (date; photo of the plaque optional)
    Award,
    /// 复查
    Reinspect,
    /// 复查保持 (back to 已挂牌)
    Keep,
    /// 摘牌 (reason required)
    Revoke,
}

impl HonourAction {
    pub const ALL: &'static [HonourAction] = &[
        Self::Publish,
        Self::Withdraw,
        Self::Award,
        Self::Reinspect,
        Self::Keep,
        Self::Revoke,
    ];

    /// Stored in `honour_events.action` and used in form fields.
    pub fn code(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::Withdraw => "withdraw",
            Self::Award => "award",
            Self::Reinspect => "reinspect",
            Self::Keep => "keep",
            Self::Revoke => "revoke",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Publish => s::ACT_PUBLISH,
            Self::Withdraw => s::ACT_WITHDRAW,
            Self::Award => s::ACT_AWARD,
            Self::Reinspect => s::ACT_REINSPECT,
            Self::Keep => s::ACT_KEEP,
            Self::Revoke => s::ACT_REVOKE,
        }
    }

    /// A reason is required (it is the event's note).
    pub fn needs_note(self) -> bool {
        matches!(self, Self::Withdraw | Self::Revoke)
    }
}

/// The status `action` leads to from `from`, or `None` when the workflow forbids it.
pub fn next_status(from: HonourStatus, action: HonourAction) -> Option<HonourStatus> {
    use HonourAction as A;
    use HonourStatus as S;
    match (from, action) {
        (S::Nominated, A::Publish) => Some(S::Notice),
        (S::Notice, A::Withdraw) => Some(S::Nominated),
        (S::Notice, A::Award) => Some(S::Awarded),
        (S::Awarded, A::Reinspect) => Some(S::Reinspection),
        (S::Reinspection, A::Keep) => Some(S::Awarded),
        (S::Reinspection, A::Revoke) => Some(S::Revoked),
        _ => None,
    }
}

/// The actions offered for an honour in `status` (the staff page shows exactly these).
pub fn actions(status: HonourStatus) -> Vec<HonourAction> {
    HonourAction::ALL
        .iter()
        .copied()
        .filter(|a| next_status(status, *a).is_some())
        .collect()
}

/// Whether the public sees an honour in this status (申报 is internal until 公示).
pub fn is_public(status: HonourStatus) -> bool {
    !matches!(status, HonourStatus::Nominated)
}

/// Whether `title` can be given to `kind`: 卫生家庭 and 创卫示范户 to households, 文明商户 to
/// shops, 示范街 to streets.
pub fn title_fits(title: HonourTitle, kind: HonourKind) -> bool {
    matches!(
        (title, kind),
        (
            HonourTitle::HygienicFamily | HonourTitle::ModelHousehold,
            HonourKind::Household
        ) | (HonourTitle::CivilizedShop, HonourKind::Shop)
            | (HonourTitle::ModelStreet, HonourKind::Street)
    )
}

/// Two-character surnames (复姓) kept whole in the masked name.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "夏侯", "尉迟", "公孙", "长孙",
    "宇文", "司徒", "端木", "独孤", "南宫", "西门", "轩辕", "呼延", "闻人", "澹台",
];

/// The public name of a household: the surname and "**家" — 王建国 → 王**家, 欧阳明 → 欧阳**家.
/// Nothing of the given name survives, whatever the input looks like.
pub fn mask_household(full_name: &str) -> String {
    let name: String = full_name
        .trim()
        .trim_end_matches('家')
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '*')
        .collect();
    let surname: String = match COMPOUND_SURNAMES.iter().find(|p| name.starts_with(**p)) {
        Some(p) => (*p).to_string(),
        None => name.chars().take(1).collect(),
    };
    format!("{surname}**家")
}

/// The name the public sees: always masked for a household; a shop or street shows the public
/// name staff gave, or its own name.
pub fn public_name(kind: HonourKind, full_name: &str, given: &str) -> String {
    match kind {
        HonourKind::Household => mask_household(full_name),
        HonourKind::Shop | HonourKind::Street => {
            let given = given.trim();
            if given.is_empty() {
                full_name.trim().to_string()
            } else {
                given.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HonourAction as A;
    use HonourStatus as S;

    /// Every state × every action: exactly these cells are allowed.
    #[test]
    fn transition_table() {
        let allowed: &[(S, A, S)] = &[
            (S::Nominated, A::Publish, S::Notice),
            (S::Notice, A::Withdraw, S::Nominated),
            (S::Notice, A::Award, S::Awarded),
            (S::Awarded, A::Reinspect, S::Reinspection),
            (S::Reinspection, A::Keep, S::Awarded),
            (S::Reinspection, A::Revoke, S::Revoked),
        ];
        let mut allowed_cells = 0;
        for from in S::ALL {
            for action in A::ALL {
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
        for (i, a) in A::ALL.iter().enumerate() {
            assert!(!A::ALL[i + 1..].contains(a), "{a:?} twice in the actions");
        }
        // 已摘牌 is final.
        assert!(actions(S::Revoked).is_empty());
        assert_eq!(actions(S::Notice), vec![A::Withdraw, A::Award]);
        assert_eq!(actions(S::Reinspection), vec![A::Keep, A::Revoke]);
    }

    #[test]
    fn reasons_are_required_for_withdraw_and_revoke_only() {
        let need: Vec<_> = A::ALL.iter().filter(|a| a.needs_note()).collect();
        assert_eq!(need, vec![&A::Withdraw, &A::Revoke]);
    }

    #[test]
    fn action_codes_round_trip() {
        for a in A::ALL {
            assert_eq!(HonourAction::parse(a.code()), Some(*a));
        }
        assert_eq!(HonourAction::parse("PUBLISH"), None);
    }

    #[test]
    fn households_are_masked() {
        assert_eq!(mask_household("王建国"), "王**家");
        assert_eq!(mask_household(" 王建国家 "), "王**家");
        assert_eq!(mask_household("李四"), "李**家");
        assert_eq!(mask_household("欧阳明华"), "欧阳**家");
        assert_eq!(mask_household("王"), "王**家");
        assert_eq!(mask_household(""), "**家");
        assert_eq!(mask_household("**建国"), "建**家");
        for full in ["王建国", "张秀英", "司马相如"] {
            let masked = mask_household(full);
            assert!(!masked.contains(full), "{masked}");
            // No character of the given name remains.
            let given: String = full
                .chars()
                .skip(if full.starts_with("司马") { 2 } else { 1 })
                .collect();
            assert!(given.chars().all(|c| !masked.contains(c)), "{masked}");
        }
    }

    #[test]
    fn public_names() {
        assert_eq!(
            public_name(HonourKind::Household, "王建国", "王建国家"),
            "王**家",
            "a household is masked whatever staff typed"
        );
        assert_eq!(
            public_name(HonourKind::Shop, "韩营便民超市", ""),
            "韩营便民超市"
        );
        assert_eq!(
            public_name(HonourKind::Shop, "张三副食店", "韩营副食店"),
            "韩营副食店"
        );
        assert_eq!(public_name(HonourKind::Street, "韩营一巷", ""), "韩营一巷");
    }

    #[test]
    fn titles_fit_kinds() {
        assert!(title_fits(
            HonourTitle::HygienicFamily,
            HonourKind::Household
        ));
        assert!(title_fits(
            HonourTitle::ModelHousehold,
            HonourKind::Household
        ));
        assert!(title_fits(HonourTitle::CivilizedShop, HonourKind::Shop));
        assert!(title_fits(HonourTitle::ModelStreet, HonourKind::Street));
        assert!(!title_fits(HonourTitle::ModelStreet, HonourKind::Household));
        assert!(!title_fits(HonourTitle::CivilizedShop, HonourKind::Street));
    }

    #[test]
    fn nominations_are_not_public() {
        assert!(!is_public(S::Nominated));
        assert!(S::ALL.iter().filter(|s| is_public(**s)).count() == 4);
    }
}
