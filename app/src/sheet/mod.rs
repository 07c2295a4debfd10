//! Spreadsheets as downloads (server only), shared by the areas that export: the two writers
//! (`writer.rs`: XLSX and CSV, row by row into an unnamed temporary file, with the formula
//! guard), and the download's pieces (who is signed in, the temporary folder, the file sent
//! as an attachment, a refusal as plain text). The rows are each area's own.

mod writer;
pub use writer::*;

use crate::error::AppError;
use crate::session::StaffUser;
use crate::state::AppState;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub mod strings {
    //! zh-CN text of the downloads.
    pub const EXPORT_FAILED: &str = "导出失败，请稍后重试";
}

/// The signed-in account of a download (a link followed with the session cookie).
pub async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<StaffUser>, AppError> {
    match crate::session::auth::token_from_headers(headers) {
        Some(token) => crate::session::auth::user_by_token(&state.db, &token).await,
        None => Ok(None),
    }
}

/// A refused or failed export: its status and the message as plain text (the link was
/// followed by a browser, which shows it).
pub fn error(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = match e {
        AppError::Internal => strings::EXPORT_FAILED.to_string(),
        other => other.to_string(),
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

/// The export directory under the data directory (temporary files only, unnamed).
pub fn temp_dir(state: &AppState) -> Result<std::path::PathBuf, AppError> {
    let dir = state.settings.data_dir.join("tmp");
    std::fs::create_dir_all(&dir).map_err(|e| {
        tracing::error!(error = %e, dir = %dir.display(), "creating the export directory failed");
        AppError::Internal
    })?;
    Ok(dir)
}

pub fn io_failed(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "writing an export failed");
    AppError::Internal
}

/// The file as a download, streamed from disk (the unnamed file goes when the stream ends).
pub async fn send_file(
    file: std::fs::File,
    name: &str,
    content_type: &'static str,
) -> Result<Response, AppError> {
    let len = file.metadata().map_err(io_failed)?.len();
    let stream =
        tokio_util::io::ReaderStream::with_capacity(tokio::fs::File::from_std(file), 64 * 1024);
    let disposition = format!(
        "attachment; filename=\"export.{}\"; filename*=UTF-8''{}",
        name.rsplit('.').next().unwrap_or("bin"),
        percent_encode(name)
    );
    let mut res = Body::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// RFC 5987 percent-encoding of a file name (UTF-8 bytes).
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_percent_encoded_utf8() {
        assert_eq!(percent_encode("报告-1.csv"), "%E6%8A%A5%E5%91%8A-1.csv");
    }
}
