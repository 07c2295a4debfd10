//! Server functions of resident reports. Thin: parse, authorize, call the service, map errors.
//! The heavy lifting (validation into domain types, photos, SQL) lives in `service.rs`,
//! `photo.rs` and `db.rs`, all server-only.

use super::{MyReport, PublicReport};
use crate::error::AppError;
use leptos::prelude::*;

/// Where the resident's 回访 (multipart) is posted; its server function is the staff
/// area's (`staff::api::resident_feedback`), which applies the answer to the report's
/// workflow.
pub const FEEDBACK_PATH: &str = "/api/reports/feedback";

/// The public view of one report, by its tracking code.
#[server(endpoint = "reports/track")]
pub async fn track_report(code: String) -> Result<PublicReport, AppError> {
    async {
        let state = crate::state::app_state()?;
        let client = state.limits.admit_lookup().await?;
        let found = async {
            let code = crate::domain::TrackingCode::parse(&code)
                .map_err(|e| AppError::bad_request(e.to_string()))?;
            super::db::public_report(&state.db, &code)
                .await?
                .ok_or(AppError::NotFound)
        }
        .await;
        state.limits.charge_outcome(client, &found).await;
        found
    }
    .await
}

/// The resident's own reports (codes kept on the phone), in one batched call.
/// Unknown or malformed codes are skipped, so one bad entry on the phone hides nothing else.
#[server(endpoint = "reports/mine")]
pub async fn my_reports(codes: Vec<String>) -> Result<Vec<MyReport>, AppError> {
    async {
        let state = crate::state::app_state()?;
        if codes.len() > super::MAX_CODES_PER_QUERY {
            return Err(AppError::bad_request(
                super::strings::validation::TOO_MANY_CODES,
            ));
        }
        let client = state.limits.admit_lookup().await?;
        let parsed: Vec<_> = codes
            .iter()
            .map(|c| crate::domain::TrackingCode::parse(c).ok())
            .collect();
        let valid: Vec<_> = parsed.iter().flatten().cloned().collect();
        let found = super::db::my_reports(&state.db, &valid).await?;
        // The codes are answered in the order asked while the client's look-up budget
        // lasts: one unit for the call, a hit's cost per report found, a miss's per code
        // that matched nothing. A phone's own codes are hits and cheap; a list of guesses
        // is cut off after as many misses as /track would allow, and the hits past that
        // point are not revealed.
        let budget = state.limits.remaining(client).await;
        let mut spent = crate::ratelimit::LOOKUP_HIT;
        let mut answered = Vec::new();
        for code in &parsed {
            let hit = code
                .as_ref()
                .filter(|c| found.iter().any(|r| &r.tracking_code == *c));
            let cost = match hit {
                Some(_) => crate::ratelimit::LOOKUP_HIT,
                None => crate::ratelimit::LOOKUP_MISS,
            };
            if spent + cost > budget {
                break;
            }
            spent += cost;
            answered.extend(hit.cloned());
        }
        state.limits.charge(client, spent).await;
        // In the database's order (newest first), as /my lists them.
        Ok(found
            .into_iter()
            .filter(|r| answered.contains(&r.tracking_code))
            .collect())
    }
    .await
}
