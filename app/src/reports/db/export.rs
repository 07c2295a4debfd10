//! The `reports` table as the offices' exports read it (server only): every report the queue's
//! filters select, one row each with its notes and photos, streamed in the order received.

use super::status;
use super::triage::{filter_conds, where_clause};
use crate::db::{Db, DbResult, Params};
use crate::domain::{Millis, OfficeId, ReportStatus};
use crate::reports::triage::QueueFilter;
use futures_util::TryStreamExt;
use sqlx::Row;
use sqlx::any::AnyRow;

/// One report as an export lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub tracking_code: String,
    pub office_name: String,
    pub category_name: String,
    pub community_name: Option<String>,
    pub street_name: Option<String>,
    /// 单元网格: code and name.
    pub grid_code: Option<String>,
    pub grid_name: Option<String>,
    pub status: ReportStatus,
    pub received_at: Millis,
    pub deadline_at: Option<Millis>,
    pub rectified_at: Option<Millis>,
    pub closed_at: Option<Millis>,
    pub dispatched_to: Option<String>,
    pub description: String,
    /// The notes shown on /track, oldest first, joined with [`NOTE_SEPARATOR`].
    pub public_notes: String,
    /// The staff-only notes, the same way.
    pub internal_notes: String,
    /// Content addresses of the photos: before ones first, each kind in its order.
    pub photos: Vec<String>,
    pub reopen_count: i64,
}

/// Between two notes of one report in an export cell.
pub const NOTE_SEPARATOR: &str = "；";

/// Sends every report of `office` (None: every office) that `f` selects to `rows`, in the
/// order received, and returns how many were sent. The rows come from one query read as a
/// stream, so memory stays bounded by the channel whatever the count; a closed receiver
/// stops the read. `f.after` (the queue's cursor) is ignored.
pub async fn rows(
    db: &Db,
    office: Option<OfficeId>,
    f: &QueueFilter,
    now: Millis,
    rows: tokio::sync::mpsc::Sender<ExportRow>,
) -> DbResult<u64> {
    let mut p = Params::default();
    let conds = filter_conds(&mut p, office, f, now);
    let where_sql = where_clause(&conds);
    let notes = |public: i64| {
        format!(
            "(SELECT {} FROM report_events e \
              WHERE e.report_id = r.id AND e.public_note = {public} AND e.note <> '')",
            db.list_agg("e.note", NOTE_SEPARATOR, "e.id")
        )
    };
    let sql = format!(
        "SELECT r.tracking_code, o.name AS office_name, c.name AS category_name, \
             cm.name AS community_name, s.name AS street_name, g.code AS grid_code, \
             g.name AS grid_name, r.status, r.received_at, \
             r.deadline_at, r.rectified_at, r.closed_at, r.dispatched_to, r.description, \
             r.reopen_count, {} AS public_notes, {} AS internal_notes, \
             (SELECT {} FROM report_photos ph WHERE ph.report_id = r.id) AS photos \
         FROM reports r \
         JOIN categories c ON c.id = r.category_id \
         JOIN offices o ON o.id = r.office_id \
         LEFT JOIN communities cm ON cm.id = r.community_id \
         LEFT JOIN streets s ON s.id = r.street_id \
         LEFT JOIN grids g ON g.id = r.grid_id \
         {where_sql} \
         ORDER BY r.received_at, r.id",
        notes(1),
        notes(0),
        db.list_agg("ph.sha256", ",", "ph.kind DESC, ph.position"),
    );
    let mut stream = p.bind(sqlx::query(&sql)).fetch(&db.pool);
    let mut sent = 0u64;
    while let Some(row) = stream.try_next().await? {
        if rows.send(export_row(&row)?).await.is_err() {
            break;
        }
        sent += 1;
    }
    Ok(sent)
}

fn export_row(row: &AnyRow) -> sqlx::Result<ExportRow> {
    let st: String = row.try_get("status")?;
    let at = |col: &str| -> sqlx::Result<Option<Millis>> {
        Ok(row.try_get::<Option<i64>, _>(col)?.map(Millis))
    };
    let photos: Option<String> = row.try_get("photos")?;
    Ok(ExportRow {
        tracking_code: row.try_get("tracking_code")?,
        office_name: row.try_get("office_name")?,
        category_name: row.try_get("category_name")?,
        community_name: row.try_get("community_name")?,
        street_name: row.try_get("street_name")?,
        grid_code: row.try_get("grid_code")?,
        grid_name: row.try_get("grid_name")?,
        status: status(&st)?,
        received_at: Millis(row.try_get("received_at")?),
        deadline_at: at("deadline_at")?,
        rectified_at: at("rectified_at")?,
        closed_at: at("closed_at")?,
        dispatched_to: row.try_get("dispatched_to")?,
        description: row.try_get("description")?,
        public_notes: row
            .try_get::<Option<String>, _>("public_notes")?
            .unwrap_or_default(),
        internal_notes: row
            .try_get::<Option<String>, _>("internal_notes")?
            .unwrap_or_default(),
        photos: photos
            .map(|p| p.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        reopen_count: row.try_get("reopen_count")?,
    })
}
