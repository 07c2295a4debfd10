//! Workflow states. Stored in the database as stable ASCII codes; shown by their Chinese label.

use super::strings as s;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{prefix}: {code}", prefix = s::UNKNOWN_CODE, code = .0)]
pub struct UnknownCode(pub &'static str);

macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal => $label:expr),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable code stored in the database and used in URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            pub fn parse(code: &str) -> Result<Self, UnknownCode> {
                match code { $($code => Ok($name::$variant),)* _ => Err(UnknownCode(stringify!($name))) }
            }

            /// The zh-CN label shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }
        }
    };
}

coded_enum!(
    /// 数字城管-style report workflow: 待受理 → 已立案 → 已派遣 → 已整改 → 已结案,
    /// with the side exits 不予受理, 重复 and 转办.
    ReportStatus {
        Pending = "pending" => s::STATUS_PENDING,
        Accepted = "accepted" => s::STATUS_ACCEPTED,
        Dispatched = "dispatched" => s::STATUS_DISPATCHED,
        Rectified = "rectified" => s::STATUS_RECTIFIED,
        Closed = "closed" => s::STATUS_CLOSED,
        Rejected = "rejected" => s::STATUS_REJECTED,
        Duplicate = "duplicate" => s::STATUS_DUPLICATE,
        Transferred = "transferred" => s::STATUS_TRANSFERRED,
    }
);

impl ReportStatus {
    /// Still on somebody's desk.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Pending | Self::Accepted | Self::Dispatched | Self::Rectified
        )
    }

    /// The deadline clock runs only while the work is dispatched and not yet done.
    pub fn deadline_running(self) -> bool {
        matches!(self, Self::Dispatched)
    }
}

coded_enum!(
    /// 示范户 status: 申报 → 公示 → 已挂牌 → 复查 → (保持 = back to 已挂牌) or 已摘牌.
    HonourStatus {
        Nominated = "nominated" => s::HONOUR_NOMINATED,
        Notice = "notice" => s::HONOUR_NOTICE,
        Awarded = "awarded" => s::HONOUR_AWARDED,
        Reinspection = "reinspection" => s::HONOUR_REINSPECTION,
        Revoked = "revoked" => s::HONOUR_REVOKED,
    }
);

coded_enum!(
    /// The titles of the campaign's 评选.
    HonourTitle {
        HygienicFamily = "hygienic_family" => s::TITLE_HYGIENIC_FAMILY,
        ModelHousehold = "model_household" => s::TITLE_MODEL_HOUSEHOLD,
        CivilizedShop = "civilized_shop" => s::TITLE_CIVILIZED_SHOP,
        ModelStreet = "model_street" => s::TITLE_MODEL_STREET,
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for st in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(st.code()), Ok(*st));
        }
        for st in HonourStatus::ALL {
            assert_eq!(HonourStatus::parse(st.code()), Ok(*st));
        }
        for t in HonourTitle::ALL {
            assert_eq!(HonourTitle::parse(t.code()), Ok(*t));
        }
        assert!(ReportStatus::parse("PENDING").is_err());
        assert!(ReportStatus::parse("").is_err());
    }

    #[test]
    fn labels_are_chinese_and_distinct() {
        let labels: std::collections::HashSet<_> =
            ReportStatus::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(labels.len(), ReportStatus::ALL.len());
        assert_eq!(ReportStatus::Pending.label(), "待受理");
        assert_eq!(HonourStatus::Awarded.label(), "已挂牌");
    }

    #[test]
    fn open_and_deadline_states() {
        assert!(ReportStatus::Dispatched.is_open());
        assert!(!ReportStatus::Closed.is_open());
        assert!(!ReportStatus::Rejected.is_open());
        assert!(ReportStatus::Dispatched.deadline_running());
        assert!(!ReportStatus::Rectified.deadline_running());
    }
}
