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
}

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
        tracing::error!(error = %e, "database error");
        Self::Internal
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Makes the HTTP status of the current server-function response match this error
    /// (server functions answer 500 otherwise), and adds Retry-After to a 429.
    ///
    /// Only when the server function answers an HTTP call of its own. Called while a page
    /// renders (its resources call server functions directly), the response is the page's,
    /// whose status the page decides: otherwise a signed-out `/staff` could answer the queue's
    /// 401 instead of the page's 302 to the login, whichever was set last.
    pub fn with_http_status(self) -> Self {
        use axum::http::{HeaderValue, StatusCode, header};
        let rendering_a_page =
            leptos::prelude::use_context::<leptos_router::location::RequestUrl>().is_some();
        if !rendering_a_page
            && let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        {
            res.set_status(
                StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
            if let Self::TooManyRequests { retry_after_secs } = &self
                && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
            {
                res.insert_header(header::RETRY_AFTER, v);
            }
        }
        self
    }
}

/// Wraps a server function's result so an error carries its own HTTP status.
#[cfg(feature = "ssr")]
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    result.map_err(AppError::with_http_status)
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

    #[test]
    fn round_trips_through_the_server_fn_encoding() {
        let e = AppError::Conflict("该报告已被他人处理".into());
        let back = AppError::de(e.ser());
        assert_eq!(back, e);
    }
}
