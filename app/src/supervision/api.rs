//! Server functions of 督导 (thin: who is calling, then `service`). Form posts answer a
//! browser with a redirect carrying the outcome (`forms::finish`), scripts with the result.

use super::{FindingDetail, FindingList, RoundDetail, SupervisorHome};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

/// The supervisor's start page.
#[server(endpoint = "dudao/home")]
pub async fn dudao_home() -> Result<SupervisorHome, AppError> {
    let user = crate::session::auth::require_supervisor().await?;
    let state = crate::state::app_state()?;
    super::service::home(&state, &user).await
}

/// 开始检查 (multipart: a checkbox per covered community or street).
#[server(input = MultipartFormData, endpoint = "dudao/start_round")]
pub async fn dudao_start_round(data: MultipartData) -> Result<String, AppError> {
    let back = super::SUPERVISOR_HOME;
    let result = async {
        let user = crate::session::auth::require_supervisor().await?;
        let state = crate::state::app_state()?;
        let multipart = data.into_inner().ok_or_else(|| {
            AppError::bad_request(crate::reports::strings::validation::NOT_MULTIPART)
        })?;
        // No photos here: a photo part is refused by its size limit of zero.
        let form = crate::forms::FormUpload::read_with(multipart, 0, 512).await?;
        let id = super::service::start_round(&state, &user, &form).await?;
        Ok(format!("/dudao/round/{}", id.0))
    }
    .await;
    crate::forms::finish(result, back)
}

/// 结束本轮检查.
#[server(endpoint = "dudao/end_round")]
pub async fn dudao_end_round(#[server(default)] round: String) -> Result<String, AppError> {
    let back = format!("/dudao/round/{}", round.trim());
    let result = async {
        let user = crate::session::auth::require_supervisor().await?;
        let state = crate::state::app_state()?;
        let id = crate::domain::RoundId(crate::forms::parse_id(&round)?);
        super::service::end_round(&state, &user, id).await?;
        Ok(back.clone())
    }
    .await;
    crate::forms::finish(result, &back)
}

/// A round's page (supervisors and the admin).
#[server(endpoint = "dudao/round")]
pub async fn dudao_round(id: i64) -> Result<RoundDetail, AppError> {
    let user = crate::session::auth::require_signed_in().await?;
    let state = crate::state::app_state()?;
    super::service::round(&state, &user, crate::domain::RoundId(id)).await
}

/// 整改通知: the office's (staff), or every office's or one (supervisor, admin).
#[server(endpoint = "findings/list")]
pub async fn findings_list(
    #[server(default)] status: String,
    #[server(default)] office: String,
) -> Result<FindingList, AppError> {
    let user = crate::session::auth::require_signed_in().await?;
    let state = crate::state::app_state()?;
    super::service::list(&state, &user, &status, &office).await
}

/// A finding's page (the responsible office, supervisors, the admin).
#[server(endpoint = "findings/detail")]
pub async fn get_finding(id: i64) -> Result<FindingDetail, AppError> {
    let user = crate::session::auth::require_signed_in().await?;
    let state = crate::state::app_state()?;
    super::service::detail(&state, &user, crate::domain::FindingId(id)).await
}

/// A step of a finding as its page's forms post it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingActForm {
    #[serde(deserialize_with = "crate::forms::int_field")]
    pub finding: i64,
    #[serde(deserialize_with = "crate::forms::int_field")]
    pub version: i64,
    pub action: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub deadline_hours: String,
}

/// 复查通过, 复查不通过, 调整时限, 催办, 撤销.
#[server(endpoint = "findings/act")]
pub async fn finding_act(#[server(flatten)] input: FindingActForm) -> Result<String, AppError> {
    let back = format!("/findings/{}", input.finding);
    let result = async {
        let user = crate::session::auth::require_signed_in().await?;
        let state = crate::state::app_state()?;
        super::service::act(
            &state,
            &user,
            super::service::StepInput {
                finding: crate::domain::FindingId(input.finding),
                version: input.version,
                action: &input.action,
                note: &input.note,
                deadline_hours: &input.deadline_hours,
            },
        )
        .await?;
        Ok(back.clone())
    }
    .await;
    crate::forms::finish(result, &back)
}

/// 整改完成: multipart with `finding`, `version`, `note` and 1–3 `photo` parts.
#[server(input = MultipartFormData, endpoint = "findings/rectify")]
pub async fn finding_rectify(data: MultipartData) -> Result<String, AppError> {
    let mut back = super::FINDINGS_HOME.to_string();
    let result = async {
        let user = crate::session::auth::require_signed_in().await?;
        let state = crate::state::app_state()?;
        let multipart = data.into_inner().ok_or_else(|| {
            AppError::bad_request(crate::reports::strings::validation::NOT_MULTIPART)
        })?;
        let form =
            crate::forms::FormUpload::read(multipart, state.settings.photo_max_bytes).await?;
        if let Ok(id) = form.int("finding") {
            back = format!("/findings/{id}");
        }
        let id = super::service::rectify(&state, &user, form).await?;
        Ok(format!("/findings/{}", id.0))
    }
    .await;
    crate::forms::finish(result, &back)
}
