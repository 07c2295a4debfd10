//! The local folder: `<data_dir>/photos/ab/<sha256>.jpg` and `<sha256>.thumb.jpg`. A file is
//! written to a temporary name in the same directory, synced, then renamed, so a reader never
//! sees half a photo and two writers of the same photo do not interleave.

use super::{IN_USE_FOR, PhotoSha, PhotoVariant, in_use_lock, mark_in_use};
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct LocalPhotos {
    root: PathBuf,
}

impl LocalPhotos {
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

    /// Stores `bytes` unless the file is already there (same name, same content); an existing
    /// file's time is refreshed, so the sweep counts it as new again.
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

    pub async fn read(&self, sha: &PhotoSha, variant: PhotoVariant) -> io::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.path(sha, variant)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every photo in one fan-out directory with the age of its youngest file (temporary
    /// leftovers of a crashed write included).
    pub fn ages(&self, prefix: u8) -> io::Result<Vec<(PhotoSha, std::time::Duration)>> {
        let dir = self.root.join(format!("{prefix:02x}"));
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let now = std::time::SystemTime::now();
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
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
            out.push((sha, age));
        }
        Ok(out)
    }

    /// Deletes every file of `sha` unless a submission of this process marked it in use
    /// within [`IN_USE_FOR`] or one of its files became younger than `min_age` (another
    /// instance sharing the folder stored it again). The check and the deletion happen under
    /// the lock the marking takes.
    pub fn remove_unless_in_use(
        &self,
        sha: &PhotoSha,
        min_age: std::time::Duration,
    ) -> io::Result<bool> {
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
        let mine: Vec<_> = std::fs::read_dir(&dir)?
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_str()
                    .is_some_and(|n| n.trim_start_matches('.').starts_with(&sha.0))
            })
            .collect();
        let wall = std::time::SystemTime::now();
        let young = mine.iter().any(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| wall.duration_since(m).ok())
                .is_some_and(|age| age < min_age)
        });
        if young {
            return Ok(false);
        }
        for entry in mine {
            std::fs::remove_file(entry.path())?;
        }
        Ok(true)
    }
}
