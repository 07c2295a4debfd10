//! S3-compatible object storage (AWS S3, MinIO, Ceph, the Chinese clouds' S3 endpoints),
//! through the `object_store` crate over HTTP. Keys mirror the local layout:
//! `<prefix>/ab/<sha256>.jpg` and `<prefix>/ab/<sha256>.thumb.jpg`.
//!
//! A put always uploads: the key is the content's hash, so writing it again changes nothing
//! but its `Last-Modified`, which is what protects a photo that a submission has just reused
//! from the orphan sweep of any instance.

use super::{IN_USE_FOR, PhotoSha, PhotoVariant, in_use_lock, mark_in_use};
use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{ClientOptions, ObjectStore, PutPayload, RetryConfig};
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// Where the bucket is and how to sign (README, configuration table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    /// `https://…` of a non-AWS service (or `http://` for one on a private network); `None`
    /// for AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Key prefix inside the bucket (default `photos`).
    pub prefix: String,
    /// `bucket.endpoint/key` instead of `endpoint/bucket/key` (Aliyun OSS needs this).
    pub virtual_hosted: bool,
}

#[derive(Debug, Clone)]
pub struct ObjectPhotos {
    store: Arc<AmazonS3>,
    prefix: String,
}

impl ObjectPhotos {
    pub fn new(s: &S3Settings) -> io::Result<Self> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&s.bucket)
            .with_region(&s.region)
            .with_access_key_id(&s.access_key_id)
            .with_secret_access_key(&s.secret_access_key)
            .with_virtual_hosted_style_request(s.virtual_hosted)
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(30))
                    .with_allow_http(
                        s.endpoint
                            .as_deref()
                            .is_some_and(|e| e.starts_with("http://")),
                    ),
            )
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(20),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = &s.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder.build().map_err(io::Error::other)?;
        Ok(Self {
            store: Arc::new(store),
            prefix: s.prefix.trim_matches('/').to_string(),
        })
    }

    fn dir(&self, prefix: &str) -> Key {
        if self.prefix.is_empty() {
            Key::from(prefix)
        } else {
            Key::from(format!("{}/{prefix}", self.prefix))
        }
    }

    fn key(&self, sha: &PhotoSha, variant: PhotoVariant) -> Key {
        self.dir(&sha.0[..2])
            .child(format!("{}.{}", sha.0, variant.suffix()))
    }

    pub async fn put(&self, sha: &PhotoSha, variant: PhotoVariant, bytes: &[u8]) -> io::Result<()> {
        mark_in_use(sha);
        let payload = PutPayload::from(bytes::Bytes::copy_from_slice(bytes));
        self.store
            .put(&self.key(sha, variant), payload)
            .await
            .map(|_| ())
            .map_err(io::Error::other)
    }

    pub async fn read(&self, sha: &PhotoSha, variant: PhotoVariant) -> io::Result<Option<Vec<u8>>> {
        match self.store.get(&self.key(sha, variant)).await {
            Ok(got) => Ok(Some(got.bytes().await.map_err(io::Error::other)?.into())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(io::Error::other(e)),
        }
    }

    /// Every photo under one fan-out prefix with the age of its youngest object.
    pub async fn ages(&self, prefix: u8) -> io::Result<Vec<(PhotoSha, Duration)>> {
        let dir = self.dir(&format!("{prefix:02x}"));
        let mut listing = self.store.list(Some(&dir));
        let now = chrono::Utc::now();
        let mut out = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(io::Error::other)?;
            let Some(name) = meta.location.filename() else {
                continue;
            };
            let Some(sha) = PhotoSha::parse(name.get(..64).unwrap_or("")) else {
                continue;
            };
            let age = (now - meta.last_modified).to_std().unwrap_or_default();
            out.push((sha, age));
        }
        Ok(out)
    }

    /// Deletes both objects of `sha` unless this process marked it in use within
    /// [`IN_USE_FOR`] or an object is younger than `min_age` now (another instance stored it
    /// again since the listing).
    pub async fn remove_unless_in_use(
        &self,
        sha: &PhotoSha,
        min_age: Duration,
    ) -> io::Result<bool> {
        {
            let in_use = in_use_lock();
            if in_use.get(sha).is_some_and(|t| t.elapsed() < IN_USE_FOR) {
                return Ok(false);
            }
        }
        let keys = [
            self.key(sha, PhotoVariant::Full),
            self.key(sha, PhotoVariant::Thumb),
        ];
        let now = chrono::Utc::now();
        for key in &keys {
            match self.store.head(key).await {
                Ok(meta) if (now - meta.last_modified).to_std().unwrap_or_default() < min_age => {
                    return Ok(false);
                }
                Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(io::Error::other(e)),
            }
        }
        for key in &keys {
            match self.store.delete(key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(io::Error::other(e)),
            }
        }
        Ok(true)
    }
}
