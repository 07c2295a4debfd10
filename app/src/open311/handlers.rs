//! The HTTP side of Open311 (server only): the routes under `/open311/v2/`, the format from
//! the file suffix, the POST body read under limits, and every answer — errors included — in
//! the standard's shape with its status.

use super::doc::{self, Node};
use super::service::{self, Fields, Media, Open311Error};
use super::strings as s;
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// The largest urlencoded POST body (the standard's fields: descriptions of 4,000 characters
/// fit many times over).
pub const MAX_FORM_BYTES: usize = 64 * 1024;
/// A text part of a multipart POST.
const MAX_FIELD_BYTES: u64 = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Json,
    Xml,
}

/// "requests.json" → ("requests", Json).
fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((name, Format::Json)),
        "xml" => Some((name, Format::Xml)),
        _ => None,
    }
}

fn answer(format: Format, status: StatusCode, root: &'static str, node: &Node) -> Response {
    let (body, content_type) = match format {
        Format::Json => (doc::to_json(node), "application/json; charset=utf-8"),
        Format::Xml => (doc::to_xml(root, node), "text/xml; charset=utf-8"),
    };
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Public data for other sites' dashboards; a POST needs its key, never a cookie.
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

fn result(format: Format, root: &'static str, r: service::Result<Node>) -> Response {
    match r {
        Ok(node) => answer(format, StatusCode::OK, root, &node),
        Err(e) => error(format, &e),
    }
}

fn error(format: Format, e: &Open311Error) -> Response {
    if e.status >= 500 {
        tracing::warn!(status = e.status, "open311 call failed");
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut res = answer(format, status, "errors", &e.document());
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(crate::error::UNAVAILABLE_RETRY_SECS),
        );
    }
    res
}

/// A path whose suffix is neither: the error in JSON (the format cannot be known).
fn bad_format() -> Response {
    error(Format::Json, &Open311Error::bad(s::BAD_FORMAT))
}

/// Counts the call against its client's budget ([`crate::ratelimit::PublicLimits::open311`]);
/// over it, the 429 to answer.
async fn admit(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    format: Format,
) -> Option<Response> {
    let client = crate::ratelimit::ClientKey::of(headers, Some(peer), state.limits.trust_proxy);
    let wait = state.limits.open311.check(client).await.err()?;
    tracing::info!(?client, "Open311 calls rate-limited");
    let secs = crate::ratelimit::retry_after_secs(wait);
    let mut res = error(
        format,
        &crate::error::AppError::TooManyRequests {
            retry_after_secs: secs,
        }
        .into(),
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    Some(res)
}

/// What every call does first: the format from the file's suffix (400 without one), then the
/// caller's rate limit (429 past it). The file's name without its suffix, and the format.
async fn enter<'f>(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    file: &'f str,
) -> Result<(&'f str, Format), Response> {
    let (name, format) = split(file).ok_or_else(bad_format)?;
    match admit(state, headers, peer, format).await {
        Some(refused) => Err(refused),
        None => Ok((name, format)),
    }
}

fn fields(query: Option<String>) -> Fields {
    let pairs = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default();
    Fields(pairs)
}

fn origin(headers: &HeaderMap) -> String {
    crate::site::origin_from_headers(headers)
}

/// `GET /open311/v2/{discovery|services|requests}.{fmt}`.
pub async fn get_top(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (name, format) = match enter(&state, &headers, peer, &file).await {
        Ok(entered) => entered,
        Err(refused) => return refused,
    };
    let origin = origin(&headers);
    match name {
        "discovery" => result(format, "discovery", Ok(service::discovery(&origin))),
        "services" => result(format, "services", service::services(&state).await),
        "requests" => {
            let f = fields(query);
            result(
                format,
                "service_requests",
                service::requests(&state, &origin, &f).await,
            )
        }
        _ => error(format, &Open311Error::not_found()),
    }
}

/// `GET /open311/v2/services/{code}.{fmt}`.
pub async fn get_service(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (code, format) = match enter(&state, &headers, peer, &file).await {
        Ok(entered) => entered,
        Err(refused) => return refused,
    };
    result(
        format,
        "service_definition",
        service::definition(&state, code).await,
    )
}

/// `GET /open311/v2/requests/{id}.{fmt}`.
pub async fn get_request(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (id, format) = match enter(&state, &headers, peer, &file).await {
        Ok(entered) => entered,
        Err(refused) => return refused,
    };
    let origin = origin(&headers);
    result(
        format,
        "service_requests",
        service::request(&state, &origin, id).await,
    )
}

/// `GET /open311/v2/tokens/{token}.{fmt}`.
pub async fn get_token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (token, format) = match enter(&state, &headers, peer, &file).await {
        Ok(entered) => entered,
        Err(refused) => return refused,
    };
    result(
        format,
        "service_requests",
        service::token(&state, token).await,
    )
}

/// `POST /open311/v2/requests.{fmt}`: a form (urlencoded, or multipart with a `media` photo).
///
/// The `api_key` is checked before any photo is read: from the query string when it is
/// there (`requests.json?api_key=…`, before the body is touched), else as soon as its part
/// arrives. A client that sends the `media` part before `api_key` has that one part read
/// first (at most the photo limit, and only while the request holds its turn in the upload
/// queue, so a flood of such posts costs a few photos' worth of memory, not one each);
/// nothing of it is processed or stored before the key passes. Every request has its body
/// bounded and queued by the server's body policy before it gets here
/// ([`body_max`]).
pub async fn post_requests(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (name, format) = match enter(&state, &headers, peer, &file).await {
        Ok(entered) => entered,
        Err(refused) => return refused,
    };
    if name != "requests" {
        return error(format, &Open311Error::not_found());
    }
    let mut key = Key::default();
    if let Some(k) = fields(query).get("api_key")
        && let Err(e) = key.check(&state, k).await
    {
        return error(format, &e);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let read = if is_multipart(&content_type) {
        read_multipart(&state, &mut key, &content_type, body).await
    } else {
        read_form(&state, &mut key, body).await
    };
    let (f, media) = match read {
        Ok(r) => r,
        Err(e) => return error(format, &e),
    };
    let Some(key_id) = key.0 else {
        return error(format, &service::key_refused());
    };
    result(
        format,
        "service_requests",
        service::post(&state, key_id, &f, media).await,
    )
}

/// Whether a POST's body is multipart (a photo may come with it).
pub fn is_multipart(content_type: &str) -> bool {
    content_type
        .get(..19)
        .is_some_and(|t| t.eq_ignore_ascii_case("multipart/form-data"))
}

/// The most a `POST requests` body may be: the photo and the fields when multipart, the
/// fields alone when urlencoded.
pub fn body_max(content_type: &str, photo_max: u64) -> u64 {
    if is_multipart(content_type) {
        photo_max + MAX_FORM_BYTES as u64
    } else {
        MAX_FORM_BYTES as u64
    }
}

/// An error answered for a request to `path` before its handler ran (the server's body
/// policy: 413, 503), in the format the path's suffix asks for.
pub fn refusal(path: &str, status: u16, description: &str) -> Response {
    let format = split(path).map_or(Format::Json, |(_, f)| f);
    error(
        format,
        &Open311Error {
            status,
            description: description.into(),
        },
    )
}

/// The client's key, once checked.
#[derive(Default)]
struct Key(Option<i64>);

impl Key {
    /// Checks the first `api_key` given (a later one is a field like any other); a key that
    /// is not valid ends the request with 403.
    async fn check(&mut self, state: &AppState, key: &str) -> service::Result<()> {
        if self.0.is_none() {
            self.0 = Some(service::check_key(state, key).await?);
        }
        Ok(())
    }
}

fn too_large() -> Open311Error {
    Open311Error {
        status: 413,
        description: s::TOO_LARGE.into(),
    }
}

async fn read_form(
    state: &AppState,
    key: &mut Key,
    body: Body,
) -> service::Result<(Fields, Option<Media>)> {
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| too_large())?;
    let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .map_err(|_| Open311Error::bad(s::BODY_UNREADABLE))?;
    let f = Fields(pairs);
    if let Some(k) = f.get("api_key") {
        key.check(state, k).await?;
    }
    Ok((f, None))
}

async fn read_multipart(
    state: &AppState,
    key: &mut Key,
    content_type: &str,
    body: Body,
) -> service::Result<(Fields, Option<Media>)> {
    let photo_max = state.settings.photo_max_bytes;
    let boundary =
        multer::parse_boundary(content_type).map_err(|_| Open311Error::bad(s::BODY_UNREADABLE))?;
    let limits = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(body_max(content_type, photo_max as u64))
            .per_field(MAX_FIELD_BYTES)
            .for_field("media", photo_max as u64),
    );
    let mut parts = multer::Multipart::with_constraints(body.into_data_stream(), boundary, limits);
    let mut pairs = Vec::new();
    let mut media = None;
    let unreadable = |e: multer::Error| match e {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            too_large()
        }
        _ => Open311Error::bad(s::BODY_UNREADABLE),
    };
    while let Some(field) = parts.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "media" {
            if media.is_some() {
                return Err(Open311Error::bad(s::BODY_UNREADABLE));
            }
            media = Some(Media(field.bytes().await.map_err(unreadable)?.into()));
        } else if pairs.len() < 64 {
            let value = field.text().await.map_err(unreadable)?;
            if name == "api_key" {
                key.check(state, &value).await?;
            }
            pairs.push((name, value));
        }
    }
    Ok((Fields(pairs), media))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suffix_chooses_the_format() {
        assert_eq!(split("requests.json"), Some(("requests", Format::Json)));
        assert_eq!(split("ABCD2345.xml"), Some(("ABCD2345", Format::Xml)));
        assert_eq!(split("requests"), None);
        assert_eq!(split("requests.html"), None);
    }
}
