//! Server functions of staff triage. Thin: authenticate, authorize, call the service, answer
//! (`crate::forms` redirects browser form posts; other callers get JSON and the HTTP status).
//! Every function checks the session first and the report's office on the server.

use super::{ActForm, Dashboard, Inbox, InboxCounts, QueuePage, QueueQuery, ReportDetail};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

/// Where 整改完成 (multipart) is posted; the server's guard checks its boundary and size.
pub const RECTIFY_PATH: &str = "/api/staff/rectify";

#[server(endpoint = "staff/login")]
pub async fn staff_login(
    username: String,
    password: String,
    #[server(default)] next: String,
) -> Result<String, AppError> {
    use crate::forms::{finish, local_path};
    let result = async {
        let state = crate::state::app_state()?;
        let client = crate::client_addr::ClientKey::current(state.settings.trust_proxy);
        let device = use_context::<axum::http::request::Parts>().and_then(|p| {
            crate::session::auth::cookie(&p.headers, crate::session::auth::DEVICE_COOKIE_NAME)
        });
        let done = crate::session::auth::login(
            &state.db,
            &username,
            &password,
            &client.to_string(),
            device.as_deref(),
        )
        .await?;
        let secure = state.settings.cookie_secure;
        crate::session::auth::set_cookie(&crate::session::auth::session_cookie(
            &done.session_token,
            secure,
        ));
        if let Some(device) = &done.new_device_token {
            crate::session::auth::set_cookie(&crate::session::auth::device_cookie(device, secure));
        }
        Ok(local_path(&next, done.user.home()))
    }
    .await
    .map_err(|e| match e {
        AppError::Forbidden => AppError::bad_request(crate::session::strings::ACCOUNT_DISABLED),
        AppError::TooManyRequests { .. } => {
            // Browsers read the message; scripts get the 429 with Retry-After.
            if crate::forms::accepts_html()
                && let AppError::TooManyRequests { retry_after_secs } = e
            {
                AppError::bad_request(crate::session::strings::login_throttled(retry_after_secs))
            } else {
                e
            }
        }
        other => other,
    });
    finish(result, super::LOGIN_PATH)
}

#[server(endpoint = "staff/logout")]
pub async fn staff_logout() -> Result<String, AppError> {
    let result = async {
        let state = crate::state::app_state()?;
        if let Some(parts) = use_context::<axum::http::request::Parts>()
            && let Some(token) = crate::session::auth::token_from_headers(&parts.headers)
        {
            crate::session::auth::logout(&state.db, &token).await?;
        }
        crate::session::auth::set_cookie(&crate::session::auth::clear_cookie(
            state.settings.cookie_secure,
        ));
        Ok(super::LOGIN_PATH.to_string())
    }
    .await;
    crate::forms::finish(result, super::LOGIN_PATH)
}

/// One page of the queue: the page's query string, field by field (`office`, `status`, …,
/// `after`; "" = not set); a malformed value is a 400 with the reason.
#[server(endpoint = "staff/queue")]
pub async fn staff_queue(#[server(flatten)] query: QueueQuery) -> Result<QueuePage, AppError> {
    async {
        let user = crate::session::auth::require_staff().await?;
        let filter = super::QueueFilter::parse(&query)?;
        // Staff see their own office only, whatever the office filter says.
        let scope = if user.is_admin() {
            filter.office
        } else {
            user.office_id
        };
        if !user.is_admin() && filter.office.is_some_and(|o| Some(o) != user.office_id) {
            return Err(AppError::Forbidden);
        }
        let state = crate::state::app_state()?;
        crate::reports::db::triage::queue(
            &state.db,
            scope,
            &filter,
            state.clock.now(),
            super::PAGE_SIZE,
        )
        .await
    }
    .await
}

/// The full report (photos, phone, timeline) — only for its office's staff and the admin.
#[server(endpoint = "staff/report")]
pub async fn staff_report(id: i64) -> Result<ReportDetail, AppError> {
    async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let now = state.clock.now();
        let mut detail =
            crate::reports::db::triage::detail(&state.db, crate::domain::ReportNo(id), now)
                .await?
                .ok_or(AppError::NotFound)?;
        if !user.may_act_in(detail.office_id) {
            return Err(AppError::Forbidden);
        }
        if let Some(key) = detail.api_key_id {
            detail.source = crate::open311::db::key_name(&state.db, key).await?;
        }
        if let Some(grid) = detail.grid_id {
            detail.grid = crate::areas::db::grids::label(&state.db, grid).await?;
        }
        Ok(detail)
    }
    .await
}

/// Offices a report can be transferred to (the page leaves out the report's own).
#[server(endpoint = "staff/offices")]
pub async fn staff_offices() -> Result<Vec<(crate::domain::OfficeId, String)>, AppError> {
    async {
        let _user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let offices = crate::areas::db::offices(&state.db).await?;
        Ok(offices.into_iter().map(|o| (o.id, o.name)).collect())
    }
    .await
}

/// The 单元网格 of the account's office (the admin's and the 督导组's: every office's), for
/// the queue's filter.
#[server(endpoint = "staff/grids")]
pub async fn staff_grids() -> Result<Vec<crate::areas::GridOption>, AppError> {
    async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let office = if user.is_admin() || user.is_supervisor() {
            None
        } else {
            user.office_id
        };
        crate::areas::db::grids::options(&state.db, office).await
    }
    .await
}

/// Every action but 整改完成: 受理立案, 不予受理, 标记重复, 转办, 派遣, 核查结案, 退回, 重新打开.
/// `version` is the report's version when the form was shown: if someone acted since, 409.
#[server(endpoint = "staff/act")]
pub async fn staff_act(#[server(flatten)] input: ActForm) -> Result<String, AppError> {
    let back = format!("/staff/report/{}", input.report);
    let result = async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let is_transfer = input.action == super::workflow::Action::Transfer.code();
        super::service::act(&state, &user, input).await?;
        // After a transfer the report is no longer this office's: back to the queue.
        Ok(if is_transfer && !user.is_admin() {
            super::STAFF_HOME.to_string()
        } else {
            back.clone()
        })
    }
    .await;
    crate::forms::finish(result, &back)
}

/// 整改完成: multipart with `report`, `version`, `note`, `public_note` and 1–3 `photo` parts.
#[server(input = MultipartFormData, endpoint = "staff/rectify")]
pub async fn staff_rectify(data: MultipartData) -> Result<String, AppError> {
    let mut back = super::STAFF_HOME.to_string();
    let result = async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let multipart = data.into_inner().ok_or_else(|| {
            AppError::bad_request(crate::reports::strings::validation::NOT_MULTIPART)
        })?;
        let form =
            crate::forms::FormUpload::read(multipart, state.settings.photo_max_bytes).await?;
        if let Ok(id) = form.int("report") {
            back = format!("/staff/report/{id}");
        }
        let id = super::service::rectify(&state, &user, form).await?;
        Ok(format!("/staff/report/{}", id.0))
    }
    .await;
    crate::forms::finish(result, &back)
}

/// The dashboard of an office (staff: their own; admin: any or the whole district) for
/// `[from, until)` given as YYYY-MM-DD in China time ("" = the last 30 days).
#[server(endpoint = "staff/dashboard")]
pub async fn staff_dashboard(
    #[server(default)] office: String,
    #[server(default)] from: String,
    #[server(default)] until: String,
) -> Result<Dashboard, AppError> {
    async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let scope = super::service::scope(&user, &office)?;
        let now = state.clock.now();
        let (from_day, until_day) = super::service::period(&from, &until, now)?;
        super::service::dashboard(&state, scope, from_day, until_day, now).await
    }
    .await
}

/// What needs the signed-in account now (`/staff/inbox`): their office's, or the district's
/// for the admin.
#[server(endpoint = "staff/inbox")]
pub async fn staff_inbox() -> Result<Inbox, AppError> {
    let user = crate::session::auth::require_staff().await?;
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    let counts = inbox_counts_of(&state, &user).await?;
    super::service::inbox(&state.db, user.office_id, now, counts).await
}

/// The inbox's counts, for the navigation.
#[server(endpoint = "staff/inbox_counts")]
pub async fn staff_inbox_counts() -> Result<InboxCounts, AppError> {
    let user = crate::session::auth::require_staff().await?;
    let state = crate::state::app_state()?;
    inbox_counts_of(&state, &user).await
}

/// The inbox's counts of `user`'s office, once per request (the navigation and the inbox
/// page both show them).
#[cfg(feature = "ssr")]
async fn inbox_counts_of(
    state: &crate::state::AppState,
    user: &crate::session::StaffUser,
) -> Result<InboxCounts, AppError> {
    crate::request::once(|| {
        super::service::inbox_counts(&state.db, user.office_id, state.clock.now())
    })
    .await
}

/// The resident's answer on /track once the report is closed: multipart with `code`,
/// `answer` (resolved / unresolved), `note` and an optional `photo`. No account: holding the
/// tracking code is the permission. Posted from `/track` (`reports::FEEDBACK_PATH`).
#[server(input = MultipartFormData, endpoint = "reports/feedback")]
pub async fn resident_feedback(data: MultipartData) -> Result<String, AppError> {
    let mut back = "/track".to_string();
    let result = async {
        let state = crate::state::app_state()?;
        let client = state.limits.admit_lookup().await?;
        let multipart = data.into_inner().ok_or_else(|| {
            AppError::bad_request(crate::reports::strings::validation::NOT_MULTIPART)
        })?;
        let form =
            crate::forms::FormUpload::read(multipart, state.settings.photo_max_bytes).await?;
        back = format!(
            "/track?code={}",
            crate::forms::encode(form.text("code").trim())
        );
        let done = super::service::resident_feedback(&state, form).await;
        state.limits.charge_outcome(client, &done).await;
        Ok(format!("/track?code={}", done?))
    }
    .await;
    crate::forms::finish(result, &back)
}
