//! Browser side of reporting (hydrate only): photo downscaling, FormData, device storage.
//!
//! Everything here is called from effects and event handlers, never while rendering.
//! `multipart` builds the submission from a queued draft's JSON and its photo blobs; the
//! device queue (`sync`) is the one path by which reports are sent.

use super::pages::form;
use super::strings::ui as t;
use super::{GeoPoint, PART_PHOTO, PART_REPORT, PHOTO_LONG_EDGE};
use crate::domain::{Millis, StreetId, TrackingCode};
use crate::error::AppError;
use gloo_storage::{LocalStorage, Storage};
use js_sys::{Function, Promise, Reflect};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, FormData, HtmlCanvasElement, HtmlImageElement, ImageBitmap,
    ImageBitmapOptions, ImageOrientation, PositionOptions, ResizeQuality, Url,
};

/// localStorage key of the resident's tracking codes (a JSON list, newest first).
pub const CODES_KEY: &str = "jx.my_codes";
/// localStorage key of the street of the last report, to prefill the next one.
pub const LAST_STREET_KEY: &str = "jx.last_street";

/// Device clock, as the draft records it.
pub fn now() -> Millis {
    Millis(js_sys::Date::now() as i64)
}

/// A UUID v7 made on the device: time-ordered, 74 random bits from `crypto.getRandomValues`
/// (uuid's own rng would pull getrandom's JS glue into the wasm).
pub fn new_report_id() -> Uuid {
    let mut random = [0u8; 10];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut random).is_ok());
    if !filled {
        // Very old browsers only; the id is an idempotency key, not a secret.
        for b in &mut random {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid::Builder::from_unix_timestamp_millis(js_sys::Date::now() as u64, &random).into_uuid()
}

// ---------------------------------------------------------------------------------------------
// Submission

/// The multipart body of `submit_report`: the draft's JSON (as the device queue keeps it) in
/// `report`, then each photo in `photo` (photo1.jpg, photo2.jpg, …).
pub fn multipart(draft_json: &str, photos: &[Blob]) -> Result<FormData, AppError> {
    // The error's own text (formatting the JsValue with `{:?}` would pull float formatting
    // into the wasm).
    let transport = |e: JsValue| AppError::Transport(js_error_text(&e));
    let data = FormData::new().map_err(transport)?;
    data.append_with_str(PART_REPORT, draft_json)
        .map_err(transport)?;
    for (i, photo) in photos.iter().enumerate() {
        data.append_with_blob_and_filename(PART_PHOTO, photo, &format!("photo{}.jpg", i + 1))
            .map_err(transport)?;
    }
    Ok(data)
}

// ---------------------------------------------------------------------------------------------
// Photos

/// The server refuses photos with a side shorter than this (its `photo::MIN_DIMENSION`).
const MIN_PHOTO_SIDE: u32 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    NotImage,
    Unreadable,
    TooSmall,
}

impl PhotoError {
    pub fn message(self) -> &'static str {
        match self {
            Self::NotImage => t::PHOTO_NOT_IMAGE,
            Self::Unreadable => t::PHOTO_UNREADABLE,
            Self::TooSmall => super::strings::validation::PHOTO_TOO_SMALL,
        }
    }
}

/// Turns a photo from the camera or the gallery into a JPEG of at most
/// [`PHOTO_LONG_EDGE`] px on the long edge, quality 0.8, EXIF orientation applied and no
/// metadata left (the canvas encoder writes none, so the GPS tags of the original are gone).
///
/// The original is never decoded at full size into a canvas: its size comes from the image
/// header (an `<img>` that is never painted), and `createImageBitmap` decodes it straight to
/// the target size, so a 24 MP photo does not exhaust a cheap phone's memory.
pub async fn downscale_photo(file: &Blob) -> Result<Blob, PhotoError> {
    let kind = file.type_();
    if !kind.is_empty() && !kind.starts_with("image/") {
        return Err(PhotoError::NotImage);
    }
    let (width, height) = natural_size(file).await?;
    if width.min(height) < MIN_PHOTO_SIDE {
        return Err(PhotoError::TooSmall);
    }
    let (w, h) = form::fit_long_edge(width, height, PHOTO_LONG_EDGE);
    let mut bitmap = decode_resized(file, w, h).await?;
    if w != h && bitmap.width() == h && bitmap.height() == w {
        // This browser resized before applying the EXIF rotation: the result is squashed.
        // Ask again with the sides of the stored (unrotated) image.
        bitmap.close();
        bitmap = decode_resized(file, h, w).await?;
    }
    // Browsers that ignore resizeWidth/resizeHeight hand back the full size: scale on draw.
    let (w, h) = form::fit_long_edge(bitmap.width(), bitmap.height(), PHOTO_LONG_EDGE);
    let jpeg = encode_jpeg(&bitmap, w, h).await;
    bitmap.close();
    jpeg
}

/// Width and height as displayed (EXIF orientation applied), read from the header only.
async fn natural_size(file: &Blob) -> Result<(u32, u32), PhotoError> {
    let url = Url::create_object_url_with_blob(file).map_err(|_| PhotoError::Unreadable)?;
    let img = HtmlImageElement::new().map_err(|_| PhotoError::Unreadable)?;
    let loaded = Promise::new(&mut |resolve, reject| {
        img.set_onload(Some(&resolve));
        img.set_onerror(Some(&reject));
    });
    img.set_src(&url);
    let result = JsFuture::from(loaded).await;
    img.set_onload(None);
    img.set_onerror(None);
    let size = (img.natural_width(), img.natural_height());
    img.set_src("");
    let _ = Url::revoke_object_url(&url);
    match (result, size) {
        (Ok(_), (w, h)) if w > 0 && h > 0 => Ok((w, h)),
        _ => Err(PhotoError::Unreadable),
    }
}

async fn decode_resized(file: &Blob, width: u32, height: u32) -> Result<ImageBitmap, PhotoError> {
    let window = web_sys::window().ok_or(PhotoError::Unreadable)?;
    let options = ImageBitmapOptions::new();
    options.set_resize_width(width);
    options.set_resize_height(height);
    options.set_resize_quality(ResizeQuality::High);
    options.set_image_orientation(ImageOrientation::FromImage);
    let promise = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)
        .map_err(|_| PhotoError::Unreadable)?;
    let bitmap = JsFuture::from(promise)
        .await
        .map_err(|_| PhotoError::Unreadable)?;
    Ok(bitmap.unchecked_into())
}

async fn encode_jpeg(bitmap: &ImageBitmap, width: u32, height: u32) -> Result<Blob, PhotoError> {
    let canvas: HtmlCanvasElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|e| e.dyn_into().ok())
        .ok_or(PhotoError::Unreadable)?;
    canvas.set_width(width);
    canvas.set_height(height);
    let blob = draw_and_encode(&canvas, bitmap, width, height).await;
    // Give the pixels back at once (iOS Safari keeps a detached canvas's memory for a while).
    canvas.set_width(0);
    canvas.set_height(0);
    blob
}

async fn draw_and_encode(
    canvas: &HtmlCanvasElement,
    bitmap: &ImageBitmap,
    width: u32,
    height: u32,
) -> Result<Blob, PhotoError> {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or(PhotoError::Unreadable)?;
    // JPEG has no transparency: a PNG screenshot gets a white, not black, background.
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(
        bitmap,
        0.0,
        0.0,
        f64::from(width),
        f64::from(height),
    )
    .map_err(|_| PhotoError::Unreadable)?;
    let encoded = Promise::new(&mut |resolve: Function, reject: Function| {
        let fail = reject.clone();
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_instance_of::<Blob>() {
                resolve.call1(&JsValue::NULL, &blob)
            } else {
                reject.call0(&JsValue::NULL)
            };
        });
        if canvas
            .to_blob_with_type_and_encoder_options(done.unchecked_ref(), "image/jpeg", &0.8.into())
            .is_err()
        {
            let _ = fail.call0(&JsValue::NULL);
        }
    });
    JsFuture::from(encoded)
        .await
        .map(JsCast::unchecked_into)
        .map_err(|_| PhotoError::Unreadable)
}

/// The message of a JS error (or its name, or nothing) as plain text.
pub fn js_error_text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| Reflect::get(e, &"message".into()).ok()?.as_string())
        .or_else(|| Reflect::get(e, &"name".into()).ok()?.as_string())
        .unwrap_or_default()
}

/// An object URL for a preview `<img>`; give it back with [`revoke_url`].
pub fn object_url(blob: &Blob) -> String {
    Url::create_object_url_with_blob(blob).unwrap_or_default()
}

pub fn revoke_url(url: &str) {
    if !url.is_empty() {
        let _ = Url::revoke_object_url(url);
    }
}

// ---------------------------------------------------------------------------------------------
// Location

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoError {
    Unsupported,
    Denied,
    Unavailable,
    Timeout,
}

impl GeoError {
    pub fn message(self) -> &'static str {
        match self {
            Self::Unsupported => t::GEO_UNSUPPORTED,
            Self::Denied => t::GEO_DENIED,
            Self::Unavailable => t::GEO_UNAVAILABLE,
            Self::Timeout => t::GEO_TIMEOUT,
        }
    }
}

/// One high-accuracy fix, given up after 20 s.
pub async fn current_position() -> Result<GeoPoint, GeoError> {
    let navigator = web_sys::window().ok_or(GeoError::Unsupported)?.navigator();
    let has_api = Reflect::get(&navigator, &"geolocation".into())
        .is_ok_and(|g| !g.is_undefined() && !g.is_null());
    if !has_api {
        return Err(GeoError::Unsupported);
    }
    let geo = navigator.geolocation().map_err(|_| GeoError::Unsupported)?;
    let options = PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(20_000);
    options.set_maximum_age(10_000);
    let fix = Promise::new(&mut |resolve, reject| {
        if let Err(e) = geo.get_current_position_with_error_callback_and_options(
            &resolve,
            Some(&reject),
            &options,
        ) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    match JsFuture::from(fix).await {
        Ok(position) => {
            // Read structurally: the class is GeolocationPosition in today's browsers.
            let position: web_sys::Position = position.unchecked_into();
            let c = position.coords();
            let accuracy = c.accuracy();
            Ok(GeoPoint {
                lat: c.latitude(),
                lon: c.longitude(),
                accuracy_m: (accuracy.is_finite() && accuracy > 0.0).then_some(accuracy),
            })
        }
        Err(e) => {
            let code = Reflect::get(&e, &"code".into())
                .ok()
                .and_then(|c| c.as_f64());
            Err(match code {
                Some(1.0) => GeoError::Denied,
                Some(3.0) => GeoError::Timeout,
                Some(_) => GeoError::Unavailable,
                None => GeoError::Unsupported,
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Clipboard

/// Copies text with the async clipboard API; false where it is missing (plain http) or refused.
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let has_api = Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|c| !c.is_undefined() && !c.is_null());
    if !has_api {
        return false;
    }
    JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}

pub fn scroll_to_top() {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

// ---------------------------------------------------------------------------------------------
// Device storage (small things only; queued photos will live in IndexedDB)

/// The tracking codes of this device's reports, newest first.
pub fn saved_codes() -> Vec<String> {
    LocalStorage::get::<Vec<String>>(CODES_KEY).unwrap_or_default()
}

/// Puts a code first in the device's list. False when storage is unavailable or full.
pub fn remember_code(code: &TrackingCode) -> bool {
    let codes = form::with_code(saved_codes(), code.as_str());
    LocalStorage::set(CODES_KEY, codes).is_ok()
}

pub fn last_street() -> Option<StreetId> {
    LocalStorage::get(LAST_STREET_KEY).ok()
}

pub fn remember_street(street: StreetId) {
    let _ = LocalStorage::set(LAST_STREET_KEY, street);
}
