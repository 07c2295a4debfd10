//! 示范户 import, XLSX: the file as uploaded (a zip), read into a grid and then into rows.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(grid) = app::honours::import::read_grid("x.xlsx", data) {
        let _ = app::honours::import::rows_from_grid(&grid);
    }
});
