//! One body policy for every route, in front of every handler.
//!
//! Each route has a most it may receive ([`Rule`]): the uploads (a resident's report, answer
//! photos, staff's after-photos, the 示范户 import) as the photo limit says, Open311's POST
//! (a photo and its fields, or the fields alone), everything else — the server functions'
//! forms, the pages — [`FORM_MAX_BYTES`]. A declared `Content-Length` over it is refused
//! before a byte is read; a body without one is counted as it streams and fails the moment
//! it passes the most. Either way the answer is 413 in the route's own voice: the page's
//! `?err=` redirect for a browser's form post, [`AppError`]'s JSON for the app and scripts,
//! Open311's error list in XML or JSON.
//!
//! Memory: every multipart route waits for a turn in the upload queue with its body unread
//! (in the kernel's and the client's buffers), and every body reserves what it may come to
//! in a budget of bytes shared by all requests ([`BodyPolicy`]); when the budget stays spent
//! for `BODY_BUDGET_WAIT` (`Config::body_budget_wait`), the request gets 503 with
//! `Retry-After`, which the phone's queue honours. So a crowd of uploads, or a flood of hostile ones, costs time, not memory.
//!
//! A request answered before its body was read to the end (refused, or a handler that had
//! enough) has the rest of the body read and dropped in the background after the answer has
//! gone out, at most [`LINGER_MAX_BYTES`] within [`LINGER`], as a web server's lingering
//! close does: a client still sending when the connection closed would otherwise see a reset
//! instead of the answer. Nothing of it is kept.

use crate::config::Config;
use app::admin::grids::IMPORT_PATH as GRID_IMPORT_PATH;
use app::error::{AppError, strings as err_text};
use app::flash::MessageKey;
use app::honours::{ACT_PATH as HONOUR_ACT_PATH, IMPORT_PATH as HONOUR_IMPORT_PATH};
use app::ratelimit::{ClientKey, Limiter, retry_after_secs};
use app::reports::api::FEEDBACK_PATH;
use app::reports::strings::validation as msg;
use app::reports::{MAX_PHOTOS, SUBMIT_PATH};
use app::staff::api::RECTIFY_PATH;
use app::supervision::{RECTIFY_PATH as FINDING_RECTIFY_PATH, START_ROUND_PATH};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Room for the `report` part and the multipart framing on top of an upload's photos.
const UPLOAD_OVERHEAD_BYTES: u64 = 1024 * 1024;
/// Any other body: a server function's form, a page's. The longest real one, an admin's
/// form or the phone's list of its 查询码, is a few KB.
pub const FORM_MAX_BYTES: u64 = 64 * 1024;
/// A new 督导 round's form (multipart: a checkbox for each street it may cover).
const ROUND_FORM_MAX_BYTES: u64 = 256 * 1024;
/// Uploads handled at once, per CPU. Each holds its body and the photos being processed
/// (about 1 MB for a phone's three photos, up to its most for a hostile one); the rest wait
/// their turn with their bodies unread. Photo processing itself runs at most one per CPU
/// (`reports::photo::process_off_thread`).
const UPLOADS_IN_FLIGHT_PER_CPU: usize = 3;
/// What a spooled body (written to a file as it arrives) holds in memory at once: hyper's
/// frames and multer's buffer.
const SPOOL_CHUNK_BYTES: u64 = 1024 * 1024;
/// What is read and dropped of a body after its request was answered early.
const LINGER_MAX_BYTES: u64 = 64 * 1024 * 1024;
const LINGER: Duration = Duration::from_secs(10);

/// How a route answers a refusal.
#[derive(Debug, Clone, PartialEq)]
enum Voice {
    /// [`AppError`] as JSON with its status: the app's calls, the phone's queue, scripts.
    Json,
    /// A browser's form post: back to the page it came from with `?err=`.
    Redirect { back: String },
    /// The Open311 API: its error list, in the format of the path's suffix.
    Open311 { path: String },
}

/// What a route may receive.
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    max: u64,
    /// Multipart: waits in the upload queue with its body unread.
    queued: bool,
    /// A resident's upload: counted against the per-client submission limit.
    rate_limited: bool,
    /// The handler writes the body to a file as it arrives: only a chunk's worth of the
    /// memory budget is reserved, not the whole body.
    spooled: bool,
    voice: Voice,
}

/// The budget of body bytes in memory, in KiB permits.
#[derive(Clone)]
struct Budget {
    permits: Arc<Semaphore>,
    kib: u32,
    wait: Duration,
}

impl Budget {
    fn new(bytes: u64, wait: Duration) -> Self {
        let kib = u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .max(1);
        Self {
            permits: Arc::new(Semaphore::new(kib as usize)),
            kib,
            wait,
        }
    }

    /// Room for `bytes` (never more than the whole budget, so any one request can get in),
    /// or None after waiting in vain.
    async fn reserve(&self, bytes: u64) -> Option<OwnedSemaphorePermit> {
        let want = u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, self.kib);
        tokio::time::timeout(self.wait, self.permits.clone().acquire_many_owned(want))
            .await
            .ok()?
            .ok()
    }
}

#[derive(Clone)]
pub struct BodyPolicy {
    limiter: Arc<Limiter>,
    uploads: Arc<Semaphore>,
    budget: Budget,
    photo_max: u64,
    trust_proxy: bool,
    message_key: MessageKey,
}

impl BodyPolicy {
    pub fn new(config: &Config, db: &app::db::Db, message_key: MessageKey) -> Self {
        Self {
            limiter: Arc::new(Limiter::new(db, "submit", config.report_rate_limit)),
            uploads: Arc::new(Semaphore::new(
                UPLOADS_IN_FLIGHT_PER_CPU
                    * std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            budget: Budget::new(config.body_memory_budget, config.body_budget_wait),
            photo_max: config.photo_max_bytes as u64,
            trust_proxy: config.trust_proxy,
            message_key,
        }
    }

    /// The most an upload of photos may be.
    fn upload_max(&self) -> u64 {
        MAX_PHOTOS as u64 * self.photo_max + UPLOAD_OVERHEAD_BYTES
    }

    fn rule(&self, method: &Method, path: &str, headers: &HeaderMap) -> Rule {
        let content_type = text(headers, header::CONTENT_TYPE);
        let voice = if path.starts_with("/api/") && accepts_html(headers) {
            Voice::Redirect {
                back: back_path(headers),
            }
        } else {
            Voice::Json
        };
        let upload = |max, rate_limited| Rule {
            max,
            queued: true,
            rate_limited,
            spooled: false,
            voice: voice.clone(),
        };
        if *method == Method::POST {
            match path {
                SUBMIT_PATH | FEEDBACK_PATH => return upload(self.upload_max(), true),
                RECTIFY_PATH | FINDING_RECTIFY_PATH | HONOUR_ACT_PATH => {
                    return upload(self.upload_max(), false);
                }
                HONOUR_IMPORT_PATH => {
                    return upload(
                        app::honours::MAX_IMPORT_BYTES as u64 + FORM_MAX_BYTES,
                        false,
                    );
                }
                START_ROUND_PATH => return upload(ROUND_FORM_MAX_BYTES, false),
                // Written to a temporary file as it arrives (admin/grids/service.rs).
                GRID_IMPORT_PATH => {
                    return Rule {
                        spooled: true,
                        ..upload(app::admin::grids::MAX_IMPORT_BYTES + FORM_MAX_BYTES, false)
                    };
                }
                _ => {}
            }
            if path.starts_with(OPEN311_PREFIX) {
                use app::open311::handlers as open311;
                return Rule {
                    max: open311::body_max(content_type, self.photo_max),
                    queued: open311::is_multipart(content_type),
                    rate_limited: false,
                    spooled: false,
                    voice: Voice::Open311 { path: path.into() },
                };
            }
        }
        Rule {
            max: FORM_MAX_BYTES,
            queued: false,
            rate_limited: false,
            spooled: false,
            voice: if path.starts_with(OPEN311_PREFIX) {
                Voice::Open311 { path: path.into() }
            } else {
                voice
            },
        }
    }

    /// A refusal in the route's voice.
    fn refuse(&self, voice: &Voice, error: AppError) -> Response {
        let retry_after = match error {
            AppError::TooManyRequests { retry_after_secs } => Some(retry_after_secs),
            AppError::Unavailable => Some(app::error::UNAVAILABLE_RETRY_SECS),
            _ => None,
        };
        let mut res = match voice {
            Voice::Json => error.into_response(),
            Voice::Redirect { back } => {
                let sealed = app::flash::seal(&self.message_key, &error.to_string());
                let to = app::forms::with_param(back, "err", &sealed);
                let mut res = StatusCode::SEE_OTHER.into_response();
                if let Ok(v) = HeaderValue::from_str(&to) {
                    res.headers_mut().insert(header::LOCATION, v);
                }
                res.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                res
            }
            Voice::Open311 { path } => {
                app::open311::handlers::refusal(path, error.status(), &error.to_string())
            }
        };
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }

    fn too_large(&self, rule: &Rule) -> AppError {
        let text = if rule.queued && !matches!(rule.voice, Voice::Open311 { .. }) {
            msg::UPLOAD_TOO_LARGE
        } else if matches!(rule.voice, Voice::Open311 { .. }) {
            app::open311::strings::TOO_LARGE
        } else {
            err_text::BODY_TOO_LARGE
        };
        AppError::PayloadTooLarge(text.into())
    }
}

const OPEN311_PREFIX: &str = "/open311/";

fn text(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A browser's own form post or navigation (the app's calls ask for JSON).
fn accepts_html(headers: &HeaderMap) -> bool {
    text(headers, header::ACCEPT).contains("text/html")
}

/// The page a form was posted from (its `Referer`, on this host), else the home page: where
/// a refusal sends the browser back with its message.
fn back_path(headers: &HeaderMap) -> String {
    let host = text(headers, header::HOST);
    let referer = text(headers, header::REFERER);
    let path = referer
        .split_once("://")
        .and_then(|(_, rest)| rest.strip_prefix(host))
        .filter(|_| !host.is_empty())
        .unwrap_or("/");
    app::forms::local_path(path, "/")
}

fn has_body(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() != b"0")
        || headers.contains_key(header::TRANSFER_ENCODING)
}

/// Middleware for the whole router.
pub async fn guard(State(policy): State<BodyPolicy>, req: Request, next: Next) -> Response {
    let rule = policy.rule(req.method(), req.uri().path(), req.headers());

    // A resident's uploads are rate-limited per client before anything else; staff's are
    // behind a session instead.
    if rule.rate_limited {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| *a);
        let client = ClientKey::of(req.headers(), peer, policy.trust_proxy);
        if let Err(wait) = policy.limiter.check(client).await {
            tracing::info!(?client, "report submissions rate-limited");
            let error = AppError::TooManyRequests {
                retry_after_secs: retry_after_secs(wait),
            };
            return early(policy.refuse(&rule.voice, error), req.into_body());
        }
    }
    if !has_body(req.headers()) {
        return next.run(req).await;
    }
    // The uploads' multipart decoder would panic on a multipart type without a boundary.
    if rule.queued
        && !matches!(rule.voice, Voice::Open311 { .. })
        && !app::reports::service::has_multipart_boundary(text(req.headers(), header::CONTENT_TYPE))
    {
        let error = AppError::bad_request(msg::NOT_MULTIPART);
        return early(policy.refuse(&rule.voice, error), req.into_body());
    }

    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > rule.max) {
        tracing::info!(
            path = req.uri().path(),
            declared,
            max = rule.max,
            "body over its route's most"
        );
        return early(
            policy.refuse(&rule.voice, policy.too_large(&rule)),
            req.into_body(),
        );
    }

    // A turn in the upload queue (never closed), then room in the memory budget.
    let _turn = if rule.queued {
        policy.uploads.clone().acquire_owned().await.ok()
    } else {
        None
    };
    let held = declared.unwrap_or(rule.max);
    let held = if rule.spooled {
        held.min(SPOOL_CHUNK_BYTES)
    } else {
        held
    };
    let Some(_room) = policy.budget.reserve(held).await else {
        tracing::warn!(
            path = req.uri().path(),
            "request bodies' memory budget spent: 503"
        );
        return early(
            policy.refuse(&rule.voice, AppError::Unavailable),
            req.into_body(),
        );
    };

    let exceeded = Arc::new(AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let body = Body::from_stream(Bounded {
        inner: Some(body.into_data_stream()),
        seen: 0,
        max: rule.max,
        exceeded: exceeded.clone(),
        ended: false,
    });
    let res = next.run(Request::from_parts(parts, body)).await;
    if exceeded.load(Ordering::Relaxed) {
        return policy.refuse(&rule.voice, policy.too_large(&rule));
    }
    res
}

/// An answer given before the body was read: the body is dropped in the background.
fn early(res: Response, body: Body) -> Response {
    linger(body.into_data_stream());
    res
}

/// Reads and drops what is left of a body, in the background, at most [`LINGER_MAX_BYTES`]
/// within [`LINGER`]; the connection then closes (or serves its next request).
fn linger(mut stream: axum::body::BodyDataStream) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let drain = async {
            let mut total: u64 = 0;
            while total <= LINGER_MAX_BYTES {
                match stream.next().await {
                    Some(Ok(c)) => total = total.saturating_add(c.len() as u64),
                    _ => break,
                }
            }
        };
        let _ = tokio::time::timeout(LINGER, drain).await;
    });
}

#[derive(Debug, thiserror::Error)]
#[error("request body over its route's most")]
struct BodyTooLarge;

/// A body that fails once more than `max` bytes have passed, and says so in `exceeded`.
/// Dropped before its end (a handler that answered early, an error), it leaves the rest to
/// [`linger`].
struct Bounded {
    inner: Option<axum::body::BodyDataStream>,
    seen: u64,
    max: u64,
    exceeded: Arc<AtomicBool>,
    ended: bool,
}

impl Stream for Bounded {
    type Item = Result<axum::body::Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match inner.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                this.ended = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(e))) => {
                this.ended = true;
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(Some(Ok(chunk))) => {
                this.seen = this.seen.saturating_add(chunk.len() as u64);
                if this.seen <= this.max {
                    return Poll::Ready(Some(Ok(chunk)));
                }
                this.exceeded.store(true, Ordering::Relaxed);
                this.ended = true;
                if let Some(rest) = this.inner.take() {
                    linger(rest);
                }
                Poll::Ready(Some(Err(axum::Error::new(BodyTooLarge))))
            }
        }
    }
}

impl Drop for Bounded {
    fn drop(&mut self) {
        if !self.ended
            && let Some(rest) = self.inner.take()
        {
            linger(rest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_refused_form_goes_back_to_its_own_page_on_this_host() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("referer", "http://127.0.0.1:3000/staff/report/7?x=1"),
        ]);
        assert_eq!(back_path(&h), "/staff/report/7?x=1");
        let other = headers(&[
            ("host", "127.0.0.1:3000"),
            ("referer", "http://evil.test/staff"),
        ]);
        assert_eq!(back_path(&other), "/");
        let sneaky = headers(&[
            ("host", "127.0.0.1:3000"),
            ("referer", "http://127.0.0.1:3000//evil.test/"),
        ]);
        assert_eq!(back_path(&sneaky), "/");
        assert_eq!(back_path(&headers(&[("host", "a")])), "/");
    }

    #[tokio::test]
    async fn the_budget_lets_any_one_request_in_and_holds_the_rest() {
        let budget = Budget::new(100 * 1024, Duration::from_millis(50));
        let big = budget.reserve(10 * 1024 * 1024).await;
        assert!(
            big.is_some(),
            "one request larger than the budget still gets in"
        );
        assert!(
            budget.reserve(1).await.is_none(),
            "the spent budget holds the next"
        );
        drop(big);
        assert!(budget.reserve(60 * 1024).await.is_some());
    }

    #[tokio::test]
    async fn a_body_fails_past_its_most_and_says_so() {
        let exceeded = Arc::new(AtomicBool::new(false));
        let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = (0..4)
            .map(|_| Ok(axum::body::Bytes::from(vec![0u8; 100])))
            .collect();
        let inner = Body::from_stream(futures_util::stream::iter(chunks)).into_data_stream();
        let mut b = Bounded {
            inner: Some(inner),
            seen: 0,
            max: 250,
            exceeded: exceeded.clone(),
            ended: false,
        };
        assert!(b.next().await.is_some_and(|c| c.is_ok()));
        assert!(b.next().await.is_some_and(|c| c.is_ok()));
        assert!(!exceeded.load(Ordering::Relaxed));
        assert!(b.next().await.is_some_and(|c| c.is_err()));
        assert!(exceeded.load(Ordering::Relaxed));
        assert!(b.next().await.is_none());
    }
}
