//! `GET /photos/{sha}.jpg` and `GET /photos/{sha}/thumb.jpg`: report photos by content
//! address. A file is served only when a report refers to it; its content never changes, so
//! browsers and the service worker may keep it forever.

use app::state::AppState;
use app::storage::{PhotoSha, PhotoVariant};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub async fn full(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    match file.strip_suffix(".jpg").and_then(PhotoSha::parse) {
        Some(sha) => serve(&state, sha, PhotoVariant::Full, &headers).await,
        None => not_found(),
    }
}

pub async fn thumb(
    State(state): State<AppState>,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> Response {
    match PhotoSha::parse(&sha) {
        Some(sha) => serve(&state, sha, PhotoVariant::Thumb, &headers).await,
        None => not_found(),
    }
}

async fn serve(
    state: &AppState,
    sha: PhotoSha,
    variant: PhotoVariant,
    headers: &HeaderMap,
) -> Response {
    match app::photo_sweep::is_referenced(&state.db, &sha).await {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "photo lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    let etag = match variant {
        PhotoVariant::Full => format!("\"{sha}\""),
        PhotoVariant::Thumb => format!("\"{sha}-thumb\""),
    };
    let etag = match HeaderValue::from_str(&etag) {
        Ok(v) => v,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let cache = [
        (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
        (header::ETAG, etag.clone()),
    ];
    let revalidating = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == etag.to_str().unwrap_or_default() || t.trim() == "*");
    if revalidating {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    match state.settings.photo_store().read(&sha, variant).await {
        Ok(Some(bytes)) => (
            cache,
            [(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"))],
            bytes,
        )
            .into_response(),
        Ok(None) => {
            tracing::error!(%sha, ?variant, "a referenced photo file is missing");
            not_found()
        }
        Err(e) => {
            tracing::error!(error = %e, %sha, "reading a photo failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, app::error::strings::NOT_FOUND).into_response()
}
