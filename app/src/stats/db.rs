//! All SQL of the statistics.

use super::{OfficeStats, RECENT_DAYS, SiteSummary, StatsOverview};
use crate::db::Db;
use crate::domain::time::DAY_MS;
use crate::domain::{Millis, OfficeId, ReportStatus};

pub async fn site_summary(db: &Db) -> sqlx::Result<SiteSummary> {
    let (offices, communities, streets, reports_received, reports_closed): (
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM offices), (SELECT COUNT(*) FROM communities), \
             (SELECT COUNT(*) FROM streets), (SELECT COUNT(*) FROM reports), \
             (SELECT COUNT(*) FROM reports WHERE status = $1)",
    )
    .bind(ReportStatus::Closed.code())
    .fetch_one(&db.pool)
    .await?;
    Ok(SiteSummary {
        offices,
        communities,
        streets,
        reports_received,
        reports_closed,
    })
}

/// Every office's record for `[now - RECENT_DAYS, now)` and for all time, and the district's.
pub async fn overview(db: &Db, now: Millis) -> sqlx::Result<StatsOverview> {
    use crate::staff::db::office_record;
    let recent_from = Millis(now.0 - RECENT_DAYS * DAY_MS);
    let all_from = Millis(0);
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM offices ORDER BY sort_order, id")
            .fetch_all(&db.pool)
            .await?;
    let mut offices = Vec::with_capacity(rows.len());
    for (id, name) in rows {
        let office = OfficeId(id);
        offices.push(OfficeStats {
            office_id: office,
            name,
            recent: office_record(db, Some(office), recent_from, now).await?,
            all_time: office_record(db, Some(office), all_from, now).await?,
        });
    }
    Ok(StatsOverview {
        generated_at: now,
        offices,
        district_recent: office_record(db, None, recent_from, now).await?,
        district_all_time: office_record(db, None, all_from, now).await?,
    })
}
