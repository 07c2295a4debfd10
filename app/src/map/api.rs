//! `GET /api/grids.geojson`: the active grids as a FeatureCollection whose properties are
//! `code`, `name`, `community`, `office` (the office's name, as Open311's
//! `agency_responsible` shows it). A signed-in account only; staff see their office's
//! grids. The ETag follows the grids' version, so a page that asks again gets 304 until the
//! grids change.

use crate::areas::db::grids as db;
use crate::error::AppError;
use crate::session::StaffUser;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub async fn grids_geojson(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match answer(&state, &headers).await {
        Ok(res) => res,
        Err(e) => e.into_response(),
    }
}

async fn answer(state: &AppState, headers: &HeaderMap) -> Result<Response, AppError> {
    let user = crate::sheet::signed_in(state, headers)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let office = scope(&user)?;
    let version = db::version(&state.db).await?;
    let etag = format!(
        "\"grids-{version}-{}\"",
        office.map_or_else(|| "all".to_string(), |o| o.0.to_string())
    );
    let headers_out = [
        (
            header::ETAG,
            HeaderValue::from_str(&etag).map_err(|_| AppError::Internal)?,
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ),
    ];
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, headers_out).into_response());
    }
    let rows = db::grids(&state.db, office, false).await?;
    let mut out =
        String::with_capacity(64 + rows.iter().map(|g| g.geometry.len() + 200).sum::<usize>());
    out.push_str(r#"{"type":"FeatureCollection","features":["#);
    for (i, g) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let properties = serde_json::json!({
            "id": g.id.0,
            "code": g.code,
            "name": g.name,
            "community": g.community_name,
            "office": g.office_name,
        });
        // The stored coordinates are JSON the import wrote (a MultiPolygon's).
        out.push_str(&format!(
            r#"{{"type":"Feature","id":{},"properties":{properties},"geometry":{{"type":"MultiPolygon","coordinates":{}}}}}"#,
            g.id.0, g.geometry
        ));
    }
    out.push_str("]}");
    Ok((
        headers_out,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/geo+json"),
        )],
        out,
    )
        .into_response())
}

/// Staff see their office's grids; the admin and the 督导组 every office's.
fn scope(user: &StaffUser) -> Result<Option<crate::domain::OfficeId>, AppError> {
    if user.is_admin() || user.is_supervisor() {
        return Ok(None);
    }
    user.office_id.map(Some).ok_or(AppError::Forbidden)
}
