//! Photo files, content-addressed: `photos/ab/<sha256>.jpg` and its thumbnail
//! `<sha256>.thumb.jpg`, where `ab` is the first two hex digits. A photo is written once and
//! never changed, so it can be cached forever and shared by every report that happens to carry
//! the same picture.
//!
//! Two backends behind one [`PhotoStore`]: the local folder under `DATA_DIR` (the default, one
//! machine or a folder the instances share) and S3-compatible object storage (several
//! instances), chosen by `PHOTO_STORE`.

mod local;
mod object;

pub use local::LocalPhotos;
pub use object::{ObjectPhotos, S3Settings};

use std::io;
use std::path::Path;
use std::time::Duration;

/// The stored picture or its thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoVariant {
    Full,
    Thumb,
}

impl PhotoVariant {
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Self::Full => "jpg",
            Self::Thumb => "thumb.jpg",
        }
    }
}

/// A sha256 in lower-case hex, the only form of file name this store accepts (so a request
/// path can never reach outside the photo directory).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhotoSha(pub(crate) String);

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

/// Where the photos are: one value per process, cheap to clone.
#[derive(Debug, Clone)]
pub enum PhotoStore {
    Local(LocalPhotos),
    Object(ObjectPhotos),
}

impl PhotoStore {
    /// The local folder `<data_dir>/photos`.
    pub fn new(data_dir: &Path) -> Self {
        Self::Local(LocalPhotos::new(data_dir))
    }

    /// An S3-compatible bucket.
    pub fn s3(settings: &S3Settings) -> io::Result<Self> {
        ObjectPhotos::new(settings).map(Self::Object)
    }

    /// Stores `bytes` under `sha` (a no-op for content already there, but for refreshing its
    /// time). The photo is marked in use first, so the sweep leaves it alone while the
    /// submission that stored it inserts its row.
    pub async fn put(&self, sha: &PhotoSha, variant: PhotoVariant, bytes: &[u8]) -> io::Result<()> {
        match self {
            Self::Local(s) => s.put(sha, variant, bytes).await,
            Self::Object(s) => s.put(sha, variant, bytes).await,
        }
    }

    /// The stored bytes, or `None` when there is no such photo.
    pub async fn read(&self, sha: &PhotoSha, variant: PhotoVariant) -> io::Result<Option<Vec<u8>>> {
        match self {
            Self::Local(s) => s.read(sha, variant).await,
            Self::Object(s) => s.read(sha, variant).await,
        }
    }

    /// Photos (by sha) of one fan-out prefix (`00` … `ff`) whose files are all older than
    /// `min_age`, for the orphan sweep.
    pub async fn old_photos(&self, prefix: u8, min_age: Duration) -> io::Result<Vec<PhotoSha>> {
        let ages = match self {
            Self::Local(s) => {
                let s = s.clone();
                tokio::task::spawn_blocking(move || s.ages(prefix))
                    .await
                    .map_err(io::Error::other)??
            }
            Self::Object(s) => s.ages(prefix).await?,
        };
        let mut young = std::collections::HashSet::new();
        let mut old = std::collections::HashSet::new();
        for (sha, age) in ages {
            if age < min_age {
                young.insert(sha);
            } else {
                old.insert(sha);
            }
        }
        let mut out: Vec<PhotoSha> = old.difference(&young).cloned().collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Deletes every file of `sha` unless it is in use: marked by a submission of this process
    /// within [`IN_USE_FOR`], or stored again (by any instance) less than `min_age` ago.
    /// Returns whether it deleted.
    pub async fn remove_unless_in_use(
        &self,
        sha: &PhotoSha,
        min_age: Duration,
    ) -> io::Result<bool> {
        match self {
            Self::Local(s) => {
                let (s, sha) = (s.clone(), sha.clone());
                tokio::task::spawn_blocking(move || s.remove_unless_in_use(&sha, min_age))
                    .await
                    .map_err(io::Error::other)?
            }
            Self::Object(s) => s.remove_unless_in_use(sha, min_age).await,
        }
    }

    /// The local folder's file of a photo (tests and tools that look at the disk).
    pub fn local_path(&self, sha: &PhotoSha, variant: PhotoVariant) -> Option<std::path::PathBuf> {
        match self {
            Self::Local(s) => Some(s.path(sha, variant)),
            Self::Object(_) => None,
        }
    }
}

/// How long a photo stays protected from the sweep after a submission stored (or reused)
/// it: far longer than any transaction that inserts its row.
pub const IN_USE_FOR: Duration = Duration::from_secs(3600);

type InUse = std::collections::HashMap<PhotoSha, std::time::Instant>;

pub(crate) fn in_use_lock() -> std::sync::MutexGuard<'static, InUse> {
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

pub(crate) fn mark_in_use(sha: &PhotoSha) {
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
        let p = store.local_path(&sha, PhotoVariant::Thumb).unwrap();
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
