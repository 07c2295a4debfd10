//! All SQL of reports. Portable across SQLite and PostgreSQL through sqlx's `Any` driver:
//! `$n` placeholders, integers decoded as `i64`, flags as 0/1.

pub mod escalation;
pub mod export;
pub mod figures;
pub mod grids;
pub mod open311;
pub mod synthetic;
pub mod triage;

use super::{GeoPoint, MyReport, PhotoKind, PhotoRef, PublicEvent, PublicReport, Receipt};
use crate::db::{Db, DbResult};
use crate::domain::{
    CategoryId, CommunityId, GridId, Millis, OfficeId, PhoneNumber, ReportNo, ReportStatus,
    StreetId, TrackingCode,
};
use crate::storage::PhotoSha;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

pub(crate) fn decode_err(e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

pub(crate) fn status(code: &str) -> sqlx::Result<ReportStatus> {
    ReportStatus::parse(code).map_err(decode_err)
}

pub(crate) fn tracking_code(code: &str) -> sqlx::Result<TrackingCode> {
    TrackingCode::parse(code).map_err(decode_err)
}

fn dimension(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// "韩营 · 韩营一巷" when the report names a street.
pub(crate) fn place(community: Option<String>, street: Option<String>) -> Option<String> {
    match (community, street) {
        (Some(c), Some(s)) => Some(format!("{c} · {s}")),
        (None, Some(s)) => Some(s),
        _ => None,
    }
}

// ---- submission ----

/// A report already stored under a client UUID: what a retry is answered with.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSubmission {
    pub receipt: Receipt,
    pub content_hash: String,
}

pub async fn submission_by_client_uuid(
    db: &Db,
    client_uuid: Uuid,
) -> DbResult<Option<StoredSubmission>> {
    let row: Option<(String, Millis, String, String)> = sqlx::query_as(
        "SELECT tracking_code, received_at, status, content_hash FROM reports \
         WHERE client_uuid = $1",
    )
    .bind(client_uuid.to_string())
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(code, received_at, st, content_hash)| {
        Ok(StoredSubmission {
            receipt: Receipt {
                report_id: client_uuid,
                tracking_code: tracking_code(&code)?,
                received_at,
                status: status(&st)?,
            },
            content_hash,
        })
    })
    .transpose()
}

/// One stored photo of a new report, in upload order.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub sha256: PhotoSha,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
}

/// The one writer of `report_photos` rows: `photos` of `kind` after the first `first_position`
/// ones, in the caller's transaction (a new report's photos, staff's after-photos, a
/// resident's photo with 仍未解决).
pub async fn insert_photos(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report: ReportNo,
    kind: PhotoKind,
    first_position: i64,
    photos: &[NewPhoto],
    at: Millis,
) -> DbResult<()> {
    for (i, photo) in photos.iter().enumerate() {
        sqlx::query(
            "INSERT INTO report_photos (report_id, kind, position, sha256, mime, width, height, \
                 bytes, created_at) \
             VALUES ($1, $2, $3, $4, 'image/jpeg', $5, $6, $7, $8)",
        )
        .bind(report.0)
        .bind(kind.code())
        .bind(first_position + i as i64)
        .bind(photo.sha256.as_str())
        .bind(i64::from(photo.width))
        .bind(i64::from(photo.height))
        .bind(photo.bytes as i64)
        .bind(at.0)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The next free position among a report's photos of `kind`.
pub async fn next_photo_position(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report: ReportNo,
    kind: PhotoKind,
) -> DbResult<i64> {
    let (next,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM report_photos \
         WHERE report_id = $1 AND kind = $2",
    )
    .bind(report.0)
    .bind(kind.code())
    .fetch_one(&mut **tx)
    .await?;
    Ok(next)
}

/// A validated report, ready to insert.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub client_uuid: Uuid,
    pub content_hash: &'a str,
    pub category_id: CategoryId,
    pub office_id: OfficeId,
    pub community_id: Option<CommunityId>,
    pub street_id: Option<StreetId>,
    pub grid_id: Option<GridId>,
    pub location: Option<GeoPoint>,
    pub description: &'a str,
    pub contact_phone: Option<&'a PhoneNumber>,
    pub created_on_device: Millis,
    pub received_at: Millis,
    pub photos: &'a [NewPhoto],
    /// Set when an Open311 client sent it.
    pub origin: Option<&'a open311::ApiOrigin>,
}

/// Inserts the report, its photos and its first event (submitted → 待受理) in one
/// transaction. `None` when a unique key is taken (the client UUID or the tracking code;
/// nothing is written), for the caller to tell apart.
pub async fn insert_submission(
    db: &Db,
    new: &NewReport<'_>,
    code: &TrackingCode,
) -> DbResult<Option<ReportNo>> {
    let status = ReportStatus::Pending;
    let mut tx = db.begin_write().await?;
    // Absent coordinates are written as SQL NULL literals, never bound: sqlx 0.8.6's Any
    // driver binds a NULL f64 as PostgreSQL float4, and the connection's cached statement
    // then refuses a real f64 in the next report (`incorrect binary data format`). A
    // different text per shape means a different cached statement.
    let lat_lon = match new.location {
        Some(_) => "$15, $16",
        None => "NULL, NULL",
    };
    let accuracy = match new.location.and_then(|l| l.accuracy_m) {
        Some(_) => "$17",
        None => "NULL",
    };
    let sql = format!(
        "INSERT INTO reports (client_uuid, tracking_code, content_hash, category_id, office_id, \
             community_id, street_id, description, contact_phone, status, created_on_device, \
             received_at, updated_at, grid_id, lat, lon, accuracy_m) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, {lat_lon}, \
             {accuracy}) \
         RETURNING id"
    );
    let mut insert = sqlx::query_as::<_, (i64,)>(&sql)
        .bind(new.client_uuid.to_string())
        .bind(code.as_str())
        .bind(new.content_hash)
        .bind(new.category_id)
        .bind(new.office_id)
        .bind(new.community_id)
        .bind(new.street_id)
        .bind(new.description)
        .bind(new.contact_phone.map(|p| p.as_str().to_string()))
        .bind(status.code())
        .bind(new.created_on_device)
        .bind(new.received_at)
        .bind(new.received_at)
        .bind(new.grid_id);
    if let Some(l) = new.location {
        insert = insert.bind(l.lat).bind(l.lon);
        if let Some(a) = l.accuracy_m {
            insert = insert.bind(a);
        }
    }
    let (id,) = match insert.fetch_one(&mut *tx).await {
        Ok(row) => row,
        Err(e) if crate::db::is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if let Some(origin) = new.origin {
        open311::set_origin(&mut tx, ReportNo(id), origin).await?;
    }
    insert_photos(
        &mut tx,
        ReportNo(id),
        PhotoKind::Before,
        0,
        new.photos,
        new.received_at,
    )
    .await?;
    // Written without a from_status, so no NULL parameter needs a type PostgreSQL can infer.
    sqlx::query(
        "INSERT INTO report_events (report_id, action, to_status, note, public_note, created_at) \
         VALUES ($1, 'submit', $2, '', 0, $3)",
    )
    .bind(id)
    .bind(status.code())
    .bind(new.received_at)
    .execute(&mut *tx)
    .await?;
    let mut delta = figures::Delta::default();
    delta.add(
        &figures::Snapshot {
            office: new.office_id.0,
            status: status.code().to_string(),
            received_at: new.received_at.0,
            closed_at: None,
            rectified_at: None,
            deadline_at: None,
            escalation_level: 0,
        },
        1,
    );
    delta.apply(&mut tx).await?;
    tx.commit().await?;
    Ok(Some(ReportNo(id)))
}

// ---- public views ----

#[derive(sqlx::FromRow)]
struct PublicRow {
    id: i64,
    tracking_code: String,
    category_name: String,
    category_icon: String,
    office_name: String,
    community_name: Option<String>,
    street_name: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    description: String,
    status: String,
    received_at: Millis,
}

/// What anyone holding the tracking code may see. Selects no phone and no exact position.
pub async fn public_report(db: &Db, code: &TrackingCode) -> DbResult<Option<PublicReport>> {
    let row: Option<PublicRow> = sqlx::query_as(
        "SELECT r.id, r.tracking_code, c.name AS category_name, c.icon AS category_icon, \
             o.name AS office_name, cm.name AS community_name, s.name AS street_name, \
             r.lat, r.lon, r.description, r.status, r.received_at \
         FROM reports r \
         JOIN categories c ON c.id = r.category_id \
         JOIN offices o ON o.id = r.office_id \
         LEFT JOIN communities cm ON cm.id = r.community_id \
         LEFT JOIN streets s ON s.id = r.street_id \
         WHERE r.tracking_code = $1",
    )
    .bind(code.as_str())
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let coarse_location = GeoPoint::coarse_of(row.lat, row.lon);
    Ok(Some(PublicReport {
        tracking_code: tracking_code(&row.tracking_code)?,
        category_name: row.category_name,
        category_icon: row.category_icon,
        office_name: row.office_name,
        place: place(row.community_name, row.street_name),
        coarse_location,
        description: row.description,
        status: status(&row.status)?,
        received_at: row.received_at,
        photos: photos_of(db, ReportNo(row.id)).await?,
        timeline: public_timeline(db, ReportNo(row.id)).await?,
        can_answer: row.status == ReportStatus::Closed.code()
            && !feedback_since_close(db, ReportNo(row.id)).await?,
    }))
}

/// The report's photos: the resident's ("before") first, then staff's "after" ones.
pub async fn photos_of(db: &Db, report: ReportNo) -> DbResult<Vec<PhotoRef>> {
    let rows = sqlx::query(
        "SELECT sha256, kind, width, height FROM report_photos WHERE report_id = $1 \
         ORDER BY CASE kind WHEN 'before' THEN 0 ELSE 1 END, position",
    )
    .bind(report)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.iter().map(photo_ref).collect::<sqlx::Result<_>>()?)
}

pub(crate) fn photo_ref(row: &AnyRow) -> sqlx::Result<PhotoRef> {
    let kind: String = row.try_get("kind")?;
    let kind = match kind.as_str() {
        "before" => PhotoKind::Before,
        "after" => PhotoKind::After,
        _ => return Err(decode_err(crate::domain::status::UnknownCode("PhotoKind"))),
    };
    Ok(PhotoRef {
        sha256: row.try_get("sha256")?,
        kind,
        width: dimension(row.try_get("width")?),
        height: dimension(row.try_get("height")?),
    })
}

/// The public timeline: every status change, and a note only where staff marked it public.
/// Internal notes never leave the database (the CASE blanks them).
pub async fn public_timeline(db: &Db, report: ReportNo) -> DbResult<Vec<PublicEvent>> {
    let rows: Vec<(Option<String>, String, String, Millis)> = sqlx::query_as(
        "SELECT from_status, \
             CASE WHEN action = 'transfer' THEN 'transferred' ELSE to_status END AS to_status, \
             CASE WHEN public_note = 1 THEN note ELSE '' END AS note, created_at \
         FROM report_events WHERE report_id = $1 ORDER BY id",
    )
    .bind(report)
    .fetch_all(&db.pool)
    .await?;
    let mut timeline = Vec::with_capacity(rows.len());
    for (from, to, note, at) in rows {
        let changed = from.as_deref() != Some(to.as_str());
        let note = (!note.trim().is_empty()).then_some(note);
        if changed || note.is_some() {
            timeline.push(PublicEvent {
                at,
                status: status(&to)?,
                note,
            });
        }
    }
    Ok(timeline)
}

/// The resident's own reports by the codes kept on the phone, newest first, in one query.
/// Codes that match nothing are simply absent.
pub async fn my_reports(db: &Db, codes: &[TrackingCode]) -> DbResult<Vec<MyReport>> {
    let mut codes: Vec<&str> = codes.iter().map(TrackingCode::as_str).collect();
    codes.sort_unstable();
    codes.dedup();
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    // Numbered placeholders by hand: `QueryBuilder<Any>` writes `?`, which PostgreSQL refuses.
    let placeholders: Vec<String> = (1..=codes.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT r.tracking_code, c.name AS category_name, c.icon AS category_icon, \
             cm.name AS community_name, s.name AS street_name, r.status, r.received_at, \
             p.sha256, p.kind, p.width, p.height \
         FROM reports r \
         JOIN categories c ON c.id = r.category_id \
         LEFT JOIN communities cm ON cm.id = r.community_id \
         LEFT JOIN streets s ON s.id = r.street_id \
         LEFT JOIN report_photos p \
             ON p.report_id = r.id AND p.kind = 'before' AND p.position = 0 \
         WHERE r.tracking_code IN ({}) \
         ORDER BY r.received_at DESC, r.id DESC",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for code in &codes {
        query = query.bind(*code);
    }
    let rows = query.fetch_all(&db.pool).await?;
    rows.iter()
        .map(|row| {
            let code: String = row.try_get("tracking_code")?;
            let st: String = row.try_get("status")?;
            let sha: Option<String> = row.try_get("sha256")?;
            Ok(MyReport {
                tracking_code: tracking_code(&code)?,
                category_name: row.try_get("category_name")?,
                category_icon: row.try_get("category_icon")?,
                place: place(row.try_get("community_name")?, row.try_get("street_name")?),
                status: status(&st)?,
                received_at: Millis(row.try_get("received_at")?),
                thumb: match sha {
                    Some(_) => Some(photo_ref(row)?),
                    None => None,
                },
            })
        })
        .collect()
}

// ---- photo serving ----

/// The content address of some report's photo, if any report has one (`server synthetic`
/// gives findings a photo that is really in the store).
pub async fn any_photo(db: &Db) -> DbResult<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT sha256 FROM report_photos LIMIT 1")
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(sha,)| sha))
}

/// Which of `shas` a report refers to (photos are served, and kept by the orphan sweep, only
/// when something does: the `photo_sweep` module asks).
pub async fn referenced_photos(
    db: &Db,
    shas: &[PhotoSha],
) -> DbResult<std::collections::HashSet<String>> {
    crate::db::photos_named(db, "report_photos", "sha256", shas).await
}

/// Whether a resident already answered since the last close.
pub async fn feedback_since_close(db: &Db, id: ReportNo) -> DbResult<bool> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM report_events WHERE report_id = $1 \
             AND action IN ('resident_satisfied', 'resident_basic', 'resident_reopen') \
             AND id > (SELECT COALESCE(MAX(id), 0) FROM report_events \
                       WHERE report_id = $1 AND action = 'close') \
         LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_reads_community_then_street() {
        assert_eq!(
            place(Some("韩营".into()), Some("韩营一巷".into())).as_deref(),
            Some("韩营 · 韩营一巷")
        );
        assert_eq!(place(None, None), None);
    }
}
