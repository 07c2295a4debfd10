//! Public figures about the reports, per office and overall: the home page's summary and the
//! public `/stats` page (公开统计). Numbers only — never names of people, phones or texts.

pub mod api;
pub mod chart;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
pub mod strings;

use crate::domain::{Millis, OfficeId};
use crate::reports::record::OfficeRecord;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The numbers shown on the home page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSummary {
    pub offices: i64,
    pub communities: i64,
    pub streets: i64,
    pub reports_received: i64,
    pub reports_closed: i64,
}

/// Days of the recent period of `/stats`.
pub const RECENT_DAYS: i64 = 30;

/// One 办事处's record, for the recent period and for all time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeStats {
    pub office_id: OfficeId,
    pub name: String,
    /// The last [`RECENT_DAYS`] days.
    pub recent: OfficeRecord,
    pub all_time: OfficeRecord,
}

/// Everything `/stats` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsOverview {
    /// When the figures were computed (the end of both periods).
    pub generated_at: Millis,
    /// Every office, in the district's order (sort_order, id).
    pub offices: Vec<OfficeStats>,
    /// The whole district.
    pub district_recent: OfficeRecord,
    pub district_all_time: OfficeRecord,
}

/// `Some` before `None`, higher before lower.
fn desc_none_last(a: Option<i64>, b: Option<i64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// How two offices compare in the ranking: 按期结案率 of the recent period (higher first,
/// none last), then 结案率.
fn rank_order(a: &OfficeRecord, b: &OfficeRecord) -> Ordering {
    desc_none_last(a.on_time_rate_permille(), b.on_time_rate_permille())
        .then_with(|| desc_none_last(a.close_rate_permille(), b.close_rate_permille()))
}

/// The ranking table (督导问效): offices sorted by the recent 按期结案率 (desc, none last),
/// ties by 结案率, then the district's order. Each with its place: equal figures share a
/// place (1, 1, 3); an office without a closed report in the period has none.
pub fn ranking(offices: &[OfficeStats]) -> Vec<(Option<usize>, &OfficeStats)> {
    let mut sorted: Vec<&OfficeStats> = offices.iter().collect();
    // Stable: equal offices keep the district's order.
    sorted.sort_by(|a, b| rank_order(&a.recent, &b.recent));
    let mut out: Vec<(Option<usize>, &OfficeStats)> = Vec::with_capacity(sorted.len());
    for (i, o) in sorted.iter().enumerate() {
        let place = if o.recent.on_time_rate_permille().is_none() {
            None
        } else {
            match out.last() {
                Some((Some(p), prev)) if rank_order(&prev.recent, &o.recent).is_eq() => Some(*p),
                _ => Some(i + 1),
            }
        };
        out.push((place, o));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office(id: i64, received: i64, closed: i64, in_period: i64, on_time: i64) -> OfficeStats {
        OfficeStats {
            office_id: OfficeId(id),
            name: format!("办事处{id}"),
            recent: OfficeRecord {
                received,
                closed,
                closed_in_period: in_period,
                closed_on_time: on_time,
                median_close_ms: None,
                median_error_ms: None,
                reopened_by_residents: 0,
                ..Default::default()
            },
            all_time: OfficeRecord::default(),
        }
    }

    #[test]
    fn ranking_by_on_time_rate_then_close_rate_none_last() {
        let offices = vec![
            office(1, 0, 0, 0, 0), // nothing: no rates, last
            office(2, 4, 2, 2, 1), // 50.0% on time, 50.0% closed
            office(3, 2, 2, 2, 2), // 100.0%
            office(4, 4, 4, 2, 1), // 50.0% on time, 100.0% closed
            office(5, 4, 2, 2, 1), // same as 2: shares its place
            office(6, 3, 0, 0, 0), // received but none closed: no on-time rate
        ];
        let ranked = ranking(&offices);
        let order: Vec<(Option<usize>, i64)> =
            ranked.iter().map(|(p, o)| (*p, o.office_id.0)).collect();
        assert_eq!(
            order,
            [
                (Some(1), 3),
                (Some(2), 4),
                (Some(3), 2),
                (Some(3), 5),
                (None, 6),
                (None, 1),
            ]
        );
    }

    #[test]
    fn ranking_of_nothing_is_empty() {
        assert!(ranking(&[]).is_empty());
    }
}
