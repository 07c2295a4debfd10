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
    pub async fn put(&self, sha: &PhotoSha, variant: PhotoVariant, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(sha, variant);
        if tokio::fs::try_exists(&path).await? {
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
            tokio::fs::rename(&tmp, &path).await
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
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
