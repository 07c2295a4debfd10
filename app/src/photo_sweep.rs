//! The orphan sweep: photo files that no report or honour event refers to, left behind when
//! a submission's transaction failed after its photos were written (a read-only database, a
//! conflict, a crash). Only files older than [`MIN_AGE`] are considered, and never one that
//! a submission has just stored or reused (`PhotoStore::remove_unless_in_use`).

use crate::db::Db;
use crate::error::AppError;
use crate::storage::PhotoStore;
use std::time::Duration;

/// A day: any submission in flight is long finished by then.
pub const MIN_AGE: Duration = Duration::from_secs(24 * 3600);
/// Photos asked about per query.
const BATCH: usize = 500;

/// Sweeps the whole store once; returns how many photos it removed.
pub async fn sweep(db: &Db, store: &PhotoStore, min_age: Duration) -> Result<usize, AppError> {
    let mut removed = 0;
    for prefix in 0..=255u8 {
        let candidates = store.old_photos(prefix, min_age).await.map_err(io_error)?;
        for batch in candidates.chunks(BATCH) {
            let referenced = crate::reports::db::referenced_photos(db, batch).await?;
            for sha in batch.iter().filter(|s| !referenced.contains(s.as_str())) {
                let gone = store
                    .remove_unless_in_use(sha, min_age)
                    .await
                    .map_err(io_error)?;
                if gone {
                    tracing::info!(%sha, "removed an orphaned photo");
                }
                removed += usize::from(gone);
            }
        }
    }
    Ok(removed)
}

fn io_error(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "photo sweep: storage error");
    AppError::Internal
}
