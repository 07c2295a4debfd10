//! Escalation of a finding or a resident's report left open past its deadline: 催办 (the
//! office's inbox), then 督办 (a formal, printable notice), then 提级 (listed for the district
//! leadership). The admin sets the thresholds ([`Rules`], the table `escalation_rules`, whose
//! SQL is here); a finding sent back (返工) or a report sent back (退回) often enough is 督办 at
//! once. Each step is an event with its time and no actor (the rules took it); the
//! supervisor's own 催办 by hand raises either to 催办 too.
//!
//! Below both areas that escalate (`reports`, `supervision`): [`next_step`] is the pure rule,
//! tested here; [`read_candidates`] reads what is due with a table owner's SQL; [`step_all`]
//! steps them. The sweep that runs it over findings and reports is `supervision::escalation`'s,
//! the words of the levels too.

use crate::domain::Millis;
use crate::domain::time::HOUR_MS;
use serde::{Deserialize, Serialize};

/// The levels: 0 none, then these.
pub const PRESSED: i64 = 1;
pub const SUPERVISED: i64 = 2;
pub const ESCALATED: i64 = 3;

/// The admin's thresholds, in hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// 催办 this long after the deadline.
    pub press_after_hours: i64,
    /// 督办 this long after the 催办.
    pub supervise_after_hours: i64,
    /// 提级 this long after the 督办.
    pub escalate_after_hours: i64,
    /// 督办 as soon as a finding has been sent back (返工) this many times (0: never).
    pub supervise_on_rework: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            press_after_hours: 0,
            supervise_after_hours: 24,
            escalate_after_hours: 48,
            supervise_on_rework: 2,
        }
    }
}

/// The most hours a threshold may be (a year).
pub const MAX_HOURS: i64 = 24 * 366;

impl Rules {
    /// Checks the admin's numbers.
    pub fn validated(self) -> Option<Self> {
        let hours = |h: i64| (0..=MAX_HOURS).contains(&h);
        (hours(self.press_after_hours)
            && hours(self.supervise_after_hours)
            && hours(self.escalate_after_hours)
            && (0..=100).contains(&self.supervise_on_rework))
        .then_some(self)
    }
}

/// What of an open finding the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub deadline_at: Millis,
    pub level: i64,
    /// When the current level was reached.
    pub escalated_at: Option<Millis>,
    pub rework: i64,
}

/// The next level and the moment it fell due, if it has by `now`.
pub fn next_step(rules: &Rules, s: &Standing, now: Millis) -> Option<(i64, Millis)> {
    let after = |from: Millis, hours: i64| Millis(from.0 + hours * HOUR_MS);
    let since = s.escalated_at.unwrap_or(s.deadline_at);
    let due = match s.level {
        0 => after(s.deadline_at, rules.press_after_hours),
        1 => after(since, rules.supervise_after_hours),
        2 => after(since, rules.escalate_after_hours),
        _ => return None,
    };
    // Sent back too often: 督办 now, whatever the deadline says.
    if s.level < SUPERVISED
        && rules.supervise_on_rework > 0
        && s.rework >= rules.supervise_on_rework
    {
        let at = if due <= now { due } else { now };
        return Some((SUPERVISED, at));
    }
    (due <= now).then_some((s.level + 1, due))
}

/// Every step due by `now` from `s`, in order (a long-overdue finding takes several).
pub fn steps_due(rules: &Rules, mut s: Standing, now: Millis) -> Vec<(i64, Millis)> {
    let mut out = Vec::new();
    while let Some((level, at)) = next_step(rules, &s, now) {
        out.push((level, at));
        s.level = level;
        s.escalated_at = Some(at);
    }
    out
}

/// At most this many candidates one read of a kind returns; a sweep reads again while a read
/// comes back full ([`Candidates::more`]).
pub const BATCH: i64 = 10_000;

/// What the rules step now (findings or reports: `Id`), and whether a read came back full,
/// so that more may be due.
pub struct Candidates<Id> {
    pub due: Vec<(Id, Standing)>,
    pub more: bool,
}

/// The reads of a table's candidates, its owner's SQL: each selects `id, deadline_at,
/// escalation_level, escalated_at` and the rework count, at most `$n` (the last parameter)
/// rows. `fresh`: at level 0 with the deadline at or before `$1`; `pressed`: at level `$1`
/// reached at or before `$2`; `reworked`: below 督办, sent back at least `$1` times.
#[derive(Debug, Clone, Copy)]
pub struct CandidateReads {
    pub fresh: &'static str,
    pub pressed: &'static str,
    pub reworked: &'static str,
}

/// Reads what has fallen due by `now` with a table's [`CandidateReads`]: only what is due,
/// so every candidate moves on and the next read finds the next ones.
#[cfg(feature = "ssr")]
pub async fn read_candidates(
    db: &crate::db::Db,
    reads: &CandidateReads,
    rules: &Rules,
    now: Millis,
) -> crate::db::DbResult<Candidates<i64>> {
    type Row = (i64, i64, i64, Option<i64>, i64);
    let hours_ago = |h: i64| now.0 - h * HOUR_MS;
    let mut rows: Vec<Row> = sqlx::query_as(reads.fresh)
        .bind(hours_ago(rules.press_after_hours))
        .bind(BATCH)
        .fetch_all(&db.pool)
        .await?;
    let mut more = rows.len() as i64 >= BATCH;
    for (level, hours) in [
        (PRESSED, rules.supervise_after_hours),
        (SUPERVISED, rules.escalate_after_hours),
    ] {
        let pressed: Vec<Row> = sqlx::query_as(reads.pressed)
            .bind(level)
            .bind(hours_ago(hours))
            .bind(BATCH)
            .fetch_all(&db.pool)
            .await?;
        more |= pressed.len() as i64 >= BATCH;
        rows.extend(pressed);
    }
    if rules.supervise_on_rework > 0 {
        let reworked: Vec<Row> = sqlx::query_as(reads.reworked)
            .bind(rules.supervise_on_rework)
            .bind(BATCH)
            .fetch_all(&db.pool)
            .await?;
        more |= reworked.len() as i64 >= BATCH;
        rows.extend(reworked);
        // One each (one may be both past its threshold and sent back often).
        rows.sort_unstable_by_key(|r| r.0);
        rows.dedup_by_key(|r| r.0);
    }
    let due = rows
        .into_iter()
        .map(|(id, deadline, level, at, rework)| {
            let standing = Standing {
                deadline_at: Millis(deadline),
                level,
                escalated_at: at.map(Millis),
                rework,
            };
            (id, standing)
        })
        .collect();
    Ok(Candidates { due, more })
}

/// The event's action of reaching `level`.
pub fn action_of(level: i64) -> &'static str {
    match level {
        PRESSED => "auto_press",
        SUPERVISED => "supervise",
        _ => "escalate",
    }
}

/// The level an escalation event's action reached (0: not an escalation).
pub fn level_of(action: &str) -> i64 {
    [PRESSED, SUPERVISED, ESCALATED]
        .into_iter()
        .find(|&l| action_of(l) == action)
        .unwrap_or(0)
}

/// The action of a 催办 by hand (a finding's `FindingAction::Press`, a report's event).
pub const PRESS: &str = "press";

/// (level, how many) rows as counts at 催办, 督办 and 提级 (other levels left out).
pub fn per_level(rows: impl IntoIterator<Item = (i64, i64)>) -> [i64; 3] {
    let mut out = [0; 3];
    for (level, n) in rows {
        if let Some(slot) = usize::try_from(level - 1).ok().and_then(|i| out.get_mut(i)) {
            *slot += n;
        }
    }
    out
}

/// Whether an event's action is an escalation step (by hand or by the rules).
pub fn is_step(action: &str) -> bool {
    action == PRESS || level_of(action) > 0
}

/// Steps every candidate `read` gives, a batch at a time, until a read finds no more: every
/// candidate read is due and moves on (or was moved by another instance meanwhile), so this
/// ends however many there are. Returns the steps written.
#[cfg(feature = "ssr")]
pub async fn step_all<Id, R, RF, E, EF>(
    rules: &Rules,
    now: Millis,
    read: R,
    escalate: E,
) -> crate::db::DbResult<usize>
where
    Id: Copy,
    R: Fn() -> RF,
    RF: std::future::Future<Output = crate::db::DbResult<Candidates<Id>>>,
    E: Fn(Id, i64, Vec<(i64, Millis)>) -> EF,
    EF: std::future::Future<Output = crate::db::DbResult<bool>>,
{
    let mut written = 0;
    loop {
        let batch = read().await?;
        let mut moved = 0;
        for (id, standing) in batch.due {
            let steps = steps_due(rules, standing, now);
            let n = steps.len();
            if n > 0 && escalate(id, standing.level, steps).await? {
                moved += 1;
                written += n;
            }
        }
        if !batch.more || moved == 0 {
            return Ok(written);
        }
    }
}

// ---- the admin's thresholds (`escalation_rules`) ----

#[cfg(feature = "ssr")]
/// The admin's escalation thresholds (the defaults until the admin first saves them).
pub async fn rules(db: &crate::db::Db) -> crate::db::DbResult<Rules> {
    let row: Option<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT press_after_hours, supervise_after_hours, escalate_after_hours, \
             supervise_on_rework FROM escalation_rules WHERE id = 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    Ok(match row {
        Some((press, supervise, escalate, rework)) => Rules {
            press_after_hours: press,
            supervise_after_hours: supervise,
            escalate_after_hours: escalate,
            supervise_on_rework: rework,
        },
        None => Rules::default(),
    })
}

#[cfg(feature = "ssr")]
pub async fn set_rules(db: &crate::db::Db, r: &Rules, at: Millis) -> crate::db::DbResult<()> {
    sqlx::query(
        "INSERT INTO escalation_rules (id, press_after_hours, supervise_after_hours, \
             escalate_after_hours, supervise_on_rework, updated_at) \
         VALUES (1, $1, $2, $3, $4, $5) \
         ON CONFLICT (id) DO UPDATE SET press_after_hours = $1, supervise_after_hours = $2, \
             escalate_after_hours = $3, supervise_on_rework = $4, updated_at = $5",
    )
    .bind(r.press_after_hours)
    .bind(r.supervise_after_hours)
    .bind(r.escalate_after_hours)
    .bind(r.supervise_on_rework)
    .bind(at.0)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = HOUR_MS;

    fn standing(level: i64, escalated_at: Option<i64>, rework: i64) -> Standing {
        Standing {
            deadline_at: Millis(100 * H),
            level,
            escalated_at: escalated_at.map(Millis),
            rework,
        }
    }

    #[test]
    fn each_level_falls_due_after_its_threshold() {
        let r = Rules::default();
        let s = standing(0, None, 0);
        assert_eq!(next_step(&r, &s, Millis(100 * H - 1)), None);
        assert_eq!(
            next_step(&r, &s, Millis(100 * H)),
            Some((1, Millis(100 * H)))
        );
        // Long overdue: every step, each at its own moment.
        assert_eq!(
            steps_due(&r, s, Millis(1000 * H)),
            vec![
                (1, Millis(100 * H)),
                (2, Millis(124 * H)),
                (3, Millis(172 * H))
            ]
        );
        assert_eq!(steps_due(&r, s, Millis(130 * H)).len(), 2);
        assert_eq!(
            steps_due(&r, standing(3, Some(172 * H), 0), Millis(9999 * H)),
            vec![]
        );
        // A later threshold for 催办.
        let later = Rules {
            press_after_hours: 2,
            ..r
        };
        assert_eq!(next_step(&later, &s, Millis(101 * H)), None);
        assert_eq!(
            next_step(&later, &s, Millis(102 * H)),
            Some((1, Millis(102 * H)))
        );
    }

    #[test]
    fn sent_back_too_often_is_supervised_at_once() {
        let r = Rules::default();
        // Not overdue, but sent back twice: 督办 now.
        let s = standing(0, None, 2);
        assert_eq!(next_step(&r, &s, Millis(50 * H)), Some((2, Millis(50 * H))));
        assert_eq!(next_step(&r, &standing(0, None, 1), Millis(50 * H)), None);
        let never = Rules {
            supervise_on_rework: 0,
            ..r
        };
        assert_eq!(next_step(&never, &s, Millis(50 * H)), None);
        // Already 督办: the rework rule adds nothing.
        assert_eq!(
            next_step(&r, &standing(2, Some(50 * H), 5), Millis(60 * H)),
            None
        );
    }

    #[test]
    fn rules_are_checked() {
        assert!(Rules::default().validated().is_some());
        let bad = Rules {
            press_after_hours: -1,
            ..Rules::default()
        };
        assert!(bad.validated().is_none());
        let bad = Rules {
            escalate_after_hours: MAX_HOURS + 1,
            ..Rules::default()
        };
        assert!(bad.validated().is_none());
    }
}
