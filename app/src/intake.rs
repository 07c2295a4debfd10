//! The one submission form and device queue of residents and supervisors
//! (`POST /api/reports/submit`): a report goes to `reports`, a signed-in supervisor's
//! submission is a finding of the round that supervisor has open (`supervision`), never a
//! resident's report. Above both areas, so that neither needs the other for it.

use crate::error::AppError;
use crate::reports::Receipt;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

/// Stores a report with its photos. Multipart: a `report` part (JSON of `ReportDraft`) and
/// 1–3 `photo` parts. Idempotent on the draft's `report_id`: a retry gets the same receipt.
#[server(input = MultipartFormData, endpoint = "reports/submit")]
pub async fn submit_report(data: MultipartData) -> Result<Receipt, AppError> {
    async {
        let state = crate::state::app_state()?;
        let multipart = data.into_inner().ok_or_else(|| {
            AppError::bad_request(crate::reports::strings::validation::NOT_MULTIPART)
        })?;
        // A signed-in supervisor's phone sends findings this way (the same device queue).
        let by = crate::session::auth::current_user().await?;
        let s = crate::reports::service::read_submission(multipart, state.settings.photo_max_bytes)
            .await?;
        if let Some(supervisor) = by.as_ref().filter(|u| u.is_supervisor()) {
            return crate::supervision::service::record_finding(
                &state,
                supervisor,
                s.report,
                s.photos,
                s.content_hash,
            )
            .await;
        }
        crate::reports::service::store(&state, s.report, s.photos, s.content_hash, None).await
    }
    .await
}
