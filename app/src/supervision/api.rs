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

/// Residents' reports past their deadline (supervisors and the admin).
#[server(endpoint = "dudao/reports")]
pub async fn dudao_overdue_reports(
    #[server(default)] office: String,
    #[server(default)] level: String,
    #[server(default)] after: String,
) -> Result<super::OverdueReports, AppError> {
    let user = crate::session::auth::require_signed_in().await?;
    let state = crate::state::app_state()?;
    super::service::overdue_reports(&state, &user, &office, &level, &after).await
}

/// 催办 of a resident's report past its deadline (the supervisor).
#[server(endpoint = "dudao/press_report")]
pub async fn dudao_press_report(
    #[server(default)] report: String,
    #[server(default)] note: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let back = crate::forms::local_path(&back, super::OVERDUE_REPORTS_PATH);
    let result = async {
        let user = crate::session::auth::require_supervisor().await?;
        let state = crate::state::app_state()?;
        let id = crate::domain::ReportNo(crate::forms::parse_id(&report)?);
        super::service::press_report(&state, &user, id, &note).await?;
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
    #[server(default)] level: String,
) -> Result<FindingList, AppError> {
    let user = crate::session::auth::require_signed_in().await?;
    let state = crate::state::app_state()?;
    super::service::list(&state, &user, &status, &office, &level).await
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
    /// 改派: the office it goes to.
    #[serde(default)]
    pub office: String,
}

/// 复查通过, 复查不通过, 调整时限, 催办, 撤销, 改派.
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
                office: &input.office,
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

/// A bulletin of a period (`kind` week|month, `date` any day in it), computed now: the
/// supervisor and the admin.
#[server(endpoint = "dudao/bulletin")]
pub async fn dudao_bulletin(
    #[server(default)] kind: String,
    #[server(default)] date: String,
) -> Result<super::bulletin::Bulletin, AppError> {
    let user = crate::session::auth::require_signed_in().await?;
    if !(user.is_supervisor() || user.is_admin()) {
        return Err(AppError::Forbidden);
    }
    let state = crate::state::app_state()?;
    let (kind, from, until) = super::service::period(&kind, &date, state.clock.now())?;
    super::service::bulletin(&state, kind, from, until).await
}

/// 发布: the supervisor publishes the bulletin of a period on the public page.
#[server(endpoint = "dudao/publish")]
pub async fn dudao_publish(
    #[server(default)] kind: String,
    #[server(default)] date: String,
) -> Result<String, AppError> {
    let back = format!("/dudao/bulletin?kind={}&date={}", kind.trim(), date.trim());
    let back = crate::forms::local_path(&back, "/dudao/bulletin");
    let result = async {
        let user = crate::session::auth::require_supervisor().await?;
        let state = crate::state::app_state()?;
        let (kind, from, until) = super::service::period(&kind, &date, state.clock.now())?;
        let id = super::service::publish(&state, &user, kind, from, until).await?;
        Ok(format!("/bulletins/{id}"))
    }
    .await;
    crate::forms::finish(result, &back)
}

/// The published bulletins (public).
#[server(endpoint = "bulletins/list")]
pub async fn public_bulletins() -> Result<Vec<super::bulletin::PublishedBulletin>, AppError> {
    let state = crate::state::app_state()?;
    super::service::published(&state).await
}

/// One published bulletin, as published (public).
#[server(endpoint = "bulletins/get")]
pub async fn public_bulletin(id: i64) -> Result<super::bulletin::Bulletin, AppError> {
    let state = crate::state::app_state()?;
    super::service::published_one(&state, id).await
}

/// The escalation thresholds (the admin's page).
#[server(endpoint = "admin/escalation_rules")]
pub async fn escalation_rules() -> Result<super::escalation::Rules, AppError> {
    crate::session::auth::require_admin().await?;
    let state = crate::state::app_state()?;
    super::service::rules(&state).await
}

/// Sets the escalation thresholds (the admin).
#[server(endpoint = "admin/set_escalation_rules")]
pub async fn set_escalation_rules(
    #[server(default)] press_after_hours: String,
    #[server(default)] supervise_after_hours: String,
    #[server(default)] escalate_after_hours: String,
    #[server(default)] supervise_on_rework: String,
) -> Result<String, AppError> {
    let back = "/admin#escalation";
    let result = async {
        crate::session::auth::require_admin().await?;
        let state = crate::state::app_state()?;
        let num = |v: &str| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| AppError::bad_request(super::strings::RULES_INVALID))
        };
        super::service::set_rules(
            &state,
            super::escalation::Rules {
                press_after_hours: num(&press_after_hours)?,
                supervise_after_hours: num(&supervise_after_hours)?,
                escalate_after_hours: num(&escalate_after_hours)?,
                supervise_on_rework: num(&supervise_on_rework)?,
            },
        )
        .await?;
        Ok("/admin".to_string())
    }
    .await;
    crate::forms::finish(result, back)
}

/// The counts of 整改通知 for the signed-in office (the admin, supervisor: the district):
/// (整改中, 待复查, 超期, (催办, 督办, 提级)).
#[server(endpoint = "findings/counts")]
pub async fn findings_counts() -> Result<(i64, i64, i64, (i64, i64, i64)), AppError> {
    let user = crate::session::auth::require_signed_in().await?;
    let state = crate::state::app_state()?;
    let office = user.office_id;
    let (open, rectified, overdue) =
        super::db::counts(&state.db, office, state.clock.now()).await?;
    let escalated = super::db::escalated_counts(&state.db, office).await?;
    Ok((open, rectified, overdue, escalated))
}
