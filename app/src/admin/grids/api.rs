//! Server functions of the grid import (admin only, checked first, before the body is read).

use super::{GridImportPreview, MappingForm};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use crate::session::auth::require_admin;

/// The upload (multipart, part `file`): read, checked and kept; answers the preview's page.
#[server(input = MultipartFormData, endpoint = "admin/grids_import")]
pub async fn upload_grids(data: MultipartData) -> Result<String, AppError> {
    let back = "/admin#grids";
    let result = async {
        let admin = require_admin().await?;
        let state = crate::state::app_state()?;
        let multipart = data.into_inner().ok_or_else(|| {
            AppError::bad_request(crate::reports::strings::validation::NOT_MULTIPART)
        })?;
        let id = super::service::upload(&state, &admin, multipart).await?;
        Ok(format!("{}/{id}", super::PREVIEW_PAGE))
    }
    .await;
    crate::forms::finish(result, back)
}

/// The preview of an upload under a mapping (empty `code`: the guessed one).
#[server(endpoint = "admin/grids_preview")]
pub async fn get_grid_import_preview(
    id: i64,
    #[server(default)] mapping: MappingForm,
) -> Result<GridImportPreview, AppError> {
    require_admin().await?;
    let state = crate::state::app_state()?;
    super::service::preview(&state, id, &mapping).await
}

/// 确认导入 under the mapping shown.
#[server(endpoint = "admin/grids_confirm")]
pub async fn confirm_grid_import(
    #[server(default)] id: String,
    #[server(default)] code: String,
    #[server(default)] name: String,
    #[server(default)] community: String,
    #[server(default)] office: String,
    #[server(default)] office_for_all: String,
) -> Result<String, AppError> {
    let form = MappingForm {
        code,
        name,
        community,
        office,
        office_for_all,
    };
    let id: i64 = id.trim().parse().unwrap_or(0);
    let back = format!("{}/{id}?{}", super::PREVIEW_PAGE, form.query());
    let result = async {
        let admin = require_admin().await?;
        let state = crate::state::app_state()?;
        super::service::confirm(&state, &admin, id, &form).await?;
        Ok(format!("{}/{id}?{}", super::PREVIEW_PAGE, form.query()))
    }
    .await;
    crate::forms::finish(result, &back)
}
