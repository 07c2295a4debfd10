//! The photo pipeline: sniff the format, decode under limits, orient, downscale, flatten,
//! re-encode as JPEG and make the thumbnail.
#![no_main]

use app::reports::PHOTO_LONG_EDGE;
use app::reports::photo::{MIN_DIMENSION, PhotoError, process};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match process(data) {
        Ok(p) => {
            // MIN_DIMENSION holds for the stored photo, after the downscale (a 24×10516
            // sliver, regressions/photo/, used to be stored as 1600×4).
            assert!(p.width.min(p.height) >= MIN_DIMENSION, "{}×{}", p.width, p.height);
            assert!(p.width.max(p.height) <= PHOTO_LONG_EDGE);
            assert!(!p.jpeg.is_empty() && !p.thumb.is_empty());
            // What is stored is a picture of the size recorded (the pass-through keeps the
            // sent bytes: they must decode as they did when checked).
            let stored = image::load_from_memory(&p.jpeg).expect("the stored photo decodes");
            assert_eq!((stored.width(), stored.height()), (p.width, p.height));
        }
        // Our own encoding failing is a 500: no upload may cause it.
        Err(PhotoError::Encode(e)) => panic!("re-encoding failed: {e}"),
        Err(_) => {}
    }
});
