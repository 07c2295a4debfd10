//! The report submission: `app::reports::service::submit` reading a multipart body (the
//! `report` JSON part and up to three photos, under size limits), then the draft's checks,
//! the idempotency look-up and the rest of the path against a migrated SQLite database
//! with the demo areas, as `POST /api/reports/submit` does after its guard.
//!
//! Input: the first byte chooses how the body is cut into stream chunks (0: one chunk,
//! n: chunks of n bytes), the rest is the body for `boundary=FUZZBOUNDARY`.
#![no_main]

use app::state::AppState;
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

const CONTENT_TYPE: &str = "multipart/form-data; boundary=FUZZBOUNDARY";

struct Harness {
    rt: tokio::runtime::Runtime,
    state: AppState,
}

/// The server's own state, built as at start-up: a fresh SQLite file, migrated, with the demo
/// areas and categories (so a good draft gets all the way to the insert).
static HARNESS: LazyLock<Harness> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    // scripts/fuzz.sh passes a directory it removes afterwards.
    let dir = std::env::var_os("JIEXIANG_FUZZ_TMP")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("multipart-{}", std::process::id()));
    let database_url = format!("sqlite://{}?mode=rwc", dir.join("fuzz.db").display());
    let data_dir = dir.display().to_string();
    let config = server::config::Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(database_url.clone()),
        "DATA_DIR" => Some(data_dir.clone()),
        "SEED_DEMO" => Some("true".into()),
        "SEED_DEMO_HONOURS" => Some("false".into()),
        _ => std::env::var(k).ok(),
    })
    .expect("config");
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("jiexiang")
        .build();
    let state = rt
        .block_on(server::startup::build_state(&config, options))
        .expect("build state");
    Harness { rt, state }
});

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let h = &*HARNESS;
    assert!(app::reports::service::has_multipart_boundary(CONTENT_TYPE));
    let boundary = multer::parse_boundary(CONTENT_TYPE).expect("boundary");
    let chunk = if mode == 0 {
        body.len().max(1)
    } else {
        usize::from(mode)
    };
    let chunks: Vec<Result<Bytes, std::io::Error>> = body
        .chunks(chunk)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let multipart = multer::Multipart::new(futures_util::stream::iter(chunks), boundary);
    let _ =
        h.rt.block_on(app::reports::service::submit(&h.state, multipart));
});
