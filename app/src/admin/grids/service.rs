//! The grid import's steps: an upload read into a temporary file and checked, its preview
//! under a mapping, and its confirmation (all of it in one transaction, or nothing).

use super::{
    GridImportPreview, GridLine, MAX_IMPORT_BYTES, MappingForm, PREVIEW_LINES, PlanSummary,
};
use crate::admin::strings as s;
use crate::areas::db::grids::{self as db, GridValues};
use crate::areas::grids::{self as grids, Mapping, Plan};
use crate::domain::OfficeId;
use crate::error::AppError;
use crate::session::StaffUser;
use crate::state::AppState;
use std::io::Write;

/// One import read at a time: a large file's features take tens of MB while being read.
static READING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Reads the `file` part into a temporary file (at most [`MAX_IMPORT_BYTES`]), reads and
/// checks its features off the async threads, and keeps them for the preview.
pub async fn upload(
    state: &AppState,
    user: &StaffUser,
    mut multipart: multer::Multipart<'static>,
) -> Result<i64, AppError> {
    use crate::forms::upload::malformed;
    let _turn = READING.acquire().await.map_err(|_| AppError::Internal)?;
    let too_large = || AppError::PayloadTooLarge(s::GRID_FILE_TOO_LARGE.into());
    let mut kept: Option<(String, tempfile::NamedTempFile, u64)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let is_file = field.name() == Some("file") && kept.is_none();
        let mut out = if is_file {
            Some(tempfile::NamedTempFile::new_in(&state.settings.data_dir).map_err(io_failed)?)
        } else {
            None
        };
        let file_name = field.file_name().unwrap_or_default().to_string();
        let mut total = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            total += chunk.len() as u64;
            if total > MAX_IMPORT_BYTES {
                return Err(too_large());
            }
            if let Some(out) = out.as_mut() {
                out.write_all(&chunk).map_err(io_failed)?;
            }
        }
        if let Some(out) = out {
            kept = Some((file_name, out, total));
        }
    }
    let (file_name, file, _) = kept
        .filter(|(_, _, n)| *n > 0)
        .ok_or_else(|| AppError::bad_request(s::GRID_NO_FILE))?;
    let file_name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let (features, json) = tokio::task::spawn_blocking(move || {
        let reader = file.reopen().map_err(io_failed)?;
        let features = crate::geo::geojson::parse_reader(reader, &crate::geo::geojson::LIMITS)
            .map_err(|e| AppError::bad_request(e.0))?;
        let json = grids::keep(&features)?;
        Ok::<_, AppError>((features, json))
    })
    .await
    .map_err(|_| AppError::Internal)??;
    let vertices: usize = features.iter().map(|f| f.shape.vertices()).sum();
    let counts = (features.len() as i64, vertices as i64);
    drop(features);
    let now = state.clock.now();
    let id = db::save_import(&state.db, user.id, &file_name, &json, counts, now).await?;
    tracing::info!(
        import = id,
        features = counts.0,
        vertices = counts.1,
        "grid file uploaded"
    );
    Ok(id)
}

fn io_failed(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "grid upload: temporary file");
    AppError::Internal
}

/// The mapping asked for; where none was (no code key), the guess from the file's keys.
fn mapping_of(form: &MappingForm, keys: &[(String, Vec<String>)]) -> (MappingForm, Mapping) {
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let mapping = if form.code.trim().is_empty() {
        grids::guess_mapping(keys)
    } else {
        Mapping {
            code: form.code.trim().to_string(),
            name: opt(&form.name),
            community: opt(&form.community),
            office: opt(&form.office),
            office_for_all: form.office_for_all.trim().parse::<i64>().ok().map(OfficeId),
        }
    };
    let shown = MappingForm {
        code: mapping.code.clone(),
        name: mapping.name.clone().unwrap_or_default(),
        community: mapping.community.clone().unwrap_or_default(),
        office: mapping.office.clone().unwrap_or_default(),
        office_for_all: mapping
            .office_for_all
            .map(|o| o.0.to_string())
            .unwrap_or_default(),
    };
    (shown, mapping)
}

/// An upload's features and the plan under a mapping.
async fn plan_of(
    state: &AppState,
    kept: &db::KeptImport,
    form: &MappingForm,
) -> Result<
    (
        Vec<(String, Vec<String>)>,
        MappingForm,
        Result<Plan, AppError>,
    ),
    AppError,
> {
    let json = kept.features.clone();
    let features = tokio::task::spawn_blocking(move || grids::unkeep(&json))
        .await
        .map_err(|_| AppError::Internal)??;
    let keys = grids::property_keys(&features);
    let (shown, mapping) = mapping_of(form, &keys);
    let offices = crate::areas::db::offices(&state.db).await?;
    let communities = crate::areas::db::communities(&state.db).await?;
    let stored = db::grids(&state.db, None, true).await?;
    let plan = tokio::task::spawn_blocking(move || {
        grids::plan(&features, &mapping, &offices, &communities, &stored)
    })
    .await
    .map_err(|_| AppError::Internal)?;
    Ok((keys, shown, plan))
}

async fn load(state: &AppState, id: i64) -> Result<db::KeptImport, AppError> {
    db::load_import(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn preview(
    state: &AppState,
    id: i64,
    form: &MappingForm,
) -> Result<GridImportPreview, AppError> {
    let kept = load(state, id).await?;
    let (keys, mapping, plan) = plan_of(state, &kept, form).await?;
    let offices = crate::areas::db::offices(&state.db).await?;
    let name_of = |o: OfficeId| {
        offices
            .iter()
            .find(|x| x.id == o)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let line = |v: &GridValues| GridLine {
        code: v.code.clone(),
        name: v.name.clone(),
        office: name_of(v.office),
    };
    let some =
        |items: Vec<GridLine>| (items.len(), items.into_iter().take(PREVIEW_LINES).collect());
    let plan = plan.map(|p| PlanSummary {
        added: some(p.added.iter().map(line).collect()),
        moved: some(p.moved.iter().map(|(_, v)| line(v)).collect()),
        changed: some(p.changed.iter().map(|(_, v)| line(v)).collect()),
        revived: some(p.revived.iter().map(|(_, v)| line(v)).collect()),
        retired: some(
            p.retired
                .iter()
                .map(|(_, code, name)| GridLine {
                    code: code.clone(),
                    name: name.clone(),
                    office: String::new(),
                })
                .collect(),
        ),
        unchanged: p.unchanged,
    });
    Ok(GridImportPreview {
        id,
        file_name: kept.file_name,
        features: kept.feature_count,
        vertices: kept.vertex_count,
        imported: kept.imported_at.is_some(),
        keys,
        mapping,
        offices: offices.iter().map(|o| (o.id.0, o.name.clone())).collect(),
        plan: plan.map_err(|e| e.to_string()),
    })
}

/// 确认导入: the plan under the mapping, made again now (the grids may have changed since the
/// preview), written in one transaction; a second confirmation changes nothing.
pub async fn confirm(
    state: &AppState,
    user: &StaffUser,
    id: i64,
    form: &MappingForm,
) -> Result<Plan, AppError> {
    let kept = load(state, id).await?;
    if kept.imported_at.is_some() {
        return Err(AppError::Conflict(s::GRID_IMPORT_DONE.into()));
    }
    let (_, _, plan) = plan_of(state, &kept, form).await?;
    let plan = plan?;
    if !db::confirm_import(&state.db, id, &plan.writes(), state.clock.now()).await? {
        return Err(AppError::Conflict(s::GRID_IMPORT_DONE.into()));
    }
    tracing::info!(
        import = id,
        admin = %user.username,
        added = plan.added.len(),
        moved = plan.moved.len(),
        changed = plan.changed.len(),
        revived = plan.revived.len(),
        retired = plan.retired.len(),
        "grids imported"
    );
    Ok(plan)
}
