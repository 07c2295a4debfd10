//! All SQL of the statistics.

use super::SiteSummary;
use crate::db::Db;
use crate::domain::ReportStatus;

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
