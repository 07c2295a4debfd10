use super::SiteSummary;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "site_summary")]
pub async fn get_site_summary() -> Result<SiteSummary, AppError> {
    let state = crate::state::app_state()?;
    state
        .caches
        .of::<SiteSummary>()
        .get(|| async { super::db::site_summary(&state.db).await })
        .await
}

/// `/stats`: per office (in the district's order) and for the whole district, the record of
/// the last 30 days and of all time. Public: numbers only.
#[server(endpoint = "stats/offices")]
pub async fn stats_offices() -> Result<super::StatsOverview, AppError> {
    async {
        let state = crate::state::app_state()?;
        state
            .caches
            .of::<super::StatsOverview>()
            .get(|| async { super::db::overview(&state.db, state.clock.now()).await })
            .await
    }
    .await
}
