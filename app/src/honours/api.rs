//! Server functions of 示范户. Staff functions check the session and the honour's office on
//! the server (403 for another office's honour, nothing changed); form posts end with
//! `forms::finish` (browsers are redirected, other callers get JSON and the status).

use super::{CreateForm, ImportPreview, PublicHonours, StaffHonours};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
const STAFF_PAGE: &str = "/staff/honours";
#[cfg(feature = "ssr")]
const PUBLIC_PAGE: &str = "/honours";

/// The public list (no names, no phones): for `/honours`.
#[server(endpoint = "honours/public")]
pub async fn get_public_honours(#[server(default)] q: String) -> Result<PublicHonours, AppError> {
    async {
        let state = crate::state::app_state()?;
        // A search box, not a query language: bounded and matched literally.
        let q: String = q.trim().chars().take(20).collect();
        let list = || super::db::public_list(&state.db, &q, state.clock.now());
        if q.is_empty() {
            state.caches.of::<PublicHonours>().get(list).await
        } else {
            list().await
        }
    }
    .await
}

/// The staff page's data: the office's honours (admin: all), objections and 居委会.
#[server(endpoint = "honours/staff")]
pub async fn get_staff_honours(
    #[server(default)] status: String,
) -> Result<StaffHonours, AppError> {
    async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let status = match status.trim() {
            "" => None,
            code => Some(
                crate::domain::HonourStatus::parse(code)
                    .map_err(|_| AppError::bad_request(crate::forms::strings::FORM_BAD))?,
            ),
        };
        let scope = if user.is_admin() {
            None
        } else {
            user.office_id
        };
        Ok(StaffHonours {
            honours: super::db::staff_list(&state.db, scope, status).await?,
            objections: super::db::objections(&state.db, scope).await?,
            communities: super::db::community_choices(&state.db, scope).await?,
            now: state.clock.now(),
        })
    }
    .await
}

/// 新增申报.
#[server(endpoint = "honours/create")]
pub async fn create_honour(#[server(flatten)] input: CreateForm) -> Result<String, AppError> {
    let result = async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let id = super::service::create(&state, &user, input).await?;
        Ok(format!("{STAFF_PAGE}#h{}", id.0))
    }
    .await;
    crate::forms::finish(result, STAFF_PAGE)
}

/// A change of status: multipart with `honour`, `version`, `action`, `date` (YYYY-MM-DD:
/// the end of the 公示 or the 挂牌 day), `note` and an optional `photo`.
#[server(input = MultipartFormData, endpoint = "honours/act")]
pub async fn honour_act(data: MultipartData) -> Result<String, AppError> {
    let result = async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let multipart = data.into_inner().ok_or_else(|| {
            AppError::bad_request(crate::reports::strings::validation::NOT_MULTIPART)
        })?;
        let form =
            crate::forms::FormUpload::read(multipart, state.settings.photo_max_bytes).await?;
        let id = super::service::act(&state, &user, form).await?;
        Ok(format!("{STAFF_PAGE}#h{}", id.0))
    }
    .await;
    crate::forms::finish(result, STAFF_PAGE)
}

/// Upload of a CSV/XLSX file (multipart, part `file`): parsed, checked and kept for the
/// preview. Answers the preview's page (`/staff/honours?import=ID`); nothing is imported yet.
#[server(input = MultipartFormData, endpoint = "honours/import")]
pub async fn import_upload(data: MultipartData) -> Result<String, AppError> {
    let result = async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let multipart = data.into_inner().ok_or_else(|| {
            AppError::bad_request(crate::reports::strings::validation::NOT_MULTIPART)
        })?;
        let id = super::service::upload(&state, &user, multipart).await?;
        Ok(format!("{STAFF_PAGE}?import={id}"))
    }
    .await;
    crate::forms::finish(result, STAFF_PAGE)
}

/// The preview of an upload: rows and their errors (the uploader or the admin only).
#[server(endpoint = "honours/import_preview")]
pub async fn get_import_preview(id: i64) -> Result<ImportPreview, AppError> {
    async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        super::service::preview(&state, &user, id).await
    }
    .await
}

/// 确认导入: every row of the upload in one transaction, or none.
#[server(endpoint = "honours/import_confirm")]
pub async fn import_confirm(id: i64) -> Result<String, AppError> {
    let back = format!("{STAFF_PAGE}?import={id}");
    let result = async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        let n = super::service::confirm(&state, &user, id).await?;
        Ok(format!("{STAFF_PAGE}?imported={n}"))
    }
    .await;
    crate::forms::finish(result, &back)
}

/// 异议 from the public page, while the honour is in 公示. No account; the phone is optional
/// and only staff see it.
#[server(endpoint = "honours/object")]
pub async fn raise_objection(
    honour: i64,
    #[server(default)] content: String,
    #[server(default)] contact: String,
) -> Result<String, AppError> {
    let result = async {
        let state = crate::state::app_state()?;
        let client = state.limits.admit_lookup().await?;
        let done = super::service::object(&state, honour, &content, &contact).await;
        let units = match &done {
            Ok(_) => crate::ratelimit::OBJECTION,
            Err(AppError::NotFound) => crate::ratelimit::LOOKUP_MISS,
            Err(_) => crate::ratelimit::LOOKUP_HIT,
        };
        state.limits.charge(client, units).await;
        done?;
        Ok(format!("{PUBLIC_PAGE}?objection=1"))
    }
    .await;
    crate::forms::finish(result, PUBLIC_PAGE)
}

/// Staff mark an objection handled, with their note.
#[server(endpoint = "honours/objection_handle")]
pub async fn handle_objection(
    id: i64,
    #[server(default)] note: String,
) -> Result<String, AppError> {
    let result = async {
        let user = crate::session::auth::require_staff().await?;
        let state = crate::state::app_state()?;
        super::service::handle_objection(&state, &user, id, &note).await?;
        Ok(format!("{STAFF_PAGE}#objections"))
    }
    .await;
    crate::forms::finish(result, STAFF_PAGE)
}
