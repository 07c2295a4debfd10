//! A sliding-window rate limit per client, for anonymous report submissions.
//!
//! In memory and per instance: behind a load balancer with N instances a client may get up
//! to N times the limit. That is acceptable for its purpose (blunting floods from one
//! address); a shared limit would go into the database or a cache.
//!
//! Clients are keyed by IPv4 address, or by IPv6 /64 (one phone usually owns a whole /64, so
//! counting single v6 addresses would let it rotate freely). Many residents can share one
//! carrier-grade NAT address: keep the default generous.

use crate::config::RateLimit;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Above this many tracked clients (after dropping idle ones) new clients pass untracked,
/// so a flood from very many addresses cannot grow memory without bound.
const MAX_TRACKED_CLIENTS: usize = 200_000;
/// Idle clients are swept out every this many checks.
const SWEEP_EVERY: u64 = 4096;

/// The unit a limit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    pub fn from_ip(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Self(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }
}

pub struct RateLimiter {
    limit: RateLimit,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    hits: HashMap<ClientKey, VecDeque<Instant>>,
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
        let window = self.limit.window;
        let max = self.limit.max as usize;
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still usable.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.checks += 1;
        if state.checks.is_multiple_of(SWEEP_EVERY) || state.hits.len() >= MAX_TRACKED_CLIENTS {
            state
                .hits
                .retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        if !state.hits.contains_key(&client) && state.hits.len() >= MAX_TRACKED_CLIENTS {
            tracing::warn!("rate limiter full; letting a new client through untracked");
            return Ok(());
        }
        let q = state.hits.entry(client).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= max {
            let oldest = q.front().copied().unwrap_or(now);
            let wait = (oldest + window).saturating_duration_since(now);
            return Err(wait.max(Duration::from_secs(1)));
        }
        q.push_back(now);
        Ok(())
    }
}

/// Whole seconds for a `Retry-After` header, rounded up.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(max: u32, secs: u64) -> RateLimiter {
        RateLimiter::new(RateLimit {
            max,
            window: Duration::from_secs(secs),
        })
    }

    fn key(s: &str) -> ClientKey {
        ClientKey::from_ip(s.parse().unwrap())
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
    fn ipv6_counts_per_64_and_mapped_v4_as_v4() {
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:10.0.0.1"), key("10.0.0.1"));
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }
}
