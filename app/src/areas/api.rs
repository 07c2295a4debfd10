//! Server functions of the areas: thin — fetch and map errors.

use super::ReferenceData;
use crate::error::AppError;
use leptos::prelude::*;

/// The reference data for the report form (public).
#[server(endpoint = "reference_data")]
pub async fn get_reference_data() -> Result<ReferenceData, AppError> {
    let state = crate::state::app_state()?;
    super::db::reference_data(&state.db).await
}
