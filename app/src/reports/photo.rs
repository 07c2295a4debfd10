//! Photo checks and processing: a real image by its content (never by file name or declared
//! type), decoded under limits so a decompression bomb is refused, and stored with no bit of
//! metadata (EXIF GPS included), plus a thumbnail of [`THUMB_LONG_EDGE`]. Two ways:
//! - a baseline JPEG that is upright and within [`PHOTO_LONG_EDGE`] — what the phone's own
//!   pipeline sends — is kept as sent minus every metadata segment (`super::jpeg::strip`,
//!   lossless), once its headers read as the re-encode path reads them and one decode of
//!   what will be stored has read every block and made the thumbnail;
//! - anything else is turned upright by its EXIF orientation, downscaled to
//!   [`PHOTO_LONG_EDGE`] and re-encoded as JPEG.

use super::strings::validation as msg;
use super::{PHOTO_LONG_EDGE, THUMB_LONG_EDGE};
use crate::error::AppError;
use crate::storage::PhotoSha;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Neither side may exceed this many pixels (a 48-megapixel phone photo is 8000 wide).
pub const MAX_DIMENSION: u32 = 12_000;
/// Largest decoded image buffer allowed (a 48 MP RGB photo needs 144 MiB).
pub const MAX_DECODED_BYTES: u64 = 160 * 1024 * 1024;
/// Smaller than this on either side shows nothing useful about a problem.
pub const MIN_DIMENSION: u32 = 16;
pub const JPEG_QUALITY: u8 = 82;

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("{}", msg::PHOTO_NOT_IMAGE)]
    NotAnImage,
    #[error("{}", msg::PHOTO_UNREADABLE)]
    Unreadable(#[source] ImageError),
    #[error("{}", msg::PHOTO_TOO_BIG_DIMENSIONS)]
    TooLarge,
    #[error("{}", msg::PHOTO_TOO_SMALL)]
    TooSmall,
    /// Our own encoding failed: a server fault, not the resident's.
    #[error("encoding the stored JPEG failed")]
    Encode(#[source] jpeg_encoder::EncodingError),
}

impl From<PhotoError> for AppError {
    fn from(e: PhotoError) -> Self {
        match e {
            PhotoError::Encode(cause) => {
                tracing::error!(error = %cause, "photo re-encoding failed");
                AppError::Internal
            }
            PhotoError::Unreadable(ref cause) => {
                tracing::info!(error = %cause, "unreadable photo refused");
                AppError::bad_request(e.to_string())
            }
            other => AppError::bad_request(other.to_string()),
        }
    }
}

/// A photo ready to store: the JPEG, its thumbnail and what the database records about it.
#[derive(Debug, Clone)]
pub struct ProcessedPhoto {
    /// Content address of `jpeg`.
    pub sha256: PhotoSha,
    pub jpeg: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Checks and processes one uploaded photo. CPU-heavy: call [`process_off_thread`] from
/// async code.
pub fn process(upload: &[u8]) -> Result<ProcessedPhoto, PhotoError> {
    match pass_through(upload)? {
        Some(p) => Ok(p),
        None => reencode(upload),
    }
}

/// The fast way: a baseline JPEG that needs no turning and no downscale is stored as it came
/// without its metadata (no pixel changes, no second encoding). `None`: not such a file.
fn pass_through(upload: &[u8]) -> Result<Option<ProcessedPhoto>, PhotoError> {
    let Some(stripped) = super::jpeg::strip(upload) else {
        return Ok(None);
    };
    let (width, height) = (stripped.width, stripped.height);
    if stripped.orientation != Orientation::NoTransforms || width.max(height) > PHOTO_LONG_EDGE {
        return Ok(None);
    }
    if width.min(height) < MIN_DIMENSION {
        return Err(PhotoError::TooSmall);
    }
    // Its headers as the re-encode path's decoder (and browsers' decoders) read them: a table
    // one decoder refuses must not be stored because the other took it (found by fuzzing:
    // fuzz/regressions/photo/bad-huffman-table.jpg).
    let mut reader = ImageReader::with_format(Cursor::new(&stripped.jpeg), ImageFormat::Jpeg);
    reader.limits(decode_limits());
    if reader.into_decoder().map_err(classify)?.dimensions() != (width, height) {
        return Ok(None);
    }
    // The validity check and the thumbnail in one pass: what will be stored is decoded to its
    // end (every Huffman-coded block read) and reduced for the thumbnail.
    let Some(small) = scaled_decode(&stripped.jpeg, width, height)? else {
        return Ok(None);
    };
    let Some(thumb) = fit_thumbnail(&small) else {
        return Ok(None);
    };
    let thumb = encode_jpeg(&thumb)?;
    Ok(Some(ProcessedPhoto {
        sha256: PhotoSha::of(&stripped.jpeg),
        jpeg: stripped.jpeg,
        thumb,
        width,
        height,
    }))
}

/// `jpeg` decoded to its end (every Huffman-coded block read) by zune-jpeg on this thread,
/// then reduced by whole blocks of pixels to the smallest size that still covers
/// [`THUMB_LONG_EDGE`] (the caller has checked the frame: at most [`PHOTO_LONG_EDGE`]).
/// jpeg-decoder's scaled decode did less arithmetic, but for any image over 128 pixels wide
/// it started a thread per colour component and handed it every row (3 threads and about
/// 1,000 futex calls per photo), which on a server whose two cores are busy with uploads
/// cost more than the full decode. `None` if the decoder sees another size than the headers.
fn scaled_decode(jpeg: &[u8], width: u32, height: u32) -> Result<Option<RgbImage>, PhotoError> {
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    let options = DecoderOptions::default()
        .set_max_width(PHOTO_LONG_EDGE as usize)
        .set_max_height(PHOTO_LONG_EDGE as usize)
        // Truncated or damaged scan data is an error, not grey blocks.
        .set_strict_mode(true)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(Cursor::new(jpeg), options);
    let pixels = decoder.decode().map_err(|e| {
        PhotoError::Unreadable(ImageError::Decoding(image::error::DecodingError::new(
            image::error::ImageFormatHint::Exact(ImageFormat::Jpeg),
            format!("{e:?}"),
        )))
    })?;
    let Some(info) = decoder.info() else {
        return Ok(None);
    };
    if (u32::from(info.width), u32::from(info.height)) != (width, height) {
        return Ok(None);
    }
    let Some(full) = RgbImage::from_raw(width, height, pixels) else {
        return Ok(None);
    };
    let mut factor = 1;
    while width.max(height) / (factor * 2) >= THUMB_LONG_EDGE {
        factor *= 2;
    }
    Ok(box_reduce(&full, factor as usize))
}

/// `src` made `factor` times smaller on each side, every pixel the rounded mean of a
/// `factor`×`factor` block (the last columns and rows that make no whole block are left
/// out: under `factor` pixels of a thumbnail's edge). `None` if nothing would be left.
fn box_reduce(src: &RgbImage, factor: usize) -> Option<RgbImage> {
    if factor <= 1 {
        return Some(src.clone());
    }
    let (sw, sh) = (src.width() as usize, src.height() as usize);
    let (w, h) = (sw / factor, sh / factor);
    if w == 0 || h == 0 {
        return None;
    }
    let area = (factor * factor) as u32;
    let mut out = vec![0u8; w * h * 3];
    let mut acc = vec![0u32; w * 3];
    for (y, out_row) in out.chunks_exact_mut(w * 3).enumerate() {
        acc.fill(0);
        for row in src
            .as_raw()
            .chunks_exact(sw * 3)
            .skip(y * factor)
            .take(factor)
        {
            for (sum, block) in acc.chunks_exact_mut(3).zip(row.chunks_exact(3 * factor)) {
                for px in block.chunks_exact(3) {
                    sum[0] += u32::from(px[0]);
                    sum[1] += u32::from(px[1]);
                    sum[2] += u32::from(px[2]);
                }
            }
        }
        for (o, a) in out_row.iter_mut().zip(&acc) {
            *o = ((a + area / 2) / area).min(255) as u8;
        }
    }
    RgbImage::from_raw(w as u32, h as u32, out)
}

/// The slow way, for every other image: decode, turn upright, downscale, flatten, re-encode.
/// Public as the benchmark's baseline.
pub fn reencode(upload: &[u8]) -> Result<ProcessedPhoto, PhotoError> {
    let mut image = decode(upload)?;
    if stored_short_side(image.width(), image.height()) < MIN_DIMENSION {
        return Err(PhotoError::TooSmall);
    }
    if image.width().max(image.height()) > PHOTO_LONG_EDGE {
        image = image.resize(PHOTO_LONG_EDGE, PHOTO_LONG_EDGE, FilterType::Triangle);
    }
    let rgb = flatten_on_white(image);
    let thumb = thumbnail(rgb.clone());
    let jpeg = encode_jpeg(&rgb)?;
    let thumb = encode_jpeg(&thumb)?;
    Ok(ProcessedPhoto {
        sha256: PhotoSha::of(&jpeg),
        width: rgb.width(),
        height: rgb.height(),
        jpeg,
        thumb,
    })
}

/// The photo made to fit [`THUMB_LONG_EDGE`] (a smaller one as it is).
fn thumbnail(rgb: RgbImage) -> RgbImage {
    fit_thumbnail(&rgb).unwrap_or(rgb)
}

/// The image made to fit [`THUMB_LONG_EDGE`] by [`area_average`] (a smaller one as it is);
/// `None` only if the image is empty.
fn fit_thumbnail(rgb: &RgbImage) -> Option<RgbImage> {
    let long = rgb.width().max(rgb.height());
    if long <= THUMB_LONG_EDGE {
        return Some(rgb.clone());
    }
    let scale =
        |side: u32| (u64::from(side) * u64::from(THUMB_LONG_EDGE) / u64::from(long)).max(1) as u32;
    area_average(rgb, scale(rgb.width()), scale(rgb.height()))
}

/// `src` made `w`×`h` (each at most the source's side): every pixel the mean of the source
/// area it covers, in 16-bit fixed point, one pass per axis. On a 400×300 scaled decode made
/// 320×240 it takes 0.9 ms against 2 ms for image's triangle filter. `None` if either side
/// is 0.
fn area_average(src: &RgbImage, w: u32, h: u32) -> Option<RgbImage> {
    let (sw, sh) = (src.width() as usize, src.height() as usize);
    let (w, h) = (w.min(src.width()) as usize, h.min(src.height()) as usize);
    if w == 0 || h == 0 {
        return None;
    }
    let (xs, ys) = (area_weights(sw, w), area_weights(sh, h));
    // Across: per source row, each output column's weighted sum (weights total 1 << 16).
    let mut across = vec![0u32; sh * w * 3];
    for (row, sums) in src
        .as_raw()
        .chunks_exact(sw * 3)
        .zip(across.chunks_exact_mut(w * 3))
    {
        for ((first, weights), sum) in xs.iter().zip(sums.chunks_exact_mut(3)) {
            let pixels = row.get(first * 3..).unwrap_or_default().chunks_exact(3);
            for (px, wt) in pixels.zip(weights) {
                for (s, v) in sum.iter_mut().zip(px) {
                    *s += u32::from(*v) * wt;
                }
            }
        }
    }
    // Down: each output row the weighted sum of those rows (weights total 1 << 32 now).
    let mut out = vec![0u8; w * h * 3];
    let mut acc = vec![0u64; w * 3];
    for ((first, weights), out_row) in ys.iter().zip(out.chunks_exact_mut(w * 3)) {
        acc.fill(0);
        let rows = across.get(first * w * 3..).unwrap_or_default();
        for (sums, wt) in rows.chunks_exact(w * 3).zip(weights) {
            for (a, s) in acc.iter_mut().zip(sums) {
                *a += u64::from(*s) * u64::from(*wt);
            }
        }
        for (o, a) in out_row.iter_mut().zip(&acc) {
            *o = ((a + (1 << 31)) >> 32).min(255) as u8;
        }
    }
    RgbImage::from_raw(w as u32, h as u32, out)
}

/// For `d` outputs from `s` inputs (0 < `d` ≤ `s`) along one axis: each output's first input
/// and the inputs' weights, the share of the output's span each covers in 1/65536, summing to
/// exactly 65536.
fn area_weights(s: usize, d: usize) -> Vec<(usize, Vec<u32>)> {
    // In units of 1/d of an input: output j spans [j·s, (j+1)·s), input i [i·d, (i+1)·d).
    let share = |covered: usize| (covered as u64 * 65_536 / s as u64) as u32;
    (0..d)
        .map(|j| {
            let (start, end) = (j * s, (j + 1) * s);
            let first = start / d;
            let mut covered = 0;
            let weights = (first..=(end - 1) / d)
                .map(|i| {
                    let before = share(covered);
                    covered += ((i + 1) * d).min(end) - (i * d).max(start);
                    share(covered) - before
                })
                .collect();
            (first, weights)
        })
        .collect()
}

/// The shorter side of the photo as stored (after the downscale to [`PHOTO_LONG_EDGE`]): a
/// 24×10516 sliver would be kept as 4×1600, which shows nothing, so it is refused like a
/// photo too small to begin with.
fn stored_short_side(width: u32, height: u32) -> u32 {
    let (long, short) = (width.max(height), width.min(height));
    if long <= PHOTO_LONG_EDGE {
        return short;
    }
    (u64::from(short) * u64::from(PHOTO_LONG_EDGE) / u64::from(long)) as u32
}

/// [`process`] on the blocking pool, at most one photo per CPU at a time so a burst of
/// uploads cannot hold many decoded camera images in memory at once.
pub async fn process_off_thread(upload: Vec<u8>) -> Result<ProcessedPhoto, AppError> {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let _permit = slots.acquire().await.map_err(|_| AppError::Internal)?;
    match tokio::task::spawn_blocking(move || process(&upload)).await {
        Ok(result) => Ok(result?),
        Err(e) => {
            tracing::error!(error = %e, "photo processing task failed");
            Err(AppError::Internal)
        }
    }
}

/// Processes and stores uploads in order, as the rows that name them (after-photos, a
/// finding's photos).
pub async fn store_all(
    store: &crate::storage::PhotoStore,
    uploads: Vec<Vec<u8>>,
) -> Result<Vec<super::db::NewPhoto>, AppError> {
    let mut out = Vec::with_capacity(uploads.len());
    for original in uploads {
        let processed = process_and_store(store, original).await?;
        out.push(super::db::NewPhoto {
            sha256: processed.sha256.clone(),
            width: processed.width,
            height: processed.height,
            bytes: processed.jpeg.len(),
        });
    }
    Ok(out)
}

/// Processes an upload off the async workers and writes the full photo and its thumbnail to
/// the content-addressed store: every photo (residents', staff's after-photos, plaques) goes
/// this one way.
pub async fn process_and_store(
    store: &crate::storage::PhotoStore,
    upload: Vec<u8>,
) -> Result<ProcessedPhoto, AppError> {
    use crate::storage::PhotoVariant;
    let processed = process_off_thread(upload).await?;
    for (variant, bytes) in [
        (PhotoVariant::Full, &processed.jpeg),
        (PhotoVariant::Thumb, &processed.thumb),
    ] {
        store
            .put(&processed.sha256, variant, bytes)
            .await
            .map_err(|e| {
                // A full disk or an unreachable bucket passes: the sender keeps the photo
                // and tries again (503), nothing is stored half.
                tracing::error!(error = %e, sha = %processed.sha256, "storing a photo failed");
                AppError::Unavailable
            })?;
    }
    Ok(processed)
}

fn decode_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

fn decode(upload: &[u8]) -> Result<DynamicImage, PhotoError> {
    let format = image::guess_format(upload).map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::NotAnImage);
    }
    let mut limits = decode_limits();

    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    reader.limits(limits.clone());
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let orientation = decoder.orientation().map_err(classify)?;
    // `ImageReader::decode` does this reservation itself; `into_decoder` leaves it to us.
    limits.reserve(decoder.total_bytes()).map_err(classify)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn classify(e: ImageError) -> PhotoError {
    match e {
        ImageError::Limits(_) => PhotoError::TooLarge,
        ImageError::Unsupported(_) => PhotoError::NotAnImage,
        other => PhotoError::Unreadable(other),
    }
}

/// JPEG has no transparency: lay transparent pixels on white rather than black.
fn flatten_on_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(px[3]);
        for c in 0..3 {
            let v = (u16::from(px[c]) * a + 255 * (255 - a) + 127) / 255;
            out[c] = v as u8;
        }
    }
    rgb
}

/// Baseline JPEG at [`JPEG_QUALITY`] (4:2:0), with no metadata but the JFIF header.
fn encode_jpeg(image: &RgbImage) -> Result<Vec<u8>, PhotoError> {
    // Stored photos are at most PHOTO_LONG_EDGE on a side.
    let side = |v: u32| u16::try_from(v).map_err(|_| PhotoError::TooLarge);
    let (w, h) = (side(image.width())?, side(image.height())?);
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY)
        .encode(image.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(PhotoError::Encode)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;
    use image::{ImageEncoder, Rgb, Rgba, RgbaImage};

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap();
        out
    }

    fn png(img: &RgbaImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(
                img.as_raw(),
                img.width(),
                img.height(),
                image::ExtendedColorType::Rgba8,
            )
            .unwrap();
        out
    }

    /// Rewrites the frame size in a baseline JPEG's SOF0 header (no checksum to fix).
    fn with_claimed_size(mut jpeg: Vec<u8>, w: u16, h: u16) -> Vec<u8> {
        let sof = jpeg
            .windows(2)
            .position(|m| m == [0xFF, 0xC0])
            .expect("baseline SOF0");
        jpeg[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
        jpeg
    }

    #[test]
    fn a_large_photo_is_downscaled_with_a_thumbnail() {
        let p = process(&jpeg(2000, 1000)).unwrap();
        assert_eq!((p.width, p.height), (1600, 800));
        let stored = image::load_from_memory(&p.jpeg).unwrap();
        assert_eq!((stored.width(), stored.height()), (1600, 800));
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 160));
        assert_eq!(p.sha256, PhotoSha::of(&p.jpeg));
    }

    /// `jpeg` with an EXIF segment (orientation, a GPS-looking string) after SOI.
    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
        exif.extend_from_slice(&orientation.to_be_bytes());
        exif.extend_from_slice(b"\0\0\0\0\0\0GPS 33.7453N 113.1929E");
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(&exif);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn a_phone_made_jpeg_is_kept_as_sent_without_its_metadata() {
        let sent = with_exif(&jpeg(1600, 1200), 1);
        let p = process(&sent).unwrap();
        assert_eq!((p.width, p.height), (1600, 1200));
        assert!(!p.jpeg.windows(4).any(|w| w == b"Exif"));
        assert!(!p.jpeg.windows(3).any(|w| w == b"GPS"));
        // Not re-encoded: the very same pixels, and the bytes are the sent ones minus the
        // metadata.
        assert!(
            image::load_from_memory(&p.jpeg).unwrap().to_rgb8()
                == image::load_from_memory(&sent).unwrap().to_rgb8()
        );
        assert_eq!(p.jpeg, crate::reports::jpeg::strip(&sent).unwrap().jpeg);
        assert_eq!(p.sha256, PhotoSha::of(&p.jpeg));
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
        // The slow way gives another file of the same size.
        let slow = reencode(&sent).unwrap();
        assert_eq!((slow.width, slow.height), (1600, 1200));
        assert_ne!(slow.jpeg, p.jpeg);
    }

    #[test]
    fn a_photo_that_must_be_turned_is_re_encoded_upright() {
        // EXIF 6: the camera was held upright; the pixels lie on their side.
        let p = process(&with_exif(&jpeg(300, 200), 6)).unwrap();
        assert_eq!((p.width, p.height), (200, 300));
        assert!(!p.jpeg.windows(4).any(|w| w == b"Exif"));
        let stored = image::load_from_memory(&p.jpeg).unwrap();
        assert_eq!((stored.width(), stored.height()), (200, 300));
    }

    #[test]
    fn a_grey_jpeg_passes_through_too() {
        let img = image::GrayImage::from_fn(120, 90, |x, y| image::Luma([((x + y) % 256) as u8]));
        let mut sent = Vec::new();
        JpegEncoder::new_with_quality(&mut sent, 80)
            .encode_image(&img)
            .unwrap();
        let p = process(&sent).unwrap();
        assert_eq!(p.jpeg, crate::reports::jpeg::strip(&sent).unwrap().jpeg);
        assert_eq!((p.width, p.height), (120, 90));
    }

    #[test]
    fn a_small_photo_keeps_its_size() {
        let p = process(&jpeg(200, 100)).unwrap();
        assert_eq!((p.width, p.height), (200, 100));
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (200, 100));
    }

    #[test]
    fn png_is_accepted_and_transparency_becomes_white() {
        let img = RgbaImage::from_pixel(40, 30, Rgba([0, 0, 0, 0]));
        let p = process(&png(&img)).unwrap();
        let stored = image::load_from_memory(&p.jpeg).unwrap().to_rgb8();
        assert!(stored.get_pixel(10, 10)[0] > 240, "transparent became dark");
    }

    #[test]
    fn content_decides_not_the_name() {
        assert!(matches!(
            process(b"GIF89a not really"),
            Err(PhotoError::NotAnImage)
        ));
        assert!(matches!(
            process(b"<html>hello</html>"),
            Err(PhotoError::NotAnImage)
        ));
        let mut truncated = jpeg(64, 64);
        truncated.truncate(40);
        assert!(process(&truncated).is_err());
    }

    #[test]
    fn claimed_huge_dimensions_are_refused_before_decoding() {
        let bomb = with_claimed_size(jpeg(32, 32), 20_000, 20_000);
        assert!(matches!(process(&bomb), Err(PhotoError::TooLarge)));
        // Within the side limit but too many pixels to hold in memory.
        let bomb = with_claimed_size(jpeg(32, 32), 11_000, 11_000);
        assert!(matches!(process(&bomb), Err(PhotoError::TooLarge)));
    }

    #[test]
    fn tiny_images_are_refused() {
        assert!(matches!(process(&jpeg(8, 100)), Err(PhotoError::TooSmall)));
        // Wide enough as sent, but a sliver once downscaled (found by fuzzing:
        // fuzz/regressions/photo/sliver-24x10516-exif6.jpg was stored as 1600×4).
        assert!(matches!(
            process(&jpeg(10_516, 24)),
            Err(PhotoError::TooSmall)
        ));
        assert!(matches!(
            process(&jpeg(24, 10_516)),
            Err(PhotoError::TooSmall)
        ));
        let sliver = include_bytes!("../../../fuzz/regressions/photo/sliver-24x10516-exif6.jpg");
        assert!(matches!(process(sliver), Err(PhotoError::TooSmall)));
        // The narrowest kept: 16 px on the short side after the downscale.
        let p = process(&jpeg(2_000, 20)).unwrap();
        assert_eq!((p.width, p.height), (1_600, 16));
        assert_eq!(stored_short_side(2_000, 19), 15);
    }

    #[test]
    fn the_thumbnail_filter_averages_the_area_each_pixel_covers() {
        for (s, d) in [(400, 320), (300, 240), (7, 3), (640, 320), (5, 5), (401, 1)] {
            for (_, weights) in area_weights(s, d) {
                assert_eq!(weights.iter().sum::<u32>(), 65_536, "{s} → {d}");
            }
        }
        // A flat colour stays exactly that colour.
        let flat = RgbImage::from_pixel(400, 300, Rgb([10, 200, 77]));
        let out = area_average(&flat, 320, 240).unwrap();
        assert_eq!(out.dimensions(), (320, 240));
        assert!(out.pixels().all(|p| *p == Rgb([10, 200, 77])));
        // Black left of x = 200, white right of it: 400 → 320 puts the edge between columns
        // 159 (source 198.75–200) and 160 (source 200–201.25), sharp.
        let half = RgbImage::from_fn(400, 300, |x, _| Rgb([if x < 200 { 0 } else { 255 }; 3]));
        let out = area_average(&half, 320, 240).unwrap();
        assert_eq!(out.get_pixel(159, 7), &Rgb([0; 3]));
        assert_eq!(out.get_pixel(160, 7), &Rgb([255; 3]));
        // 2:1 of a checkerboard: the mean of black and white in every pixel.
        let board = RgbImage::from_fn(64, 32, |x, y| {
            Rgb([if (x + y) % 2 == 0 { 0 } else { 255 }; 3])
        });
        let out = area_average(&board, 32, 16).unwrap();
        assert!(out.pixels().all(|p| *p == Rgb([128; 3])));
        assert!(area_average(&board, 0, 16).is_none());
    }

    #[test]
    fn the_decode_reduces_by_whole_blocks_to_cover_the_thumbnail() {
        // 5×3 by 2: two blocks across, one down; the fifth column and third row are left out.
        let src = RgbImage::from_fn(5, 3, |x, y| Rgb([(10 * x + y) as u8, 100, (x * 60) as u8]));
        let out = box_reduce(&src, 2).unwrap();
        assert_eq!(out.dimensions(), (2, 1));
        // Block (0..2, 0..2): reds 0, 10, 1, 11 → 5.5 → 6; blues 0, 60, 0, 60 → 30.
        assert_eq!(out.get_pixel(0, 0), &Rgb([6, 100, 30]));
        assert_eq!(out.get_pixel(1, 0), &Rgb([26, 100, 150]));
        assert!(box_reduce(&src, 4).is_none());
        assert_eq!(box_reduce(&src, 1).unwrap(), src);
        // A phone's 1600×1200 is decoded and reduced by 4 (400×300, the smallest that still
        // covers the 320 px thumbnail), then averaged down to it.
        let photo = jpeg(1600, 1200);
        let small = scaled_decode(&photo, 1600, 1200).unwrap().unwrap();
        assert_eq!(small.dimensions(), (400, 300));
        let p = process(&photo).unwrap();
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
        // Sizes the headers do not give are not taken.
        assert!(scaled_decode(&photo, 1600, 1201).unwrap().is_none());
    }

    #[test]
    fn a_photo_cut_short_is_not_passed_through() {
        // The upload stopped half-way through the scan: the headers are whole, the blocks
        // are not, and no end marker. The pass-through's decode refuses it; the re-encode
        // path makes what it can read a whole JPEG (as a browser shows such a file).
        let photo = jpeg(800, 600);
        let cut = &photo[..photo.len() / 2];
        assert!(matches!(
            scaled_decode(cut, 800, 600),
            Err(PhotoError::Unreadable(_))
        ));
        let stored = process(cut).unwrap();
        assert_ne!(stored.jpeg, cut);
        let back = image::load_from_memory(&stored.jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (800, 600));
    }

    #[test]
    fn what_is_stored_decodes_as_the_re_encode_path_reads_it() {
        // A Huffman table that one decoder took and the other refused (found by fuzzing).
        let odd = include_bytes!("../../../fuzz/regressions/photo/bad-huffman-table.jpg");
        if let Ok(p) = process(odd) {
            let stored = image::load_from_memory(&p.jpeg).unwrap();
            assert_eq!((stored.width(), stored.height()), (p.width, p.height));
        }
    }

    #[test]
    fn errors_map_to_400_except_our_own_failures() {
        assert_eq!(AppError::from(PhotoError::NotAnImage).status(), 400);
        assert_eq!(AppError::from(PhotoError::TooLarge).status(), 400);
        assert_eq!(
            AppError::from(PhotoError::Encode(
                jpeg_encoder::EncodingError::ZeroImageDimensions {
                    width: 0,
                    height: 0
                }
            ))
            .status(),
            500
        );
    }
}
