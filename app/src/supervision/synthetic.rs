//! Synthetic 督导 rounds and findings for benchmarks and trials
//! (`server synthetic --findings N`): a year of rounds of about twenty findings each, on the
//! streets of the area tree, each with the path it took — recorded, rectified (mostly by the
//! deadline), sometimes sent back and rectified again, 复查通过 — or still open in the last
//! weeks, some past their deadline and escalated. Multi-row INSERTs of literal values
//! (integers and fixed text) in one transaction; the same seed gives the same data.

use crate::db::{Db, DbResult};
use crate::domain::Millis;
use crate::domain::time::{DAY_MS, HOUR_MS};
use crate::error::AppError;
use crate::reports::db::synthetic::Rng;

/// Rows per INSERT statement.
const BATCH: usize = 400;
const FINDINGS_PER_ROUND: u64 = 20;

/// Collects rows and writes them as one multi-row INSERT per [`BATCH`].
struct Inserts {
    head: String,
    rows: Vec<String>,
    written: i64,
}

impl Inserts {
    fn new(head: &str) -> Self {
        Self {
            head: head.to_string(),
            rows: Vec::with_capacity(BATCH),
            written: 0,
        }
    }

    /// Adds a row; the caller flushes (parents before children: the keys are checked at once,
    /// so the steps and photos are written after every finding).
    async fn push(
        &mut self,
        _tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        row: String,
    ) -> DbResult<()> {
        self.rows.push(row);
        Ok(())
    }

    fn full(&self) -> bool {
        self.rows.len() >= BATCH
    }

    async fn flush(&mut self, tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> DbResult<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let sql = format!("{} VALUES {}", self.head, self.rows.join(", "));
        sqlx::query(&sql).execute(&mut **tx).await?;
        self.written += self.rows.len() as i64;
        self.rows.clear();
        Ok(())
    }
}

/// What was written: (rounds, findings, events).
pub async fn fill(db: &Db, n: u64, now: Millis, seed: u64) -> Result<(i64, i64, i64), AppError> {
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM findings")
        .fetch_one(&db.pool)
        .await?;
    if existing > 0 {
        return Err(AppError::Conflict(
            "synthetic findings go into a database without findings".into(),
        ));
    }
    let places: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT s.id, c.id, c.office_id FROM streets s JOIN communities c ON c.id = s.community_id \
         ORDER BY s.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let categories: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, deadline_hours FROM categories WHERE active = 1 ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    let supervisor: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE role = 'supervisor' ORDER BY id LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    let (Some((supervisor,)), false, false) =
        (supervisor, places.is_empty(), categories.is_empty())
    else {
        return Err(AppError::bad_request(
            "the database needs streets, categories and a supervisor account first (SEED_DEMO=true)",
        ));
    };
    let staff: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT office_id, MIN(id) FROM users WHERE role = 'staff' GROUP BY office_id",
    )
    .fetch_all(&db.pool)
    .await?;
    let actor_of = |office: i64| {
        staff
            .iter()
            .find(|(o, _)| *o == office)
            .map_or(supervisor, |(_, u)| *u)
    };
    let photo = crate::reports::db::any_photo(db).await?;

    let mut rng = Rng(seed ^ 0xD0D0);
    let mut tx = db.begin_write().await?;
    // The ids are given (events refer to them); PostgreSQL's identity column takes them only
    // when told so.
    let overriding = match db.backend {
        crate::db::Backend::Postgres => " OVERRIDING SYSTEM VALUE",
        crate::db::Backend::Sqlite => "",
    };
    let mut rounds = Inserts::new(&format!(
        "INSERT INTO inspection_rounds (id, kind, held_on, points_checked, note, supervisor_id, \
         started_at, ended_at){overriding}"
    ));
    let mut findings = Inserts::new(&format!(
        "INSERT INTO findings (id, round_id, client_uuid, content_hash, code, category_id, \
         office_id, community_id, street_id, description, status, deadline_at, created_by, \
         created_on_device, received_at, updated_at, rectified_at, passed_at, rework_count, \
         late_count, press_count, escalation_level, escalated_at, version){overriding}"
    ));
    let mut events = Inserts::new(
        "INSERT INTO finding_events (finding_id, office_id, actor_user, action, from_status, \
         to_status, note, deadline_at, created_at)",
    );
    let mut photos = Inserts::new(
        "INSERT INTO finding_photos (finding_id, kind, position, sha256, width, height, bytes, \
         created_at)",
    );
    let year = 365 * DAY_MS;
    let round_count = n.div_ceil(FINDINGS_PER_ROUND).max(1);
    let null = || "NULL".to_string();
    for f in 0..n {
        let round = f / FINDINGS_PER_ROUND + 1;
        // Rounds spread over the year, oldest first.
        let round_start = now.0 - year + (round as i64 - 1) * year / round_count as i64;
        if f % FINDINGS_PER_ROUND == 0 {
            rounds
                .push(
                    &mut tx,
                    format!(
                        "({round}, '{}', {}, {}, '', {supervisor}, {round_start}, {})",
                        if rng.chance(300) { "covert" } else { "open" },
                        Millis(round_start).cst_day(),
                        10 + rng.below(40),
                        round_start + 4 * HOUR_MS,
                    ),
                )
                .await?;
        }
        let id = f as i64 + 1;
        let (street, community, office) = places[rng.below(places.len() as u64) as usize];
        let (category, hours) = categories[rng.below(categories.len() as u64) as usize];
        let received = round_start + rng.below(4 * HOUR_MS as u64) as i64;
        let deadline = received + hours * HOUR_MS;
        let age = now.0 - received;
        let staff_user = actor_of(office);
        let mut ev: Vec<(i64, &str, &str, &str, String, i64)> = vec![(
            supervisor,
            "record",
            "",
            "open",
            deadline.to_string(),
            received,
        )];
        let (mut status, mut rectified_at, mut passed_at) = ("open", None, None);
        let (mut rework, mut late, mut level, mut escalated_at) = (0, 0, 0, None);
        let mut t = received;
        let mut dl = deadline;
        // Older findings went the whole way; the last two weeks are partly open.
        let finished = age > 14 * DAY_MS || rng.chance(400);
        if finished || rng.chance(500) {
            let on_time = rng.chance(800);
            let span = (dl - t).max(HOUR_MS);
            t = if on_time {
                t + rng.below(span as u64) as i64
            } else {
                dl + HOUR_MS + rng.below(2 * DAY_MS as u64) as i64
            }
            .min(now.0 - 1);
            if t > dl {
                late += 1;
            }
            ev.push((
                staff_user,
                "rectify",
                "open",
                "rectified",
                dl.to_string(),
                t,
            ));
            status = "rectified";
            rectified_at = Some(t);
            if rng.chance(150) {
                t = (t + HOUR_MS).min(now.0 - 1);
                dl = t + 24 * HOUR_MS;
                rework += 1;
                ev.push((supervisor, "fail", "rectified", "open", dl.to_string(), t));
                t = (t + rng.below(20 * HOUR_MS as u64) as i64).min(now.0 - 1);
                ev.push((
                    staff_user,
                    "rectify",
                    "open",
                    "rectified",
                    dl.to_string(),
                    t,
                ));
                rectified_at = Some(t);
            }
            if finished {
                t = (t + rng.below(DAY_MS as u64) as i64).min(now.0 - 1);
                ev.push((supervisor, "pass", "rectified", "passed", "NULL".into(), t));
                status = "passed";
                passed_at = Some(t);
            }
        } else if dl < now.0 {
            // Open past its deadline: pressed by the rules, some further.
            level = 1 + rng.below(3) as i64;
            let mut at = dl;
            for (l, action) in [(1, "auto_press"), (2, "supervise"), (3, "escalate")] {
                if l > level || at > now.0 {
                    level = level.min(l - 1);
                    break;
                }
                ev.push((0, action, "open", "open", "NULL".into(), at));
                escalated_at = Some(at);
                at += 24 * HOUR_MS;
            }
        }
        let opt = |v: Option<i64>| v.map_or_else(null, |v| v.to_string());
        findings
            .push(
                &mut tx,
                format!(
                    "({id}, {round}, '00000000-0000-4000-8000-{id:012}', 'synthetic', 'F{id:07}', \
                     {category}, {office}, {community}, {street}, '', '{status}', {dl}, \
                     {supervisor}, {received}, {received}, {t}, {}, {}, {rework}, {late}, 0, \
                     {level}, {}, {})",
                    opt(rectified_at),
                    opt(passed_at),
                    opt(escalated_at),
                    ev.len(),
                ),
            )
            .await?;
        for (actor, action, from, to, deadline, at) in ev {
            let actor = if actor == 0 {
                null()
            } else {
                actor.to_string()
            };
            let from = if from.is_empty() {
                null()
            } else {
                format!("'{from}'")
            };
            events
                .push(
                    &mut tx,
                    format!(
                        "({id}, {office}, {actor}, '{action}', {from}, '{to}', '', {deadline}, {at})"
                    ),
                )
                .await?;
        }
        if let Some(sha) = &photo {
            photos
                .push(
                    &mut tx,
                    format!("({id}, 'before', 0, '{sha}', 1600, 1200, 200000, {received})"),
                )
                .await?;
        }
        if rounds.full() || findings.full() {
            rounds.flush(&mut tx).await?;
            findings.flush(&mut tx).await?;
        }
    }
    rounds.flush(&mut tx).await?;
    findings.flush(&mut tx).await?;
    // The steps and photos go in once every finding is there: PostgreSQL checks each row's
    // key against findings with a plan made at its first use, which must not be the plan of
    // a nearly empty table.
    if db.backend == crate::db::Backend::Postgres {
        sqlx::query("ANALYZE findings").execute(&mut *tx).await?;
    }
    for batch in [&mut events, &mut photos] {
        let rows = std::mem::take(&mut batch.rows);
        for chunk in rows.chunks(BATCH) {
            batch.rows = chunk.to_vec();
            batch.flush(&mut tx).await?;
        }
    }
    if db.backend == crate::db::Backend::Postgres {
        // Rows were written with their ids: move the identity sequences past them.
        for table in ["inspection_rounds", "findings"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok((rounds.written, findings.written, events.written))
}
