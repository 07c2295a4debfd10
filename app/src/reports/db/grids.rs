//! The reports' 单元网格: the background placement of reports that arrived before their grid
//! existed (its cursor in `grid_backfill`), reading and writing `reports.grid_id`.

use crate::db::{Db, DbResult};
use crate::domain::{GridId, ReportNo};

/// The backfill's cursor: the grids' version it ran for, and the last report id it read.
pub async fn backfill_cursor(db: &Db) -> DbResult<(i64, i64)> {
    Ok(
        sqlx::query_as("SELECT version, after_id FROM grid_backfill WHERE id = 1")
            .fetch_one(&db.pool)
            .await?,
    )
}

/// Reports with a point and no grid after `after` (by id), at most `limit`: id, lat, lon.
pub async fn unplaced(db: &Db, after: i64, limit: i64) -> DbResult<Vec<(ReportNo, f64, f64)>> {
    // The terms of the partial index reports_unplaced, word for word.
    Ok(sqlx::query_as(
        "SELECT id, lat, lon FROM reports WHERE grid_id IS NULL AND lat IS NOT NULL \
         AND id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

/// Writes the grids found and moves the cursor on, in one transaction. A report placed by
/// its arrival in between keeps the grid it got.
pub async fn place(
    db: &Db,
    placed: &[(ReportNo, GridId)],
    version: i64,
    after: i64,
) -> DbResult<()> {
    let mut tx = db.begin_write().await?;
    for (report, grid) in placed {
        sqlx::query("UPDATE reports SET grid_id = $1 WHERE id = $2 AND grid_id IS NULL")
            .bind(*grid)
            .bind(*report)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE grid_backfill SET version = $1, after_id = $2 WHERE id = 1")
        .bind(version)
        .bind(after)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
