//! The area tree (区 → 办事处 → 居委会 → 背街小巷) and the problem categories: the reference
//! data every report points at.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod grids;
#[cfg(feature = "ssr")]
pub mod seed;

pub mod strings;

use crate::domain::{CategoryId, CommunityId, OfficeId, StreetId};
use serde::{Deserialize, Serialize};

/// 处置时限 bounds, in hours (90 days at most): a category's, and one staff set on a dispatch.
pub const MIN_DEADLINE_HOURS: i64 = 1;
pub const MAX_DEADLINE_HOURS: i64 = 90 * 24;

/// 处置时限 as typed: a whole number of hours within the bounds.
pub fn parse_deadline_hours(raw: &str) -> Result<i64, crate::error::AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|h| (MIN_DEADLINE_HOURS..=MAX_DEADLINE_HOURS).contains(h))
        .ok_or_else(|| crate::error::AppError::bad_request(strings::deadline_hours_invalid()))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Office {
    pub id: OfficeId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Community {
    pub id: CommunityId,
    pub office_id: OfficeId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Street {
    pub id: StreetId,
    pub community_id: CommunityId,
    pub name: String,
}

/// A category as the admin sees it: active or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategorySetting {
    pub id: CategoryId,
    pub code: String,
    pub name: String,
    pub icon: String,
    pub deadline_hours: i64,
    pub active: bool,
    /// Its group (Open311's service group), e.g. 环境卫生.
    pub group_name: String,
}

/// A 单元网格 as a filter lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct GridOption {
    pub id: crate::domain::GridId,
    pub code: String,
    pub name: String,
    pub office_id: OfficeId,
}

/// A 单元网格 as staff see it beside a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct GridLabel {
    pub code: String,
    pub name: String,
    pub office_id: OfficeId,
    pub office_name: String,
}

/// A street with the community and office it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetPlace {
    pub street_id: StreetId,
    pub street_name: String,
    pub community_name: String,
    pub office_id: OfficeId,
    pub office_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Category {
    pub id: CategoryId,
    pub code: String,
    pub name: String,
    pub icon: String,
    /// 处置时限 in hours, counted from dispatch.
    pub deadline_hours: i64,
}

/// Everything the report form needs to work offline, fetched once and cached on the device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReferenceData {
    pub offices: Vec<Office>,
    pub communities: Vec<Community>,
    pub streets: Vec<Street>,
    pub categories: Vec<Category>,
}

impl ReferenceData {
    pub fn street(&self, id: StreetId) -> Option<&Street> {
        self.streets.iter().find(|s| s.id == id)
    }

    pub fn community(&self, id: CommunityId) -> Option<&Community> {
        self.communities.iter().find(|c| c.id == id)
    }

    pub fn office(&self, id: OfficeId) -> Option<&Office> {
        self.offices.iter().find(|o| o.id == id)
    }

    /// "太昊路办事处 · 韩营 · 韩营一巷"
    pub fn street_path(&self, id: StreetId) -> Option<String> {
        let street = self.street(id)?;
        let community = self.community(street.community_id)?;
        let office = self.office(community.office_id)?;
        Some(format!(
            "{} · {} · {}",
            office.name, community.name, street.name
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_path_walks_the_tree() {
        let data = ReferenceData {
            offices: vec![Office {
                id: OfficeId(1),
                name: "太昊路办事处".into(),
            }],
            communities: vec![Community {
                id: CommunityId(2),
                office_id: OfficeId(1),
                name: "韩营".into(),
            }],
            streets: vec![Street {
                id: StreetId(3),
                community_id: CommunityId(2),
                name: "韩营一巷".into(),
            }],
            categories: vec![],
        };
        assert_eq!(
            data.street_path(StreetId(3)).as_deref(),
            Some("太昊路办事处 · 韩营 · 韩营一巷")
        );
        assert_eq!(data.street_path(StreetId(4)), None);
    }
}
