//! Lossless removal of every metadata segment from a baseline JPEG: what a phone's canvas
//! (and most cameras) make. The stored file keeps only what draws the picture — the
//! quantisation and Huffman tables, the frame header, the restart interval, the scans and
//! their entropy-coded data — so EXIF (GPS included), XMP, ICC profiles, comments, embedded
//! thumbnails and anything after the end of the image are gone, and no pixel changes.
//!
//! Anything this does not recognise to the byte (progressive or arithmetic coding, an Adobe
//! colour-transform segment, four components, a stray marker, a length running off the end)
//! gives `None`, and the photo goes the slow way: decoded and re-encoded.

use image::metadata::Orientation;

/// A baseline JPEG without its metadata, as its frame header describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// What an EXIF segment said (`NoTransforms` when there was none).
    pub orientation: Orientation,
}

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOF0: u8 = 0xC0;
const DHT: u8 = 0xC4;
const DQT: u8 = 0xDB;
const DRI: u8 = 0xDD;
const SOS: u8 = 0xDA;
const APP1: u8 = 0xE1;
/// Adobe's segment says how to read the colour channels: without it they would read
/// differently, so such a file is re-encoded instead.
const APP14: u8 = 0xEE;
const COM: u8 = 0xFE;

/// The file without its metadata, or `None` when it is not a baseline JPEG read to the byte.
pub fn strip(input: &[u8]) -> Option<Stripped> {
    if input.get(..2)? != [0xFF, SOI] {
        return None;
    }
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut pos = 2;
    let mut frame: Option<(u32, u32)> = None;
    let mut scans = 0;
    let mut orientation = Orientation::NoTransforms;
    loop {
        // A marker: 0xFF (any number of fill bytes) then its code.
        if *input.get(pos)? != 0xFF {
            return None;
        }
        while *input.get(pos)? == 0xFF {
            pos += 1;
        }
        let marker = input[pos];
        pos += 1;
        if marker == EOI {
            // Everything after the end of the image (a second picture, a vendor's trailer)
            // is dropped with the rest.
            out.extend_from_slice(&[0xFF, EOI]);
            let (width, height) = frame?;
            return (scans > 0).then_some(Stripped {
                jpeg: out,
                width,
                height,
                orientation,
            });
        }
        let len = usize::from(u16::from_be_bytes([*input.get(pos)?, *input.get(pos + 1)?]));
        if len < 2 {
            return None;
        }
        let segment = input.get(pos..pos + len)?;
        let body = &segment[2..];
        match marker {
            DQT | DHT | DRI => keep(&mut out, marker, segment),
            SOF0 => {
                if frame.is_some() || body.len() < 6 {
                    return None;
                }
                let height = u32::from(u16::from_be_bytes([body[1], body[2]]));
                let width = u32::from(u16::from_be_bytes([body[3], body[4]]));
                let components = body[5];
                if body[0] != 8
                    || width == 0
                    || height == 0
                    || !matches!(components, 1 | 3)
                    || body.len() != 6 + 3 * usize::from(components)
                {
                    return None;
                }
                frame = Some((width, height));
                keep(&mut out, marker, segment);
            }
            SOS => {
                frame?;
                keep(&mut out, marker, segment);
                pos += len;
                let data_end = entropy_end(input, pos)?;
                out.extend_from_slice(&input[pos..data_end]);
                pos = data_end;
                scans += 1;
                continue;
            }
            APP14 => return None,
            APP1 => {
                if let Some(o) = body
                    .strip_prefix(b"Exif\0\0")
                    .and_then(Orientation::from_exif_chunk)
                {
                    orientation = o;
                }
            }
            0xE0..=0xEF | COM => {}
            // Progressive, lossless or arithmetic frames, DNL, DAC, JPG extensions, a second
            // SOI, a restart marker outside a scan: not ours to pass through.
            _ => return None,
        }
        pos += len;
    }
}

fn keep(out: &mut Vec<u8>, marker: u8, segment: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(segment);
}

/// Where the entropy-coded data that starts at `pos` ends: at the first marker that is
/// neither a stuffed 0xFF00 nor a restart marker.
fn entropy_end(input: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let at = pos + input.get(pos..)?.iter().position(|&b| b == 0xFF)?;
        match *input.get(at + 1)? {
            0x00 | 0xD0..=0xD7 => pos = at + 2,
            // Fill bytes before a marker belong to the marker.
            _ => return Some(at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;
    use image::{Rgb, RgbImage};

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| {
            Rgb([
                (x * 7 % 256) as u8,
                (y * 3 % 256) as u8,
                ((x ^ y) % 256) as u8,
            ])
        });
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&img)
            .unwrap();
        out
    }

    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
        s.extend_from_slice(body);
        s
    }

    /// A TIFF-style EXIF chunk with the orientation tag (and a made-up GPS-looking string).
    fn exif(orientation: u16) -> Vec<u8> {
        let mut e = b"Exif\0\0".to_vec();
        e.extend_from_slice(&[0x4D, 0x4D, 0, 42, 0, 0, 0, 8]);
        e.extend_from_slice(&1u16.to_be_bytes());
        e.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        e.extend_from_slice(&orientation.to_be_bytes());
        e.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        e.extend_from_slice(b"GPS 33.7453N 113.1929E");
        e
    }

    /// `jpeg` with segments put in after SOI and bytes after EOI.
    fn with_metadata(jpeg: &[u8], extra: &[Vec<u8>], trailer: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        for s in extra {
            out.extend_from_slice(s);
        }
        out.extend_from_slice(&jpeg[2..]);
        out.extend_from_slice(trailer);
        out
    }

    fn pixels(jpeg: &[u8]) -> RgbImage {
        image::load_from_memory(jpeg).unwrap().to_rgb8()
    }

    #[test]
    fn every_metadata_segment_goes_and_no_pixel_changes() {
        let clean = jpeg(97, 61);
        let dirty = with_metadata(
            &clean,
            &[
                segment(APP1, &exif(1)),
                segment(0xE2, b"ICC_PROFILE\0 private"),
                segment(COM, b"taken at Wang Jianhua's door"),
                segment(0xED, b"Photoshop 3.0\0 IPTC"),
            ],
            b"trailing secret",
        );
        let s = strip(&dirty).unwrap();
        assert_eq!((s.width, s.height), (97, 61));
        assert_eq!(s.orientation, Orientation::NoTransforms);
        for needle in [&b"Exif"[..], b"GPS", b"ICC", b"Wang", b"IPTC", b"secret"] {
            assert!(!s.jpeg.windows(needle.len()).any(|w| w == needle));
        }
        assert!(pixels(&s.jpeg) == pixels(&dirty));
        // The encoder's own JFIF segment goes too: only SOI, tables, frame and scan remain.
        assert!(s.jpeg.len() < clean.len());
        assert_eq!(
            strip(&s.jpeg).unwrap(),
            s,
            "stripping twice changes nothing"
        );
    }

    #[test]
    fn the_exif_orientation_is_reported() {
        let s = strip(&with_metadata(
            &jpeg(20, 30),
            &[segment(APP1, &exif(6))],
            b"",
        ))
        .unwrap();
        assert_eq!(s.orientation, Orientation::Rotate90);
    }

    #[test]
    fn a_scan_ends_at_its_first_real_marker() {
        // Stuffed 0xFF00 and restart markers are part of the data; fill bytes before a
        // marker are not.
        let data = [
            0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD7, 0x78, 0xFF, 0xFF, 0xD9,
        ];
        assert_eq!(entropy_end(&data, 0), Some(10));
        assert_eq!(entropy_end(&[0x12, 0x34], 0), None, "no end");
        assert_eq!(entropy_end(&[0x12, 0xFF], 0), None, "0xFF at the very end");
    }

    #[test]
    fn tables_restart_interval_and_fill_bytes_between_segments_are_kept_or_skipped() {
        let clean = jpeg(64, 48);
        let sos = clean.windows(2).position(|w| w == [0xFF, SOS]).unwrap();
        let mut with_dri = clean[..sos].to_vec();
        with_dri.extend_from_slice(&segment(DRI, &[0, 0]));
        with_dri.extend_from_slice(&[0xFF, 0xFF]); // fill bytes before SOS
        with_dri.extend_from_slice(&clean[sos..]);
        let s = strip(&with_dri).unwrap();
        assert!(s.jpeg.windows(6).any(|w| w == [0xFF, DRI, 0, 4, 0, 0]));
        assert!(pixels(&s.jpeg) == pixels(&clean));
    }

    #[test]
    fn what_it_does_not_know_goes_the_slow_way() {
        let clean = jpeg(40, 40);
        assert!(strip(b"").is_none());
        assert!(strip(b"\xFF\xD8").is_none());
        assert!(strip(&clean[..clean.len() - 2]).is_none(), "no EOI");
        assert!(strip(&clean[..clean.len() / 2]).is_none(), "truncated");
        let adobe = with_metadata(&clean, &[segment(APP14, b"Adobe\0\x64\0\0\0\0\0")], b"");
        assert!(strip(&adobe).is_none());
        let mut progressive = clean.clone();
        let sof = progressive
            .windows(2)
            .position(|w| w == [0xFF, SOF0])
            .unwrap();
        progressive[sof + 1] = 0xC2;
        assert!(strip(&progressive).is_none());
        // A length running past the end of the file.
        let mut long = clean[..2].to_vec();
        long.extend_from_slice(&[0xFF, COM, 0xFF, 0xF0, 1, 2, 3]);
        assert!(strip(&long).is_none());
        // A length below its own two bytes.
        let mut short = clean[..2].to_vec();
        short.extend_from_slice(&[0xFF, COM, 0, 1]);
        short.extend_from_slice(&clean[2..]);
        assert!(strip(&short).is_none());
        let png_magic = b"\x89PNG\r\n\x1a\n";
        assert!(strip(png_magic).is_none());
    }
}
