//! 示范户 import, CSV: the file as uploaded, read into a grid and then into rows.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(grid) = app::honours::import::read_grid("x.csv", data) {
        let _ = app::honours::import::rows_from_grid(&grid);
    }
});
