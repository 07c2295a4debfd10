//! The `reports` table as staff triage reads and writes it (server only): the queue, the full
//! report, duplicate candidates, and the one transition writer. Portable across SQLite and
//! PostgreSQL: `$n` placeholders numbered by hand, integers as i64, absent values as SQL NULL.

use super::{photo_ref, place, status};
use crate::db::{Db, DbResult};
use crate::domain::{
    CategoryId, CommunityId, Millis, OfficeId, ReportNo, ReportStatus, StreetId, UserId,
};
use crate::reports::triage::{QueueFilter, QueuePage, QueueRow, ReportDetail, StaffEvent};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The queue's sort: by deadline while dispatched, the rest after every deadline, by age.
/// Must match the index `reports_queue_key` in the migrations word for word.
pub const SORT_KEY: &str = "COALESCE(r.deadline_at, 4000000000000 + r.received_at)";
/// The constant in [`SORT_KEY`] added to the time of receipt of a report without a deadline.
const SORT_KEY_OFFSET: i64 = 4_000_000_000_000;

use crate::db::{Params, Val};

pub(super) const OPEN_STATUSES: &str = "('pending', 'accepted', 'dispatched', 'rectified')";

/// One page of the queue of `office` (None: every office, for the admin).
pub async fn queue(
    db: &Db,
    office: Option<OfficeId>,
    f: &QueueFilter,
    now: Millis,
    page_size: usize,
) -> DbResult<QueuePage> {
    let (rows, next) = queue_rows(db, office, f, now, page_size).await?;
    let counts = crate::reports::db::figures::counts(db, office).await?;
    let overdue = crate::reports::db::figures::overdue(db, office, now).await?;
    Ok(QueuePage {
        rows,
        next,
        counts,
        overdue,
        now,
    })
}

/// The rows of one page of the queue and the cursor of the next.
pub async fn queue_rows(
    db: &Db,
    office: Option<OfficeId>,
    f: &QueueFilter,
    now: Millis,
    page_size: usize,
) -> DbResult<(Vec<QueueRow>, Option<(i64, ReportNo)>)> {
    let mut p = Params::default();
    let mut conds = filter_conds(&mut p, office, f, now);
    // Where the filter fixes which side of the sort key's COALESCE applies, the key is that
    // column (up to a constant): said so, an index on it gives the rows in order instead of a
    // sort of them all. Dispatched and rectified reports (overdue, due soon, escalated ones
    // among them) always have a deadline; pending and accepted ones never do (a transfer or a
    // reopening clears it), and the partial indexes `reports_pending(_all)` and
    // `reports_accepted(_all)` hold them by receipt.
    let by_deadline = f.overdue_only
        || f.due_before.is_some()
        || f.level.is_some()
        || matches!(
            f.status,
            Some(ReportStatus::Dispatched | ReportStatus::Rectified)
        );
    let (key, offset) = if by_deadline {
        ("r.deadline_at", 0)
    } else if matches!(
        f.status,
        Some(ReportStatus::Pending | ReportStatus::Accepted)
    ) {
        ("r.received_at", SORT_KEY_OFFSET)
    } else {
        (SORT_KEY, 0)
    };
    if let Some((after, id)) = f.after {
        let k1 = p.push(Val::I(after - offset));
        let k2 = p.push(Val::I(after - offset));
        let i = p.push(Val::I(id.0));
        conds.push(format!("({key} > {k1} OR ({key} = {k2} AND r.id > {i}))"));
    }
    let where_sql = where_clause(&conds);
    let limit = p.push(Val::I(page_size as i64 + 1));
    // The reference names: PostgreSQL planned them as a six-way join in 3–4.5 ms each time
    // (running it takes 0.3 ms at a million reports) and plans scalar lookups by key in
    // 1.7 ms; the inbox runs five of these. SQLite plans either at once, but with the
    // lookups SQLite 3.46+ read the admin's open queue by status and sorted it (12 → 122 ms).
    let (names, joins) = match db.backend {
        crate::db::Backend::Postgres => (
            "(SELECT c.name FROM categories c WHERE c.id = r.category_id) AS category_name, \
             (SELECT c.icon FROM categories c WHERE c.id = r.category_id) AS category_icon, \
             (SELECT o.name FROM offices o WHERE o.id = r.office_id) AS office_name, \
             (SELECT cm.name FROM communities cm WHERE cm.id = r.community_id) \
                 AS community_name, \
             (SELECT s.name FROM streets s WHERE s.id = r.street_id) AS street_name",
            "",
        ),
        crate::db::Backend::Sqlite => (
            "c.name AS category_name, c.icon AS category_icon, o.name AS office_name, \
             cm.name AS community_name, s.name AS street_name",
            "JOIN categories c ON c.id = r.category_id \
             JOIN offices o ON o.id = r.office_id \
             LEFT JOIN communities cm ON cm.id = r.community_id \
             LEFT JOIN streets s ON s.id = r.street_id",
        ),
    };
    let sql = format!(
        "SELECT r.id, r.tracking_code, r.status, {names}, \
             r.received_at, r.deadline_at, r.reopen_count, \
             r.escalation_level, {SORT_KEY} AS sort_key, ph.sha256, ph.kind, ph.width, ph.height \
         FROM reports r {joins} \
         LEFT JOIN report_photos ph \
             ON ph.report_id = r.id AND ph.kind = 'before' AND ph.position = 0 \
         {where_sql} \
         ORDER BY {key}, r.id \
         LIMIT {limit}"
    );
    let rows = p.bind(sqlx::query(&sql)).fetch_all(&db.pool).await?;
    let mut out: Vec<QueueRow> = rows.iter().map(queue_row).collect::<sqlx::Result<_>>()?;
    let next = if out.len() > page_size {
        out.truncate(page_size);
        out.last().map(|r| (r.sort_key, r.id))
    } else {
        None
    };
    Ok((out, next))
}

/// The WHERE conditions of `f` (every filter but the keyset cursor) on `reports r`, for the
/// queue and the export alike: one office or all; a status, every status, or the open ones.
pub(super) fn filter_conds(
    p: &mut Params,
    office: Option<OfficeId>,
    f: &QueueFilter,
    now: Millis,
) -> Vec<String> {
    let mut conds: Vec<String> = Vec::new();
    if let Some(o) = office {
        conds.push(format!("r.office_id = {}", p.push(Val::I(o.0))));
    }
    match f.status {
        // A literal (our own fixed codes, never the user's text), so that the partial indexes
        // of one status apply; the planners also estimate a literal better than a parameter.
        Some(st) => conds.push(format!("r.status = '{}'", st.code())),
        None if !f.overdue_only
            && !f.every_status
            && f.code.is_none()
            && f.due_before.is_none()
            && f.level.is_none() =>
        {
            conds.push(format!("r.status IN {OPEN_STATUSES}"))
        }
        None => {}
    }
    if f.overdue_only {
        conds.push(format!(
            "r.status = 'dispatched' AND r.deadline_at < {}",
            p.push(Val::I(now.0))
        ));
    }
    if let Some(until) = f.due_before {
        conds.push(format!(
            "r.status = 'dispatched' AND r.deadline_at >= {} AND r.deadline_at < {}",
            p.push(Val::I(now.0)),
            p.push(Val::I(until.0))
        ));
    }
    if let Some(level) = f.level {
        // Escalated reports are overdue ones (the oldest deadlines): the deadline order of the
        // queue's indexes meets them first.
        conds.push(format!(
            "r.status = 'dispatched' AND r.escalation_level >= {}",
            p.push(Val::I(level))
        ));
    }
    if let Some(code) = &f.code {
        conds.push(format!(
            "r.tracking_code = {}",
            p.push(Val::T(code.clone()))
        ));
    }
    if let Some(c) = f.category {
        conds.push(format!("r.category_id = {}", p.push(Val::I(c.0))));
    }
    if let Some(c) = f.community {
        conds.push(format!("r.community_id = {}", p.push(Val::I(c.0))));
    }
    if let Some(s) = f.street {
        conds.push(format!("r.street_id = {}", p.push(Val::I(s.0))));
    }
    if let Some(g) = f.grid {
        conds.push(format!("r.grid_id = {}", p.push(Val::I(g.0))));
    }
    if let Some(from) = f.from {
        conds.push(format!("r.received_at >= {}", p.push(Val::I(from.0))));
    }
    if let Some(until) = f.until {
        conds.push(format!("r.received_at < {}", p.push(Val::I(until.0))));
    }
    conds
}

/// `WHERE a AND b …`, or nothing without conditions.
pub(super) fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    }
}

fn queue_row(row: &AnyRow) -> sqlx::Result<QueueRow> {
    let st: String = row.try_get("status")?;
    let sha: Option<String> = row.try_get("sha256")?;
    Ok(QueueRow {
        id: ReportNo(row.try_get("id")?),
        tracking_code: row.try_get("tracking_code")?,
        status: status(&st)?,
        category_name: row.try_get("category_name")?,
        category_icon: row.try_get("category_icon")?,
        office_name: row.try_get("office_name")?,
        place: place(row.try_get("community_name")?, row.try_get("street_name")?),
        received_at: Millis(row.try_get("received_at")?),
        deadline_at: row.try_get::<Option<i64>, _>("deadline_at")?.map(Millis),
        thumb: match sha {
            Some(_) => Some(photo_ref(row)?),
            None => None,
        },
        reopen_count: row.try_get("reopen_count")?,
        escalation_level: row.try_get("escalation_level")?,
        sort_key: row.try_get("sort_key")?,
    })
}

/// What a transition needs to know about the report, read inside its transaction.
#[derive(Debug, Clone)]
pub struct Head {
    pub id: ReportNo,
    pub office_id: OfficeId,
    pub status: ReportStatus,
    pub version: i64,
    pub category_id: CategoryId,
    pub street_id: Option<StreetId>,
    pub deadline_at: Option<Millis>,
    /// How often a resident said it was not fixed (read with the version, so a 仍未解决 can
    /// write it plus one under the version check).
    pub reopen_count: i64,
    /// 退回 since the last 派遣 (the same, for 退回).
    pub send_back_count: i64,
}

pub async fn head(db: &Db, id: ReportNo) -> DbResult<Option<Head>> {
    let row = sqlx::query(
        "SELECT id, office_id, status, version, category_id, street_id, deadline_at, \
             reopen_count, send_back_count \
         FROM reports WHERE id = $1",
    )
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| head_of(&r)).transpose()?)
}

pub async fn head_by_code(db: &Db, code: &str) -> DbResult<Option<Head>> {
    let row = sqlx::query(
        "SELECT id, office_id, status, version, category_id, street_id, deadline_at, \
             reopen_count, send_back_count \
         FROM reports WHERE tracking_code = $1",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| head_of(&r)).transpose()?)
}

fn head_of(r: &AnyRow) -> sqlx::Result<Head> {
    let st: String = r.try_get("status")?;
    Ok(Head {
        id: ReportNo(r.try_get("id")?),
        office_id: OfficeId(r.try_get("office_id")?),
        status: status(&st)?,
        version: r.try_get("version")?,
        category_id: CategoryId(r.try_get("category_id")?),
        street_id: r.try_get::<Option<i64>, _>("street_id")?.map(StreetId),
        deadline_at: r.try_get::<Option<i64>, _>("deadline_at")?.map(Millis),
        reopen_count: r.try_get("reopen_count")?,
        send_back_count: r.try_get("send_back_count")?,
    })
}

/// A validated transition, ready to write.
#[derive(Debug, Clone)]
pub struct Transition {
    pub report: ReportNo,
    pub expected_version: i64,
    /// The action's code (`staff::workflow::Action::code`), stored with the event.
    pub action: &'static str,
    /// A resident's 回访 answer (counted in the office's record).
    pub answer: Option<crate::reports::db::figures::Answer>,
    pub from: ReportStatus,
    pub to: ReportStatus,
    /// Column changes besides status/version/updated_at: (column, value); `None` = NULL.
    pub set: Vec<(&'static str, Option<Val>)>,
    pub actor: Option<UserId>,
    pub office: OfficeId,
    pub note: String,
    pub public_note: bool,
    /// After-photos (整改完成) or the resident's photo (仍未解决), already stored as files.
    pub photos: Vec<super::NewPhoto>,
    pub photo_kind: crate::reports::PhotoKind,
    pub at: Millis,
}

/// Outcome of writing a transition.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Done,
    /// The version moved on since the form was shown (someone else acted first).
    Stale,
}

/// Writes the status change (only if the version still matches), its event, its photos
/// and the change to the kept figures, in one transaction.
pub async fn write_transition(db: &Db, t: &Transition) -> DbResult<Written> {
    use crate::reports::db::figures;
    let mut tx = db.begin_write().await?;
    let before = figures::snapshot(&mut tx, t.report).await?;
    let done = crate::db::versioned_update(
        &mut tx,
        "reports",
        t.report.0,
        t.expected_version,
        t.to.code(),
        t.at.0,
        &t.set,
    )
    .await?;
    let (true, Some(before)) = (done, before) else {
        tx.rollback().await?;
        return Ok(Written::Stale);
    };
    let mut delta = figures::Delta::default();
    delta.add(&before, -1);
    if let Some(after) = figures::snapshot(&mut tx, t.report).await? {
        delta.add(&after, 1);
    }
    if let Some(answer) = t.answer {
        delta.answered(t.office, t.at, answer);
    }
    delta.apply(&mut tx).await?;
    let actor_sql = if t.actor.is_some() { "$9" } else { "NULL" };
    let sql = format!(
        "INSERT INTO report_events (report_id, actor_user, action, from_status, to_status, note, \
             public_note, created_at, office_id) \
         VALUES ($1, {actor_sql}, $2, $3, $4, $5, $6, $7, $8)"
    );
    let mut q = sqlx::query(&sql)
        .bind(t.report.0)
        .bind(t.action)
        .bind(t.from.code())
        .bind(t.to.code())
        .bind(t.note.as_str())
        .bind(i64::from(t.public_note))
        .bind(t.at.0)
        .bind(t.office.0);
    if let Some(actor) = t.actor {
        q = q.bind(actor.0);
    }
    q.execute(&mut *tx).await?;
    if !t.photos.is_empty() {
        let next = super::next_photo_position(&mut tx, t.report, t.photo_kind).await?;
        super::insert_photos(&mut tx, t.report, t.photo_kind, next, &t.photos, t.at).await?;
    }
    tx.commit().await?;
    Ok(Written::Done)
}

/// The full report for staff (the caller checks the office).
pub async fn detail(db: &Db, id: ReportNo, now: Millis) -> DbResult<Option<ReportDetail>> {
    let row = sqlx::query(
        // Scalar lookups by key rather than joins, as in `queue_rows` (PostgreSQL plans a
        // seven-way join for longer than it takes to run).
        "SELECT r.id, r.version, r.tracking_code, r.status, r.office_id, \
             (SELECT o.name FROM offices o WHERE o.id = r.office_id) AS office_name, \
             r.category_id, c.name AS category_name, c.icon AS category_icon, c.deadline_hours, \
             r.community_id, \
             (SELECT cm.name FROM communities cm WHERE cm.id = r.community_id) \
                 AS community_name, \
             (SELECT s.name FROM streets s WHERE s.id = r.street_id) AS street_name, \
             r.street_id, r.lat, r.lon, r.accuracy_m, r.description, r.contact_phone, \
             r.received_at, r.created_on_device, r.dispatched_to, r.deadline_at, r.duplicate_of, \
             (SELECT d.tracking_code FROM reports d WHERE d.id = r.duplicate_of) \
                 AS duplicate_code, \
             r.reopen_count, r.api_key_id, \
             r.contact_name, r.contact_email, r.media_url, r.escalation_level, \
             r.send_back_count, r.grid_id \
         FROM reports r \
         JOIN categories c ON c.id = r.category_id \
         WHERE r.id = $1",
    )
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let st: String = r.try_get("status")?;
    let street: Option<i64> = r.try_get("street_id")?;
    let category = CategoryId(r.try_get("category_id")?);
    let received_at = Millis(r.try_get("received_at")?);
    let duplicate_of = match (
        r.try_get::<Option<i64>, _>("duplicate_of")?,
        r.try_get::<Option<String>, _>("duplicate_code")?,
    ) {
        (Some(id), Some(code)) => Some((ReportNo(id), code)),
        _ => None,
    };
    let office_id = OfficeId(r.try_get("office_id")?);
    let duplicate_candidates = match street {
        Some(street) => {
            duplicate_candidates(db, id, office_id, StreetId(street), category, received_at).await?
        }
        None => Vec::new(),
    };
    Ok(Some(ReportDetail {
        id,
        version: r.try_get("version")?,
        tracking_code: r.try_get("tracking_code")?,
        status: status(&st)?,
        office_id,
        office_name: r.try_get("office_name")?,
        category_id: category,
        category_name: r.try_get("category_name")?,
        category_icon: r.try_get("category_icon")?,
        deadline_hours: r.try_get("deadline_hours")?,
        community_id: r
            .try_get::<Option<i64>, _>("community_id")?
            .map(CommunityId),
        place: place(r.try_get("community_name")?, r.try_get("street_name")?),
        lat: r.try_get("lat")?,
        lon: r.try_get("lon")?,
        accuracy_m: r.try_get("accuracy_m")?,
        description: r.try_get("description")?,
        contact_phone: r.try_get("contact_phone")?,
        // The client's name is the key's owner's to say (open311::db::key_name).
        source: None,
        api_key_id: r.try_get("api_key_id")?,
        contact_name: r.try_get("contact_name")?,
        contact_email: r.try_get("contact_email")?,
        media_url: r.try_get("media_url")?,
        received_at,
        created_on_device: Millis(r.try_get("created_on_device")?),
        dispatched_to: r.try_get("dispatched_to")?,
        deadline_at: r.try_get::<Option<i64>, _>("deadline_at")?.map(Millis),
        duplicate_of,
        reopen_count: r.try_get("reopen_count")?,
        escalation_level: r.try_get("escalation_level")?,
        send_back_count: r.try_get("send_back_count")?,
        photos: super::photos_of(db, id).await?,
        events: events(db, id).await?,
        grid_id: r
            .try_get::<Option<i64>, _>("grid_id")?
            .map(crate::domain::GridId),
        grid: None,
        duplicate_candidates,
        now,
    }))
}

async fn events(db: &Db, id: ReportNo) -> DbResult<Vec<StaffEvent>> {
    let rows = sqlx::query(
        "SELECT e.created_at, u.display_name, e.action, e.from_status, e.to_status, e.note, \
             e.public_note \
         FROM report_events e LEFT JOIN users u ON u.id = e.actor_user \
         WHERE e.report_id = $1 ORDER BY e.id",
    )
    .bind(id.0)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let from: Option<String> = r.try_get("from_status")?;
            let to: String = r.try_get("to_status")?;
            Ok(StaffEvent {
                at: Millis(r.try_get("created_at")?),
                actor: r.try_get("display_name")?,
                action: r.try_get("action")?,
                from: from.as_deref().map(status).transpose()?,
                to: status(&to)?,
                note: r.try_get("note")?,
                public_note: r.try_get::<i64, _>("public_note")? == 1,
            })
        })
        .collect()
}

/// Same office, street and category, received within 7 days before or after, not itself a
/// duplicate: the likely originals for 标记重复.
pub async fn duplicate_candidates(
    db: &Db,
    id: ReportNo,
    office: OfficeId,
    street: StreetId,
    category: CategoryId,
    received_at: Millis,
) -> DbResult<Vec<(ReportNo, String, Millis)>> {
    let week = 7 * crate::domain::time::DAY_MS;
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, tracking_code, received_at FROM reports \
         WHERE office_id = $1 AND street_id = $2 AND category_id = $3 AND id <> $4 \
             AND status <> 'duplicate' AND received_at >= $5 AND received_at <= $6 \
         ORDER BY received_at LIMIT 10",
    )
    .bind(office.0)
    .bind(street.0)
    .bind(category.0)
    .bind(id.0)
    .bind(received_at.0 - week)
    .bind(received_at.0 + week)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, at)| (ReportNo(id), code, Millis(at)))
        .collect())
}

/// Open reports and overdue ones, now.
pub async fn open_now(db: &Db, office: Option<OfficeId>, now: Millis) -> DbResult<(i64, i64)> {
    let counts = crate::reports::db::figures::counts(db, office).await?;
    let overdue = crate::reports::db::figures::overdue(db, office, now).await?;
    let open = counts
        .iter()
        .filter(|(s, _)| s.is_open())
        .map(|(_, n)| *n)
        .sum();
    Ok((open, overdue))
}

/// The report of `office` with this tracking code or number (for 标记重复's target).
pub async fn find_in_office(
    db: &Db,
    office: OfficeId,
    code_or_no: &str,
) -> DbResult<Option<(ReportNo, ReportStatus)>> {
    let code = code_or_no.trim().to_ascii_uppercase();
    let no: i64 = code.parse().unwrap_or(-1);
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, status FROM reports WHERE office_id = $1 \
             AND (tracking_code = $2 OR id = $3) LIMIT 1",
    )
    .bind(office.0)
    .bind(code)
    .bind(no)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(id, st)| Ok((ReportNo(id), status(&st)?)))
        .transpose()
}
