//! A sliding-window rate limit per client: anonymous report submissions (one unit each) and
//! the public look-ups (track, 我的上报, residents' answers, 异议), where a miss costs more
//! than a hit so that guessing 查询码 runs out of budget long before it finds one.
//!
//! [`RateLimiter`] counts in memory, per instance: the default on SQLite (one instance).
//! [`Limiter`] is what the endpoints use: on PostgreSQL — several instances behind a load
//! balancer — it counts in the database's `rate_counts` table instead, so N instances allow
//! the limit once, not N times (the table is this module's; see [`Limiter`] for how).
//!
//! Clients are keyed by [`ClientKey`]: IPv4 address, or IPv6 /64. Many residents can share
//! one carrier-grade NAT address: keep the defaults generous.

pub use crate::client_addr::ClientKey;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most `max` units in any `window` (`REPORT_RATE_LIMIT=60/600`: 60 per 10 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window: Duration,
}

impl RateLimit {
    /// `count/seconds`, e.g. `60/600`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (max, secs) = s
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("expected count/seconds, e.g. 60/600, not {s}"))?;
        let max: u32 = max
            .trim()
            .parse()
            .map_err(|_| format!("not a count: {max}"))?;
        let secs: u64 = secs
            .trim()
            .parse()
            .map_err(|_| format!("not a number of seconds: {secs}"))?;
        if max == 0 || secs == 0 {
            return Err(format!("count and seconds must be above 0: {s}"));
        }
        Ok(Self {
            max,
            window: Duration::from_secs(secs),
        })
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            max: 60,
            window: Duration::from_secs(600),
        }
    }
}

/// Above this many tracked clients (after dropping idle ones) new clients pass untracked,
/// so a flood from very many addresses cannot grow memory without bound.
const MAX_TRACKED_CLIENTS: usize = 200_000;
/// Idle clients are swept out every this many checks.
const SWEEP_EVERY: u64 = 4096;

pub struct RateLimiter {
    limit: RateLimit,
    state: Mutex<State>,
}

/// Each client's counted units in the window, oldest first, and their sum.
#[derive(Default)]
struct Hits {
    units: VecDeque<(Instant, u32)>,
    sum: u64,
}

impl Hits {
    fn expire(&mut self, now: Instant, window: Duration) {
        while let Some(&(t, w)) = self.units.front() {
            if now.duration_since(t) < window {
                break;
            }
            self.units.pop_front();
            self.sum -= u64::from(w);
        }
    }
}

#[derive(Default)]
struct State {
    hits: HashMap<ClientKey, Hits>,
    checks: u64,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            state: Mutex::new(State::default()),
        }
    }

    /// Counts one request of `client` at `now`; `Err(wait)` when it is over the limit, with
    /// how long until the oldest counted request leaves the window (at least one second).
    pub fn check(&self, client: ClientKey, now: Instant) -> Result<(), Duration> {
        self.admit(client, now)?;
        self.charge(client, now, 1);
        Ok(())
    }

    /// Whether `client` has budget left at `now` (nothing is counted): `Err(wait)` when not.
    pub fn admit(&self, client: ClientKey, now: Instant) -> Result<(), Duration> {
        let window = self.limit.window;
        let mut state = self.lock();
        let Some(h) = state.hits.get_mut(&client) else {
            return Ok(());
        };
        h.expire(now, window);
        if h.sum < u64::from(self.limit.max) {
            return Ok(());
        }
        // Wait until enough units leave the window to bring the sum under the limit.
        let mut sum = h.sum;
        let mut until = now;
        for &(t, w) in &h.units {
            sum -= u64::from(w);
            until = t + window;
            if sum < u64::from(self.limit.max) {
                break;
            }
        }
        Err(until
            .saturating_duration_since(now)
            .max(Duration::from_secs(1)))
    }

    /// Counts `units` for `client` at `now` (after an [`admit`](Self::admit)).
    pub fn charge(&self, client: ClientKey, now: Instant, units: u32) {
        if units == 0 {
            return;
        }
        let window = self.limit.window;
        let mut state = self.lock();
        state.checks += 1;
        if state.checks.is_multiple_of(SWEEP_EVERY) || state.hits.len() >= MAX_TRACKED_CLIENTS {
            state.hits.retain(|_, h| {
                h.units
                    .back()
                    .is_some_and(|(t, _)| now.duration_since(*t) < window)
            });
        }
        if !state.hits.contains_key(&client) && state.hits.len() >= MAX_TRACKED_CLIENTS {
            tracing::warn!("rate limiter full; letting a new client through untracked");
            return;
        }
        let h = state.hits.entry(client).or_default();
        h.expire(now, window);
        h.units.push_back((now, units));
        h.sum += u64::from(units);
    }

    /// Units `client` may still spend in the window now.
    pub fn remaining(&self, client: ClientKey, now: Instant) -> u32 {
        let window = self.limit.window;
        let mut state = self.lock();
        let used = match state.hits.get_mut(&client) {
            Some(h) => {
                h.expire(now, window);
                h.sum
            }
            None => 0,
        };
        u64::from(self.limit.max).saturating_sub(used) as u32
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The public look-ups a client may make: 查询码 on /track, 我的上报, residents' answers and
/// 异议. A found report costs [`LOOKUP_HIT`], a code that matches nothing (or is malformed)
/// [`LOOKUP_MISS`], an objection [`OBJECTION`]: a resident checking their own reports never
/// meets the limit, a guesser is stopped after a couple of dozen misses.
pub const LOOKUP_HIT: u32 = 1;
pub const LOOKUP_MISS: u32 = 5;
pub const OBJECTION: u32 = 10;
/// `LOOKUP_RATE_LIMIT`'s default: 120 units per 10 minutes.
pub const DEFAULT_LOOKUP_LIMIT: RateLimit = RateLimit {
    max: 120,
    window: Duration::from_secs(600),
};

/// Calls of the Open311 API per client address (reads and posts alike): one a second on
/// average, in bursts of up to 600.
pub const DEFAULT_OPEN311_LIMIT: RateLimit = RateLimit {
    max: 600,
    window: Duration::from_secs(600),
};

/// The limiters of the public endpoints, in the application state.
pub struct PublicLimits {
    pub lookups: Limiter,
    /// Every call of the Open311 API (`open311::handlers`).
    pub open311: Limiter,
    pub trust_proxy: bool,
}

impl PublicLimits {
    pub fn new(
        db: &crate::db::Db,
        lookups: RateLimit,
        open311: RateLimit,
        trust_proxy: bool,
    ) -> Self {
        Self {
            lookups: Limiter::new(db, "lookup", lookups),
            open311: Limiter::new(db, "open311", open311),
            trust_proxy,
        }
    }

    /// Before a look-up: the caller, or 429 when its budget is spent.
    pub async fn admit_lookup(&self) -> Result<ClientKey, crate::error::AppError> {
        let client = ClientKey::current(self.trust_proxy);
        self.lookups.admit(client).await.map_err(|wait| {
            tracing::info!(?client, "public look-ups rate-limited");
            crate::error::AppError::TooManyRequests {
                retry_after_secs: retry_after_secs(wait),
            }
        })?;
        Ok(client)
    }

    /// Units the client may still spend on look-ups now.
    pub async fn remaining(&self, client: ClientKey) -> u32 {
        self.lookups.remaining(client).await
    }

    /// After a look-up: what it cost.
    pub async fn charge(&self, client: ClientKey, units: u32) {
        self.lookups.charge(client, units).await;
    }

    /// The cost of a look-up by its outcome: a miss (not found, malformed) or a hit.
    pub async fn charge_outcome<T>(
        &self,
        client: ClientKey,
        outcome: &Result<T, crate::error::AppError>,
    ) {
        let units = match outcome {
            Ok(_) => LOOKUP_HIT,
            Err(crate::error::AppError::NotFound | crate::error::AppError::BadRequest(_)) => {
                LOOKUP_MISS
            }
            Err(_) => LOOKUP_HIT,
        };
        self.charge(client, units).await;
    }
}

/// A limit the endpoints check: in this process's memory on SQLite, shared by every instance
/// on PostgreSQL.
///
/// Shared, it is a sliding-window counter in `rate_counts`: the units of each client per
/// fixed window (one row per scope, client and window, added to with an upsert), and the
/// count at a moment is this window's units plus the last window's weighted by how much of it
/// still overlaps — the usual approximation of a sliding window, never more than the limit
/// lets through over any two windows. Rows older than two windows are swept now and then. If
/// the database cannot be asked, the call passes (and the failure is logged): a limit must
/// not take the service down with it. Two instances checking at the same instant may both
/// pass the last unit: the limit is a brake on floods, not an exact quota.
pub struct Limiter {
    limit: RateLimit,
    memory: RateLimiter,
    shared: Option<(crate::db::Db, &'static str)>,
    calls: std::sync::atomic::AtomicU64,
}

/// Shared counts are swept once in this many charges (per instance).
const SWEEP_SHARED_EVERY: u64 = 1000;
/// The longest a call waits for the shared counts. With the database down the call goes on
/// without them (it fails at its own work with 503 soon after) instead of waiting out the
/// pool's whole acquire timeout here first.
const SHARED_WAIT: Duration = Duration::from_secs(2);

/// The sliding-window counter's verdict: None when a call may pass now, else how many ms to
/// wait. `previous` and `current` are the units of the last and of this fixed window of `w`
/// ms, `into` how far this window is gone.
fn sliding_wait(previous: f64, current: f64, into: i64, w: i64, max: u32) -> Option<i64> {
    let max = f64::from(max);
    let weight = 1.0 - into as f64 / w as f64;
    if previous * weight + current < max {
        return None;
    }
    Some(if current < max && previous > 0.0 {
        // The share of this window after which the last one weighs little enough.
        let past = 1.0 - (max - current) / previous;
        ((past * w as f64) as i64 - into + 1).max(1)
    } else {
        w - into
    })
}

impl Limiter {
    /// `scope` names the limit in the shared table (`submit`, `lookup`, `open311`).
    pub fn new(db: &crate::db::Db, scope: &'static str, limit: RateLimit) -> Self {
        let shared = (db.backend == crate::db::Backend::Postgres).then(|| (db.clone(), scope));
        Self {
            limit,
            memory: RateLimiter::new(limit),
            shared,
            calls: std::sync::atomic::AtomicU64::new(0),
        }
    }

    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    fn window_ms(&self) -> i64 {
        i64::try_from(self.limit.window.as_millis())
            .unwrap_or(i64::MAX / 4)
            .max(1)
    }

    /// The client's count now (weighted, see the type) and the moment it was read.
    async fn shared_count(&self, client: ClientKey) -> Option<(f64, f64, i64)> {
        let (db, scope) = self.shared.as_ref()?;
        let now = crate::domain::Millis::now().0;
        let w = self.window_ms();
        let current = now.div_euclid(w);
        let read = sqlx::query_as(
            "SELECT bucket, units FROM rate_counts \
             WHERE scope = $1 AND client = $2 AND bucket >= $3",
        )
        .bind(*scope)
        .bind(client.to_string())
        .bind(current - 1)
        .fetch_all(&db.pool);
        let rows: Vec<(i64, i64)> = match tokio::time::timeout(SHARED_WAIT, read).await {
            Ok(Ok(rows)) => rows,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, scope, "reading a shared rate limit failed; letting the call through");
                return None;
            }
            Err(_) => {
                tracing::warn!(
                    scope,
                    "reading a shared rate limit timed out; letting the call through"
                );
                return None;
            }
        };
        let units = |b: i64| {
            rows.iter()
                .filter(|(x, _)| *x == b)
                .map(|(_, u)| *u)
                .sum::<i64>() as f64
        };
        Some((units(current - 1), units(current), now))
    }

    /// Whether `client` has budget left now (nothing is counted): `Err(wait)` when not.
    pub async fn admit(&self, client: ClientKey) -> Result<(), Duration> {
        if self.shared.is_none() {
            return self.memory.admit(client, Instant::now());
        }
        let Some((previous, current, now)) = self.shared_count(client).await else {
            return Ok(());
        };
        let w = self.window_ms();
        match sliding_wait(previous, current, now.rem_euclid(w), w, self.limit.max) {
            None => Ok(()),
            Some(wait_ms) => Err(Duration::from_millis(u64::try_from(wait_ms).unwrap_or(1))
                .max(Duration::from_secs(1))),
        }
    }

    /// Counts `units` for `client` (after an [`admit`](Self::admit)).
    pub async fn charge(&self, client: ClientKey, units: u32) {
        let Some((db, scope)) = self.shared.as_ref() else {
            self.memory.charge(client, Instant::now(), units);
            return;
        };
        if units == 0 {
            return;
        }
        let now = crate::domain::Millis::now().0;
        let w = self.window_ms();
        let bucket = now.div_euclid(w);
        let write = sqlx::query(
            "INSERT INTO rate_counts (scope, client, bucket, units, expires_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (scope, client, bucket) \
             DO UPDATE SET units = rate_counts.units + EXCLUDED.units",
        )
        .bind(*scope)
        .bind(client.to_string())
        .bind(bucket)
        .bind(i64::from(units))
        .bind((bucket + 2) * w)
        .execute(&db.pool);
        match tokio::time::timeout(SHARED_WAIT, write).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, scope, "counting a shared rate limit failed"),
            Err(_) => tracing::warn!(scope, "counting a shared rate limit timed out"),
        }
        let n = self
            .calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n % SWEEP_SHARED_EVERY == SWEEP_SHARED_EVERY - 1 {
            let swept = sqlx::query("DELETE FROM rate_counts WHERE expires_at < $1")
                .bind(now)
                .execute(&db.pool)
                .await;
            if let Err(e) = swept {
                tracing::warn!(error = %e, "sweeping the shared rate limits failed");
            }
        }
    }

    /// Counts one call; `Err(wait)` when it is over the limit.
    pub async fn check(&self, client: ClientKey) -> Result<(), Duration> {
        if self.shared.is_none() {
            return self.memory.check(client, Instant::now());
        }
        self.admit(client).await?;
        self.charge(client, 1).await;
        Ok(())
    }

    /// Units `client` may still spend now.
    pub async fn remaining(&self, client: ClientKey) -> u32 {
        if self.shared.is_none() {
            return self.memory.remaining(client, Instant::now());
        }
        let Some((previous, current, now)) = self.shared_count(client).await else {
            return self.limit.max;
        };
        let w = self.window_ms();
        let weight = 1.0 - now.rem_euclid(w) as f64 / w as f64;
        let used = (previous * weight + current).ceil();
        (f64::from(self.limit.max) - used).max(0.0) as u32
    }
}

/// Whole seconds for a `Retry-After` header, rounded up.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::net::IpAddr;

    #[test]
    fn the_shared_sliding_window_weighs_the_last_window_and_says_when_to_come_back() {
        let w = 600_000;
        // Nothing counted, or under the limit: pass.
        assert_eq!(sliding_wait(0.0, 0.0, 0, w, 10), None);
        assert_eq!(sliding_wait(0.0, 9.0, 100, w, 10), None);
        // This window full: until it ends.
        assert_eq!(sliding_wait(0.0, 10.0, 100_000, w, 10), Some(500_000));
        // The last window full, this one empty, a quarter in: 10 × 0.75 = 7.5 passes.
        assert_eq!(sliding_wait(10.0, 0.0, 150_000, w, 10), None);
        // The last window full, 8 now, a quarter in: 7.5 + 8 is over; it passes once the
        // last window weighs under 2 units, 80 % in.
        let wait = sliding_wait(10.0, 8.0, 150_000, w, 10).unwrap();
        assert_eq!(wait, 480_000 - 150_000 + 1);
        assert_eq!(sliding_wait(10.0, 8.0, 150_000 + wait, w, 10), None);
    }

    fn limiter(max: u32, secs: u64) -> RateLimiter {
        RateLimiter::new(RateLimit {
            max,
            window: Duration::from_secs(secs),
        })
    }

    fn key(s: &str) -> ClientKey {
        ClientKey::from_ip(s.parse::<IpAddr>().unwrap())
    }

    #[test]
    fn allows_up_to_the_limit_then_says_when_to_retry() {
        let l = limiter(3, 600);
        let t0 = Instant::now();
        for i in 0..3 {
            assert!(
                l.check(key("10.0.0.1"), t0 + Duration::from_secs(i))
                    .is_ok()
            );
        }
        let wait = l
            .check(key("10.0.0.1"), t0 + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(590));
        // Another client is not affected.
        assert!(l.check(key("10.0.0.2"), t0).is_ok());
    }

    #[test]
    fn the_window_slides() {
        let l = limiter(2, 60);
        let t0 = Instant::now();
        assert!(l.check(key("10.0.0.1"), t0).is_ok());
        assert!(
            l.check(key("10.0.0.1"), t0 + Duration::from_secs(30))
                .is_ok()
        );
        assert!(
            l.check(key("10.0.0.1"), t0 + Duration::from_secs(59))
                .is_err()
        );
        // The first request has left the window; the second has not.
        assert!(
            l.check(key("10.0.0.1"), t0 + Duration::from_secs(60))
                .is_ok()
        );
        assert!(
            l.check(key("10.0.0.1"), t0 + Duration::from_secs(61))
                .is_err()
        );
    }

    #[test]
    fn misses_cost_more_than_hits() {
        let l = limiter(10, 60);
        let t0 = Instant::now();
        let c = key("10.0.0.1");
        // Two misses of 5 units use the whole budget.
        for _ in 0..2 {
            assert!(l.admit(c, t0).is_ok());
            l.charge(c, t0, 5);
        }
        assert_eq!(l.admit(c, t0).unwrap_err(), Duration::from_secs(60));
        // Hits of 1 unit: ten of them.
        let c = key("10.0.0.2");
        for _ in 0..10 {
            assert!(l.check(c, t0).is_ok());
        }
        assert!(l.check(c, t0).is_err());
        // Once the oldest units leave the window, the budget is back.
        assert!(
            l.admit(key("10.0.0.1"), t0 + Duration::from_secs(60))
                .is_ok()
        );
    }

    #[test]
    fn limits_parse() {
        assert_eq!(
            RateLimit::parse(" 5 / 60 ").unwrap(),
            RateLimit {
                max: 5,
                window: Duration::from_secs(60)
            }
        );
        for bad in ["60", "0/600", "60/0", "a/b"] {
            assert!(RateLimit::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }
}
