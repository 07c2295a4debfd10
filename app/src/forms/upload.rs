//! A multipart form with text fields and photos (整改完成, the resident's answer, honours'
//! plaque photos), read under limits: field count and sizes are ours, never the sender's.

use super::MAX_PHOTOS;
use super::strings as vmsg;
use super::strings::FORM_BAD;
use crate::error::AppError;
use std::collections::HashMap;

/// Text fields and photos of a multipart form, read under limits.
pub struct FormUpload {
    /// The last value of each name.
    pub fields: HashMap<String, String>,
    /// Every (name, value) in order: checkboxes that share a name.
    pub pairs: Vec<(String, String)>,
    pub photos: Vec<Vec<u8>>,
}

const MAX_FIELD_BYTES: usize = 8 * 1024;
/// Text fields a form may have (the largest has a dozen): more is no form of ours.
const MAX_FIELDS: usize = 32;

impl FormUpload {
    pub async fn read(
        multipart: multer::Multipart<'static>,
        photo_max_bytes: usize,
    ) -> Result<Self, AppError> {
        Self::read_with(multipart, photo_max_bytes, MAX_FIELDS).await
    }

    /// Like [`FormUpload::read`], for a form with up to `max_fields` text fields (a list of
    /// checkboxes); still at most 8 KiB each.
    pub async fn read_with(
        mut multipart: multer::Multipart<'static>,
        photo_max_bytes: usize,
        max_fields: usize,
    ) -> Result<Self, AppError> {
        let mut fields = HashMap::new();
        let mut pairs = Vec::new();
        let mut photos = Vec::new();
        let result: Result<(), AppError> = async {
            while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
                let name = field.name().unwrap_or_default().to_string();
                if name == "photo" {
                    let bytes = read_field(&mut field, photo_max_bytes, || {
                        AppError::PayloadTooLarge(vmsg::photo_too_large(photo_max_bytes))
                    })
                    .await?;
                    // A file input left empty still sends an empty part.
                    if bytes.is_empty() {
                        continue;
                    }
                    if photos.len() == MAX_PHOTOS {
                        return Err(AppError::bad_request(vmsg::too_many_photos(MAX_PHOTOS)));
                    }
                    photos.push(bytes);
                } else {
                    if pairs.len() >= max_fields {
                        return Err(AppError::bad_request(FORM_BAD));
                    }
                    let bytes = read_field(&mut field, MAX_FIELD_BYTES, || {
                        AppError::bad_request(FORM_BAD)
                    })
                    .await?;
                    let text =
                        String::from_utf8(bytes).map_err(|_| AppError::bad_request(FORM_BAD))?;
                    pairs.push((name.clone(), text.clone()));
                    fields.insert(name, text);
                }
            }
            Ok(())
        }
        .await;
        if let Err(e) = result {
            while let Ok(Some(field)) = multipart.next_field().await {
                drop(field);
            }
            return Err(e);
        }
        Ok(Self {
            fields,
            pairs,
            photos,
        })
    }

    /// Every value sent under `name`, in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn int(&self, name: &str) -> Result<i64, AppError> {
        self.text(name)
            .trim()
            .parse()
            .map_err(|_| AppError::bad_request(FORM_BAD))
    }
}

/// Reads one part, refusing it as soon as it grows past `max` bytes.
pub async fn read_field(
    field: &mut multer::Field<'static>,
    max: usize,
    too_large: impl Fn() -> AppError,
) -> Result<Vec<u8>, AppError> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        if buf.len() + chunk.len() > max {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

pub fn malformed(e: multer::Error) -> AppError {
    tracing::info!(error = %e, "malformed multipart body");
    AppError::bad_request(vmsg::MALFORMED_MULTIPART)
}
