//! 单元网格 at a district's size: 10,000 grids of 200 positions (a 100 × 100 lattice of cells
//! with wavy edges, each cell's neighbours sharing its edges as a real 网格 layer does).
//!
//! - point in polygon: the R-tree of boxes then the exact test, beside a plain scan of every
//!   grid (the baseline), per point;
//! - the import: the GeoJSON file read and checked, the plan against an empty database, and
//!   the plan written (SQLite in a temporary folder), each timed.
//!
//! `cargo run --release -p server --example grid_bench`

use app::areas::grids::{Mapping, plan};
use app::geo::geojson::{LIMITS, parse};
use app::geo::index::ShapeIndex;
use std::fmt::Write as _;
use std::time::Instant;

const SIDE: usize = 100;
/// Positions per cell edge (4 edges → 200 positions a grid, the first repeated last).
const PER_EDGE: usize = 50;
const CELL: f64 = 0.004;
const ORIGIN: [f64; 2] = [114.45, 33.45];

/// A lattice point, moved a little by a fixed function of its place so that the edges wave
/// the same way for both cells that share them.
fn wobble(i: usize, j: usize) -> [f64; 2] {
    let x = ORIGIN[0] + i as f64 * CELL / PER_EDGE as f64;
    let y = ORIGIN[1] + j as f64 * CELL / PER_EDGE as f64;
    let on_vertical = i.is_multiple_of(PER_EDGE);
    let on_horizontal = j.is_multiple_of(PER_EDGE);
    let d = CELL / PER_EDGE as f64 * 0.3;
    let s = ((i * 7 + j * 13) % 11) as f64 / 10.0 - 0.5;
    match (on_vertical, on_horizontal) {
        (true, true) => [x, y],
        (true, false) => [x + d * s, y],
        (false, true) => [x, y + d * s],
        (false, false) => [x, y],
    }
}

fn cell_ring(ci: usize, cj: usize) -> Vec<[f64; 2]> {
    let (i0, j0) = (ci * PER_EDGE, cj * PER_EDGE);
    let mut ring = Vec::with_capacity(4 * PER_EDGE + 1);
    for k in 0..PER_EDGE {
        ring.push(wobble(i0 + k, j0));
    }
    for k in 0..PER_EDGE {
        ring.push(wobble(i0 + PER_EDGE, j0 + k));
    }
    for k in 0..PER_EDGE {
        ring.push(wobble(i0 + PER_EDGE - k, j0 + PER_EDGE));
    }
    for k in 0..PER_EDGE {
        ring.push(wobble(i0, j0 + PER_EDGE - k));
    }
    ring.push(ring[0]);
    ring
}

fn district() -> String {
    let mut out = String::from(r#"{"type":"FeatureCollection","features":["#);
    for ci in 0..SIDE {
        for cj in 0..SIDE {
            if ci + cj > 0 {
                out.push(',');
            }
            let coords: Vec<String> = cell_ring(ci, cj)
                .iter()
                .map(|[x, y]| format!("[{x:.7},{y:.7}]"))
                .collect();
            let _ = write!(
                out,
                r#"{{"type":"Feature","properties":{{"WGBM":"411602{:09}","WGMC":"网格{ci}-{cj}","JDMC":"{}"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
                ci * SIDE + cj,
                ["太昊路办事处", "淮河路办事处", "开元路产业集聚区"][ci / 34],
                coords.join(",")
            );
        }
    }
    out.push_str("]}");
    out
}

/// A pseudo-random point over the lattice and a margin around it.
fn points(n: usize) -> Vec<[f64; 2]> {
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let span = SIDE as f64 * CELL * 1.05;
    (0..n)
        .map(|_| {
            let mut next = || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 11) as f64 / (1u64 << 53) as f64
            };
            [
                ORIGIN[0] - 0.01 + next() * span,
                ORIGIN[1] - 0.01 + next() * span,
            ]
        })
        .collect()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let text = district();
    let started = Instant::now();
    let features = parse(text.as_bytes(), &LIMITS).map_err(|e| anyhow::anyhow!("{e}"))?;
    let read = started.elapsed();
    let vertices: usize = features.iter().map(|f| f.shape.vertices()).sum();

    let index = ShapeIndex::new(features.iter().map(|f| (f.index, f.shape.clone())));
    let probe = points(200_000);
    let started = Instant::now();
    let mut found = 0usize;
    for [x, y] in &probe {
        found += usize::from(index.locate(*x, *y).is_some());
    }
    let per_point = started.elapsed().as_secs_f64() / probe.len() as f64;
    let scan_probe = &probe[..2_000];
    let started = Instant::now();
    let mut agree = 0usize;
    for [x, y] in scan_probe {
        agree += usize::from(index.locate_by_scan(*x, *y) == index.locate(*x, *y));
    }
    let per_scan = started.elapsed().as_secs_f64() / scan_probe.len() as f64;
    anyhow::ensure!(agree == scan_probe.len(), "the index and the scan disagree");

    // The import into SQLite: the demo offices, an empty grids table.
    let dir = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let db = server::database::connect(&url, None).await?;
    server::database::migrate(&db).await?;
    app::areas::seed::seed_demo(&db).await?;
    let offices = app::areas::db::offices(&db).await?;
    let communities = app::areas::db::communities(&db).await?;
    let mapping = Mapping {
        code: "WGBM".into(),
        name: Some("WGMC".into()),
        office: Some("JDMC".into()),
        ..Mapping::default()
    };
    let started = Instant::now();
    let p = plan(&features, &mapping, &offices, &communities, &[])
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let planned = started.elapsed();
    let started = Instant::now();
    app::areas::db::grids::apply(&db, &p.writes(), app::domain::Millis::now()).await?;
    let written = started.elapsed();

    println!(
        "{} grids, {vertices} positions ({:.1} MB of GeoJSON):",
        features.len(),
        text.len() as f64 / 1e6
    );
    println!(
        "- point in polygon, R-tree then the exact test: {:.2} µs a point ({} points, {found} in a grid);",
        per_point * 1e6,
        probe.len()
    );
    println!(
        "  baseline, every grid tested: {:.1} µs a point ({} points, the same answers);",
        per_scan * 1e6,
        scan_probe.len()
    );
    println!(
        "- import: read and checked {:.2} s, planned {:.2} s, written (SQLite) {:.2} s; total {:.2} s.",
        read.as_secs_f64(),
        planned.as_secs_f64(),
        written.as_secs_f64(),
        (read + planned + written).as_secs_f64()
    );
    Ok(())
}
