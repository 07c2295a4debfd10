//! The sweep that applies the rules (`crate::escalation`) to the open findings and the
//! dispatched residents' reports every minute (server only), stepping each as far as the
//! clock says, every step at the moment it fell due (so a sweep after a pause writes the same
//! history as one every minute). The levels' words are `strings.rs`'s.

#[cfg(feature = "ssr")]
use crate::domain::Millis;
pub use crate::escalation::*;

pub use super::strings::{event_label, label};

/// Applies the rules to every open finding and every dispatched resident's report as of
/// `now`; returns how many steps it wrote.
#[cfg(feature = "ssr")]
pub async fn sweep(db: &crate::db::Db, now: Millis) -> crate::db::DbResult<usize> {
    use crate::reports::db::escalation as reports;
    let rules = crate::escalation::rules(db).await?;
    let findings = step_all(
        &rules,
        now,
        || super::db::escalation_candidates(db, &rules, now),
        |id, from, steps| super::db::escalate(db, id, from, steps),
    )
    .await?;
    let reports = step_all(
        &rules,
        now,
        || reports::candidates(db, now, &rules),
        |id, from, steps| reports::escalate(db, id, from, steps),
    )
    .await?;
    Ok(findings + reports)
}
