//! Lossless metadata removal (`reports::jpeg::strip`): never panics, and what it keeps holds
//! no metadata segment, nothing after its end, and strips to itself again.
#![no_main]

use app::reports::jpeg::strip;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(s) = strip(data) else { return };
    assert!(s.jpeg.starts_with(&[0xFF, 0xD8]) && s.jpeg.ends_with(&[0xFF, 0xD9]));
    assert!(s.jpeg.len() <= data.len() + 2);
    // Walk the kept segments up to the first scan: tables and the frame only.
    let mut pos = 2;
    loop {
        let marker = s.jpeg[pos + 1];
        assert!(
            matches!(marker, 0xC0 | 0xC4 | 0xDB | 0xDD | 0xDA),
            "kept marker {marker:#04x}"
        );
        if marker == 0xDA {
            break;
        }
        let len = usize::from(u16::from_be_bytes([s.jpeg[pos + 2], s.jpeg[pos + 3]]));
        pos += 2 + len;
    }
    // Stripping again changes nothing (the orientation it read is gone with the EXIF).
    let again = strip(&s.jpeg).expect("what strip keeps strips again");
    assert_eq!((&again.jpeg, again.width, again.height), (&s.jpeg, s.width, s.height));
    assert_eq!(again.orientation, image::metadata::Orientation::NoTransforms);
});
