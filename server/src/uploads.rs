//! The guard in front of the multipart uploads — `POST /api/reports/submit`, the resident's
//! answer `/api/reports/feedback` and staff's `/api/staff/rectify` — before the server
//! function runs:
//! the per-client rate limit (429), a multipart Content-Type with a boundary (400; server_fn's
//! multipart decoder would panic without one) and the body size limit (413). Refusals carry
//! the JSON of [`AppError`], like any server function error, so the Leptos client and the
//! offline queue decode them the same way.

use crate::config::Config;
use app::error::AppError;
use app::honours::{ACT_PATH as HONOUR_ACT_PATH, IMPORT_PATH as HONOUR_IMPORT_PATH};
use app::ratelimit::{ClientKey, Limiter, retry_after_secs};
use app::reports::api::FEEDBACK_PATH;
use app::reports::strings::validation as msg;
use app::reports::{MAX_PHOTOS, SUBMIT_PATH};
use app::staff::api::RECTIFY_PATH;
use app::supervision::{RECTIFY_PATH as FINDING_RECTIFY_PATH, START_ROUND_PATH};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Room for the `report` part and the multipart framing on top of the photos.
const BODY_OVERHEAD_BYTES: u64 = 1024 * 1024;
/// An oversized upload up to this size is read to its end before the 413, so the client
/// reliably gets the answer; anything bigger has the connection closed on it.
const DRAIN_CAP_BYTES: u64 = 64 * 1024 * 1024;

/// Uploads handled at once, per CPU. Each holds its body and the photos being processed
/// (about 1 MB for a phone's three photos, up to the body limit for a hostile one); the
/// rest wait their turn with their bodies unread (in the kernel's and the client's
/// buffers), so a crowd of uploads costs time, not memory. Photo processing itself runs at
/// most one per CPU (`reports::photo::process_off_thread`).
const UPLOADS_IN_FLIGHT_PER_CPU: usize = 3;

#[derive(Clone)]
pub struct UploadGuard {
    limiter: Arc<Limiter>,
    in_flight: Arc<tokio::sync::Semaphore>,
    max_body_bytes: u64,
    trust_proxy: bool,
}

impl UploadGuard {
    pub fn from_config(config: &Config, db: &app::db::Db) -> Self {
        Self {
            limiter: Arc::new(Limiter::new(db, "submit", config.report_rate_limit)),
            in_flight: Arc::new(tokio::sync::Semaphore::new(
                UPLOADS_IN_FLIGHT_PER_CPU
                    * std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            max_body_bytes: MAX_PHOTOS as u64 * config.photo_max_bytes as u64 + BODY_OVERHEAD_BYTES,
            trust_proxy: config.trust_proxy,
        }
    }

    fn drain_cap(&self) -> u64 {
        DRAIN_CAP_BYTES.max(2 * self.max_body_bytes)
    }
}

/// Middleware for the whole router; it acts only on the multipart upload endpoints.
pub async fn guard(State(guard): State<UploadGuard>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let anonymous = path == SUBMIT_PATH || path == FEEDBACK_PATH;
    let staff = path == RECTIFY_PATH
        || path == HONOUR_ACT_PATH
        || path == HONOUR_IMPORT_PATH
        || path == FINDING_RECTIFY_PATH
        || path == START_ROUND_PATH;
    if req.method() != Method::POST || !(anonymous || staff) {
        return next.run(req).await;
    }

    // Anonymous uploads (reports, residents' answers) are rate-limited per client; staff's
    // 整改 photos are behind a session instead.
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| *a);
    let client = ClientKey::of(req.headers(), peer, guard.trust_proxy);
    if anonymous && let Err(wait) = guard.limiter.check(client).await {
        tracing::info!(?client, "report submissions rate-limited");
        return AppError::TooManyRequests {
            retry_after_secs: retry_after_secs(wait),
        }
        .into_response();
    }

    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !app::reports::service::has_multipart_boundary(content_type) {
        return AppError::bad_request(msg::NOT_MULTIPART).into_response();
    }

    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > guard.max_body_bytes) {
        if declared.is_some_and(|n| n <= guard.drain_cap()) {
            drain(req.into_body(), guard.drain_cap()).await;
        }
        return AppError::PayloadTooLarge(msg::UPLOAD_TOO_LARGE.into()).into_response();
    }

    // Wait for a turn before the body is read (the semaphore is never closed).
    let Ok(_turn) = guard.in_flight.clone().acquire_owned().await else {
        return AppError::Internal.into_response();
    };

    // Without a (truthful) Content-Length, count while the server function reads.
    let exceeded = Arc::new(AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let body = limited(
        body,
        guard.max_body_bytes,
        guard.drain_cap(),
        exceeded.clone(),
    );
    let res = next.run(Request::from_parts(parts, body)).await;
    if exceeded.load(Ordering::Relaxed) {
        return AppError::PayloadTooLarge(msg::UPLOAD_TOO_LARGE.into()).into_response();
    }
    res
}

#[derive(Debug, thiserror::Error)]
#[error("request body over the limit")]
struct BodyTooLarge;

/// A body that fails once more than `max` bytes have passed, and says so in `exceeded`.
/// Before failing it reads and drops the rest of the upload (up to `drain_cap` bytes in
/// all): a client still sending when we answer would see a connection reset instead of our
/// 413, and the offline queue would retry a hopeless upload forever.
fn limited(body: Body, max: u64, drain_cap: u64, exceeded: Arc<AtomicBool>) -> Body {
    let stream = futures_util::stream::unfold(
        (body.into_data_stream(), 0u64, false),
        move |(mut inner, seen, done)| {
            let exceeded = exceeded.clone();
            async move {
                if done {
                    return None;
                }
                match inner.next().await? {
                    Err(e) => Some((Err(e), (inner, seen, true))),
                    Ok(chunk) => {
                        let seen = seen.saturating_add(chunk.len() as u64);
                        if seen <= max {
                            return Some((Ok(chunk), (inner, seen, false)));
                        }
                        exceeded.store(true, Ordering::Relaxed);
                        let mut total = seen;
                        while total <= drain_cap {
                            match inner.next().await {
                                Some(Ok(c)) => total = total.saturating_add(c.len() as u64),
                                _ => break,
                            }
                        }
                        Some((Err(axum::Error::new(BodyTooLarge)), (inner, total, true)))
                    }
                }
            }
        },
    );
    Body::from_stream(stream)
}

/// Reads and drops a body, at most `cap` bytes of it.
async fn drain(body: Body, cap: u64) {
    let mut stream = body.into_data_stream();
    let mut total: u64 = 0;
    while total <= cap {
        match stream.next().await {
            Some(Ok(c)) => total = total.saturating_add(c.len() as u64),
            _ => break,
        }
    }
}
