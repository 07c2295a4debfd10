//! `GET /dudao/bulletin.xlsx?kind=week|month&date=YYYY-MM-DD`: the bulletin as a spreadsheet
//! (the supervisor and the admin), written with the offices' export writer.

use super::strings as t;
use crate::error::AppError;
use crate::sheet::{
    self, Cell, Layout, SheetWriter, Xlsx, error, io_failed, send_file, signed_in, temp_dir,
};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

const WIDTHS: [f64; 18] = [
    6.0, 18.0, 10.0, 10.0, 12.0, 8.0, 8.0, 8.0, 8.0, 10.0, 8.0, 10.0, 10.0, 10.0, 10.0, 10.0, 12.0,
    10.0,
];

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub date: String,
}

pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let user = match signed_in(&state, &headers).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to(crate::shell::LOGIN_PATH).into_response(),
        Err(e) => return error(&e),
    };
    if !(user.is_supervisor() || user.is_admin()) {
        return error(&AppError::Forbidden);
    }
    match xlsx(&state, &q).await {
        Ok(r) => r,
        Err(e) => error(&e),
    }
}

async fn xlsx(state: &AppState, q: &PeriodQuery) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (kind, from_day, until_day) = super::service::period(&q.kind, &q.date, now)?;
    let b = super::service::bulletin(state, kind, from_day, until_day).await?;
    let layout = Layout {
        sheet_name: t::SHEET_BULLETIN,
        preamble: vec![
            b.title(),
            format!("{} {}", t::MADE_AT, sheet::plain_datetime(b.made_at)),
            t::RANKING_NOTE.to_string(),
        ],
        headers: &t::BULLETIN_COLUMNS,
        widths: &WIDTHS,
    };
    let dir = temp_dir(state)?;
    let name = format!(
        "{}-{}.xlsx",
        t::FILE_BULLETIN,
        b.period_text().replace(' ', "")
    );
    let file = tokio::task::spawn_blocking(move || {
        let mut x = Box::new(Xlsx::create(&dir, &layout)?);
        for r in &b.rows {
            x.row(&[
                Cell::Int(r.rank),
                Cell::text(r.office.clone()),
                Cell::Int(r.findings),
                Cell::Int(r.rectified),
                Cell::Permille(r.rectify_on_time_rate()),
                Cell::Int(r.rework),
                Cell::Int(r.pressed),
                Cell::Int(r.supervised),
                Cell::Int(r.escalated),
                Cell::Int(r.passed),
                Cell::Int(r.open_now),
                Cell::Int(r.received),
                Cell::Int(r.report_pressed),
                Cell::Int(r.report_supervised),
                Cell::Int(r.report_escalated),
                Cell::Permille(r.close_rate),
                Cell::Permille(r.on_time_rate),
                Cell::Permille(r.satisfaction),
            ])?;
        }
        x.finish()
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(io_failed)?;
    send_file(
        file,
        &name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    .await
}
