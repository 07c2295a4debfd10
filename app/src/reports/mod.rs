//! Resident reports: what the phone sends, the receipt it gets back, and the public view
//! behind a tracking code (查询码). The same submission (`api::submit_report`, multipart)
//! serves the online form and, later, the offline queue.

pub mod api;
pub mod strings;

#[cfg(feature = "hydrate")]
pub mod client;
pub mod pages;
pub mod queue;
#[cfg(feature = "hydrate")]
pub mod queue_store;
pub mod record;
#[cfg(feature = "hydrate")]
pub mod sync;
pub mod triage;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod jpeg;
#[cfg(feature = "ssr")]
pub mod photo;
#[cfg(feature = "ssr")]
pub mod placement;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::{CategoryId, Millis, OfficeId, ReportStatus, StreetId, TrackingCode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where the submission server function listens (pinned, so queued items survive deploys).
pub const SUBMIT_PATH: &str = "/api/reports/submit";
/// Multipart part holding the JSON of [`ReportDraft`].
pub const PART_REPORT: &str = "report";
/// Multipart part name of each photo (1 to [`MAX_PHOTOS`] of them).
pub const PART_PHOTO: &str = "photo";
pub use crate::forms::MAX_PHOTOS;
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// Photos are downscaled on the phone (and again on the server if needed) to this long edge.
pub const PHOTO_LONG_EDGE: u32 = 1600;
pub const THUMB_LONG_EDGE: u32 = 320;
/// How many tracking codes `/my` may ask about in one call.
pub const MAX_CODES_PER_QUERY: usize = 100;

/// A GPS fix from the phone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
    /// Accuracy radius in metres, as the browser reports it.
    pub accuracy_m: Option<f64>,
}

impl GeoPoint {
    /// About 100 m: enough to find the alley, not the house. The only form the public sees.
    pub fn coarse(&self) -> (f64, f64) {
        (
            (self.lat * 1000.0).round() / 1000.0,
            (self.lon * 1000.0).round() / 1000.0,
        )
    }

    /// [`GeoPoint::coarse`] of stored coordinates, when there are both.
    pub fn coarse_of(lat: Option<f64>, lon: Option<f64>) -> Option<(f64, f64)> {
        match (lat, lon) {
            (Some(lat), Some(lon)) => Some(
                Self {
                    lat,
                    lon,
                    accuracy_m: None,
                }
                .coarse(),
            ),
            _ => None,
        }
    }
}

/// The report as the phone composes it: the JSON in the `report` part of the multipart body.
/// Raw on purpose — the server parses it into domain types and explains what is wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDraft {
    /// Made on the phone (UUID v7): the idempotency key of every retry.
    pub report_id: Uuid,
    pub category_id: CategoryId,
    /// Required when no street is chosen (GPS only), so the report reaches an office.
    pub office_id: Option<OfficeId>,
    pub street_id: Option<StreetId>,
    pub location: Option<GeoPoint>,
    #[serde(default)]
    pub description: String,
    /// Empty when the resident gave none.
    #[serde(default)]
    pub contact_phone: String,
    /// When the resident pressed 提交 (device clock).
    pub created_on_device: Millis,
}

/// What the server answers to a stored report — also to every retry of the same report id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub report_id: Uuid,
    pub tracking_code: TrackingCode,
    pub received_at: Millis,
    pub status: ReportStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoKind {
    /// The resident's photo of the problem.
    Before,
    /// Staff's photo after 整改.
    After,
}

impl PhotoKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Before => "before",
            Self::After => "after",
        }
    }
}

/// A stored photo, addressed by the sha256 of its (re-encoded) JPEG.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub sha256: String,
    pub kind: PhotoKind,
    pub width: u32,
    pub height: u32,
}

impl PhotoRef {
    pub fn url(&self) -> String {
        format!("/photos/{}.jpg", self.sha256)
    }
    pub fn thumb_url(&self) -> String {
        format!("/photos/{}/thumb.jpg", self.sha256)
    }
}

/// One public step of the timeline (internal notes are never included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicEvent {
    pub at: Millis,
    pub status: ReportStatus,
    pub note: Option<String>,
}

/// What anyone holding the tracking code may see. Never the phone number; GPS only coarsened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicReport {
    pub tracking_code: TrackingCode,
    pub category_name: String,
    pub category_icon: String,
    pub office_name: String,
    /// "韩营 · 韩营一巷" when a street was chosen.
    pub place: Option<String>,
    /// Rounded to 3 decimals.
    pub coarse_location: Option<(f64, f64)>,
    pub description: String,
    pub status: ReportStatus,
    pub received_at: Millis,
    pub photos: Vec<PhotoRef>,
    pub timeline: Vec<PublicEvent>,
    /// Closed, and the resident has not answered 已解决 / 仍未解决 since.
    pub can_answer: bool,
}

/// A line of `/my`: the resident's own reports, looked up by the codes kept on the phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyReport {
    pub tracking_code: TrackingCode,
    pub category_name: String,
    pub category_icon: String,
    pub place: Option<String>,
    pub status: ReportStatus,
    pub received_at: Millis,
    pub thumb: Option<PhotoRef>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_location_rounds_to_about_100m() {
        let p = GeoPoint {
            lat: 33.623_456,
            lon: 114.654_987,
            accuracy_m: Some(8.0),
        };
        assert_eq!(p.coarse(), (33.623, 114.655));
    }
}
