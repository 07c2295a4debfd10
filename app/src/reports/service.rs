//! Parsing a submission into domain types and storing it idempotently.
//!
//! The order matters: read the multipart body under size limits (hashing each original photo
//! as it arrives), parse the draft (pure), answer a retry from what is stored, and only then
//! check the reference data, process the photos, write the files and insert the rows.

use super::db::{self, NewReport, StoredSubmission};
use super::strings::validation as msg;
use super::{GeoPoint, MAX_DESCRIPTION_CHARS, MAX_PHOTOS, PART_PHOTO, PART_REPORT};
use super::{Receipt, ReportDraft, photo};
use crate::db::Db;
use crate::domain::{
    CategoryId, CommunityId, GridId, Millis, OfficeId, PhoneNumber, ReportStatus, StreetId,
    TrackingCode,
};
use crate::error::AppError;
use crate::forms::upload::{malformed, read_field};
use crate::state::AppState;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `report` part is a small JSON object; anything bigger is not from our client.
const MAX_REPORT_PART_BYTES: usize = 64 * 1024;
/// Draws of a fresh tracking code before giving up (a collision is already ~1e-6 likely).
const TRACKING_CODE_ATTEMPTS: usize = 5;
/// 2020-01-01T00:00:00Z: a device time before this is a reset clock.
const EARLIEST_DEVICE_TIME: Millis = Millis(1_577_836_800_000);

/// Whether a `Content-Type` names multipart/form-data with a boundary. The server checks this
/// before the server function runs: server_fn's multipart decoder panics without a boundary.
pub fn has_multipart_boundary(content_type: &str) -> bool {
    multer::parse_boundary(content_type).is_ok()
}

/// A submission read from its multipart body and parsed: the report, its photos as
/// uploaded, and the fingerprint a retry must match.
pub struct Submission {
    pub report: ValidReport,
    pub photos: Vec<Vec<u8>>,
    pub content_hash: String,
}

/// Reads and parses a submission (the resident's form, the same for a supervisor's phone:
/// the `intake` module decides where it goes).
pub async fn read_submission(
    multipart: multer::Multipart<'static>,
    photo_max_bytes: usize,
) -> Result<Submission, AppError> {
    let upload = Upload::read(multipart, photo_max_bytes).await?;
    let report = ValidReport::parse(upload.draft)?;
    let content_hash = content_hash(&report, &upload.original_hashes);
    Ok(Submission {
        report,
        photos: upload.photos,
        content_hash,
    })
}

/// A resident's submission: read, stored with its photos, or a retry answered with the
/// receipt it already got.
pub async fn submit(
    state: &AppState,
    multipart: multer::Multipart<'static>,
) -> Result<Receipt, AppError> {
    let s = read_submission(multipart, state.settings.photo_max_bytes).await?;
    store(state, s.report, s.photos, s.content_hash, None).await
}

/// Stores a parsed report with its photos (as uploaded), or answers a retry of its
/// `client_uuid` with the receipt it already got (other content under it: 409). The one
/// path of the resident's submissions and of the Open311 clients' (`origin`).
pub async fn store(
    state: &AppState,
    report: ValidReport,
    originals: Vec<Vec<u8>>,
    content_hash: String,
    origin: Option<&super::db::open311::ApiOrigin>,
) -> Result<Receipt, AppError> {
    if let Some(stored) = db::submission_by_client_uuid(&state.db, report.client_uuid).await? {
        return same_or_conflict(stored, &content_hash);
    }

    let place = resolve_place(state, &report).await?;

    let photos = photo::store_all(&state.settings.photo_store(), originals).await?;

    let received_at = state.clock.now();
    let new = NewReport {
        client_uuid: report.client_uuid,
        content_hash: &content_hash,
        category_id: report.category_id,
        office_id: place.office_id,
        community_id: place.community_id,
        street_id: place.street_id,
        grid_id: place.grid_id,
        location: report.location,
        description: report.description.as_str(),
        contact_phone: report.contact_phone.as_ref(),
        created_on_device: report.device_time_for_storage(received_at),
        received_at,
        photos: &photos,
        origin,
    };
    let receipt = insert_with_fresh_code(&state.db, &new).await?;
    tracing::info!(
        report = %receipt.report_id,
        code = %receipt.tracking_code,
        photos = photos.len(),
        "report received"
    );
    Ok(receipt)
}

/// A retry with the same content gets the stored receipt; other content under the same
/// report id is refused, never silently merged.
fn same_or_conflict(stored: StoredSubmission, content_hash: &str) -> Result<Receipt, AppError> {
    if stored.content_hash == content_hash {
        Ok(stored.receipt)
    } else {
        Err(AppError::Conflict(msg::REPORT_ID_REUSED.into()))
    }
}

async fn insert_with_fresh_code(db: &Db, new: &NewReport<'_>) -> Result<Receipt, AppError> {
    for _ in 0..TRACKING_CODE_ATTEMPTS {
        let code = TrackingCode::from_random(rand::random());
        match db::insert_submission(db, new, &code).await? {
            Some(_) => {
                return Ok(Receipt {
                    report_id: new.client_uuid,
                    tracking_code: code,
                    received_at: new.received_at,
                    status: ReportStatus::Pending,
                });
            }
            None => {
                // Either a concurrent submission of the same report won the race, or the
                // tracking code is taken. The first is answered like any retry.
                if let Some(stored) = db::submission_by_client_uuid(db, new.client_uuid).await? {
                    return same_or_conflict(stored, new.content_hash);
                }
                tracing::warn!("tracking code collision, drawing another");
            }
        }
    }
    tracing::error!("no free tracking code after {TRACKING_CODE_ATTEMPTS} attempts");
    Err(AppError::Internal)
}

// ---- the multipart body ----

/// The raw parts of a submission, read under limits.
struct Upload {
    draft: ReportDraft,
    /// The photos exactly as uploaded, in order.
    photos: Vec<Vec<u8>>,
    /// sha256 of each uploaded photo (the idempotency fingerprint uses the originals).
    original_hashes: Vec<[u8; 32]>,
}

impl Upload {
    async fn read(
        mut multipart: multer::Multipart<'static>,
        photo_max_bytes: usize,
    ) -> Result<Self, AppError> {
        let result = Self::read_parts(&mut multipart, photo_max_bytes).await;
        if result.is_err() {
            // Read (and drop) the rest before answering: a client still sending its body
            // when the connection closes sees a reset instead of our error, and the
            // offline queue would retry a hopeless upload forever. The server's body
            // limit bounds how much this reads.
            while let Ok(Some(field)) = multipart.next_field().await {
                drop(field);
            }
        }
        result
    }

    async fn read_parts(
        multipart: &mut multer::Multipart<'static>,
        photo_max_bytes: usize,
    ) -> Result<Self, AppError> {
        let mut draft = None;
        let mut photos = Vec::new();
        let mut original_hashes = Vec::new();
        while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
            match field.name() {
                Some(PART_REPORT) => {
                    if draft.is_some() {
                        return Err(AppError::bad_request(msg::DUPLICATE_REPORT_PART));
                    }
                    let json = read_field(&mut field, MAX_REPORT_PART_BYTES, || {
                        AppError::PayloadTooLarge(msg::REPORT_PART_TOO_LARGE.into())
                    })
                    .await?;
                    let parsed: ReportDraft = serde_json::from_slice(&json).map_err(|e| {
                        tracing::info!(error = %e, "unreadable report part");
                        AppError::bad_request(msg::MALFORMED_REPORT)
                    })?;
                    draft = Some(parsed);
                }
                Some(PART_PHOTO) => {
                    if photos.len() == MAX_PHOTOS {
                        return Err(AppError::bad_request(msg::too_many_photos(MAX_PHOTOS)));
                    }
                    let bytes = read_field(&mut field, photo_max_bytes, || {
                        AppError::PayloadTooLarge(msg::photo_too_large(photo_max_bytes))
                    })
                    .await?;
                    original_hashes.push(Sha256::digest(&bytes).into());
                    photos.push(bytes);
                }
                other => {
                    return Err(AppError::bad_request(msg::unknown_part(
                        other.unwrap_or_default(),
                    )));
                }
            }
        }
        let draft = draft.ok_or_else(|| AppError::bad_request(msg::MISSING_REPORT))?;
        if photos.is_empty() {
            return Err(AppError::bad_request(msg::NO_PHOTOS));
        }
        Ok(Self {
            draft,
            photos,
            original_hashes,
        })
    }
}

// ---- the report, parsed ----

/// A description as stored: trimmed, at most [`MAX_DESCRIPTION_CHARS`] characters, line
/// breaks as `\n`, no other control characters (PostgreSQL refuses NUL in text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    pub fn parse(input: &str) -> Result<Self, AppError> {
        let cleaned: String = input
            .replace("\r\n", "\n")
            .chars()
            .map(|c| if c == '\t' || c == '\r' { ' ' } else { c })
            .filter(|c| *c == '\n' || !c.is_control())
            .collect();
        let trimmed = cleaned.trim();
        if trimmed.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(AppError::bad_request(msg::description_too_long(
                MAX_DESCRIPTION_CHARS,
            )));
        }
        Ok(Self(trimmed.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where the report says it is: a street decides its community and office; with GPS only,
/// the resident names the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceClaim {
    Street(StreetId),
    GpsInOffice(OfficeId),
}

/// A submission that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidReport {
    pub client_uuid: Uuid,
    pub category_id: CategoryId,
    pub place: PlaceClaim,
    pub location: Option<GeoPoint>,
    pub description: Description,
    pub contact_phone: Option<PhoneNumber>,
    /// As the device sent it (part of the idempotency fingerprint); see
    /// [`ValidReport::device_time_for_storage`].
    pub created_on_device: Millis,
}

impl ValidReport {
    pub fn parse(draft: ReportDraft) -> Result<Self, AppError> {
        let description = Description::parse(&draft.description)?;
        let contact_phone = match draft.contact_phone.trim() {
            "" => None,
            phone => {
                Some(PhoneNumber::parse(phone).map_err(|e| AppError::bad_request(e.to_string()))?)
            }
        };
        let location = draft.location.map(parse_location).transpose()?;
        let place = match (draft.street_id, location, draft.office_id) {
            (Some(street), _, _) => PlaceClaim::Street(street),
            (None, Some(_), Some(office)) => PlaceClaim::GpsInOffice(office),
            (None, Some(_), None) => return Err(AppError::bad_request(msg::OFFICE_REQUIRED)),
            (None, None, _) => return Err(AppError::bad_request(msg::PLACE_REQUIRED)),
        };
        Ok(Self {
            client_uuid: draft.report_id,
            category_id: draft.category_id,
            place,
            location,
            description,
            contact_phone,
            created_on_device: draft.created_on_device,
        })
    }

    /// The device clock is clamped, not trusted and not grounds for refusal (the resident
    /// cannot fix a queued report): a time in the future, or before 2020 (a reset clock),
    /// is stored as the time the server received the report.
    pub fn device_time_for_storage(&self, received_at: Millis) -> Millis {
        let t = self.created_on_device;
        if t > received_at || t < EARLIEST_DEVICE_TIME {
            received_at
        } else {
            t
        }
    }
}

fn parse_location(p: GeoPoint) -> Result<GeoPoint, AppError> {
    let lat_ok = p.lat.is_finite() && (-90.0..=90.0).contains(&p.lat);
    let lon_ok = p.lon.is_finite() && (-180.0..=180.0).contains(&p.lon);
    let acc_ok = p.accuracy_m.is_none_or(|a| a.is_finite() && a >= 0.0);
    if lat_ok && lon_ok && acc_ok {
        Ok(p)
    } else {
        Err(AppError::bad_request(msg::LOCATION_INVALID))
    }
}

/// The office (and community and street) the report belongs to, checked against the
/// reference data, together with its category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedPlace {
    pub office_id: OfficeId,
    pub community_id: Option<CommunityId>,
    pub street_id: Option<StreetId>,
    /// The 单元网格 that holds the report's point. A named street decides the office even
    /// where the point lies in another office's grid (staff see the difference).
    pub grid_id: Option<GridId>,
}

pub async fn resolve_place(
    state: &AppState,
    report: &ValidReport,
) -> Result<ResolvedPlace, AppError> {
    let db = &state.db;
    if !crate::areas::db::category_rule(db, report.category_id)
        .await?
        .is_some_and(|c| c.active)
    {
        return Err(AppError::bad_request(msg::UNKNOWN_CATEGORY));
    }
    let grid = match report.location {
        Some(p) => crate::areas::grids::locate(state, p.lon, p.lat).await?,
        None => None,
    };
    match report.place {
        PlaceClaim::Street(street) => {
            let (community, office) = crate::areas::db::street_owners(db, street)
                .await?
                .ok_or_else(|| AppError::bad_request(msg::UNKNOWN_STREET))?;
            Ok(ResolvedPlace {
                office_id: office,
                community_id: Some(community),
                street_id: Some(street),
                grid_id: grid.map(|g| g.grid),
            })
        }
        PlaceClaim::GpsInOffice(office) => {
            if !crate::areas::db::office_exists(db, office).await? {
                return Err(AppError::bad_request(msg::UNKNOWN_OFFICE));
            }
            // The grid's community, when the grid is the office's.
            let in_office = grid.filter(|g| g.office == office);
            Ok(ResolvedPlace {
                office_id: office,
                community_id: in_office.and_then(|g| g.community),
                street_id: None,
                grid_id: grid.map(|g| g.grid),
            })
        }
    }
}

/// The idempotency fingerprint: sha256 over a length-prefixed encoding of the parsed fields
/// and of each original photo's sha256, in order. Same draft and same photos → same hash.
pub fn content_hash(report: &ValidReport, original_photo_hashes: &[[u8; 32]]) -> String {
    let mut h = Sha256::new();
    let mut field = |name: &str, value: &str| {
        h.update(format!("{name}:{}:", value.len()));
        h.update(value.as_bytes());
        h.update(b"\n");
    };
    field("v", "1");
    field("report_id", &report.client_uuid.to_string());
    field("category_id", &report.category_id.to_string());
    field(
        "place",
        &match report.place {
            PlaceClaim::Street(s) => format!("street {s}"),
            PlaceClaim::GpsInOffice(o) => format!("office {o}"),
        },
    );
    field(
        "location",
        &match report.location {
            // Bit patterns: exact, and the same for the same JSON number.
            Some(p) => format!(
                "{:016x} {:016x} {}",
                p.lat.to_bits(),
                p.lon.to_bits(),
                p.accuracy_m
                    .map_or_else(|| "-".to_string(), |a| format!("{:016x}", a.to_bits()))
            ),
            None => "-".into(),
        },
    );
    field("description", report.description.as_str());
    field(
        "contact_phone",
        report.contact_phone.as_ref().map_or("", |p| p.as_str()),
    );
    field("created_on_device", &report.created_on_device.0.to_string());
    for hash in original_photo_hashes {
        field("photo", &hex::encode(hash));
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ReportDraft {
        ReportDraft {
            report_id: Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001),
            category_id: CategoryId(1),
            office_id: None,
            street_id: Some(StreetId(3)),
            location: None,
            description: "  巷口垃圾三天没人清理  ".into(),
            contact_phone: String::new(),
            created_on_device: Millis(1_795_786_380_000),
        }
    }

    fn bad_request_message(r: Result<ValidReport, AppError>) -> String {
        match r {
            Err(AppError::BadRequest(m)) => m,
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn a_street_report_parses_and_trims() {
        let r = ValidReport::parse(draft()).unwrap();
        assert_eq!(r.place, PlaceClaim::Street(StreetId(3)));
        assert_eq!(r.description.as_str(), "巷口垃圾三天没人清理");
        assert_eq!(r.contact_phone, None);
    }

    #[test]
    fn description_counts_characters_not_bytes() {
        let ok = Description::parse(&"垃".repeat(MAX_DESCRIPTION_CHARS)).unwrap();
        assert_eq!(ok.as_str().chars().count(), MAX_DESCRIPTION_CHARS);
        assert!(Description::parse(&"垃".repeat(MAX_DESCRIPTION_CHARS + 1)).is_err());
        // Surrounding blanks do not count.
        let padded = format!("  {}\n ", "a".repeat(MAX_DESCRIPTION_CHARS));
        assert!(Description::parse(&padded).is_ok());
    }

    #[test]
    fn description_drops_control_characters_but_keeps_lines() {
        let d = Description::parse("第一行\r\n第二行\u{0}\u{7}\t完").unwrap();
        assert_eq!(d.as_str(), "第一行\n第二行 完");
    }

    #[test]
    fn phone_is_optional_but_checked() {
        let mut d = draft();
        d.contact_phone = "  ".into();
        assert_eq!(ValidReport::parse(d.clone()).unwrap().contact_phone, None);
        d.contact_phone = "138 1234 5678".into();
        assert_eq!(
            ValidReport::parse(d.clone())
                .unwrap()
                .contact_phone
                .unwrap()
                .as_str(),
            "13812345678"
        );
        d.contact_phone = "12345".into();
        assert_eq!(
            bad_request_message(ValidReport::parse(d)),
            crate::domain::phone::PhoneNumberError.to_string()
        );
    }

    #[test]
    fn a_place_is_required_and_gps_needs_an_office() {
        let mut d = draft();
        d.street_id = None;
        assert_eq!(
            bad_request_message(ValidReport::parse(d.clone())),
            msg::PLACE_REQUIRED
        );
        d.location = Some(GeoPoint {
            lat: 33.62,
            lon: 114.65,
            accuracy_m: Some(12.0),
        });
        assert_eq!(
            bad_request_message(ValidReport::parse(d.clone())),
            msg::OFFICE_REQUIRED
        );
        d.office_id = Some(OfficeId(2));
        assert_eq!(
            ValidReport::parse(d).unwrap().place,
            PlaceClaim::GpsInOffice(OfficeId(2))
        );
    }

    #[test]
    fn impossible_coordinates_are_refused() {
        for (lat, lon, acc) in [
            (91.0, 114.0, None),
            (33.0, -181.0, None),
            (f64::NAN, 114.0, None),
            (33.0, f64::INFINITY, None),
            (33.0, 114.0, Some(-1.0)),
            (33.0, 114.0, Some(f64::NAN)),
        ] {
            let mut d = draft();
            d.location = Some(GeoPoint {
                lat,
                lon,
                accuracy_m: acc,
            });
            assert_eq!(
                bad_request_message(ValidReport::parse(d)),
                msg::LOCATION_INVALID
            );
        }
    }

    #[test]
    fn device_time_is_clamped_not_refused() {
        let now = Millis(1_800_000_000_000);
        let mut d = draft();
        d.created_on_device = Millis(now.0 - 60_000);
        let r = ValidReport::parse(d.clone()).unwrap();
        assert_eq!(r.device_time_for_storage(now), Millis(now.0 - 60_000));
        d.created_on_device = Millis(now.0 + 86_400_000 * 365);
        let r = ValidReport::parse(d.clone()).unwrap();
        assert_eq!(r.device_time_for_storage(now), now);
        d.created_on_device = Millis(0);
        let r = ValidReport::parse(d).unwrap();
        assert_eq!(r.device_time_for_storage(now), now);
    }

    #[test]
    fn content_hash_is_stable_and_sensitive() {
        let r = ValidReport::parse(draft()).unwrap();
        let photos = [[1u8; 32], [2u8; 32]];
        let h = content_hash(&r, &photos);
        assert_eq!(h, content_hash(&r, &photos));
        assert_eq!(h.len(), 64);
        // Blanks around the description are not content.
        let mut d = draft();
        d.description = "巷口垃圾三天没人清理".into();
        assert_eq!(h, content_hash(&ValidReport::parse(d).unwrap(), &photos));
        // Photo order, a different photo, a different field: different content.
        assert_ne!(h, content_hash(&r, &[[2u8; 32], [1u8; 32]]));
        assert_ne!(h, content_hash(&r, &photos[..1]));
        let mut d = draft();
        d.category_id = CategoryId(2);
        assert_ne!(h, content_hash(&ValidReport::parse(d).unwrap(), &photos));
    }

    #[test]
    fn boundary_is_required() {
        assert!(has_multipart_boundary(
            "multipart/form-data; boundary=----x123"
        ));
        assert!(!has_multipart_boundary("multipart/form-data"));
        assert!(!has_multipart_boundary("application/json"));
        assert!(!has_multipart_boundary(""));
    }
}
