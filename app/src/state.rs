//! Server-only application state, handed to server functions through Leptos context.

use crate::db::Db;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Settings the server functions need at run time (the server's config builds it).
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<Settings>,
}

/// The state of the running server, for use inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}
