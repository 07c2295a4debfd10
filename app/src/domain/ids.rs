//! Newtype ids: an office id can never be passed where a street id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse::<i64>().map($name)
            }
        }
    )*};
}

id_type!(
    /// 办事处
    OfficeId,
    /// 居委会
    CommunityId,
    /// 背街小巷
    StreetId,
    /// 单元网格
    GridId,
    /// 问题类别
    CategoryId,
    /// Server-side row id of a report (the public handle is the tracking code).
    ReportNo,
    /// Staff or admin account.
    UserId,
    /// 示范户 / 卫生家庭 / 示范街 / 文明商户 record.
    HonourId,
    /// A 督导 / 暗访 inspection round.
    RoundId,
    /// A supervisor's finding (整改通知).
    FindingId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_print() {
        assert_eq!("42".parse::<StreetId>(), Ok(StreetId(42)));
        assert_eq!(" 7 ".parse::<OfficeId>(), Ok(OfficeId(7)));
        assert!("abc".parse::<StreetId>().is_err());
        assert_eq!(CategoryId(3).to_string(), "3");
    }
}
