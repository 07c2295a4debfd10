//! The offices' exports (server only), as file downloads:
//! `/staff/export/reports.xlsx` and `/staff/export/reports.csv` — every report the queue's
//! filters select (`?status=all` for every status), not one page of them;
//! `/staff/export/dashboard.xlsx` — the dashboard's figures for a period, one row per office.
//!
//! Staff export only their own office (another office's id: 403); the admin one office or,
//! without `office`, all of them. Signed out: a redirect to the login, like the pages.
//! The rows stream from the database through a bounded channel into a writer thread that
//! writes a temporary file, which is then sent; at most [`EXPORTS_AT_ONCE`] exports run at
//! once per instance, the others wait their turn.

use super::strings as t;
use super::workflow::overdue_by;
use super::{LOGIN_PATH, QueueFilter, QueueQuery};
use crate::domain::{Millis, OfficeId};
use crate::error::AppError;
use crate::reports::db::export::ExportRow;
use crate::reports::record::format_median;
use crate::session::StaffUser;
use crate::sheet::{
    self, Cell, Csv, Layout, SheetWriter, Xlsx, error, io_failed, send_file, signed_in, temp_dir,
};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

/// Exports written at the same time by one instance (each holds a database connection).
pub const EXPORTS_AT_ONCE: usize = 2;
static EXPORTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(EXPORTS_AT_ONCE);

/// Rows in flight between the database and the file writer.
const CHANNEL_ROWS: usize = 256;

const REPORT_WIDTHS: [f64; 20] = [
    12.0, 16.0, 14.0, 12.0, 14.0, 17.0, 14.0, 8.0, 17.0, 17.0, 17.0, 17.0, 8.0, 12.0, 16.0, 40.0,
    30.0, 30.0, 60.0, 10.0,
];
const DASH_WIDTHS: [f64; 10] = [18.0, 12.0, 12.0, 10.0, 10.0, 10.0, 12.0, 22.0, 14.0, 10.0];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// `GET /staff/export/{file}` with the queue's (or the dashboard's) query string.
pub async fn download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    Query(q): Query<QueueQuery>,
) -> Response {
    let user = match signed_in(&state, &headers).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to(LOGIN_PATH).into_response(),
        Err(e) => return error(&e),
    };
    let result = match file.as_str() {
        "reports.csv" => reports(&state, &user, &headers, &q, Format::Csv).await,
        "reports.xlsx" => reports(&state, &user, &headers, &q, Format::Xlsx).await,
        "dashboard.xlsx" => dashboard(&state, &user, &q).await,
        _ => Err(AppError::NotFound),
    };
    result.unwrap_or_else(|e| error(&e))
}

async fn reports(
    state: &AppState,
    user: &StaffUser,
    headers: &HeaderMap,
    q: &QueueQuery,
    format: Format,
) -> Result<Response, AppError> {
    let scope = super::service::scope(user, &q.office)?;
    let filter = QueueFilter::parse(q)?;
    let origin = crate::site::origin_from_headers(headers);
    let now = state.clock.now();
    let dir = temp_dir(state)?;
    let _turn = EXPORTS.acquire().await.map_err(|_| AppError::Internal)?;
    let layout = Layout {
        sheet_name: t::EXPORT_SHEET_REPORTS,
        preamble: vec![],
        headers: &t::EXPORT_COLUMNS,
        widths: &REPORT_WIDTHS,
    };
    let mut writer: Box<dyn SheetWriter> = match format {
        Format::Csv => Box::new(Csv::create(&dir, &layout).map_err(io_failed)?),
        Format::Xlsx => Box::new(Xlsx::create(&dir, &layout).map_err(io_failed)?),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<ExportRow>(CHANNEL_ROWS);
    let write = tokio::task::spawn_blocking(move || {
        while let Some(row) = rx.blocking_recv() {
            writer.row(&report_cells(row, &origin, now))?;
        }
        writer.finish()
    });
    let read = crate::reports::db::export::rows(&state.db, scope, &filter, now, tx).await;
    let file = write.await.map_err(|e| {
        tracing::error!(error = %e, "the export writer panicked");
        AppError::Internal
    })?;
    let count = read?;
    let file = file.map_err(io_failed)?;
    tracing::info!(user = %user.username, rows = count, ?format, "export");
    let name = format!(
        "{}-{}.{}",
        t::EXPORT_FILE_REPORTS,
        now.format_date(),
        format.extension()
    );
    send_file(file, &name, format.content_type()).await
}

/// The cells of one report in the order of [`t::EXPORT_COLUMNS`].
fn report_cells(r: ExportRow, origin: &str, now: Millis) -> Vec<Cell> {
    let late = overdue_by(r.status, r.deadline_at, r.rectified_at, r.closed_at, now);
    let photos = r
        .photos
        .iter()
        .map(|sha| format!("{origin}/photos/{sha}.jpg"))
        .collect::<Vec<_>>()
        .join("\n");
    vec![
        Cell::Text(r.tracking_code),
        Cell::Text(r.office_name),
        Cell::Text(r.category_name),
        Cell::opt_text(r.community_name),
        Cell::opt_text(r.street_name),
        Cell::opt_text(r.grid_code),
        Cell::opt_text(r.grid_name),
        Cell::text(r.status.label()),
        Cell::Date(r.received_at),
        Cell::opt_date(r.deadline_at),
        Cell::opt_date(r.rectified_at),
        Cell::opt_date(r.closed_at),
        Cell::text(if late.is_some() {
            t::EXPORT_YES
        } else {
            t::EXPORT_NO
        }),
        late.map_or(Cell::Blank, |ms| {
            Cell::Text(crate::reports::record::format_duration(Some(ms)))
        }),
        Cell::opt_text(r.dispatched_to),
        Cell::Text(r.description),
        Cell::Text(r.public_notes),
        Cell::Text(r.internal_notes),
        Cell::Text(photos),
        Cell::Int(r.reopen_count),
    ]
}

async fn dashboard(
    state: &AppState,
    user: &StaffUser,
    q: &QueueQuery,
) -> Result<Response, AppError> {
    let scope = super::service::scope(user, &q.office)?;
    let now = state.clock.now();
    let (from_day, until_day) = super::service::period(&q.from, &q.until, now)?;
    // One row per office in scope; the whole district adds its total.
    let offices: Vec<Option<OfficeId>> = match scope {
        Some(o) => vec![Some(o)],
        None => {
            let all = crate::areas::db::offices(&state.db).await?;
            all.into_iter().map(|o| Some(o.id)).chain([None]).collect()
        }
    };
    let mut boards = Vec::with_capacity(offices.len());
    for office in offices {
        boards.push(super::service::dashboard(state, office, from_day, until_day, now).await?);
    }
    let (from, until) = (
        Millis::from_cst_day(from_day),
        Millis::from_cst_day(until_day),
    );
    let title = match scope
        .and(boards.first())
        .and_then(|b| b.office_name.clone())
    {
        Some(name) => format!("{name}{}", t::EXPORT_DASH_TITLE),
        None => format!("{}{}", t::DASH_ALL_OFFICES, t::EXPORT_DASH_TITLE),
    };
    let period = format!(
        "{} {} — {}",
        t::DASH_PERIOD,
        from.format_date(),
        Millis(until.0 - 1).format_date()
    );
    let made = format!("{} {}", t::EXPORT_MADE_AT, sheet::plain_datetime(now));
    let layout = Layout {
        sheet_name: t::EXPORT_SHEET_DASHBOARD,
        preamble: vec![title, period, made, t::DASH_MEDIAN_NOTE.to_string()],
        headers: &t::EXPORT_DASH_COLUMNS,
        widths: &DASH_WIDTHS,
    };
    let dir = temp_dir(state)?;
    let file = tokio::task::spawn_blocking(move || {
        let mut x = Box::new(Xlsx::create(&dir, &layout)?);
        for b in &boards {
            let r = &b.record;
            x.row(&[
                Cell::text(
                    b.office_name
                        .clone()
                        .unwrap_or_else(|| t::EXPORT_DASH_TOTAL.to_string()),
                ),
                Cell::Int(b.open_now),
                Cell::Int(b.overdue_now),
                Cell::Int(r.received),
                Cell::Int(r.closed_in_period),
                Cell::Permille(r.close_rate_permille()),
                Cell::Permille(r.on_time_rate_permille()),
                Cell::Text(format_median(r)),
                Cell::Int(r.reopened_by_residents),
                Cell::Permille(r.satisfaction_permille()),
            ])?;
        }
        x.finish()
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "the export writer panicked");
        AppError::Internal
    })?
    .map_err(io_failed)?;
    let name = format!(
        "{}-{}-{}.xlsx",
        t::EXPORT_FILE_DASHBOARD,
        from.format_date(),
        Millis(until.0 - 1).format_date()
    );
    send_file(file, &name, Format::Xlsx.content_type()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widths_match_the_columns() {
        assert_eq!(REPORT_WIDTHS.len(), t::EXPORT_COLUMNS.len());
        assert_eq!(DASH_WIDTHS.len(), t::EXPORT_DASH_COLUMNS.len());
    }
}
