//! Open311 GeoReport v2 under `/open311/v2/`, in XML and JSON (the file suffix chooses):
//! `discovery`, `services`, `services/{code}`, `requests` (GET with the standard's filters, and
//! POST with an API key), `requests/{id}`, `tokens/{token}`.
//!
//! Field mapping: `service_request_id` is the 查询码; `service_code` the category's code and
//! `group` its group; `status` open|closed with `status_notes` from the newest public note;
//! `agency_responsible` the office; `expected_datetime` the deadline; `address` street and
//! community (`address_id` the street's number); `lat`/`long` coarsened to about 100 m as on
//! `/track`; `media_url` the public photo. Reads never include contact fields, internal notes
//! or exact coordinates. A POST lands in the office's queue like a resident's report, marked
//! with its source (the key's client) for staff; its contact fields are staff-only. The
//! admin issues and revokes keys on `/admin`; only a hash of a key is stored.
//!
//! Idempotency of POST: with a `token` field (an extension: the client's own id of the
//! request, at most 64 characters) every retry of that token from that key is answered with
//! the same report, and `tokens/{token}` finds it; without one, the same content from the
//! same key on the same China-time day is taken as a retry.

pub mod strings;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod doc;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod w3c;

use crate::domain::Millis;
use serde::{Deserialize, Serialize};

/// Where the API lives.
pub const BASE_PATH: &str = "/open311/v2";
/// Every key starts so (and is recognised by it on the admin page).
pub const KEY_PREFIX: &str = "jx_";
/// The standard's default window and the longest one asked for.
pub const WINDOW_DAYS: i64 = 90;
/// Requests in one answer: the standard's "first 1000" and the largest `page_size`.
pub const MAX_PAGE_SIZE: i64 = 1000;
/// `service_request_id` values in one list request.
pub const MAX_IDS: usize = 100;
/// The cookie that carries a new key to the admin page once (it is never stored).
pub const NEW_KEY_COOKIE: &str = "jx_new_api_key";
pub const MAX_KEY_NAME_CHARS: usize = 40;

/// A key as the admin page lists it (never the key itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyInfo {
    pub id: i64,
    pub name: String,
    /// Its first characters, to tell keys apart.
    pub key_start: String,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
}

/// The admin section's data: the keys, and a key made just now (shown this once).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiKeys {
    pub keys: Vec<ApiKeyInfo>,
    pub new_key: Option<String>,
}
