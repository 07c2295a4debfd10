//! One error type for every server function. The user sees a clear Chinese message;
//! the server log gets the cause.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

pub mod strings {
    pub const UNAUTHORIZED: &str = "请先登录";
    pub const FORBIDDEN: &str = "没有权限进行此操作";
    pub const NOT_FOUND: &str = "未找到相关内容";
    pub const TOO_MANY: &str = "操作过于频繁，请稍后再试";
    pub const INTERNAL: &str = "服务器暂时出错，请稍后再试";
    pub const TRANSPORT: &str = "网络异常，请检查网络后重试";
    pub const UNAVAILABLE: &str = "服务器繁忙或正在维护，请稍后重试（已填写的内容不会丢失）";
    pub const BODY_TOO_LARGE: &str = "提交的内容过大，请删减后重试";
}

/// Seconds a 503 asks the caller to wait (`Retry-After`): long enough for a database restart
/// or a moment of full disk to pass, short enough that a phone's queue soon tries again.
pub const UNAVAILABLE_RETRY_SECS: u64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request itself is wrong; the message says what to fix.
    #[error("{0}")]
    BadRequest(String),
    #[error("{}", strings::UNAUTHORIZED)]
    Unauthorized,
    #[error("{}", strings::FORBIDDEN)]
    Forbidden,
    #[error("{}", strings::NOT_FOUND)]
    NotFound,
    /// Someone else changed it first, or an idempotency key was reused with other content.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{}", strings::TOO_MANY)]
    TooManyRequests { retry_after_secs: u64 },
    /// Details are in the server log, never sent to the browser.
    #[error("{}", strings::INTERNAL)]
    Internal,
    /// The call did not reach the server function or its answer was unreadable.
    #[error("{}", strings::TRANSPORT)]
    Transport(String),
    /// Nothing wrong with the request, but the server cannot take it now (its database
    /// restarting, its disk or photo store failing, too many bodies in memory): 503 with
    /// `Retry-After`, and the phone's queue sends it again.
    #[error("{}", strings::UNAVAILABLE)]
    Unavailable,
}

impl AppError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self::BadRequest(msg.into())
    }

    /// HTTP status for this error; the offline sync engine decides retry/needs-attention by it.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict(_) => 409,
            Self::PayloadTooLarge(_) => 413,
            Self::TooManyRequests { .. } => 429,
            Self::Internal => 500,
            Self::Transport(_) => 502,
            Self::Unavailable => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => {
                Self::BadRequest(format!("请求格式有误：{m}"))
            }
            other => Self::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if database_unavailable(&e) {
            tracing::warn!(error = %e, "database unavailable");
            Self::Unavailable
        } else {
            tracing::error!(error = %e, "database error");
            Self::Internal
        }
    }
}

/// Whether a database error says the database cannot serve now rather than that the
/// statement is wrong: no connection (refused, reset, the pool waited in vain), PostgreSQL
/// shutting down or starting up (57P01–57P03), out of connections (53300) or of disk
/// (53100), a connection exception (class 08); SQLite busy, locked, out of disk, failing
/// I/O or unable to open its file.
#[cfg(feature = "ssr")]
pub fn database_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code();
            let code = code.as_deref().unwrap_or_default();
            // SQLite's extended codes keep the primary code in the low byte.
            let sqlite_primary = code.parse::<u32>().ok().map(|c| c & 0xff);
            code.starts_with("08")
                || matches!(code, "57P01" | "57P02" | "57P03" | "53300" | "53100")
                || matches!(sqlite_primary, Some(5 | 6 | 10 | 13 | 14))
        }
        _ => false,
    }
}

/// The one place an [`AppError`] becomes HTTP: its status, and `Retry-After` on a 429. Used for
/// the errors of server functions (the server's `errors::server_fn_status` applies it to
/// their answers) and for the answers of the server's own middleware ([`IntoResponse`]), in
/// the shape of axum's error-handling example. Server functions and pages never set an
/// error's status by hand.
#[cfg(feature = "ssr")]
impl AppError {
    pub fn http_status(&self) -> axum::http::StatusCode {
        axum::http::StatusCode::from_u16(self.status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Sets this error's status and headers on a response being built.
    pub fn apply_to(
        &self,
        status: &mut axum::http::StatusCode,
        headers: &mut axum::http::HeaderMap,
    ) {
        use axum::http::{HeaderValue, header};
        *status = self.http_status();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        let retry_after = match self {
            Self::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            Self::Unavailable => Some(UNAVAILABLE_RETRY_SECS),
            _ => None,
        };
        if let Some(secs) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
    }
}

/// An error answered by middleware as a server function would answer it: the status, the
/// JSON the client decodes, `Retry-After` on a 429.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
        let mut status = StatusCode::INTERNAL_SERVER_ERROR;
        let mut headers = HeaderMap::new();
        self.apply_to(&mut status, &mut headers);
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        (status, headers, self.ser()).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_chinese_and_internal_hides_details() {
        assert_eq!(AppError::Internal.to_string(), strings::INTERNAL);
        assert_eq!(AppError::bad_request("描述过长").to_string(), "描述过长");
        assert_eq!(
            AppError::TooManyRequests {
                retry_after_secs: 3
            }
            .status(),
            429
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn one_mapping_to_http() {
        use axum::response::IntoResponse;
        let res = AppError::TooManyRequests {
            retry_after_secs: 7,
        }
        .into_response();
        assert_eq!(res.status(), 429);
        assert_eq!(res.headers()["retry-after"], "7");
        assert_eq!(res.headers()["content-type"], "application/json");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let res = AppError::Conflict("x".into()).into_response();
        assert_eq!(res.status(), 409);
        assert!(!res.headers().contains_key("retry-after"));
        // Applied to a server function's 500 in place.
        let mut status = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
        let mut headers = axum::http::HeaderMap::new();
        AppError::NotFound.apply_to(&mut status, &mut headers);
        assert_eq!(status, 404);
    }

    #[test]
    fn round_trips_through_the_server_fn_encoding() {
        let e = AppError::Conflict("该报告已被他人处理".into());
        let back = AppError::de(e.ser());
        assert_eq!(back, e);
    }
}
