//! Which photos are in use, and the orphan sweep: photo files that no report, honour event
//! or finding refers to, left behind when a submission's transaction failed after its photos
//! were written (a read-only database, a conflict, a crash). Only files older than
//! [`MIN_AGE`] are considered, and never one that a submission has just stored or reused
//! (`PhotoStore::remove_unless_in_use`).

use crate::db::Db;
use crate::error::AppError;
use crate::storage::{PhotoSha, PhotoStore};
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
            let referenced = referenced(db, batch).await?;
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

/// Which of `shas` anything refers to: a report, an honour's event (a plaque photo) or a
/// finding, each asked of its table's owner.
pub async fn referenced(
    db: &Db,
    shas: &[PhotoSha],
) -> Result<std::collections::HashSet<String>, AppError> {
    let mut found = crate::reports::db::referenced_photos(db, shas).await?;
    found.extend(crate::honours::db::referenced_photos(db, shas).await?);
    found.extend(crate::supervision::db::referenced_photos(db, shas).await?);
    Ok(found)
}

/// Whether anything refers to this photo: only such files are served.
pub async fn is_referenced(db: &Db, sha: &PhotoSha) -> Result<bool, AppError> {
    Ok(!referenced(db, std::slice::from_ref(sha)).await?.is_empty())
}

fn io_error(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "photo sweep: storage error");
    AppError::Internal
}
