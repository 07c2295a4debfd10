//! A sliding-window rate limit per client: anonymous report submissions (one unit each) and
//! the public look-ups (track, 我的上报, residents' answers, 异议), where a miss costs more
//! than a hit so that guessing 查询码 runs out of budget long before it finds one.
//!
//! In memory and per instance: behind a load balancer with N instances a client may get up
//! to N times the limit. That is acceptable for its purpose (blunting floods from one
//! address); a shared limit would go into the database or a cache.
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
    pub lookups: RateLimiter,
    /// Every call of the Open311 API (`open311::handlers`).
    pub open311: RateLimiter,
    pub trust_proxy: bool,
}

impl PublicLimits {
    pub fn new(lookups: RateLimit, open311: RateLimit, trust_proxy: bool) -> Self {
        Self {
            lookups: RateLimiter::new(lookups),
            open311: RateLimiter::new(open311),
            trust_proxy,
        }
    }

    /// Before a look-up: the caller, or 429 when its budget is spent.
    pub fn admit_lookup(&self) -> Result<ClientKey, crate::error::AppError> {
        let client = ClientKey::current(self.trust_proxy);
        self.lookups.admit(client, Instant::now()).map_err(|wait| {
            tracing::info!(?client, "public look-ups rate-limited");
            crate::error::AppError::TooManyRequests {
                retry_after_secs: retry_after_secs(wait),
            }
        })?;
        Ok(client)
    }

    /// Units the client may still spend on look-ups now.
    pub fn remaining(&self, client: ClientKey) -> u32 {
        self.lookups.remaining(client, Instant::now())
    }

    /// After a look-up: what it cost.
    pub fn charge(&self, client: ClientKey, units: u32) {
        self.lookups.charge(client, Instant::now(), units);
    }

    /// The cost of a look-up by its outcome: a miss (not found, malformed) or a hit.
    pub fn charge_outcome<T>(
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
        self.charge(client, units);
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
