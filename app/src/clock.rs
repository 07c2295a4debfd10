//! The one clock the rules read (deadlines, 催办 / 督办 / 提级, the bulletin's "now"): the
//! system time plus an offset that tests move forward (`advance`), so a test can let two days
//! pass in a millisecond. Every server instance starts with offset zero; nothing in
//! production moves it.

use crate::domain::Millis;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> Millis {
        Millis(Millis::now().0 + self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every copy of it) forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_share_the_move() {
        let a = Clock::default();
        let b = a.clone();
        let before = a.now();
        b.advance(48 * 3_600_000);
        assert!(a.now().0 - before.0 >= 48 * 3_600_000);
        assert!(a.now().0 - before.0 < 49 * 3_600_000);
    }
}
