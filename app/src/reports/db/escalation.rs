//! Escalation of residents' reports (server only): the rules' candidates, their steps, the
//! supervisor's 催办 by hand, and the bulletin's counts. The rules themselves are
//! `crate::escalation`'s, the same as a finding's. A step never changes the
//! report's status or version (an office's open form stays valid); it is an event in
//! `report_events` with no actor (the rules) or the supervisor who pressed.

use crate::db::{Db, DbResult};
use crate::domain::{Millis, OfficeId, ReportNo, UserId};
use crate::escalation::{CandidateReads, Candidates, PRESS, PRESSED, action_of, read_candidates};

/// Dispatched reports whose next step has fallen due by `now`
/// (`supervision::escalation::read_candidates`): range scans of the partial indexes
/// `reports_escalation` (by deadline), `reports_escalation_pressed` (by the moment the level
/// was reached) and `reports_send_backs`. Their terms are repeated word for word: SQLite uses
/// a partial index only for a query that names them.
const READS: CandidateReads = CandidateReads {
    fresh: "SELECT id, deadline_at, escalation_level, escalated_at, send_back_count \
            FROM reports WHERE status = 'dispatched' AND escalation_level < 3 \
                AND escalation_level = 0 AND deadline_at <= $1 \
            ORDER BY escalation_level, deadline_at LIMIT $2",
    pressed: "SELECT id, deadline_at, escalation_level, escalated_at, send_back_count \
              FROM reports WHERE status = 'dispatched' AND escalation_level IN (1, 2) \
                  AND escalation_level = $1 AND escalated_at <= $2 \
              ORDER BY escalation_level, escalated_at LIMIT $3",
    reworked: "SELECT id, deadline_at, escalation_level, escalated_at, send_back_count \
               FROM reports WHERE send_back_count >= $1 AND status = 'dispatched' \
                   AND escalation_level IN (0, 1) LIMIT $2",
};

/// Dispatched reports the rules step now ([`READS`]).
pub async fn candidates(
    db: &Db,
    now: Millis,
    rules: &crate::escalation::Rules,
) -> DbResult<Candidates<ReportNo>> {
    let c = read_candidates(db, &READS, rules, now).await?;
    Ok(Candidates {
        due: c.due.into_iter().map(|(id, s)| (ReportNo(id), s)).collect(),
        more: c.more,
    })
}

/// Writes the rules' `steps` (level, moment) of a report still dispatched at level `from`,
/// an event each; false (nothing written) when it moved meanwhile.
pub async fn escalate(
    db: &Db,
    id: ReportNo,
    from: i64,
    steps: Vec<(i64, Millis)>,
) -> DbResult<bool> {
    let Some(&(level, at)) = steps.last() else {
        return Ok(false);
    };
    let mut tx = db.begin_write().await?;
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE reports SET escalation_level = $1, escalated_at = $2 \
         WHERE id = $3 AND escalation_level = $4 AND status = 'dispatched' RETURNING office_id",
    )
    .bind(level)
    .bind(at.0)
    .bind(id.0)
    .bind(from)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((office,)) = row else {
        tx.rollback().await?;
        return Ok(false);
    };
    for &(level, at) in &steps {
        insert_event(
            &mut tx,
            id,
            OfficeId(office),
            None,
            action_of(level),
            "",
            at,
        )
        .await?;
    }
    let mut delta = crate::reports::db::figures::Delta::default();
    delta.escalated(OfficeId(office), from, level);
    delta.apply(&mut tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// The supervisor's 催办 by hand of a dispatched report past its deadline: an event with the
/// supervisor and the note; the report reaches 催办 if it was below (the rules' next steps
/// count from it). None when it is not (or no longer) dispatched and overdue; else its office.
pub async fn press(
    db: &Db,
    id: ReportNo,
    by: UserId,
    note: &str,
    at: Millis,
) -> DbResult<Option<OfficeId>> {
    let mut tx = db.begin_write().await?;
    // Below 催办, it reaches it (counted at 催办 from now); at or above, it stays there.
    let raised: Option<(i64,)> = sqlx::query_as(
        "UPDATE reports SET escalated_at = $1, escalation_level = 1 \
         WHERE id = $2 AND status = 'dispatched' AND deadline_at < $1 \
             AND escalation_level = 0 RETURNING office_id",
    )
    .bind(at.0)
    .bind(id.0)
    .fetch_optional(&mut *tx)
    .await?;
    let office = match raised {
        Some((office,)) => {
            let mut delta = crate::reports::db::figures::Delta::default();
            delta.escalated(OfficeId(office), 0, 1);
            delta.apply(&mut tx).await?;
            office
        }
        None => {
            // Already pressed: the level stays; the row is locked (as the UPDATE above would
            // have) until the event is written.
            let row: Option<(i64,)> = sqlx::query_as(
                "UPDATE reports SET escalation_level = escalation_level \
                 WHERE id = $1 AND status = 'dispatched' AND deadline_at < $2 \
                 RETURNING office_id",
            )
            .bind(id.0)
            .bind(at.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((office,)) = row else {
                tx.rollback().await?;
                return Ok(None);
            };
            office
        }
    };
    insert_event(&mut tx, id, OfficeId(office), Some(by), PRESS, note, at).await?;
    tx.commit().await?;
    Ok(Some(OfficeId(office)))
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: ReportNo,
    office: OfficeId,
    actor: Option<UserId>,
    action: &str,
    note: &str,
    at: Millis,
) -> DbResult<()> {
    let actor_sql = if actor.is_some() { "$6" } else { "NULL" };
    let sql = format!(
        "INSERT INTO report_events (report_id, actor_user, action, from_status, to_status, \
             note, public_note, created_at, office_id) \
         VALUES ($1, {actor_sql}, $2, 'dispatched', 'dispatched', $3, 0, $4, $5)"
    );
    let mut q = sqlx::query(&sql)
        .bind(id.0)
        .bind(action)
        .bind(note)
        .bind(at.0)
        .bind(office.0);
    if let Some(actor) = actor {
        q = q.bind(actor.0);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Escalation steps of residents' reports per office in `[from, until)`: (office, 催办 by
/// hand or by the rules, 督办, 提级), from the partial index `report_events_escalation`.
pub async fn period_counts(
    db: &Db,
    from: Millis,
    until: Millis,
) -> DbResult<Vec<(OfficeId, [i64; 3])>> {
    // Worded as the index's WHERE says it (SQLite matches the terms).
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT office_id, action, COUNT(*) FROM report_events \
         WHERE action IN ('press', 'auto_press', 'supervise', 'escalate') \
             AND created_at >= $1 AND created_at < $2 \
         GROUP BY office_id, action",
    )
    .bind(from.0)
    .bind(until.0)
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<(OfficeId, [i64; 3])> = Vec::new();
    for (office, action, n) in rows {
        let level = match crate::escalation::level_of(&action) {
            0 => PRESSED,
            l => l,
        };
        let slot = match out.iter().position(|(o, _)| o.0 == office) {
            Some(i) => i,
            None => {
                out.push((OfficeId(office), [0; 3]));
                out.len() - 1
            }
        };
        out[slot].1[(level - 1) as usize] += n;
    }
    Ok(out)
}
