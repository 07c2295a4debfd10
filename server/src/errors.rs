//! Errors as HTTP. How an [`AppError`] becomes a status and headers is decided in one place,
//! `app::error` (`AppError::apply_to`, and `IntoResponse` for the middleware's own answers);
//! this module applies it to what server functions answer.

use app::error::AppError;
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Server functions answer every error with 500 and the error's JSON (marked by the
/// server-fn error header). Here each gets its own status (400 for a bad form, 401, 404,
/// 409, 429 with `Retry-After` …), whether the function body raised it or the call never
/// reached the body (a missing argument): callers, the offline queue above all, decide
/// whether to retry by it.
pub async fn server_fn_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res
            .headers()
            .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // Errors are small JSON; anything larger is not ours to decode.
    let bytes = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "unreadable server function error body");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        err.apply_to(&mut parts.status, &mut parts.headers);
    }
    Response::from_parts(parts, Body::from(bytes))
}
