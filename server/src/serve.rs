//! The accept loop, with the timeouts a public server needs: a client must send its request
//! headers within [`Timeouts::header_read`], a request body must keep an average rate (after
//! a grace period) and never stall for long, and a shutdown waits for in-flight requests at
//! most [`Timeouts::shutdown_grace`]. Without them one slow client ("slowloris") holds a
//! connection and its memory for ever, and a deploy can hang on a phone that went into a
//! tunnel mid-upload.

use app::error::AppError;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::response::Response;
use futures_util::StreamExt;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::time::Instant;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From the connection (or the previous request) to the end of the request headers.
    pub header_read: Duration,
    /// A body may take this long plus one second per [`Timeouts::body_min_rate`] bytes.
    pub body_grace: Duration,
    /// Bytes per second a body must average after the grace (a 2G phone sends ~10 KB/s).
    pub body_min_rate: u64,
    /// The longest silence between two pieces of a body.
    pub body_idle: Duration,
    /// How long a shutdown waits for requests in flight before it closes their connections.
    pub shutdown_grace: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_grace: Duration::from_secs(30),
            body_min_rate: 2048,
            body_idle: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in flight
/// finish for at most the shutdown grace.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    timeouts: Timeouts,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
    builder.http2().timer(TokioTimer::new());
    let builder = Arc::new(builder);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut req: Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(remote));
                req
            });
        let builder = builder.clone();
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down: waiting for requests in flight");
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections closed"),
        () = tokio::time::sleep(timeouts.shutdown_grace) => {
            tracing::warn!(
                grace_secs = timeouts.shutdown_grace.as_secs(),
                "shutdown deadline passed; closing the remaining connections"
            );
        }
    }
    Ok(())
}

/// Middleware: every request body is read under the rate rule of [`Timeouts`]. A body that
/// falls behind fails the read, and the request is answered 408 (the phone's queue retries
/// a 408 later) with the connection closed.
pub async fn body_deadline(State(timeouts): State<Timeouts>, req: Request, next: Next) -> Response {
    let has_body = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() != b"0")
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    if !has_body {
        return next.run(req).await;
    }
    let late = Arc::new(AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let body = paced(body, timeouts, late.clone());
    let res = next.run(Request::from_parts(parts, body)).await;
    if late.load(Ordering::Relaxed) {
        tracing::info!("request body too slow; answered 408");
        let mut res = AppError::Transport("请求超时，请重试".into()).into_response();
        *res.status_mut() = StatusCode::REQUEST_TIMEOUT;
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return res;
    }
    res
}

#[derive(Debug, thiserror::Error)]
#[error("request body too slow")]
struct BodyTooSlow;

/// `body`, failing once it falls behind `grace + bytes / min_rate` or stalls for `idle`.
fn paced(body: Body, t: Timeouts, late: Arc<AtomicBool>) -> Body {
    let start = Instant::now();
    let stream = futures_util::stream::unfold(
        (body.into_data_stream(), 0u64, false),
        move |(mut inner, seen, done)| {
            let late = late.clone();
            async move {
                if done {
                    return None;
                }
                let allowed = t.body_grace + Duration::from_secs(seen / t.body_min_rate.max(1));
                let deadline = (start + allowed).min(Instant::now() + t.body_idle);
                match tokio::time::timeout_at(deadline, inner.next()).await {
                    Ok(None) => None,
                    Ok(Some(Ok(chunk))) => {
                        let seen = seen.saturating_add(chunk.len() as u64);
                        Some((Ok(chunk), (inner, seen, false)))
                    }
                    Ok(Some(Err(e))) => Some((Err(e), (inner, seen, true))),
                    Err(_) => {
                        late.store(true, Ordering::Relaxed);
                        Some((Err(axum::Error::new(BodyTooSlow)), (inner, seen, true)))
                    }
                }
            }
        },
    );
    Body::from_stream(stream)
}
