//! Figures kept current: reports per office and status, dispatched reports per office and
//! escalation level, each office's record per China-time day, and a histogram of times to
//! close (the tables of migration `…_figures.sql`; this
//! module holds all their SQL). Pages read these, so no page view scans an office's reports.
//!
//! Each change of a report is applied as a [`Delta`]: the report's old contribution
//! ([`Snapshot`]) subtracted, its new one added, in the transaction of the change itself.
//! [`rebuild`] computes everything from scratch (after a bulk load, or on a database that
//! had reports before these tables existed); [`recount_record`] and [`recount_counts`]
//! compute the figures straight from `reports` for tests and checks.

use crate::db::{Backend, Db, DbResult};
use crate::domain::time::{DAY_MS, HOUR_MS};
use crate::domain::{Millis, OfficeId, ReportNo, ReportStatus};
use crate::reports::record::OfficeRecord;
use sqlx::Row;
use std::collections::HashMap;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

const MINUTE_MS: i64 = 60_000;

/// Histogram buckets of time to close: (start, width, how many). Narrow where most cases
/// fall, wider later; the median's error is at most the width of its bucket.
const SEGMENTS: [(i64, i64, i64); 4] = [
    (0, 5 * MINUTE_MS, 12),          // first hour: 5 minutes
    (HOUR_MS, 30 * MINUTE_MS, 94),   // to 2 days: half an hour
    (48 * HOUR_MS, 3 * HOUR_MS, 96), // to 14 days: 3 hours
    (14 * DAY_MS, DAY_MS, 386),      // to 400 days: a day
];
/// The last bucket: 400 days and more (its estimate is its start).
const LAST_BUCKET: i64 = 12 + 94 + 96 + 386;

/// The bucket of a time to close.
pub fn bucket_of(ms: i64) -> i64 {
    let mut first = 0;
    for (start, width, n) in SEGMENTS {
        if ms < start + width * n {
            return first + (ms.max(start) - start) / width;
        }
        first += n;
    }
    LAST_BUCKET
}

/// A bucket's start and width (None: open-ended).
pub fn bucket_bounds(bucket: i64) -> (i64, Option<i64>) {
    let mut first = 0;
    for (start, width, n) in SEGMENTS {
        if bucket < first + n {
            return (start + (bucket - first).max(0) * width, Some(width));
        }
        first += n;
    }
    (14 * DAY_MS + 386 * DAY_MS, None)
}

/// The median of a histogram ((bucket, count), any order), and the most it can be off by
/// (None when it lies in the open-ended bucket). Within a bucket, cases are taken as spread
/// evenly.
pub fn median_of(hist: &[(i64, i64)]) -> (Option<i64>, Option<i64>) {
    let mut hist: Vec<(i64, i64)> = hist.iter().copied().filter(|(_, n)| *n > 0).collect();
    hist.sort_unstable();
    let total: i64 = hist.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return (None, None);
    }
    // The k-th smallest case (0-based): its estimate and its bucket's width.
    let nth = |k: i64| -> (i64, Option<i64>) {
        let mut before = 0;
        for &(b, n) in &hist {
            if k < before + n {
                let (lo, width) = bucket_bounds(b);
                return match width {
                    Some(w) => (lo + (2 * (k - before) + 1) * w / (2 * n), Some(w)),
                    None => (lo, None),
                };
            }
            before += n;
        }
        (0, None)
    };
    let (m, err) = if total % 2 == 1 {
        nth(total / 2)
    } else {
        let (a, ea) = nth(total / 2 - 1);
        let (b, eb) = nth(total / 2);
        ((a + b) / 2, ea.zip(eb).map(|(x, y)| x.max(y)))
    };
    (Some(m), err)
}

/// The China-time day number of an instant.
pub fn day_of(at: i64) -> i64 {
    Millis(at).cst_day()
}

/// What of a report the figures depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub office: i64,
    pub status: String,
    pub received_at: i64,
    pub closed_at: Option<i64>,
    pub rectified_at: Option<i64>,
    pub deadline_at: Option<i64>,
    /// 0 none, 1 催办, 2 督办, 3 提级 (counted while dispatched).
    pub escalation_level: i64,
}

impl Snapshot {
    fn closed(&self) -> bool {
        self.status == ReportStatus::Closed.code()
    }

    /// The escalation level it counts at: dispatched and escalated, else none.
    fn level(&self) -> Option<i64> {
        (self.status == ReportStatus::Dispatched.code() && self.escalation_level > 0)
            .then_some(self.escalation_level)
    }

    fn on_time(&self) -> bool {
        matches!((self.rectified_at, self.deadline_at), (Some(r), Some(d)) if r <= d)
    }

    fn of_row(r: &sqlx::any::AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            office: r.try_get("office_id")?,
            status: r.try_get("status")?,
            received_at: r.try_get("received_at")?,
            closed_at: r.try_get("closed_at")?,
            rectified_at: r.try_get("rectified_at")?,
            deadline_at: r.try_get("deadline_at")?,
            escalation_level: r.try_get("escalation_level")?,
        })
    }
}

const SNAPSHOT_COLUMNS: &str =
    "office_id, status, received_at, closed_at, rectified_at, deadline_at, escalation_level";

/// A report's snapshot, read in the caller's transaction.
pub async fn snapshot(tx: &mut Tx, report: ReportNo) -> DbResult<Option<Snapshot>> {
    let row = sqlx::query(&format!(
        "SELECT {SNAPSHOT_COLUMNS} FROM reports WHERE id = $1"
    ))
    .bind(report.0)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| Snapshot::of_row(&r)).transpose()?)
}

/// Columns of `report_daily` after its key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Daily {
    received: i64,
    received_closed: i64,
    closed: i64,
    closed_on_time: i64,
    reopened: i64,
    satisfied: i64,
    basically_satisfied: i64,
}

/// A resident's 回访 answer after a close, counted for the office on the day it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Satisfied,
    BasicallySatisfied,
    /// 不满意: the report is reopened (the old 仍未解决).
    Unsatisfied,
}

impl Answer {
    /// The event action that records it (`staff::workflow::Action::code`).
    pub fn action(self) -> &'static str {
        match self {
            Self::Satisfied => "resident_satisfied",
            Self::BasicallySatisfied => "resident_basic",
            Self::Unsatisfied => "resident_reopen",
        }
    }

    pub fn of_action(code: &str) -> Option<Self> {
        [Self::Satisfied, Self::BasicallySatisfied, Self::Unsatisfied]
            .into_iter()
            .find(|a| a.action() == code)
    }
}

impl Daily {
    fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// Changes to the kept figures, summed before they are written.
#[derive(Debug, Default)]
pub struct Delta {
    counts: HashMap<(i64, String), i64>,
    daily: HashMap<(i64, i64), Daily>,
    close_times: HashMap<(i64, i64, i64), i64>,
    close_totals: HashMap<(i64, i64), i64>,
    levels: HashMap<(i64, i64), i64>,
}

impl Delta {
    /// Adds (`sign` 1) or takes away (-1) a report's contribution.
    pub fn add(&mut self, s: &Snapshot, sign: i64) -> &mut Self {
        *self.counts.entry((s.office, s.status.clone())).or_default() += sign;
        if let Some(level) = s.level() {
            *self.levels.entry((s.office, level)).or_default() += sign;
        }
        let d = self
            .daily
            .entry((s.office, day_of(s.received_at)))
            .or_default();
        d.received += sign;
        if s.closed() {
            d.received_closed += sign;
        }
        if let (true, Some(closed_at)) = (s.closed(), s.closed_at) {
            let day = day_of(closed_at);
            let d = self.daily.entry((s.office, day)).or_default();
            d.closed += sign;
            if s.on_time() {
                d.closed_on_time += sign;
            }
            let b = bucket_of(closed_at - s.received_at);
            *self.close_times.entry((s.office, day, b)).or_default() += sign;
            *self.close_totals.entry((s.office, b)).or_default() += sign;
        }
        self
    }

    /// A dispatched report of `office` stepped from escalation level `from` to `to` (its
    /// status unchanged: the rules' steps and the supervisor's 催办).
    pub fn escalated(&mut self, office: OfficeId, from: i64, to: i64) -> &mut Self {
        for (level, sign) in [(from, -1), (to, 1)] {
            if level > 0 {
                *self.levels.entry((office.0, level)).or_default() += sign;
            }
        }
        self
    }

    /// A resident answered the 回访 (counted for `office` on that day).
    pub fn answered(&mut self, office: OfficeId, at: Millis, answer: Answer) -> &mut Self {
        let d = self.daily.entry((office.0, day_of(at.0))).or_default();
        match answer {
            Answer::Satisfied => d.satisfied += 1,
            Answer::BasicallySatisfied => d.basically_satisfied += 1,
            Answer::Unsatisfied => d.reopened += 1,
        }
        self
    }

    /// Writes the changes (upserts; nothing for keys whose changes cancel out).
    pub async fn apply(&self, tx: &mut Tx) -> DbResult<()> {
        for ((office, status), n) in &self.counts {
            if *n != 0 {
                sqlx::query(
                    "INSERT INTO report_counts (office_id, status, n) VALUES ($1, $2, $3) \
                     ON CONFLICT (office_id, status) DO UPDATE SET n = report_counts.n + excluded.n",
                )
                .bind(office)
                .bind(status.as_str())
                .bind(n)
                .execute(&mut **tx)
                .await?;
            }
        }
        for ((office, level), n) in &self.levels {
            add_to_count(tx, "report_escalation_counts", "level", *office, *level, *n).await?;
        }
        for ((office, day), d) in &self.daily {
            if d.is_zero() {
                continue;
            }
            sqlx::query(
                "INSERT INTO report_daily (office_id, day, received, received_closed, closed, \
                     closed_on_time, reopened, satisfied, basically_satisfied) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (office_id, day) DO UPDATE SET \
                     received = report_daily.received + excluded.received, \
                     received_closed = report_daily.received_closed + excluded.received_closed, \
                     closed = report_daily.closed + excluded.closed, \
                     closed_on_time = report_daily.closed_on_time + excluded.closed_on_time, \
                     reopened = report_daily.reopened + excluded.reopened, \
                     satisfied = report_daily.satisfied + excluded.satisfied, \
                     basically_satisfied = \
                         report_daily.basically_satisfied + excluded.basically_satisfied",
            )
            .bind(office)
            .bind(day)
            .bind(d.received)
            .bind(d.received_closed)
            .bind(d.closed)
            .bind(d.closed_on_time)
            .bind(d.reopened)
            .bind(d.satisfied)
            .bind(d.basically_satisfied)
            .execute(&mut **tx)
            .await?;
        }
        for ((office, day, bucket), n) in &self.close_times {
            if *n != 0 {
                sqlx::query(
                    "INSERT INTO report_close_times (office_id, day, bucket, n) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (office_id, day, bucket) \
                     DO UPDATE SET n = report_close_times.n + excluded.n",
                )
                .bind(office)
                .bind(day)
                .bind(bucket)
                .bind(n)
                .execute(&mut **tx)
                .await?;
            }
        }
        for ((office, bucket), n) in &self.close_totals {
            add_to_count(
                tx,
                "report_close_times_total",
                "bucket",
                *office,
                *bucket,
                *n,
            )
            .await?;
        }
        Ok(())
    }
}

impl Delta {
    /// Writes the figures into empty tables in multi-row INSERTs (a rebuild: hundreds of
    /// thousands of rows). Every value is an integer written by this module, or a status
    /// code bound as a parameter.
    async fn insert_into_empty(&self, tx: &mut Tx) -> DbResult<()> {
        for ((office, status), n) in &self.counts {
            if *n != 0 {
                sqlx::query("INSERT INTO report_counts (office_id, status, n) VALUES ($1, $2, $3)")
                    .bind(office)
                    .bind(status.as_str())
                    .bind(n)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        let levels = self
            .levels
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|((o, l), n)| format!("({o}, {l}, {n})"));
        insert_rows(tx, "report_escalation_counts (office_id, level, n)", levels).await?;
        let daily = self
            .daily
            .iter()
            .filter(|(_, d)| !d.is_zero())
            .map(|((o, day), d)| {
                format!(
                    "({o}, {day}, {}, {}, {}, {}, {}, {}, {})",
                    d.received,
                    d.received_closed,
                    d.closed,
                    d.closed_on_time,
                    d.reopened,
                    d.satisfied,
                    d.basically_satisfied
                )
            });
        insert_rows(
            tx,
            "report_daily (office_id, day, received, received_closed, closed, closed_on_time, \
             reopened, satisfied, basically_satisfied)",
            daily,
        )
        .await?;
        let times = self
            .close_times
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|((o, day, b), n)| format!("({o}, {day}, {b}, {n})"));
        insert_rows(tx, "report_close_times (office_id, day, bucket, n)", times).await?;
        let totals = self
            .close_totals
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|((o, b), n)| format!("({o}, {b}, {n})"));
        insert_rows(
            tx,
            "report_close_times_total (office_id, bucket, n)",
            totals,
        )
        .await
    }
}

/// Adds `n` (unless 0) to the count `n` of (`office`, `key`) in `table`, a table of this
/// module keyed `(office_id, {key_column})`.
async fn add_to_count(
    tx: &mut Tx,
    table: &str,
    key_column: &str,
    office: i64,
    key: i64,
    n: i64,
) -> DbResult<()> {
    if n == 0 {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {table} (office_id, {key_column}, n) VALUES ($1, $2, $3) \
         ON CONFLICT (office_id, {key_column}) DO UPDATE SET n = {table}.n + excluded.n"
    ))
    .bind(office)
    .bind(key)
    .bind(n)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_rows(tx: &mut Tx, into: &str, rows: impl Iterator<Item = String>) -> DbResult<()> {
    let mut batch = Vec::with_capacity(500);
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        batch.clear();
        batch.extend(rows.by_ref().take(500));
        sqlx::query(&format!("INSERT INTO {into} VALUES {}", batch.join(", ")))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

// ---- reads ----

/// Reports per status (every status, zeros included), in one office or all.
pub async fn counts(db: &Db, office: Option<OfficeId>) -> DbResult<Vec<(ReportStatus, i64)>> {
    let rows: Vec<(String, i64)> = match office {
        Some(o) => {
            sqlx::query_as("SELECT status, n FROM report_counts WHERE office_id = $1")
                .bind(o.0)
                .fetch_all(&db.pool)
                .await?
        }
        None => {
            sqlx::query_as(
                "SELECT status, CAST(SUM(n) AS BIGINT) FROM report_counts GROUP BY status",
            )
            .fetch_all(&db.pool)
            .await?
        }
    };
    Ok(every_status(&rows))
}

fn every_status(rows: &[(String, i64)]) -> Vec<(ReportStatus, i64)> {
    ReportStatus::ALL
        .iter()
        .map(|st| {
            let n = rows
                .iter()
                .filter(|(code, _)| code == st.code())
                .map(|(_, n)| *n)
                .sum();
            (*st, n)
        })
        .collect()
}

/// Dispatched reports past their deadline at `now`, and those due in `[now, until)`, in one
/// statement: the dispatched reports kept in `report_counts` less those not yet due. Only the
/// latter are read, a range scan of the deadline index over the reports still within their
/// deadline (the work in hand, not the overdue ones of a year: 13,000–18,000 an office in
/// the benchmark's data). A dispatched report always has a deadline (派遣 sets one).
pub async fn deadlines(
    db: &Db,
    office: Option<OfficeId>,
    now: Millis,
    until: Millis,
) -> DbResult<(i64, i64)> {
    let (dispatched, not_due, due_soon): (i64, i64, i64) = match office {
        Some(o) => {
            sqlx::query_as(
                "SELECT COALESCE((SELECT n FROM report_counts \
                         WHERE office_id = $1 AND status = 'dispatched'), 0), \
                     COUNT(*), \
                     CAST(COALESCE(SUM(CASE WHEN deadline_at < $3 THEN 1 ELSE 0 END), 0) \
                         AS BIGINT) \
                 FROM reports WHERE office_id = $1 AND status = 'dispatched' \
                     AND deadline_at >= $2",
            )
            .bind(o.0)
            .bind(now.0)
            .bind(until.0)
            .fetch_one(&db.pool)
            .await?
        }
        None => {
            sqlx::query_as(
                "SELECT COALESCE((SELECT CAST(SUM(n) AS BIGINT) FROM report_counts \
                         WHERE status = 'dispatched'), 0), \
                     COUNT(*), \
                     CAST(COALESCE(SUM(CASE WHEN deadline_at < $2 THEN 1 ELSE 0 END), 0) \
                         AS BIGINT) \
                 FROM reports WHERE status = 'dispatched' AND deadline_at >= $1",
            )
            .bind(now.0)
            .bind(until.0)
            .fetch_one(&db.pool)
            .await?
        }
    };
    Ok((dispatched - not_due, due_soon))
}

/// Dispatched reports past their deadline at `now` (see [`deadlines`]).
pub async fn overdue(db: &Db, office: Option<OfficeId>, now: Millis) -> DbResult<i64> {
    Ok(deadlines(db, office, now, now).await?.0)
}

/// Dispatched reports at each escalation level now (催办, 督办, 提级), of one office or all.
pub async fn levels(db: &Db, office: Option<OfficeId>) -> DbResult<[i64; 3]> {
    let rows: Vec<(i64, i64)> = match office {
        Some(o) => {
            sqlx::query_as("SELECT level, n FROM report_escalation_counts WHERE office_id = $1")
                .bind(o.0)
                .fetch_all(&db.pool)
                .await?
        }
        None => {
            sqlx::query_as(
                "SELECT level, CAST(SUM(n) AS BIGINT) FROM report_escalation_counts \
                 GROUP BY level",
            )
            .fetch_all(&db.pool)
            .await?
        }
    };
    Ok(crate::escalation::per_level(rows))
}

/// The record of `office` (None: every office) for the China-time days `[from_day,
/// until_day)`; `from_day` None: all time.
pub async fn record(
    db: &Db,
    office: Option<OfficeId>,
    from_day: Option<i64>,
    until_day: i64,
) -> DbResult<OfficeRecord> {
    let scope = if office.is_some() {
        "office_id = $3 AND"
    } else {
        ""
    };
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(received), 0) AS BIGINT), \
             CAST(COALESCE(SUM(received_closed), 0) AS BIGINT), \
             CAST(COALESCE(SUM(closed), 0) AS BIGINT), \
             CAST(COALESCE(SUM(closed_on_time), 0) AS BIGINT), \
             CAST(COALESCE(SUM(reopened), 0) AS BIGINT), \
             CAST(COALESCE(SUM(satisfied), 0) AS BIGINT), \
             CAST(COALESCE(SUM(basically_satisfied), 0) AS BIGINT) \
         FROM report_daily WHERE {scope} day >= $1 AND day < $2"
    );
    let mut q = sqlx::query_as::<_, (i64, i64, i64, i64, i64, i64, i64)>(&sql)
        .bind(from_day.unwrap_or(i64::MIN))
        .bind(until_day);
    if let Some(o) = office {
        q = q.bind(o.0);
    }
    let (received, closed, closed_in_period, closed_on_time, reopened, satisfied, basic) =
        q.fetch_one(&db.pool).await?;
    let hist = close_histogram(db, office, from_day, until_day).await?;
    let (median_close_ms, median_error_ms) = median_of(&hist);
    Ok(OfficeRecord {
        received,
        closed,
        closed_in_period,
        closed_on_time,
        median_close_ms,
        median_error_ms,
        reopened_by_residents: reopened,
        satisfied,
        basically_satisfied: basic,
    })
}

async fn close_histogram(
    db: &Db,
    office: Option<OfficeId>,
    from_day: Option<i64>,
    until_day: i64,
) -> DbResult<Vec<(i64, i64)>> {
    let rows: Vec<(i64, i64)> = match (from_day, office) {
        // All time: one row per bucket.
        (None, Some(o)) => {
            sqlx::query_as("SELECT bucket, n FROM report_close_times_total WHERE office_id = $1")
                .bind(o.0)
                .fetch_all(&db.pool)
                .await?
        }
        (None, None) => {
            sqlx::query_as(
                "SELECT bucket, CAST(SUM(n) AS BIGINT) FROM report_close_times_total \
                 GROUP BY bucket",
            )
            .fetch_all(&db.pool)
            .await?
        }
        (Some(from), Some(o)) => {
            sqlx::query_as(
                "SELECT bucket, CAST(SUM(n) AS BIGINT) FROM report_close_times \
                 WHERE office_id = $1 AND day >= $2 AND day < $3 GROUP BY bucket",
            )
            .bind(o.0)
            .bind(from)
            .bind(until_day)
            .fetch_all(&db.pool)
            .await?
        }
        // The district: office by office, each a range of the key (neither database can
        // range over the second column of the key across every first value cheaply).
        (Some(from), None) => {
            let mut sum: HashMap<i64, i64> = HashMap::new();
            for office in crate::areas::db::offices(db).await? {
                let rows: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT bucket, CAST(SUM(n) AS BIGINT) FROM report_close_times \
                     WHERE office_id = $1 AND day >= $2 AND day < $3 GROUP BY bucket",
                )
                .bind(office.id.0)
                .bind(from)
                .bind(until_day)
                .fetch_all(&db.pool)
                .await?;
                for (b, n) in rows {
                    *sum.entry(b).or_default() += n;
                }
            }
            sum.into_iter().collect()
        }
    };
    Ok(rows)
}

// ---- from scratch ----

/// Recomputes every kept figure from `reports` and `report_events`, replacing what is there,
/// in one transaction that holds off other writers. Streams the reports (bounded memory
/// per office and day, not per report).
pub async fn rebuild(db: &Db) -> DbResult<()> {
    let mut tx = db.begin_write().await?;
    if db.backend == Backend::Postgres {
        // Writers wait until the rebuild commits, so none is counted twice or missed.
        sqlx::query("LOCK TABLE reports IN SHARE MODE")
            .execute(&mut *tx)
            .await?;
    }
    let mut delta = Delta::default();
    // In pages by id, so memory is bounded by the figures, not by the reports.
    let mut after = i64::MIN;
    loop {
        let rows = sqlx::query(&format!(
            "SELECT id, {SNAPSHOT_COLUMNS} FROM reports WHERE id > $1 ORDER BY id LIMIT 10000"
        ))
        .bind(after)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        for r in &rows {
            delta.add(&Snapshot::of_row(r)?, 1);
        }
    }
    let answers: Vec<(Option<i64>, i64, String)> = sqlx::query_as(
        "SELECT office_id, created_at, action FROM report_events \
         WHERE action IN ('resident_reopen', 'resident_satisfied', 'resident_basic')",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (office, at, action) in answers {
        if let (Some(office), Some(answer)) = (office, Answer::of_action(&action)) {
            delta.answered(OfficeId(office), Millis(at), answer);
        }
    }
    replace_all(&mut tx, &delta).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces every kept figure with `delta`'s, in the caller's transaction (a rebuild, or a
/// bulk load that counted as it wrote).
pub async fn replace_all(tx: &mut Tx, delta: &Delta) -> DbResult<()> {
    for table in [
        "report_counts",
        "report_escalation_counts",
        "report_daily",
        "report_close_times",
        "report_close_times_total",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut **tx)
            .await?;
    }
    delta.insert_into_empty(tx).await
}

/// Rebuilds when the figures are missing: no counts kept but reports present (a database
/// from before these tables, or a bulk load).
pub async fn rebuild_if_missing(db: &Db) -> DbResult<bool> {
    let (kept,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM report_counts")
        .fetch_one(&db.pool)
        .await?;
    if kept > 0 {
        return Ok(false);
    }
    let any: Option<(i64,)> = sqlx::query_as("SELECT id FROM reports LIMIT 1")
        .fetch_optional(&db.pool)
        .await?;
    if any.is_none() {
        return Ok(false);
    }
    rebuild(db).await?;
    Ok(true)
}

/// Reports per status counted straight from `reports` (for checks).
pub async fn recount_counts(
    db: &Db,
    office: Option<OfficeId>,
) -> DbResult<Vec<(ReportStatus, i64)>> {
    let rows: Vec<(String, i64)> = match office {
        Some(o) => {
            sqlx::query_as(
                "SELECT status, COUNT(*) FROM reports WHERE office_id = $1 GROUP BY status",
            )
            .bind(o.0)
            .fetch_all(&db.pool)
            .await?
        }
        None => {
            sqlx::query_as("SELECT status, COUNT(*) FROM reports GROUP BY status")
                .fetch_all(&db.pool)
                .await?
        }
    };
    Ok(every_status(&rows))
}

/// Dispatched reports past their deadline at `now`, counted straight from `reports` (for
/// checks).
pub async fn recount_overdue(db: &Db, office: Option<OfficeId>, now: Millis) -> DbResult<i64> {
    let (n,): (i64,) = match office {
        Some(o) => {
            sqlx::query_as(
                "SELECT COUNT(*) FROM reports WHERE office_id = $1 AND status = 'dispatched' \
                 AND deadline_at < $2",
            )
            .bind(o.0)
            .bind(now.0)
            .fetch_one(&db.pool)
            .await?
        }
        None => {
            sqlx::query_as(
                "SELECT COUNT(*) FROM reports WHERE status = 'dispatched' AND deadline_at < $1",
            )
            .bind(now.0)
            .fetch_one(&db.pool)
            .await?
        }
    };
    Ok(n)
}

/// Dispatched reports at each escalation level, counted straight from `reports` (for
/// checks; the partial index `reports_escalated`).
pub async fn recount_levels(db: &Db, office: Option<OfficeId>) -> DbResult<[i64; 3]> {
    let rows: Vec<(i64, i64)> = match office {
        Some(o) => {
            sqlx::query_as(
                "SELECT escalation_level, COUNT(*) FROM reports \
                 WHERE office_id = $1 AND status = 'dispatched' AND escalation_level > 0 \
                 GROUP BY escalation_level",
            )
            .bind(o.0)
            .fetch_all(&db.pool)
            .await?
        }
        None => {
            sqlx::query_as(
                "SELECT escalation_level, COUNT(*) FROM reports \
                 WHERE status = 'dispatched' AND escalation_level > 0 \
                 GROUP BY escalation_level",
            )
            .fetch_all(&db.pool)
            .await?
        }
    };
    Ok(crate::escalation::per_level(rows))
}

/// An office's record computed straight from `reports` and `report_events`, with the exact
/// median (for checks): the same days as [`record`].
pub async fn recount_record(
    db: &Db,
    office: Option<OfficeId>,
    from_day: Option<i64>,
    until_day: i64,
) -> DbResult<(OfficeRecord, Option<i64>)> {
    let from = from_day.map_or(i64::MIN, |d| Millis::from_cst_day(d).0);
    let until = Millis::from_cst_day(until_day).0;
    let scope = if office.is_some() {
        "office_id = $3 AND"
    } else {
        ""
    };
    let bind = |sql: String| async move {
        let mut q = sqlx::query(&sql).bind(from).bind(until);
        if let Some(o) = office {
            q = q.bind(o.0);
        }
        q.fetch_all(&db.pool).await
    };
    let rows = bind(format!(
        "SELECT {SNAPSHOT_COLUMNS} FROM reports WHERE {scope} \
         ((received_at >= $1 AND received_at < $2) OR (closed_at >= $1 AND closed_at < $2))"
    ))
    .await?;
    let mut r = OfficeRecord::default();
    let mut spans = Vec::new();
    for row in &rows {
        let s = Snapshot::of_row(row)?;
        if (from..until).contains(&s.received_at) {
            r.received += 1;
            r.closed += i64::from(s.closed());
        }
        if let (true, Some(c)) = (s.closed(), s.closed_at)
            && (from..until).contains(&c)
        {
            r.closed_in_period += 1;
            r.closed_on_time += i64::from(s.on_time());
            spans.push(c - s.received_at);
        }
    }
    for row in bind(format!(
        "SELECT action FROM report_events WHERE {scope} \
         action IN ('resident_reopen', 'resident_satisfied', 'resident_basic') \
         AND created_at >= $1 AND created_at < $2"
    ))
    .await?
    {
        match Answer::of_action(row.try_get("action")?) {
            Some(Answer::Unsatisfied) => r.reopened_by_residents += 1,
            Some(Answer::Satisfied) => r.satisfied += 1,
            Some(Answer::BasicallySatisfied) => r.basically_satisfied += 1,
            None => {}
        }
    }
    spans.sort_unstable();
    let exact = match spans.len() {
        0 => None,
        n if n % 2 == 1 => Some(spans[n / 2]),
        n => Some((spans[n / 2 - 1] + spans[n / 2]) / 2),
    };
    Ok((r, exact))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_duration_in_order() {
        let mut last = -1;
        for b in 0..=LAST_BUCKET {
            let (lo, w) = bucket_bounds(b);
            assert!(lo > last, "bucket {b} starts after the one before");
            assert_eq!(bucket_of(lo), b);
            if let Some(w) = w {
                assert_eq!(bucket_of(lo + w - 1), b);
                assert_eq!(bucket_of(lo + w), b + 1);
            }
            last = lo;
        }
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(-5), 0);
        assert_eq!(bucket_of(3 * HOUR_MS), 12 + 4);
        assert_eq!(bucket_of(1000 * DAY_MS), LAST_BUCKET);
    }

    #[test]
    fn the_median_is_within_its_stated_error() {
        // Many spans, exact median against the histogram's.
        let spans: Vec<i64> = (0..501)
            .map(|i| (i * i * 7_919) % (20 * DAY_MS / 1000) * 1000)
            .collect();
        let mut hist: HashMap<i64, i64> = HashMap::new();
        for s in &spans {
            *hist.entry(bucket_of(*s)).or_default() += 1;
        }
        let hist: Vec<(i64, i64)> = hist.into_iter().collect();
        let (m, err) = median_of(&hist);
        let mut sorted = spans.clone();
        sorted.sort_unstable();
        let exact = sorted[250];
        let err = err.unwrap();
        assert!(
            (m.unwrap() - exact).abs() <= err,
            "{m:?} vs {exact} ± {err}"
        );
        assert_eq!(median_of(&[]), (None, None));
        // One case of 10 minutes: within its 5-minute bucket.
        let (m, err) = median_of(&[(bucket_of(10 * MINUTE_MS), 1)]);
        assert_eq!(err, Some(5 * MINUTE_MS));
        assert!((m.unwrap() - 10 * MINUTE_MS).abs() <= 5 * MINUTE_MS);
    }

    #[test]
    fn escalation_counts_only_while_dispatched() {
        let dispatched = Snapshot {
            office: 4,
            status: "dispatched".into(),
            received_at: 0,
            closed_at: None,
            rectified_at: None,
            deadline_at: Some(HOUR_MS),
            escalation_level: 2,
        };
        let rectified = Snapshot {
            status: "rectified".into(),
            rectified_at: Some(2 * HOUR_MS),
            ..dispatched.clone()
        };
        let mut d = Delta::default();
        d.add(&dispatched, 1);
        assert_eq!(d.levels[&(4, 2)], 1);
        // 整改 keeps the column's level, but the report no longer counts at it.
        d.add(&dispatched, -1).add(&rectified, 1);
        assert_eq!(d.levels[&(4, 2)], 0);
        assert!(!d.levels.contains_key(&(4, 0)));
        // A step of the rules: out of 催办, into 督办; from none, only into 催办.
        d.escalated(OfficeId(4), 1, 2).escalated(OfficeId(4), 0, 1);
        assert_eq!(
            (d.levels[&(4, 1)], d.levels[&(4, 2)], d.levels.get(&(4, 0))),
            (0, 1, None)
        );
        assert_eq!(
            crate::escalation::per_level([(3, 5), (1, 2), (0, 9), (7, 1)]),
            [2, 0, 5]
        );
    }

    #[test]
    fn a_change_is_the_old_contribution_out_and_the_new_in() {
        let pending = Snapshot {
            office: 1,
            status: "pending".into(),
            received_at: 0,
            closed_at: None,
            rectified_at: None,
            deadline_at: None,
            escalation_level: 0,
        };
        let closed = Snapshot {
            status: "closed".into(),
            closed_at: Some(2 * HOUR_MS),
            rectified_at: Some(HOUR_MS),
            deadline_at: Some(3 * HOUR_MS),
            ..pending.clone()
        };
        let mut d = Delta::default();
        d.add(&pending, 1).add(&pending, -1).add(&closed, 1);
        assert_eq!(d.counts[&(1, "pending".to_string())], 0);
        assert_eq!(d.counts[&(1, "closed".to_string())], 1);
        let day = d.daily[&(1, day_of(0))];
        assert_eq!(
            (
                day.received,
                day.received_closed,
                day.closed,
                day.closed_on_time
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(d.close_totals[&(1, bucket_of(2 * HOUR_MS))], 1);
    }
}
