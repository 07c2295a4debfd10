//! What each Open311 call answers, as a [`Node`] document (server only); `handlers` reads
//! the HTTP request and writes the document in the asked format.

use super::doc::Node;
use super::strings as s;
use super::{MAX_IDS, MAX_PAGE_SIZE, WINDOW_DAYS, w3c};
use crate::domain::time::DAY_MS;
use crate::domain::{CategoryId, Millis, OfficeId, StreetId, TrackingCode};
use crate::error::AppError;
use crate::reports::GeoPoint;
use crate::reports::db::open311::{self as db, ApiOrigin, RequestsQuery, ServiceRequest};
use crate::reports::service::ValidReport;
use crate::state::AppState;
use sha2::{Digest, Sha256};

/// An Open311 error: the HTTP status and the description its body carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Open311Error {
    pub status: u16,
    pub description: String,
}

impl Open311Error {
    pub fn bad(description: impl Into<String>) -> Self {
        Self {
            status: 400,
            description: description.into(),
        }
    }

    pub fn not_found() -> Self {
        Self {
            status: 404,
            description: s::NOT_FOUND.into(),
        }
    }

    /// `[{"code": 400, "description": "…"}]` / `<errors><error>…`.
    pub fn document(&self) -> Node {
        Node::List {
            item: "error",
            items: vec![Node::Object(vec![
                ("code", Node::Int(i64::from(self.status))),
                ("description", Node::text(self.description.clone())),
            ])],
        }
    }
}

impl From<AppError> for Open311Error {
    fn from(e: AppError) -> Self {
        let status = match e.status() {
            401 | 403 => 403,
            404 => 404,
            409 => 409,
            413 => 413,
            429 => 429,
            500 => 500,
            503 => 503,
            _ => 400,
        };
        Self {
            status,
            description: e.to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, Open311Error>;

/// The request's fields (query string or form): the first non-empty value of a name; the
/// standard says an empty parameter is an absent one.
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    /// A text field of at most `max` characters.
    fn text(&self, name: &str, max: usize) -> Result<Option<String>> {
        match self.get(name) {
            Some(v) if v.chars().count() > max => {
                Err(Open311Error::bad(format!("{}：{name}", s::FIELD_TOO_LONG)))
            }
            v => Ok(v.map(str::to_string)),
        }
    }
}

// ---- discovery and services ----

pub fn discovery(origin: &str) -> Node {
    let changeset = "2026-12-05 00:00";
    Node::Object(vec![
        ("changeset", Node::text(changeset)),
        ("contact", Node::text(s::DISCOVERY_CONTACT)),
        ("key_service", Node::text(s::DISCOVERY_KEY_SERVICE)),
        (
            "endpoints",
            Node::List {
                item: "endpoint",
                items: vec![Node::Object(vec![
                    (
                        "specification",
                        Node::text("http://wiki.open311.org/GeoReport_v2"),
                    ),
                    ("url", Node::text(format!("{origin}{}", super::BASE_PATH))),
                    ("changeset", Node::text(changeset)),
                    ("type", Node::text("production")),
                    (
                        "formats",
                        Node::List {
                            item: "format",
                            items: vec![Node::text("text/xml"), Node::text("application/json")],
                        },
                    ),
                ])],
            },
        ),
    ])
}

/// Every category residents can choose, as a service.
pub async fn services(state: &AppState) -> Result<Node> {
    let categories = crate::areas::db::all_categories(&state.db).await?;
    let items = categories
        .into_iter()
        .filter(|c| c.active)
        .map(|c| {
            Node::Object(vec![
                ("service_code", Node::text(c.code)),
                ("service_name", Node::text(c.name.clone())),
                (
                    "description",
                    Node::text(format!(
                        "{} {}",
                        s::SERVICE_DESCRIPTION_HOURS,
                        crate::strings::hours(c.deadline_hours)
                    )),
                ),
                ("metadata", Node::Bool(false)),
                ("type", Node::text("realtime")),
                ("keywords", Node::text(c.name)),
                ("group", Node::text(c.group_name)),
            ])
        })
        .collect();
    Ok(Node::List {
        item: "service",
        items,
    })
}

/// A service's definition: our categories ask for no attributes, so the list is empty.
pub async fn definition(state: &AppState, code: &str) -> Result<Node> {
    let known = crate::areas::db::all_categories(&state.db)
        .await?
        .into_iter()
        .any(|c| c.active && c.code == code);
    if !known {
        return Err(Open311Error {
            status: 404,
            description: s::UNKNOWN_SERVICE.into(),
        });
    }
    Ok(Node::Object(vec![
        ("service_code", Node::text(code)),
        (
            "attributes",
            Node::List {
                item: "attribute",
                items: vec![],
            },
        ),
    ]))
}

// ---- reading requests ----

fn request_node(r: ServiceRequest, origin: &str) -> Node {
    let open = r.status.is_open();
    let coarse = GeoPoint::coarse_of(r.lat, r.lon);
    let address = crate::reports::db::place(r.community_name, r.street_name);
    Node::Object(vec![
        ("service_request_id", Node::text(r.tracking_code)),
        ("status", Node::text(if open { "open" } else { "closed" })),
        ("status_notes", Node::opt(r.status_note)),
        ("service_name", Node::text(r.category_name)),
        ("service_code", Node::text(r.category_code)),
        ("description", Node::text(r.description)),
        ("agency_responsible", Node::text(r.office_name)),
        ("service_notice", Node::opt(None)),
        ("requested_datetime", Node::text(w3c::format(r.received_at))),
        ("updated_datetime", Node::text(w3c::format(r.updated_at))),
        (
            "expected_datetime",
            Node::opt(r.deadline_at.map(w3c::format)),
        ),
        ("address", Node::opt(address)),
        ("address_id", Node::opt(r.street_id.map(|i| i.to_string()))),
        ("zipcode", Node::opt(None)),
        (
            "lat",
            coarse.map_or(Node::opt(None), |(lat, _)| Node::Number(lat)),
        ),
        (
            "long",
            coarse.map_or(Node::opt(None), |(_, lon)| Node::Number(lon)),
        ),
        (
            "media_url",
            Node::opt(
                r.photo
                    .map(|sha| format!("{origin}/photos/{sha}.jpg"))
                    .or(r.media_url),
            ),
        ),
    ])
}

fn requests_node(rows: Vec<ServiceRequest>, origin: &str) -> Node {
    Node::List {
        item: "request",
        items: rows.into_iter().map(|r| request_node(r, origin)).collect(),
    }
}

fn list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

fn date(f: &Fields, name: &str) -> Result<Option<Millis>> {
    f.get(name)
        .map(|v| w3c::parse(v).ok_or_else(|| Open311Error::bad(s::BAD_DATE)))
        .transpose()
}

fn positive(f: &Fields, name: &str, default: i64, max: i64) -> Result<i64> {
    match f.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| Open311Error::bad(s::BAD_PAGE)),
    }
}

/// `GET requests`: the standard's filters, a window of at most 90 days (the last 90 by
/// default), newest first, `page`/`page_size` (an extension; at most 1000 a page).
pub fn requests_query(f: &Fields, now: Millis) -> Result<RequestsQuery> {
    let page_size = positive(f, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let page = positive(f, "page", 1, 1_000_000)?;
    let mut q = RequestsQuery {
        limit: page_size,
        offset: (page - 1) * page_size,
        ..RequestsQuery::default()
    };
    if let Some(ids) = f.get("service_request_id") {
        let ids = list(ids);
        if ids.len() > MAX_IDS {
            return Err(Open311Error::bad(s::TOO_MANY_IDS));
        }
        // A code that is not one matches nothing; the standard lists what it finds.
        q.codes = ids
            .iter()
            .filter_map(|c| TrackingCode::parse(c).ok())
            .map(|c| c.to_string())
            .collect();
        if q.codes.is_empty() {
            q.codes.push(String::new());
        }
        return Ok(q);
    }
    let window = WINDOW_DAYS * DAY_MS;
    let (start, end) = (date(f, "start_date")?, date(f, "end_date")?);
    let (from, until) = match (start, end) {
        (Some(a), Some(b)) => (a, Millis(b.0 + 1)),
        (Some(a), None) => (a, Millis((a.0 + window).min(now.0 + 1))),
        (None, Some(b)) => (Millis(b.0 + 1 - window), Millis(b.0 + 1)),
        (None, None) => (Millis(now.0 + 1 - window), Millis(now.0 + 1)),
    };
    if until.0 < from.0 {
        return Err(Open311Error::bad(s::DATE_ORDER));
    }
    if until.0 - from.0 > window + 1 {
        return Err(Open311Error::bad(s::DATE_SPAN));
    }
    q.from = from;
    q.until = until;
    q.categories = f.get("service_code").map(list).unwrap_or_default();
    q.open = match f.get("status").map(list).as_deref() {
        None => None,
        Some([one]) if one == "open" => Some(true),
        Some([one]) if one == "closed" => Some(false),
        Some(many) if many.iter().all(|v| v == "open" || v == "closed") => None,
        Some(_) => return Err(Open311Error::bad(s::BAD_STATUS)),
    };
    Ok(q)
}

pub async fn requests(state: &AppState, origin: &str, f: &Fields) -> Result<Node> {
    let q = requests_query(f, state.clock.now())?;
    let rows = db::service_requests(&state.db, &q).await?;
    Ok(requests_node(rows, origin))
}

/// `GET requests/{id}`: a list of one, or 404.
pub async fn request(state: &AppState, origin: &str, id: &str) -> Result<Node> {
    let code = TrackingCode::parse(id).map_err(|_| Open311Error::not_found())?;
    let q = RequestsQuery {
        codes: vec![code.to_string()],
        limit: 1,
        ..RequestsQuery::default()
    };
    let rows = db::service_requests(&state.db, &q).await?;
    if rows.is_empty() {
        return Err(Open311Error::not_found());
    }
    Ok(requests_node(rows, origin))
}

/// `GET tokens/{token}`: the request a client's token made.
pub async fn token(state: &AppState, token: &str) -> Result<Node> {
    if token.is_empty() || token.chars().count() > 64 {
        return Err(Open311Error::not_found());
    }
    let codes = db::codes_by_api_token(&state.db, token).await?;
    if codes.is_empty() {
        return Err(Open311Error::not_found());
    }
    Ok(Node::List {
        item: "request",
        items: codes
            .into_iter()
            .map(|c| {
                Node::Object(vec![
                    ("service_request_id", Node::text(c)),
                    ("token", Node::text(token)),
                ])
            })
            .collect(),
    })
}

// ---- POST requests ----

/// An attached photo (multipart `media`), as sent.
pub struct Media(pub Vec<u8>);

/// The id of a valid (not revoked) key, or the 403 to answer.
pub async fn check_key(state: &AppState, key: &str) -> Result<i64> {
    super::db::check(&state.db, key)
        .await?
        .ok_or_else(key_refused)
}

/// The answer to a POST without a valid key.
pub fn key_refused() -> Open311Error {
    Open311Error {
        status: 403,
        description: s::API_KEY_INVALID.into(),
    }
}

/// `POST requests`: a report from an API client whose key (`key_id`) was checked.
pub async fn post(state: &AppState, key_id: i64, f: &Fields, media: Option<Media>) -> Result<Node> {
    let code = f
        .get("service_code")
        .ok_or_else(|| Open311Error::bad(s::SERVICE_CODE_REQUIRED))?;
    let category = crate::areas::db::all_categories(&state.db)
        .await?
        .into_iter()
        .find(|c| c.active && c.code == code)
        .ok_or(Open311Error {
            status: 404,
            description: s::UNKNOWN_SERVICE.into(),
        })?;
    let location = location(f)?;
    let place = place(state, f, location).await?;
    let token = f
        .text("token", 64)
        .map_err(|_| Open311Error::bad(s::TOKEN_TOO_LONG))?;
    let name = [f.get("first_name"), f.get("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if name.chars().count() > 64 {
        return Err(Open311Error::bad(s::NAME_TOO_LONG));
    }
    let email = f.text("email", 254)?;
    if email
        .as_deref()
        .is_some_and(|e| !e.contains('@') || e.contains(char::is_whitespace))
    {
        return Err(Open311Error::bad(s::EMAIL_INVALID));
    }
    let media_url = f.get("media_url").map(str::to_string);
    if media_url.as_deref().is_some_and(|u| {
        u.len() > 2048
            || !(u.starts_with("https://") || u.starts_with("http://"))
            || u.contains(char::is_whitespace)
    }) {
        return Err(Open311Error::bad(s::MEDIA_URL_INVALID));
    }
    let description = f.get("description").unwrap_or_default().to_string();
    let phone = f.get("phone").unwrap_or_default().to_string();
    let origin = ApiOrigin {
        api_key_id: key_id,
        token: token.clone(),
        contact_name: (!name.is_empty()).then_some(name),
        contact_email: email,
        media_url,
    };
    let photo_hashes: Vec<[u8; 32]> = media.iter().map(|m| Sha256::digest(&m.0).into()).collect();
    // The idempotency key: the client's token, or else the content on this day.
    let mut key = Sha256::new();
    key.update(format!("open311\0{key_id}\0"));
    match &token {
        Some(t) => key.update(format!("token\0{t}")),
        None => key.update(format!(
            "day\0{}\0{code}\0{place:?}\0{location:?}\0{description}\0{phone}\0{:?}\0{:?}\0{:?}\0{}",
            state.clock.now().cst_day(),
            origin.contact_name,
            origin.contact_email,
            origin.media_url,
            photo_hashes.iter().map(hex::encode).collect::<Vec<_>>().join(","),
        )),
    }
    let digest: [u8; 32] = key.finalize().into();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    let draft = crate::reports::ReportDraft {
        report_id: uuid::Builder::from_custom_bytes(id).into_uuid(),
        category_id: CategoryId(category.id.0),
        office_id: match place {
            Place::Grid(office) => Some(office),
            Place::Street(_) => None,
        },
        street_id: match place {
            Place::Street(street) => Some(street),
            Place::Grid(_) => None,
        },
        location,
        description,
        contact_phone: phone,
        // Stored as the time received (a device time before 2020 is a reset clock), and
        // the same in every retry.
        created_on_device: Millis(0),
    };
    let report = ValidReport::parse(draft)?;
    let base = crate::reports::service::content_hash(&report, &photo_hashes);
    let content_hash = hex::encode(Sha256::digest(format!(
        "{base}\0{:?}\0{:?}\0{:?}\0{:?}",
        origin.token, origin.contact_name, origin.contact_email, origin.media_url
    )));
    let photos = media.into_iter().map(|m| m.0).collect();
    let receipt =
        crate::reports::service::store(state, report, photos, content_hash, Some(&origin))
            .await
            .map_err(|e| match e {
                AppError::Conflict(_) => Open311Error {
                    status: 409,
                    description: s::TOKEN_REUSED.into(),
                },
                other => other.into(),
            })?;
    Ok(Node::List {
        item: "request",
        items: vec![Node::Object(vec![
            (
                "service_request_id",
                Node::text(receipt.tracking_code.to_string()),
            ),
            ("service_notice", Node::text(s::SERVICE_NOTICE)),
            ("account_id", Node::opt(None)),
        ])],
    })
}

fn location(f: &Fields) -> Result<Option<GeoPoint>> {
    let num = |name: &str| f.get(name).map(|v| v.parse::<f64>().ok());
    match (num("lat"), num("long")) {
        (None, None) => Ok(None),
        (Some(Some(lat)), Some(Some(lon)))
            if lat.is_finite()
                && lon.is_finite()
                && (-90.0..=90.0).contains(&lat)
                && (-180.0..=180.0).contains(&lon) =>
        {
            Ok(Some(GeoPoint {
                lat,
                lon,
                accuracy_m: None,
            }))
        }
        _ => Err(Open311Error::bad(s::LAT_LONG_PAIR)),
    }
}

/// Where a request goes: a street, or the office of the 单元网格 its point lies in.
#[derive(Debug, Clone, Copy)]
enum Place {
    Street(StreetId),
    Grid(OfficeId),
}

/// The place of the request: `address_id`, else a street named in `address_string`, else the
/// grid that holds `lat`/`long` (a point outside every grid of a district that has grids is
/// refused), else — in a district with no grids yet — the street of the nearest earlier
/// report within 300 m.
async fn place(state: &AppState, f: &Fields, at: Option<GeoPoint>) -> Result<Place> {
    if let Some(id) = f.get("address_id") {
        let street = id
            .parse::<i64>()
            .ok()
            .map(StreetId)
            .ok_or_else(|| Open311Error::bad(s::ADDRESS_ID_UNKNOWN))?;
        return match crate::areas::db::street_owners(&state.db, street).await? {
            Some(_) => Ok(Place::Street(street)),
            None => Err(Open311Error::bad(s::ADDRESS_ID_UNKNOWN)),
        };
    }
    let address = f.text("address_string", 200)?;
    if let Some(address) = &address {
        let streets = crate::areas::db::streets(&state.db).await?;
        // The longest street name the address contains (韩营一巷 before 韩营).
        if let Some(s) = streets
            .iter()
            .filter(|s| address.contains(s.name.as_str()))
            .max_by_key(|s| s.name.chars().count())
        {
            return Ok(Place::Street(s.id));
        }
    }
    if let Some(p) = at {
        if let Some(g) = crate::areas::grids::locate(state, p.lon, p.lat).await? {
            return Ok(Place::Grid(g.office));
        }
        if crate::areas::grids::any_grid(state).await? {
            return Err(Open311Error::bad(s::OUTSIDE_GRIDS));
        }
        if let Some(s) = db::nearest_reported_street(&state.db, p.lat, p.lon).await? {
            return Ok(Place::Street(s));
        }
    }
    if address.is_some() || at.is_some() {
        Err(Open311Error::bad(s::PLACE_UNKNOWN))
    } else {
        Err(Open311Error::bad(s::LOCATION_REQUIRED))
    }
}
