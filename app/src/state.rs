//! Server-only application state, handed to server functions through Leptos context.

use crate::db::Db;
use crate::error::AppError;
use crate::storage::PhotoStore;
use axum::extract::FromRef;
use leptos::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Settings the server functions need at run time (the server's config builds it).
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// Largest photo accepted in a submission, in bytes, checked while it streams in.
    pub photo_max_bytes: usize,
    /// Take the client address from `X-Forwarded-For` (behind a proxy you run).
    pub trust_proxy: bool,
    /// Mark the session cookie `Secure` (serving over https).
    pub cookie_secure: bool,
    /// Signs the messages put into redirect URLs (`flash.rs`); shared by all instances.
    pub message_key: crate::flash::MessageKey,
    /// Where photos are kept: `<data_dir>/photos` unless the configuration names a bucket.
    pub photos: PhotoStore,
}

impl Settings {
    /// Defaults for everything but the data directory.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            photo_max_bytes: DEFAULT_PHOTO_MAX_BYTES,
            trust_proxy: false,
            cookie_secure: false,
            message_key: crate::flash::MessageKey([0; 32]),
            photos: PhotoStore::new(&data_dir),
            data_dir,
        }
    }

    pub fn photo_store(&self) -> PhotoStore {
        self.photos.clone()
    }
}

/// 5 MiB: a phone's downscaled JPEG is a few hundred KB; an untouched camera photo fits too.
pub const DEFAULT_PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<Settings>,
    /// Rate limits of the public look-ups (per instance, in memory).
    pub limits: Arc<crate::ratelimit::PublicLimits>,
    /// Short-lived caches of the public pages' figures.
    pub caches: Arc<crate::cache::PublicCaches>,
    /// The clock of the rules (tests move it).
    pub clock: crate::clock::Clock,
}

/// The state of the running server, for use inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}
