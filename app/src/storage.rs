//! Photo files, content-addressed: `<data_dir>/photos/ab/<sha256>.jpg` and its thumbnail
//! `<sha256>.thumb.jpg`, where `ab` is the first two hex digits. A file is written once (to a
//! temporary name, then renamed) and never changed, so it can be cached forever and shared by
//! every report that happens to carry the same picture.
//!
//! Local disk today; the S3-compatible store of a multi-instance deployment replaces this
//! module behind the same three calls.

use std::io;
use std::path::{Path, PathBuf};

/// The stored picture or its thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoVariant {
    Full,
    Thumb,
}

impl PhotoVariant {
    fn suffix(self) -> &'static str {
        match self {
            Self::Full => "jpg",
            Self::Thumb => "thumb.jpg",
        }
    }
}

/// A sha256 in lower-case hex, the only form of file name this store accepts (so a request
/// path can never reach outside the photo directory).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhotoSha(String);

impl PhotoSha {
    pub fn parse(s: &str) -> Option<Self> {
        let ok = s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then(|| Self(s.to_string()))
    }

    /// The sha256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        use sha2::Digest;
        Self(hex::encode(sha2::Sha256::digest(bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PhotoSha {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone)]
pub struct PhotoStore {
    root: PathBuf,
}

impl PhotoStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            root: data_dir.join("photos"),
        }
    }

    pub fn path(&self, sha: &PhotoSha, variant: PhotoVariant) -> PathBuf {
        self.root
            .join(&sha.0[..2])
            .join(format!("{}.{}", sha.0, variant.suffix()))
    }

    /// Stores `bytes` unless the file is already there (same name, same content).
    ///
    /// The photo is marked in use first (see [`sweep`](Self::sweep)): a row that is about to
    /// reference it is never left pointing at a swept file. An existing file's time is
    /// refreshed, so it counts as new again.
    pub async fn put(&self, sha: &PhotoSha, variant: PhotoVariant, bytes: &[u8]) -> io::Result<()> {
        mark_in_use(sha);
        let path = self.path(sha, variant);
        if tokio::fs::try_exists(&path).await? {
            let touch = path.clone();
            let _ = tokio::task::spawn_blocking(move || {
                std::fs::File::options()
                    .append(true)
                    .open(&touch)
                    .and_then(|f| f.set_modified(std::time::SystemTime::now()))
            })
            .await;
            return Ok(());
        }
        let dir = path.parent().unwrap_or(&self.root);
        tokio::fs::create_dir_all(dir).await?;
        // A unique temporary name in the same directory, so the rename is atomic and two
        // concurrent writers of the same photo do not interleave.
        let tmp = dir.join(format!(
            ".{}.{}.{:016x}.tmp",
            sha.0,
            variant.suffix(),
            rand::random::<u64>()
        ));
        let result = async {
            use tokio::io::AsyncWriteExt;
            let mut file = tokio::fs::File::create(&tmp).await?;
            file.write_all(bytes).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&tmp, &path).await?;
            // The rename is durable only once the directory itself is synced.
            let dir = dir.to_path_buf();
            tokio::task::spawn_blocking(move || std::fs::File::open(&dir)?.sync_all())
                .await
                .map_err(io::Error::other)?
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    /// Photos (by sha) whose files are all older than `min_age`, for the orphan sweep: up to
    /// `limit` from one fan-out directory (`00` … `ff`).
    pub fn old_photos(
        &self,
        prefix: u8,
        min_age: std::time::Duration,
        limit: usize,
    ) -> io::Result<Vec<PhotoSha>> {
        let dir = self.root.join(format!("{prefix:02x}"));
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let now = std::time::SystemTime::now();
        let mut young = std::collections::HashSet::new();
        let mut old = std::collections::HashSet::new();
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            // Leftover temporary files of a crashed write are named `.<sha>…tmp`.
            let Some(sha) = PhotoSha::parse(name.trim_start_matches('.').get(..64).unwrap_or(""))
            else {
                continue;
            };
            let age = entry
                .metadata()?
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or_default();
            if age < min_age {
                young.insert(sha);
            } else {
                old.insert(sha);
            }
        }
        let mut out: Vec<PhotoSha> = old.difference(&young).cloned().collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.truncate(limit);
        Ok(out)
    }

    /// Deletes every file of `sha` (both variants and temporary leftovers) unless a
    /// submission has marked it in use within [`IN_USE_FOR`]. The check and the deletion
    /// happen under the same lock as the marking, so a `put` either sees no file and writes
    /// it afresh, or marked it first and the sweep leaves it. Returns whether it deleted.
    pub fn remove_unless_in_use(&self, sha: &PhotoSha) -> io::Result<bool> {
        let mut in_use = in_use_lock();
        let now = std::time::Instant::now();
        if in_use
            .get(sha)
            .is_some_and(|t| now.duration_since(*t) < IN_USE_FOR)
        {
            return Ok(false);
        }
        in_use.remove(sha);
        let dir = self.root.join(&sha.0[..2]);
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if name
                .to_str()
                .is_some_and(|n| n.trim_start_matches('.').starts_with(&sha.0))
            {
                std::fs::remove_file(entry.path())?;
            }
        }
        Ok(true)
    }

    /// The stored bytes, or `None` when there is no such file.
    pub async fn read(&self, sha: &PhotoSha, variant: PhotoVariant) -> io::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.path(sha, variant)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// How long a photo stays protected from the sweep after a submission stored (or reused)
/// it: far longer than any transaction that inserts its row.
pub const IN_USE_FOR: std::time::Duration = std::time::Duration::from_secs(3600);

type InUse = std::collections::HashMap<PhotoSha, std::time::Instant>;

fn in_use_lock() -> std::sync::MutexGuard<'static, InUse> {
    static IN_USE: std::sync::OnceLock<std::sync::Mutex<InUse>> = std::sync::OnceLock::new();
    IN_USE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// Forgets which photos were in use (as a restart does); for tests of the sweep.
pub fn forget_in_use() {
    in_use_lock().clear();
}

fn mark_in_use(sha: &PhotoSha) {
    let mut in_use = in_use_lock();
    let now = std::time::Instant::now();
    if in_use.len() > 100_000 {
        in_use.retain(|_, t| now.duration_since(*t) < IN_USE_FOR);
    }
    in_use.insert(sha.clone(), now);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lowercase_hex_sha256_is_a_name() {
        let good = "ab".repeat(32);
        assert!(PhotoSha::parse(&good).is_some());
        assert!(PhotoSha::parse(&good.to_uppercase()).is_none());
        assert!(PhotoSha::parse(&good[..63]).is_none());
        assert!(PhotoSha::parse(&format!("{}/..", &good[..61])).is_none());
        assert!(PhotoSha::parse("").is_none());
    }

    #[test]
    fn files_are_fanned_out_by_prefix() {
        let store = PhotoStore::new(Path::new("/data"));
        let sha = PhotoSha::of(b"hello");
        let p = store.path(&sha, PhotoVariant::Thumb);
        assert_eq!(
            p,
            Path::new("/data/photos")
                .join(&sha.as_str()[..2])
                .join(format!("{sha}.thumb.jpg"))
        );
    }

    #[tokio::test]
    async fn put_then_read_and_put_again_is_harmless() {
        let dir = std::env::temp_dir().join(format!("jx-store-{:016x}", rand::random::<u64>()));
        let store = PhotoStore::new(&dir);
        let sha = PhotoSha::of(b"jpeg bytes");
        assert_eq!(store.read(&sha, PhotoVariant::Full).await.unwrap(), None);
        store
            .put(&sha, PhotoVariant::Full, b"jpeg bytes")
            .await
            .unwrap();
        store
            .put(&sha, PhotoVariant::Full, b"jpeg bytes")
            .await
            .unwrap();
        assert_eq!(
            store
                .read(&sha, PhotoVariant::Full)
                .await
                .unwrap()
                .as_deref(),
            Some(&b"jpeg bytes"[..])
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
