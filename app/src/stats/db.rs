//! All SQL of the statistics.

use super::{OfficeStats, RECENT_DAYS, SiteSummary, StatsOverview};
use crate::db::{Db, DbResult};
use crate::domain::{Millis, ReportStatus};

/// The home page's line: the area tree's size and the reports received and closed (from the
/// kept counts, not from `reports`).
pub async fn site_summary(db: &Db) -> DbResult<SiteSummary> {
    let (offices, communities, streets) = crate::areas::db::tree_size(db).await?;
    let counts = crate::reports::db::figures::counts(db, None).await?;
    let of = |st: ReportStatus| counts.iter().find(|(s, _)| *s == st).map_or(0, |(_, n)| *n);
    Ok(SiteSummary {
        offices,
        communities,
        streets,
        reports_received: counts.iter().map(|(_, n)| n).sum(),
        reports_closed: of(ReportStatus::Closed),
    })
}

/// Every office's record for the last [`RECENT_DAYS`] China-time days (today included) and
/// for all time, and the district's, from the kept figures.
pub async fn overview(db: &Db, now: Millis) -> DbResult<StatsOverview> {
    use crate::reports::db::figures::record;
    let until = now.cst_day() + 1;
    let recent = Some(until - RECENT_DAYS);
    let rows = crate::areas::db::offices(db).await?;
    let mut offices = Vec::with_capacity(rows.len());
    for row in rows {
        let office = Some(row.id);
        offices.push(OfficeStats {
            office_id: row.id,
            name: row.name,
            recent: record(db, office, recent, until).await?,
            all_time: record(db, office, None, until).await?,
        });
    }
    Ok(StatsOverview {
        generated_at: now,
        offices,
        district_recent: record(db, None, recent, until).await?,
        district_all_time: record(db, None, None, until).await?,
    })
}
