//! All SQL of rounds and findings (`inspection_rounds`, `round_places`, `findings`,
//! `finding_photos`, `finding_events`). Portable across SQLite and PostgreSQL through sqlx's
//! `Any` driver, like every area's `db.rs`. Lists are bounded and read by index
//! (`findings_office`, `findings_status`, `findings_round`), never by scanning all findings.

use super::{FindingAction, FindingEventView, FindingRow, FindingStatus, RoundKind, RoundSummary};
use crate::db::{Db, DbResult};
use crate::domain::{
    CategoryId, CommunityId, FindingId, Millis, OfficeId, RoundId, StreetId, UserId,
};
use crate::reports::db::NewPhoto;
use crate::reports::{GeoPoint, PhotoKind, PhotoRef};
use crate::storage::PhotoSha;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

fn decode(what: &'static str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what}").into())
}

// ---- rounds ----

/// A new round: its places are (community, optional street) pairs already checked to exist.
pub struct NewRound<'a> {
    pub kind: RoundKind,
    pub held_on: i64,
    pub points_checked: i64,
    pub note: &'a str,
    pub supervisor: UserId,
    pub places: &'a [(CommunityId, Option<StreetId>)],
    pub at: Millis,
}

/// Starts a round unless the supervisor already has one open (then `None`).
pub async fn start_round(db: &Db, new: &NewRound<'_>) -> DbResult<Option<RoundId>> {
    let mut tx = db.begin_write().await?;
    let open: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM inspection_rounds WHERE supervisor_id = $1 AND ended_at IS NULL LIMIT 1",
    )
    .bind(new.supervisor.0)
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_some() {
        return Ok(None);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO inspection_rounds (kind, held_on, points_checked, note, supervisor_id, \
             started_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.kind.code())
    .bind(new.held_on)
    .bind(new.points_checked)
    .bind(new.note)
    .bind(new.supervisor.0)
    .bind(new.at.0)
    .fetch_one(&mut *tx)
    .await?;
    for (community, street) in new.places {
        sqlx::query(
            "INSERT INTO round_places (round_id, community_id, street_id) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(community.0)
        .bind(street.map(|s| s.0))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Some(RoundId(id)))
}

/// Ends the supervisor's round `id`; false when it is not theirs or not open.
pub async fn end_round(db: &Db, id: RoundId, supervisor: UserId, at: Millis) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE inspection_rounds SET ended_at = $3 \
         WHERE id = $1 AND supervisor_id = $2 AND ended_at IS NULL",
    )
    .bind(id.0)
    .bind(supervisor.0)
    .bind(at.0)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The round a finding made at `at` (device time) by `supervisor` belongs to: the one that
/// was open then, else the one open now.
pub async fn round_for_finding(
    db: &Db,
    supervisor: UserId,
    at: Millis,
) -> DbResult<Option<RoundId>> {
    let then: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM inspection_rounds WHERE supervisor_id = $1 AND started_at <= $2 \
             AND (ended_at IS NULL OR ended_at >= $2) \
         ORDER BY started_at DESC LIMIT 1",
    )
    .bind(supervisor.0)
    .bind(at.0)
    .fetch_optional(&db.pool)
    .await?;
    if let Some((id,)) = then {
        return Ok(Some(RoundId(id)));
    }
    let now: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM inspection_rounds WHERE supervisor_id = $1 AND ended_at IS NULL \
         ORDER BY started_at DESC LIMIT 1",
    )
    .bind(supervisor.0)
    .fetch_optional(&db.pool)
    .await?;
    Ok(now.map(|(id,)| RoundId(id)))
}

const ROUND_COLUMNS: &str = "r.id, r.kind, r.held_on, r.points_checked, r.note, r.started_at, \
     r.ended_at, u.display_name AS supervisor, r.supervisor_id, \
     (SELECT COUNT(*) FROM findings f WHERE f.round_id = r.id) AS findings";

fn round_of_row(r: &AnyRow) -> sqlx::Result<(RoundSummary, UserId)> {
    let kind: String = r.try_get("kind")?;
    Ok((
        RoundSummary {
            id: RoundId(r.try_get("id")?),
            kind: RoundKind::parse(&kind).ok_or_else(|| decode("round kind"))?,
            held_on: r.try_get("held_on")?,
            points_checked: r.try_get("points_checked")?,
            note: r.try_get("note")?,
            supervisor: r.try_get("supervisor")?,
            started_at: Millis(r.try_get("started_at")?),
            ended_at: r.try_get::<Option<i64>, _>("ended_at")?.map(Millis),
            findings: r.try_get("findings")?,
            places: Vec::new(),
        },
        UserId(r.try_get("supervisor_id")?),
    ))
}

async fn with_places(db: &Db, mut round: RoundSummary) -> DbResult<RoundSummary> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT c.name, s.name FROM round_places p \
         JOIN communities c ON c.id = p.community_id \
         LEFT JOIN streets s ON s.id = p.street_id \
         WHERE p.round_id = $1 ORDER BY c.office_id, c.sort_order, c.id, s.sort_order, s.id",
    )
    .bind(round.id.0)
    .fetch_all(&db.pool)
    .await?;
    round.places = rows
        .into_iter()
        .map(|(c, s)| match s {
            Some(s) => format!("{c} · {s}"),
            None => c,
        })
        .collect();
    Ok(round)
}

/// A round with its places, and who started it.
pub async fn round(db: &Db, id: RoundId) -> DbResult<Option<(RoundSummary, UserId)>> {
    let row = sqlx::query(&format!(
        "SELECT {ROUND_COLUMNS} FROM inspection_rounds r JOIN users u ON u.id = r.supervisor_id \
         WHERE r.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (round, by) = round_of_row(&row)?;
    Ok(Some((with_places(db, round).await?, by)))
}

/// The latest rounds (newest first), with their places.
pub async fn recent_rounds(db: &Db, limit: i64) -> DbResult<Vec<RoundSummary>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROUND_COLUMNS} FROM inspection_rounds r JOIN users u ON u.id = r.supervisor_id \
         ORDER BY r.started_at DESC, r.id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(with_places(db, round_of_row(&row)?.0).await?);
    }
    Ok(out)
}

/// The supervisor's open round, if any.
pub async fn open_round_of(db: &Db, supervisor: UserId) -> DbResult<Option<RoundId>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM inspection_rounds WHERE supervisor_id = $1 AND ended_at IS NULL \
         ORDER BY started_at DESC LIMIT 1",
    )
    .bind(supervisor.0)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id,)| RoundId(id)))
}

/// Whether each (community, street) exists and the street lies in the community.
pub async fn place_exists(
    db: &Db,
    community: CommunityId,
    street: Option<StreetId>,
) -> DbResult<bool> {
    let row: Option<(i64,)> = match street {
        None => {
            sqlx::query_as("SELECT id FROM communities WHERE id = $1")
                .bind(community.0)
                .fetch_optional(&db.pool)
                .await?
        }
        Some(s) => {
            sqlx::query_as("SELECT id FROM streets WHERE id = $1 AND community_id = $2")
                .bind(s.0)
                .bind(community.0)
                .fetch_optional(&db.pool)
                .await?
        }
    };
    Ok(row.is_some())
}

// ---- recording a finding ----

/// A finding already stored under a client UUID: (content hash, code, received at).
pub async fn by_client_uuid(db: &Db, uuid: Uuid) -> DbResult<Option<(String, String, Millis)>> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT content_hash, code, received_at FROM findings WHERE client_uuid = $1",
    )
    .bind(uuid.to_string())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(h, c, at)| (h, c, Millis(at))))
}

pub struct NewFinding<'a> {
    pub round: RoundId,
    pub client_uuid: Uuid,
    pub content_hash: &'a str,
    pub category_id: CategoryId,
    pub office_id: OfficeId,
    pub community_id: Option<CommunityId>,
    pub street_id: Option<StreetId>,
    pub location: Option<GeoPoint>,
    pub description: &'a str,
    pub deadline_at: Millis,
    pub created_by: UserId,
    pub created_on_device: Millis,
    pub received_at: Millis,
    pub photos: &'a [NewPhoto],
}

/// Inserts the finding, its photos and its first event in one transaction. `None` when a
/// unique key is taken (the client UUID or the code): nothing is written.
pub async fn insert_finding(
    db: &Db,
    new: &NewFinding<'_>,
    code: &str,
) -> DbResult<Option<FindingId>> {
    let mut tx = db.begin_write().await?;
    // NULL coordinates are written as literals, never bound (see reports::db::insert_submission).
    let lat_lon = match new.location {
        Some(_) => "$16, $17",
        None => "NULL, NULL",
    };
    let accuracy = match new.location.and_then(|l| l.accuracy_m) {
        Some(_) => "$18",
        None => "NULL",
    };
    let sql = format!(
        "INSERT INTO findings (round_id, client_uuid, content_hash, code, category_id, office_id, \
             community_id, street_id, description, status, deadline_at, created_by, \
             created_on_device, received_at, updated_at, lat, lon, accuracy_m) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
             {lat_lon}, {accuracy}) RETURNING id"
    );
    let mut insert = sqlx::query_as::<_, (i64,)>(&sql)
        .bind(new.round.0)
        .bind(new.client_uuid.to_string())
        .bind(new.content_hash)
        .bind(code)
        .bind(new.category_id.0)
        .bind(new.office_id.0)
        .bind(new.community_id.map(|c| c.0))
        .bind(new.street_id.map(|s| s.0))
        .bind(new.description)
        .bind(FindingStatus::Open.code())
        .bind(new.deadline_at.0)
        .bind(new.created_by.0)
        .bind(new.created_on_device.0)
        .bind(new.received_at.0)
        .bind(new.received_at.0);
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
    let id = FindingId(id);
    insert_photos(&mut tx, id, PhotoKind::Before, new.photos, new.received_at).await?;
    insert_event(
        &mut tx,
        &Event {
            finding: id,
            office: new.office_id,
            actor: Some(new.created_by),
            action: FindingAction::Record.code(),
            from: None,
            to: FindingStatus::Open,
            note: "",
            deadline_at: Some(new.deadline_at),
            at: new.received_at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

async fn insert_photos(
    tx: &mut Tx,
    finding: FindingId,
    kind: PhotoKind,
    photos: &[NewPhoto],
    at: Millis,
) -> DbResult<()> {
    let (first,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM finding_photos \
         WHERE finding_id = $1 AND kind = $2",
    )
    .bind(finding.0)
    .bind(kind.code())
    .fetch_one(&mut **tx)
    .await?;
    for (i, photo) in photos.iter().enumerate() {
        sqlx::query(
            "INSERT INTO finding_photos (finding_id, kind, position, sha256, width, height, \
                 bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(finding.0)
        .bind(kind.code())
        .bind(first + i as i64)
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

struct Event<'a> {
    finding: FindingId,
    office: OfficeId,
    /// None: the escalation rules.
    actor: Option<UserId>,
    /// A [`FindingAction`]'s code, or an escalation's (`escalation::action_of`).
    action: &'a str,
    from: Option<FindingStatus>,
    to: FindingStatus,
    note: &'a str,
    deadline_at: Option<Millis>,
    at: Millis,
}

async fn insert_event(tx: &mut Tx, e: &Event<'_>) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO finding_events (finding_id, office_id, actor_user, action, from_status, \
             to_status, note, deadline_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(e.finding.0)
    .bind(e.office.0)
    .bind(e.actor.map(|a| a.0))
    .bind(e.action)
    .bind(e.from.map(|s| s.code()))
    .bind(e.to.code())
    .bind(e.note)
    .bind(e.deadline_at.map(|d| d.0))
    .bind(e.at.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---- reading ----

const ROW_COLUMNS: &str = "f.id, f.code, f.round_id, r.kind AS round_kind, c.name AS category, \
     o.name AS office, cm.name AS community, s.name AS street, f.description, f.status, \
     f.deadline_at, f.received_at, f.rework_count, f.press_count, f.escalation_level";

const ROW_JOINS: &str = "FROM findings f \
     JOIN inspection_rounds r ON r.id = f.round_id \
     JOIN categories c ON c.id = f.category_id \
     JOIN offices o ON o.id = f.office_id \
     LEFT JOIN communities cm ON cm.id = f.community_id \
     LEFT JOIN streets s ON s.id = f.street_id";

fn row_of(r: &AnyRow) -> sqlx::Result<FindingRow> {
    let kind: String = r.try_get("round_kind")?;
    let status: String = r.try_get("status")?;
    Ok(FindingRow {
        id: FindingId(r.try_get("id")?),
        code: r.try_get("code")?,
        round_id: RoundId(r.try_get("round_id")?),
        round_kind: RoundKind::parse(&kind).ok_or_else(|| decode("round kind"))?,
        category: r.try_get("category")?,
        office: r.try_get("office")?,
        place: crate::reports::db::place(r.try_get("community")?, r.try_get("street")?),
        description: r.try_get("description")?,
        status: FindingStatus::parse(&status).ok_or_else(|| decode("finding status"))?,
        deadline_at: Millis(r.try_get("deadline_at")?),
        received_at: Millis(r.try_get("received_at")?),
        rework_count: r.try_get("rework_count")?,
        press_count: r.try_get("press_count")?,
        escalation_level: r.try_get("escalation_level")?,
    })
}

/// Which findings a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// None: every office.
    pub office: Option<OfficeId>,
    /// None: the open ones (整改中 and 待复查).
    pub status: Option<FindingStatus>,
    /// Every status (overrides `status`).
    pub every: bool,
    /// Only findings escalated at least this far (1 催办, 2 督办, 3 提级).
    pub min_level: i64,
}

/// A findings list, most urgent (earliest deadline) first, at most `limit` rows: one index
/// range per status asked for.
pub async fn list(db: &Db, filter: &ListFilter, limit: i64) -> DbResult<Vec<FindingRow>> {
    let statuses: Vec<FindingStatus> = match (filter.every, filter.status) {
        (true, _) => FindingStatus::ALL.to_vec(),
        (false, Some(s)) => vec![s],
        (false, None) => vec![FindingStatus::Open, FindingStatus::Rectified],
    };
    let mut rows = Vec::new();
    for status in statuses {
        let (sql, office) = match filter.office {
            Some(o) => (
                format!(
                    "SELECT {ROW_COLUMNS} {ROW_JOINS} WHERE f.office_id = $1 AND f.status = $2 \
                     ORDER BY f.deadline_at, f.id LIMIT $3"
                ),
                Some(o),
            ),
            None => (
                format!(
                    "SELECT {ROW_COLUMNS} {ROW_JOINS} WHERE f.status = $1 \
                     ORDER BY f.deadline_at, f.id LIMIT $2"
                ),
                None,
            ),
        };
        let mut q = sqlx::query(&sql);
        if let Some(o) = office {
            q = q.bind(o.0);
        }
        let found = q
            .bind(status.code())
            .bind(limit)
            .fetch_all(&db.pool)
            .await?;
        for r in &found {
            let row = row_of(r)?;
            if row.escalation_level >= filter.min_level {
                rows.push(row);
            }
        }
    }
    // Open work first (by deadline), then the finished ones.
    rows.sort_by_key(|r| (!r.status.is_open(), r.deadline_at, r.id));
    rows.truncate(limit as usize);
    Ok(rows)
}

/// A round's findings, in the order they were recorded.
pub async fn of_round(db: &Db, round: RoundId, limit: i64) -> DbResult<Vec<FindingRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} {ROW_JOINS} WHERE f.round_id = $1 ORDER BY f.id LIMIT $2"
    ))
    .bind(round.0)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(row_of)
        .collect::<sqlx::Result<_>>()
        .map_err(Into::into)
}

/// (整改中, 待复查, 整改中 past the deadline) of an office, or of the district: counts over
/// the index ranges of `findings_office` / `findings_status`.
pub async fn counts(db: &Db, office: Option<OfficeId>, now: Millis) -> DbResult<(i64, i64, i64)> {
    let count = |status: FindingStatus, before: Option<Millis>| {
        let mut sql = String::from("SELECT COUNT(*) FROM findings WHERE status = $1");
        let mut n = 1;
        if office.is_some() {
            n += 1;
            sql.push_str(&format!(" AND office_id = ${n}"));
        }
        if before.is_some() {
            n += 1;
            sql.push_str(&format!(" AND deadline_at < ${n}"));
        }
        async move {
            let mut q = sqlx::query_as::<_, (i64,)>(&sql).bind(status.code());
            if let Some(o) = office {
                q = q.bind(o.0);
            }
            if let Some(b) = before {
                q = q.bind(b.0);
            }
            let (n,) = q.fetch_one(&db.pool).await?;
            DbResult::Ok(n)
        }
    };
    let open = count(FindingStatus::Open, None).await?;
    let rectified = count(FindingStatus::Rectified, None).await?;
    let overdue = count(FindingStatus::Open, Some(now)).await?;
    Ok((open, rectified, overdue))
}

/// What a step needs to know of a finding.
#[derive(Debug, Clone)]
pub struct Head {
    pub id: FindingId,
    pub office_id: OfficeId,
    pub status: FindingStatus,
    pub version: i64,
    pub deadline_at: Millis,
}

pub async fn head(db: &Db, id: FindingId) -> DbResult<Option<Head>> {
    let row: Option<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT office_id, status, version, deadline_at FROM findings WHERE id = $1",
    )
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(office, status, version, deadline)| {
        Ok(Head {
            id,
            office_id: OfficeId(office),
            status: FindingStatus::parse(&status).ok_or_else(|| decode("finding status"))?,
            version,
            deadline_at: Millis(deadline),
        })
    })
    .transpose()
}

/// The whole finding: its row, version, place, photos and steps.
pub struct Full {
    pub row: FindingRow,
    pub office_id: OfficeId,
    pub round_held_on: i64,
    pub version: i64,
    pub location: Option<(f64, f64)>,
    pub late_count: i64,
    pub photos: Vec<PhotoRef>,
    pub events: Vec<FindingEventView>,
}

pub async fn full(db: &Db, id: FindingId) -> DbResult<Option<Full>> {
    let row = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS}, f.office_id, r.held_on, f.version, f.lat, f.lon, f.late_count \
         {ROW_JOINS} WHERE f.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let lat: Option<f64> = r.try_get("lat")?;
    let lon: Option<f64> = r.try_get("lon")?;
    let photos = sqlx::query_as::<_, (String, String, i64, i64)>(
        "SELECT sha256, kind, width, height FROM finding_photos WHERE finding_id = $1 \
         ORDER BY kind DESC, position",
    )
    .bind(id.0)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|(sha256, kind, w, h)| PhotoRef {
        sha256,
        kind: if kind == "after" {
            PhotoKind::After
        } else {
            PhotoKind::Before
        },
        width: u32::try_from(w).unwrap_or(0),
        height: u32::try_from(h).unwrap_or(0),
    })
    .collect();
    let events = sqlx::query_as::<_, (String, Option<String>, i64, String, Option<i64>)>(
        "SELECT e.action, u.display_name, e.created_at, e.note, e.deadline_at \
         FROM finding_events e LEFT JOIN users u ON u.id = e.actor_user \
         WHERE e.finding_id = $1 ORDER BY e.id",
    )
    .bind(id.0)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|(action, actor, at, note, deadline)| FindingEventView {
        label: event_label(&action),
        action,
        actor: actor.unwrap_or_else(|| super::strings::ACTOR_SYSTEM.to_string()),
        at: Millis(at),
        note,
        deadline_at: deadline.map(Millis),
    })
    .collect::<Vec<_>>();
    Ok(Some(Full {
        row: row_of(&r)?,
        office_id: OfficeId(r.try_get("office_id")?),
        round_held_on: r.try_get("held_on")?,
        version: r.try_get("version")?,
        location: lat.zip(lon),
        late_count: r.try_get("late_count")?,
        photos,
        events,
    }))
}

/// A step's word: a workflow action's, or an escalation's.
fn event_label(action: &str) -> String {
    match FindingAction::parse(action) {
        Some(a) => a.label(),
        None => super::strings::label(crate::escalation::level_of(action)),
    }
    .to_string()
}

// ---- steps ----

/// One step, written in one transaction if the finding is still at `expected_version`.
pub struct Step<'a> {
    pub head: &'a Head,
    pub actor: UserId,
    pub action: FindingAction,
    pub to: FindingStatus,
    pub note: &'a str,
    /// A new deadline (复查不通过, 调整时限).
    pub deadline_at: Option<Millis>,
    /// 改派: the office responsible from now on.
    pub office_to: Option<OfficeId>,
    pub after_photos: &'a [NewPhoto],
    pub at: Millis,
}

/// Applies a step; false when the finding changed meanwhile (nothing written).
pub async fn step(db: &Db, s: &Step<'_>) -> DbResult<bool> {
    use FindingAction as A;
    let mut tx = db.begin_write().await?;
    let mut set = String::from("status = $3, version = version + 1, updated_at = $4");
    match s.action {
        A::Rectify => {
            set.push_str(", rectified_at = $4");
            if s.at > s.head.deadline_at {
                set.push_str(", late_count = late_count + 1");
            }
        }
        A::Pass => set.push_str(", passed_at = $4"),
        A::Fail => set.push_str(", rework_count = rework_count + 1, rectified_at = NULL"),
        // A 催办 by hand is a 催办 like the rules' (the next levels count from it).
        A::Press => set.push_str(
            ", press_count = press_count + 1, \
             escalated_at = CASE WHEN escalation_level = 0 THEN $4 ELSE escalated_at END, \
             escalation_level = CASE WHEN escalation_level = 0 THEN 1 ELSE escalation_level END",
        ),
        A::Record | A::SetDeadline | A::Withdraw | A::Reassign => {}
    }
    // Numbered after the fixed ones: $5 the deadline when there is one, then the office.
    let mut next = 5;
    if s.deadline_at.is_some() {
        set.push_str(", deadline_at = $5");
        next += 1;
    }
    if s.office_to.is_some() {
        set.push_str(&format!(", office_id = ${next}"));
    }
    let sql = format!("UPDATE findings SET {set} WHERE id = $1 AND version = $2");
    let mut q = sqlx::query(&sql)
        .bind(s.head.id.0)
        .bind(s.head.version)
        .bind(s.to.code())
        .bind(s.at.0);
    if let Some(d) = s.deadline_at {
        q = q.bind(d.0);
    }
    if let Some(o) = s.office_to {
        q = q.bind(o.0);
    }
    if q.execute(&mut *tx).await?.rows_affected() != 1 {
        return Ok(false);
    }
    if !s.after_photos.is_empty() {
        insert_photos(&mut tx, s.head.id, PhotoKind::After, s.after_photos, s.at).await?;
    }
    insert_event(
        &mut tx,
        &Event {
            finding: s.head.id,
            // A 改派 is the new office's first step (the note names the old one).
            office: s.office_to.unwrap_or(s.head.office_id),
            actor: Some(s.actor),
            action: s.action.code(),
            from: Some(s.head.status),
            to: s.to,
            note: s.note,
            // A rectification records the deadline it met or missed (the bulletin's 按期).
            deadline_at: match s.action {
                A::Rectify => Some(s.head.deadline_at),
                _ => s.deadline_at,
            },
            at: s.at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

// ---- photos ----

/// Which of `shas` a finding refers to (photos are served, and kept by the orphan sweep, only
/// when something does: the `photo_sweep` module asks).
pub async fn referenced_photos(
    db: &Db,
    shas: &[PhotoSha],
) -> DbResult<std::collections::HashSet<String>> {
    crate::db::photos_named(db, "finding_photos", "sha256", shas).await
}

// ---- the bulletin ----

/// Per office and step: how many steps in `[from, until)`, and (for 整改完成) how many of
/// them met the deadline then in force. One range of `finding_events_time`.
pub async fn step_counts(
    db: &Db,
    from: Millis,
    until: Millis,
) -> DbResult<Vec<(OfficeId, String, i64, i64)>> {
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT office_id, action, COUNT(*), \
             CAST(COALESCE(SUM(CASE WHEN deadline_at IS NOT NULL AND created_at <= deadline_at \
                 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM finding_events WHERE created_at >= $1 AND created_at < $2 \
         GROUP BY office_id, action",
    )
    .bind(from.0)
    .bind(until.0)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(o, a, n, on_time)| (OfficeId(o), a, n, on_time))
        .collect())
}

/// Findings recorded in `[from, until)` and not withdrawn, per office responsible now: the
/// covering index `findings_received`.
pub async fn recorded_per_office(
    db: &Db,
    from: Millis,
    until: Millis,
) -> DbResult<Vec<(OfficeId, i64)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT office_id, COUNT(*) FROM findings \
         WHERE received_at >= $1 AND received_at < $2 AND status <> 'withdrawn' \
         GROUP BY office_id",
    )
    .bind(from.0)
    .bind(until.0)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(o, n)| (OfficeId(o), n)).collect())
}

/// Open findings (整改中, 待复查) per office: the open ones only, by `findings_status`.
pub async fn open_per_office(db: &Db) -> DbResult<Vec<(OfficeId, i64)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT office_id, COUNT(*) FROM findings WHERE status IN ('open', 'rectified') \
         GROUP BY office_id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(o, n)| (OfficeId(o), n)).collect())
}

/// Publishes a bulletin (its frozen JSON), replacing an earlier one of the same period.
pub async fn publish(
    db: &Db,
    kind: &str,
    from_day: i64,
    until_day: i64,
    body: &str,
    by: UserId,
    at: Millis,
) -> DbResult<i64> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM bulletins WHERE kind = $1 AND from_day = $2")
        .bind(kind)
        .bind(from_day)
        .execute(&mut *tx)
        .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO bulletins (kind, from_day, until_day, body, published_by, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(kind)
    .bind(from_day)
    .bind(until_day)
    .bind(body)
    .bind(by.0)
    .bind(at.0)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The published bulletins, newest period first: (id, kind, from_day, until_day, published_at).
pub async fn published(db: &Db, limit: i64) -> DbResult<Vec<(i64, String, i64, i64, Millis)>> {
    let rows: Vec<(i64, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, kind, from_day, until_day, published_at FROM bulletins \
         ORDER BY from_day DESC, kind LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, k, f, u, at)| (id, k, f, u, Millis(at)))
        .collect())
}

/// A published bulletin's frozen JSON.
pub async fn published_body(db: &Db, id: i64) -> DbResult<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT body FROM bulletins WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(b,)| b))
}

// ---- escalation ----

/// Open findings whose next step has fallen due by `now`
/// (`crate::escalation::read_candidates`): range scans of `findings_escalation_due`,
/// `findings_escalation_pressed` and `findings_reworked`, whose terms are repeated word for
/// word (SQLite's partial indexes).
const CANDIDATE_READS: crate::escalation::CandidateReads = crate::escalation::CandidateReads {
    fresh: "SELECT id, deadline_at, escalation_level, escalated_at, rework_count FROM findings \
            WHERE status = 'open' AND escalation_level = 0 AND deadline_at <= $1 \
            ORDER BY deadline_at LIMIT $2",
    pressed: "SELECT id, deadline_at, escalation_level, escalated_at, rework_count FROM findings \
              WHERE status = 'open' AND escalation_level IN (1, 2) \
                  AND escalation_level = $1 AND escalated_at <= $2 \
              ORDER BY escalation_level, escalated_at LIMIT $3",
    reworked: "SELECT id, deadline_at, escalation_level, escalated_at, rework_count FROM findings \
               WHERE status = 'open' AND escalation_level < 2 AND rework_count >= $1 LIMIT $2",
};

/// Open findings the rules step now ([`CANDIDATE_READS`]).
pub async fn escalation_candidates(
    db: &Db,
    rules: &crate::escalation::Rules,
    now: Millis,
) -> DbResult<crate::escalation::Candidates<FindingId>> {
    let c = crate::escalation::read_candidates(db, &CANDIDATE_READS, rules, now).await?;
    Ok(crate::escalation::Candidates {
        due: c
            .due
            .into_iter()
            .map(|(id, s)| (FindingId(id), s))
            .collect(),
        more: c.more,
    })
}

/// Writes the escalation `steps` of a finding still open at level `from`, with an event
/// each; false (nothing written) when it moved meanwhile.
pub async fn escalate(
    db: &Db,
    id: FindingId,
    from: i64,
    steps: Vec<(i64, Millis)>,
) -> DbResult<bool> {
    let Some(&(level, at)) = steps.last() else {
        return Ok(false);
    };
    let mut tx = db.begin_write().await?;
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE findings SET escalation_level = $1, escalated_at = $2, version = version + 1 \
         WHERE id = $3 AND escalation_level = $4 AND status = 'open' RETURNING office_id",
    )
    .bind(level)
    .bind(at.0)
    .bind(id.0)
    .bind(from)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((office,)) = row else {
        return Ok(false);
    };
    for &(level, at) in &steps {
        insert_event(
            &mut tx,
            &Event {
                finding: id,
                office: OfficeId(office),
                actor: None,
                action: crate::escalation::action_of(level),
                from: Some(FindingStatus::Open),
                to: FindingStatus::Open,
                note: "",
                deadline_at: None,
                at,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// An office's open findings at each escalation level ≥ 1: (催办, 督办, 提级), in one
/// statement.
pub async fn escalated_counts(db: &Db, office: Option<OfficeId>) -> DbResult<(i64, i64, i64)> {
    let rows: Vec<(i64, i64)> = match office {
        Some(o) => {
            sqlx::query_as(
                "SELECT escalation_level, COUNT(*) FROM findings WHERE office_id = $1 \
                 AND escalation_level > 0 AND status IN ('open', 'rectified') \
                 GROUP BY escalation_level",
            )
            .bind(o.0)
            .fetch_all(&db.pool)
            .await?
        }
        None => {
            sqlx::query_as(
                "SELECT escalation_level, COUNT(*) FROM findings WHERE escalation_level > 0 \
                 AND status IN ('open', 'rectified') GROUP BY escalation_level",
            )
            .fetch_all(&db.pool)
            .await?
        }
    };
    let [pressed, supervised, escalated] = crate::escalation::per_level(rows);
    Ok((pressed, supervised, escalated))
}
