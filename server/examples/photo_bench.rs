//! Benchmark (not a test): the server's work on one submitted photo, the pass-through of a
//! phone-made JPEG (metadata stripped losslessly, one decode as the validity check, a
//! thumbnail) against the re-encode every photo used to get (decode, resize, two encodes),
//! on the same input in the same run.
//!
//! ```sh
//! cargo run --release -p server --example photo_bench            # 40 runs each
//! BENCH_RUNS=100 cargo run --release -p server --example photo_bench
//! BENCH_WRITE_PHOTOS=/tmp/p cargo run --release -p server --example photo_bench  # p1..p3.jpg
//! ```
//!
//! With `BENCH_WRITE_PHOTOS` it only writes three such photos (different grain) for the
//! submission load of `make bench`.
//!
//! The input is what the resident's phone sends: a 1600×1200 baseline JPEG (the phone
//! downscales to PHOTO_LONG_EDGE and encodes at quality 0.8), photo-like (gradients and
//! grain), with an EXIF segment as a camera app would leave it.

use app::reports::photo::{process, reencode};
use image::codecs::jpeg::JpegEncoder;
use std::time::{Duration, Instant};

fn phone_photo(seed: u32) -> anyhow::Result<Vec<u8>> {
    let mut seed = 0x2545_f491_u32 ^ seed;
    let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let grain = (seed % 5) as i32 - 2;
        let wall = ((x / 40 + y / 25) % 2) as i32 * 30;
        let px = |base: i32| (base + grain + wall).clamp(0, 255) as u8;
        image::Rgb([
            px(90 + (x * 100 / 1600) as i32),
            px(80 + (y * 90 / 1200) as i32),
            px(70 + ((x + y) * 60 / 2800) as i32),
        ])
    });
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 80).encode_image(&img)?;
    // An EXIF segment with GPS-looking text after SOI, as a camera app leaves it.
    let exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0GPS 33.7453N 113.1929E";
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&(exif.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(exif);
    out.extend_from_slice(&jpeg[2..]);
    Ok(out)
}

fn time(runs: usize, f: impl Fn()) -> (Duration, Duration, Duration) {
    f(); // warm-up
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    t.sort();
    (t[0], t[runs / 2], t[runs - 1])
}

fn main() -> anyhow::Result<()> {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    if let Ok(dir) = std::env::var("BENCH_WRITE_PHOTOS") {
        for i in 1..=3 {
            std::fs::write(format!("{dir}/p{i}.jpg"), phone_photo(i)?)?;
        }
        return Ok(());
    }
    let input = phone_photo(0)?;
    let fast = process(&input)?;
    let slow = reencode(&input)?;
    println!(
        "input {} bytes, 1600x1200; stored {} bytes by pass-through, {} bytes by re-encode; \
         thumbnail {} / {} bytes",
        input.len(),
        fast.jpeg.len(),
        slow.jpeg.len(),
        fast.thumb.len(),
        slow.thumb.len()
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("| way | min ms | median ms | max ms | photos/s on one core (median) |");
    println!("|---|---|---|---|---|");
    for (name, f) in [
        (
            "re-encode (baseline: decode, resize, two encodes)",
            Box::new(|| drop(reencode(&input))) as Box<dyn Fn()>,
        ),
        (
            "pass-through (strip, decode, thumbnail)",
            Box::new(|| drop(process(&input))),
        ),
    ] {
        let (min, med, max) = time(runs, f);
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | {:.0} |",
            ms(min),
            ms(med),
            ms(max),
            1000.0 / ms(med)
        );
    }
    Ok(())
}
