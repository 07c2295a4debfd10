use super::SiteSummary;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "site_summary")]
pub async fn get_site_summary() -> Result<SiteSummary, AppError> {
    let state = crate::state::app_state()?;
    Ok(super::db::site_summary(&state.db).await?)
}
