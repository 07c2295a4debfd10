//! Public figures about the reports, per office and overall.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};

/// The numbers shown on the home page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSummary {
    pub offices: i64,
    pub communities: i64,
    pub streets: i64,
    pub reports_received: i64,
    pub reports_closed: i64,
}
