//! The `reports` table as the Open311 GeoReport v2 API reads and writes it (server only):
//! public service requests (never a contact field, an internal note or exact coordinates
//! leave here uncoarsened by the caller), the API client's token of a report, and where an
//! API client's report came from.

use super::status;
use crate::db::{Db, DbResult, Params, Val};
use crate::domain::{Millis, ReportNo, ReportStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A report as a public Open311 service request.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRequest {
    pub tracking_code: String,
    pub status: ReportStatus,
    pub category_code: String,
    pub category_name: String,
    pub office_name: String,
    pub description: String,
    pub received_at: Millis,
    pub updated_at: Millis,
    pub deadline_at: Option<Millis>,
    pub community_name: Option<String>,
    pub street_name: Option<String>,
    pub street_id: Option<i64>,
    /// Exact: the caller coarsens them as `/track` does.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The first of the resident's photos.
    pub photo: Option<String>,
    /// The newest note staff marked public.
    pub status_note: Option<String>,
    /// The photo link an API client sent with it.
    pub media_url: Option<String>,
}

/// Which requests a list asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestsQuery {
    /// 查询码: when given, the only filter.
    pub codes: Vec<String>,
    /// Category codes (none: every category).
    pub categories: Vec<String>,
    /// Received in `[from, until)`.
    pub from: Millis,
    pub until: Millis,
    /// Some(true): open only; Some(false): closed only.
    pub open: Option<bool>,
    pub limit: i64,
    pub offset: i64,
}

impl Default for RequestsQuery {
    fn default() -> Self {
        Self {
            codes: Vec::new(),
            categories: Vec::new(),
            from: Millis(0),
            until: Millis(0),
            open: None,
            limit: 1,
            offset: 0,
        }
    }
}

use super::triage::OPEN_STATUSES;

/// The requests `q` selects, newest first.
pub async fn service_requests(db: &Db, q: &RequestsQuery) -> DbResult<Vec<ServiceRequest>> {
    let mut p = Params::default();
    let mut conds = Vec::new();
    let list = |p: &mut Params, values: &[String]| {
        values
            .iter()
            .map(|v| p.push(Val::T(v.clone())))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if q.codes.is_empty() {
        conds.push(format!("r.received_at >= {}", p.push(Val::I(q.from.0))));
        conds.push(format!("r.received_at < {}", p.push(Val::I(q.until.0))));
        if !q.categories.is_empty() {
            conds.push(format!("c.code IN ({})", list(&mut p, &q.categories)));
        }
        match q.open {
            Some(true) => conds.push(format!("r.status IN {OPEN_STATUSES}")),
            Some(false) => conds.push(format!("r.status NOT IN {OPEN_STATUSES}")),
            None => {}
        }
    } else {
        conds.push(format!("r.tracking_code IN ({})", list(&mut p, &q.codes)));
    }
    let limit = p.push(Val::I(q.limit));
    let offset = p.push(Val::I(q.offset));
    let sql = format!(
        "SELECT r.tracking_code, r.status, c.code AS category_code, c.name AS category_name, \
             o.name AS office_name, r.description, r.received_at, r.updated_at, r.deadline_at, \
             cm.name AS community_name, s.name AS street_name, r.street_id, r.lat, r.lon, \
             r.media_url, \
             (SELECT ph.sha256 FROM report_photos ph WHERE ph.report_id = r.id \
                AND ph.kind = 'before' AND ph.position = 0) AS photo, \
             (SELECT e.note FROM report_events e WHERE e.report_id = r.id \
                AND e.public_note = 1 AND e.note <> '' ORDER BY e.id DESC LIMIT 1) AS status_note \
         FROM reports r \
         JOIN categories c ON c.id = r.category_id \
         JOIN offices o ON o.id = r.office_id \
         LEFT JOIN communities cm ON cm.id = r.community_id \
         LEFT JOIN streets s ON s.id = r.street_id \
         WHERE {} \
         ORDER BY r.received_at DESC, r.id DESC \
         LIMIT {limit} OFFSET {offset}",
        conds.join(" AND ")
    );
    let rows = p.bind(sqlx::query(&sql)).fetch_all(&db.pool).await?;
    rows.iter()
        .map(service_request)
        .collect::<sqlx::Result<_>>()
        .map_err(Into::into)
}

fn service_request(row: &AnyRow) -> sqlx::Result<ServiceRequest> {
    let st: String = row.try_get("status")?;
    Ok(ServiceRequest {
        tracking_code: row.try_get("tracking_code")?,
        status: status(&st)?,
        category_code: row.try_get("category_code")?,
        category_name: row.try_get("category_name")?,
        office_name: row.try_get("office_name")?,
        description: row.try_get("description")?,
        received_at: Millis(row.try_get("received_at")?),
        updated_at: Millis(row.try_get("updated_at")?),
        deadline_at: row.try_get::<Option<i64>, _>("deadline_at")?.map(Millis),
        community_name: row.try_get("community_name")?,
        street_name: row.try_get("street_name")?,
        street_id: row.try_get("street_id")?,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        photo: row.try_get("photo")?,
        status_note: row.try_get("status_note")?,
        media_url: row.try_get("media_url")?,
    })
}

/// The 查询码 of the reports an API client sent with `token` (any client's).
pub async fn codes_by_api_token(db: &Db, token: &str) -> DbResult<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT tracking_code FROM reports WHERE api_token = $1 ORDER BY id LIMIT 10",
    )
    .bind(token)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

/// Where an API client's report came from, and what it said of its sender (staff only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApiOrigin {
    pub api_key_id: i64,
    pub token: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub media_url: Option<String>,
}

/// Records `origin` on a report just inserted, in its transaction.
pub(super) async fn set_origin(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report: ReportNo,
    origin: &ApiOrigin,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE reports SET api_key_id = $1, api_token = $2, contact_name = $3, \
             contact_email = $4, media_url = $5 WHERE id = $6",
    )
    .bind(origin.api_key_id)
    .bind(origin.token.clone())
    .bind(origin.contact_name.clone())
    .bind(origin.contact_email.clone())
    .bind(origin.media_url.clone())
    .bind(report.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The street of the nearest report within about 300 m of a point that has both a street and
/// coordinates (for an API report given only coordinates); None when there is none.
pub async fn nearest_reported_street(
    db: &Db,
    lat: f64,
    lon: f64,
) -> DbResult<Option<crate::domain::StreetId>> {
    // 300 m is about 0.0027° of latitude; of longitude, that over cos(latitude).
    let dlat = 0.0027;
    let dlon = dlat / lat.to_radians().cos().abs().max(0.01);
    let rows: Vec<(i64, f64, f64)> = sqlx::query_as(
        "SELECT street_id, lat, lon FROM reports \
         WHERE street_id IS NOT NULL AND lat IS NOT NULL \
           AND lat BETWEEN $1 AND $2 AND lon BETWEEN $3 AND $4 \
         ORDER BY id DESC LIMIT 500",
    )
    .bind(lat - dlat)
    .bind(lat + dlat)
    .bind(lon - dlon)
    .bind(lon + dlon)
    .fetch_all(&db.pool)
    .await?;
    let metres = |a: f64, b: f64| {
        let x = (b - lon).to_radians() * lat.to_radians().cos();
        let y = (a - lat).to_radians();
        6_371_000.0 * (x * x + y * y).sqrt()
    };
    Ok(rows
        .into_iter()
        .map(|(s, a, b)| (s, metres(a, b)))
        .filter(|(_, d)| *d <= 300.0)
        .min_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(s, _)| crate::domain::StreetId(s)))
}
