//! Every SQL statement of 示范户 (server only). Portable SQL for SQLite and PostgreSQL through
//! sqlx's Any driver: `$n` placeholders, integers decoded as i64, flags as 0/1, absent values
//! written as NULL literals rather than bound.

use super::import::NewHonour;
use super::workflow::{HonourAction, is_public};
use super::{
    CommunityChoice, HonourEvent, HonourKind, Objection, PublicCommunity, PublicHonour,
    PublicHonours, PublicOffice, STAFF_LIST_LIMIT, StaffHonour,
};
use crate::db::{Db, DbResult};
use crate::domain::{
    CommunityId, HonourId, HonourStatus, HonourTitle, Millis, OfficeId, StreetId, UserId,
};
use crate::error::AppError;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::db::{Params, Val};

fn corrupt(what: &str) -> AppError {
    tracing::error!(what, "unexpected value in the honours tables");
    AppError::Internal
}

fn status_of(r: &AnyRow, col: &str) -> Result<HonourStatus, AppError> {
    let v: String = r.try_get(col)?;
    HonourStatus::parse(&v).map_err(|_| corrupt("status"))
}

fn title_of(r: &AnyRow) -> Result<HonourTitle, AppError> {
    let v: String = r.try_get("title")?;
    HonourTitle::parse(&v).map_err(|_| corrupt("title"))
}

fn kind_of(r: &AnyRow) -> Result<HonourKind, AppError> {
    let v: String = r.try_get("kind")?;
    HonourKind::parse(&v).ok_or_else(|| corrupt("kind"))
}

fn millis(r: &AnyRow, col: &str) -> Result<Option<Millis>, AppError> {
    Ok(r.try_get::<Option<i64>, _>(col)?.map(Millis))
}

// ---- create and import ----

async fn insert(
    tx: &mut Transaction<'static, Any>,
    h: &NewHonour,
    actor: UserId,
    action: &str,
    note: &str,
    now: Millis,
) -> Result<HonourId, AppError> {
    let mut cols = vec![
        "office_id",
        "community_id",
        "kind",
        "title",
        "full_name",
        "public_name",
        "show_house_number",
        "status",
        "created_at",
        "updated_at",
    ];
    let mut vals = vec![
        Val::I(h.office_id.0),
        Val::I(h.community_id.0),
        Val::T(h.kind.code().into()),
        Val::T(h.title.code().into()),
        Val::T(h.full_name.clone()),
        Val::T(h.public_name.clone()),
        Val::I(i64::from(h.show_house_number)),
        Val::T(HonourStatus::Nominated.code().into()),
        Val::I(now.0),
        Val::I(now.0),
    ];
    if let Some(st) = h.street_id {
        cols.push("street_id");
        vals.push(Val::I(st.0));
    }
    if let Some(n) = &h.house_number {
        cols.push("house_number");
        vals.push(Val::T(n.clone()));
    }
    let mut p = Params::default();
    let placeholders: Vec<String> = vals.into_iter().map(|v| p.push(v)).collect();
    let sql = format!(
        "INSERT INTO honours ({}) VALUES ({}) RETURNING id",
        cols.join(", "),
        placeholders.join(", ")
    );
    let row = p.bind(sqlx::query(&sql)).fetch_one(&mut **tx).await?;
    let id = HonourId(row.try_get::<i64, _>("id")?);
    sqlx::query(
        "INSERT INTO honour_events (honour_id, actor_user, action, from_status, to_status, note, photo_sha256, created_at) \
         VALUES ($1, $2, $3, NULL, $4, $5, NULL, $6)",
    )
    .bind(id.0)
    .bind(actor.0)
    .bind(action.to_string())
    .bind(HonourStatus::Nominated.code())
    .bind(note.to_string())
    .bind(now.0)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// A new 申报 with its first event.
pub async fn create(
    db: &Db,
    h: &NewHonour,
    actor: UserId,
    note: &str,
    now: Millis,
) -> Result<HonourId, AppError> {
    let mut tx = db.begin_write().await?;
    let id = insert(&mut tx, h, actor, "create", note, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Imports every row of a checked file, or nothing: one transaction, which also marks the
/// upload imported (a second 确认导入 of the same file finds it done and changes nothing).
pub async fn import_all(
    db: &Db,
    import: i64,
    rows: &[NewHonour],
    actor: UserId,
    note: &str,
    now: Millis,
) -> Result<usize, AppError> {
    let mut tx = db.begin_write().await?;
    let marked = sqlx::query(
        "UPDATE honour_imports SET imported_at = $1 WHERE id = $2 AND imported_at IS NULL AND error_count = 0",
    )
    .bind(now.0)
    .bind(import)
    .execute(&mut *tx)
    .await?;
    if marked.rows_affected() != 1 {
        return Err(AppError::Conflict(
            super::strings::IMPORT_ALREADY_DONE.into(),
        ));
    }
    for h in rows {
        insert(&mut tx, h, actor, "import", note, now).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// Keeps an uploaded, parsed file for its preview.
pub async fn save_import(
    db: &Db,
    user: UserId,
    file_name: &str,
    rows_json: &str,
    row_count: usize,
    error_count: usize,
) -> Result<i64, AppError> {
    let row = sqlx::query(
        "INSERT INTO honour_imports (user_id, file_name, rows_json, row_count, error_count, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.0)
    .bind(file_name.to_string())
    .bind(rows_json.to_string())
    .bind(row_count as i64)
    .bind(error_count as i64)
    .bind(Millis::now().0)
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get::<i64, _>("id")?)
}

/// An upload: (user, file name, rows JSON, imported at).
pub async fn load_import(
    db: &Db,
    id: i64,
) -> Result<Option<(UserId, String, String, Option<Millis>)>, AppError> {
    let row = sqlx::query(
        "SELECT user_id, file_name, rows_json, imported_at FROM honour_imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some((
        UserId(r.try_get("user_id")?),
        r.try_get("file_name")?,
        r.try_get("rows_json")?,
        millis(&r, "imported_at")?,
    )))
}

// ---- the workflow ----

/// What a transition is checked against.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub id: HonourId,
    pub office_id: OfficeId,
    pub status: HonourStatus,
    pub version: i64,
    pub notice_until: Option<Millis>,
}

pub async fn head(db: &Db, id: HonourId) -> Result<Option<Head>, AppError> {
    let row = sqlx::query(
        "SELECT id, office_id, status, version, notice_until FROM honours WHERE id = $1",
    )
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Head {
        id,
        office_id: OfficeId(r.try_get("office_id")?),
        status: status_of(&r, "status")?,
        version: r.try_get("version")?,
        notice_until: millis(&r, "notice_until")?,
    }))
}

/// A checked change of status with its event.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub honour: HonourId,
    pub expected_version: i64,
    pub action: HonourAction,
    pub from: HonourStatus,
    pub to: HonourStatus,
    /// Columns to set besides status, version and updated_at (None = NULL).
    pub set: Vec<(&'static str, Option<Val>)>,
    pub actor: UserId,
    pub note: String,
    pub photo_sha256: Option<String>,
    pub at: Millis,
}

/// Writes the change if nobody changed the honour since `expected_version`; `false` when
/// somebody did (nothing written).
pub async fn write_transition(db: &Db, t: &Transition) -> Result<bool, AppError> {
    let Some(mut tx) = crate::db::begin_versioned_update(
        db,
        "honours",
        t.honour.0,
        t.expected_version,
        t.to.code(),
        t.at.0,
        &t.set,
    )
    .await?
    else {
        return Ok(false);
    };
    let event_sql = if t.photo_sha256.is_some() {
        "INSERT INTO honour_events (honour_id, actor_user, action, from_status, to_status, note, created_at, photo_sha256) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    } else {
        "INSERT INTO honour_events (honour_id, actor_user, action, from_status, to_status, note, created_at, photo_sha256) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)"
    };
    let mut q = sqlx::query(event_sql)
        .bind(t.honour.0)
        .bind(t.actor.0)
        .bind(t.action.code())
        .bind(t.from.code())
        .bind(t.to.code())
        .bind(t.note.clone())
        .bind(t.at.0);
    if let Some(sha) = &t.photo_sha256 {
        q = q.bind(sha.clone());
    }
    q.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}

// ---- photos ----

/// Which of `shas` an honour's event refers to (a plaque photo; the `photo_sweep` module asks).
pub async fn referenced_photos(
    db: &Db,
    shas: &[crate::storage::PhotoSha],
) -> DbResult<std::collections::HashSet<String>> {
    crate::db::photos_named(db, "honour_events", "photo_sha256", shas).await
}

// ---- the public page ----

/// `LIKE` pattern matching `q` anywhere, with `\` escaping the wildcards.
fn like_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Every public honour (not 申报), grouped by 办事处 and 居委会, optionally only those whose
/// 办事处, 居委会 or street matches `q`. Never reads the full name; the house number only
/// when it may be shown.
pub async fn public_list(db: &Db, q: &str, now: Millis) -> Result<PublicHonours, AppError> {
    let mut sql = String::from(
        "SELECT h.id, h.kind, h.title, h.public_name, \
         CASE WHEN h.show_house_number = 1 THEN h.house_number ELSE NULL END AS shown_house_number, \
         h.status, h.notice_until, h.awarded_at, h.revoked_at, \
         o.name AS office_name, c.name AS community_name, st.name AS street_name \
         FROM honours h \
         JOIN offices o ON o.id = h.office_id \
         JOIN communities c ON c.id = h.community_id \
         LEFT JOIN streets st ON st.id = h.street_id \
         WHERE h.status <> 'nominated'",
    );
    let q = q.trim();
    if !q.is_empty() {
        sql.push_str(
            " AND (c.name LIKE $1 ESCAPE '\\' OR st.name LIKE $1 ESCAPE '\\' OR o.name LIKE $1 ESCAPE '\\')",
        );
    }
    sql.push_str(" ORDER BY o.sort_order, o.id, c.sort_order, c.id, h.title, h.id");
    let mut query = sqlx::query(&sql);
    if !q.is_empty() {
        query = query.bind(like_pattern(q));
    }
    let rows = query.fetch_all(&db.pool).await?;
    let mut offices: Vec<PublicOffice> = Vec::new();
    let mut counts: Vec<(HonourTitle, HonourStatus, i64)> = Vec::new();
    for r in rows {
        let status = status_of(&r, "status")?;
        if !is_public(status) {
            continue;
        }
        let title = title_of(&r)?;
        let notice_until = millis(&r, "notice_until")?;
        let honour = PublicHonour {
            id: HonourId(r.try_get("id")?),
            kind: kind_of(&r)?,
            title,
            public_name: r.try_get("public_name")?,
            house_number: r.try_get("shown_house_number")?,
            street_name: r.try_get("street_name")?,
            status,
            notice_until,
            awarded_at: millis(&r, "awarded_at")?,
            revoked_at: millis(&r, "revoked_at")?,
            open_for_objection: status == HonourStatus::Notice
                && notice_until.is_some_and(|u| now < u),
        };
        match counts
            .iter_mut()
            .find(|(t, s, _)| *t == title && *s == status)
        {
            Some(c) => c.2 += 1,
            None => counts.push((title, status, 1)),
        }
        let office_name: String = r.try_get("office_name")?;
        let community_name: String = r.try_get("community_name")?;
        if offices.last().is_none_or(|o| o.name != office_name) {
            offices.push(PublicOffice {
                name: office_name,
                communities: Vec::new(),
            });
        }
        let Some(office) = offices.last_mut() else {
            continue;
        };
        if office
            .communities
            .last()
            .is_none_or(|c| c.name != community_name)
        {
            office.communities.push(PublicCommunity {
                name: community_name,
                honours: Vec::new(),
            });
        }
        if let Some(c) = office.communities.last_mut() {
            c.honours.push(honour);
        }
    }
    counts.sort_by_key(|(t, s, _)| {
        (
            HonourTitle::ALL.iter().position(|x| x == t),
            HonourStatus::ALL.iter().position(|x| x == s),
        )
    });
    Ok(PublicHonours {
        offices,
        counts,
        query: q.to_string(),
        now,
    })
}

// ---- the staff page ----

/// Honours of `scope` (None = every office), newest change first, with their events.
pub async fn staff_list(
    db: &Db,
    scope: Option<OfficeId>,
    status: Option<HonourStatus>,
) -> Result<Vec<StaffHonour>, AppError> {
    let mut sql = String::from(
        "SELECT h.id, h.version, h.office_id, o.name AS office_name, h.community_id, \
         c.name AS community_name, h.street_id, st.name AS street_name, h.kind, h.title, \
         h.full_name, h.public_name, h.house_number, h.show_house_number, h.status, \
         h.notice_until, h.awarded_at, h.revoked_at, h.revoke_reason, h.updated_at \
         FROM honours h \
         JOIN offices o ON o.id = h.office_id \
         JOIN communities c ON c.id = h.community_id \
         LEFT JOIN streets st ON st.id = h.street_id WHERE 1 = 1",
    );
    let mut p = Params::default();
    if let Some(o) = scope {
        sql.push_str(&format!(" AND h.office_id = {}", p.push(Val::I(o.0))));
    }
    if let Some(s) = status {
        sql.push_str(&format!(
            " AND h.status = {}",
            p.push(Val::T(s.code().into()))
        ));
    }
    sql.push_str(&format!(
        " ORDER BY h.updated_at DESC, h.id DESC LIMIT {STAFF_LIST_LIMIT}"
    ));
    let rows = p.bind(sqlx::query(&sql)).fetch_all(&db.pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(StaffHonour {
            id: HonourId(r.try_get("id")?),
            version: r.try_get("version")?,
            office_id: OfficeId(r.try_get("office_id")?),
            office_name: r.try_get("office_name")?,
            community_id: CommunityId(r.try_get("community_id")?),
            community_name: r.try_get("community_name")?,
            street_id: r.try_get::<Option<i64>, _>("street_id")?.map(StreetId),
            street_name: r.try_get("street_name")?,
            kind: kind_of(&r)?,
            title: title_of(&r)?,
            full_name: r.try_get("full_name")?,
            public_name: r.try_get("public_name")?,
            house_number: r.try_get("house_number")?,
            show_house_number: r.try_get::<i64, _>("show_house_number")? == 1,
            status: status_of(&r, "status")?,
            notice_until: millis(&r, "notice_until")?,
            awarded_at: millis(&r, "awarded_at")?,
            revoked_at: millis(&r, "revoked_at")?,
            revoke_reason: r.try_get("revoke_reason")?,
            updated_at: Millis(r.try_get("updated_at")?),
            events: Vec::new(),
        });
    }
    if out.is_empty() {
        return Ok(out);
    }
    // Ids are integers read from the database: safe to write into the statement.
    let ids: Vec<String> = out.iter().map(|h| h.id.0.to_string()).collect();
    let events = sqlx::query(&format!(
        "SELECT e.honour_id, e.created_at, u.display_name, e.action, e.from_status, \
         e.to_status, e.note, e.photo_sha256 \
         FROM honour_events e LEFT JOIN users u ON u.id = e.actor_user \
         WHERE e.honour_id IN ({}) ORDER BY e.honour_id, e.id",
        ids.join(", ")
    ))
    .fetch_all(&db.pool)
    .await?;
    for r in events {
        let id = HonourId(r.try_get("honour_id")?);
        let from: Option<String> = r.try_get("from_status")?;
        let event = HonourEvent {
            at: Millis(r.try_get("created_at")?),
            actor: r.try_get("display_name")?,
            action: r.try_get("action")?,
            from: from.and_then(|f| HonourStatus::parse(&f).ok()),
            to: status_of(&r, "to_status")?,
            note: r.try_get("note")?,
            photo_sha256: r.try_get("photo_sha256")?,
        };
        if let Some(h) = out.iter_mut().find(|h| h.id == id) {
            h.events.push(event);
        }
    }
    Ok(out)
}

/// 居委会 (with streets) staff of `scope` may file honours in.
pub async fn community_choices(
    db: &Db,
    scope: Option<OfficeId>,
) -> Result<Vec<CommunityChoice>, AppError> {
    let refs = crate::areas::db::reference_data(db).await?;
    Ok(refs
        .communities
        .iter()
        .filter(|c| scope.is_none_or(|o| c.office_id == o))
        .map(|c| CommunityChoice {
            id: c.id,
            name: c.name.clone(),
            office_name: refs
                .office(c.office_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            streets: refs
                .streets
                .iter()
                .filter(|s| s.community_id == c.id)
                .map(|s| (s.id, s.name.clone()))
                .collect(),
        })
        .collect())
}

// ---- objections ----

pub async fn add_objection(
    db: &Db,
    honour: HonourId,
    office: OfficeId,
    content: &str,
    phone: Option<&str>,
) -> Result<i64, AppError> {
    let sql = if phone.is_some() {
        "INSERT INTO honour_objections (honour_id, office_id, content, created_at, contact_phone) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id"
    } else {
        "INSERT INTO honour_objections (honour_id, office_id, content, created_at, contact_phone) \
         VALUES ($1, $2, $3, $4, NULL) RETURNING id"
    };
    let mut q = sqlx::query(sql)
        .bind(honour.0)
        .bind(office.0)
        .bind(content.to_string())
        .bind(Millis::now().0);
    if let Some(p) = phone {
        q = q.bind(p.to_string());
    }
    let row = q.fetch_one(&db.pool).await?;
    Ok(row.try_get::<i64, _>("id")?)
}

/// Objections of `scope` (None = all): open ones first, newest first.
pub async fn objections(db: &Db, scope: Option<OfficeId>) -> Result<Vec<Objection>, AppError> {
    let mut sql = String::from(
        "SELECT j.id, j.honour_id, j.office_id, h.full_name, h.public_name, c.name AS community_name, \
         h.title, j.content, j.contact_phone, j.created_at, j.handled_at, u.display_name, j.handled_note \
         FROM honour_objections j \
         JOIN honours h ON h.id = j.honour_id \
         JOIN communities c ON c.id = h.community_id \
         LEFT JOIN users u ON u.id = j.handled_by",
    );
    if scope.is_some() {
        sql.push_str(" WHERE j.office_id = $1");
    }
    sql.push_str(" ORDER BY CASE WHEN j.handled_at IS NULL THEN 0 ELSE 1 END, j.id DESC LIMIT 200");
    let mut q = sqlx::query(&sql);
    if let Some(o) = scope {
        q = q.bind(o.0);
    }
    let rows = q.fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            Ok(Objection {
                id: r.try_get("id")?,
                honour_id: HonourId(r.try_get("honour_id")?),
                office_id: OfficeId(r.try_get("office_id")?),
                honour_full_name: r.try_get("full_name")?,
                honour_public_name: r.try_get("public_name")?,
                community_name: r.try_get("community_name")?,
                title: title_of(r)?,
                content: r.try_get("content")?,
                contact_phone: r.try_get("contact_phone")?,
                created_at: Millis(r.try_get("created_at")?),
                handled_at: millis(r, "handled_at")?,
                handled_by: r.try_get("display_name")?,
                handled_note: r.try_get("handled_note")?,
            })
        })
        .collect()
}

/// The office of an objection and whether it is handled.
pub async fn objection_head(db: &Db, id: i64) -> Result<Option<(OfficeId, bool)>, AppError> {
    let row = sqlx::query("SELECT office_id, handled_at FROM honour_objections WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some((
        OfficeId(r.try_get("office_id")?),
        millis(&r, "handled_at")?.is_some(),
    )))
}

/// Marks an objection handled; `false` when it already was.
pub async fn handle_objection(
    db: &Db,
    id: i64,
    user: UserId,
    note: &str,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE honour_objections SET handled_at = $1, handled_by = $2, handled_note = $3 \
         WHERE id = $4 AND handled_at IS NULL",
    )
    .bind(Millis::now().0)
    .bind(user.0)
    .bind(note.to_string())
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("韩营"), "%韩营%");
        assert_eq!(like_pattern("50%_x\\"), "%50\\%\\_x\\\\%");
    }
}
