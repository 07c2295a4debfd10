//! 示范户 actions, validated (server only): create, change of status, the import's upload,
//! preview and confirmation, and the public's objections. Each checks the account may act in
//! the honour's office first (403, nothing changed).

use super::CreateForm;
use super::db::{self, Transition};
use super::import::{self, NewHonour};
use super::strings as s;
use super::workflow::{HonourAction, next_status, public_name, title_fits};
use super::{
    HonourKind, ImportPreview, ImportRow, MAX_IMPORT_BYTES, MAX_NAME_CHARS, MAX_OBJECTION_CHARS,
    parse_title_label,
};
use crate::db::Val;
use crate::domain::time::DAY_MS;
use crate::domain::{CommunityId, HonourId, HonourTitle, Millis, PhoneNumber, StreetId};
use crate::error::AppError;
use crate::forms::FormUpload;
use crate::session::StaffUser;
use crate::state::AppState;

fn note(raw: &str) -> Result<String, AppError> {
    crate::forms::note(raw, s::NOTE_TOO_LONG)
}

fn name(raw: &str, too_long: &'static str) -> Result<String, AppError> {
    let n = import::clean(raw);
    if n.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::bad_request(too_long));
    }
    Ok(n)
}

pub async fn create(
    state: &AppState,
    user: &StaffUser,
    input: CreateForm,
) -> Result<HonourId, AppError> {
    let kind = HonourKind::parse(input.kind.trim())
        .or_else(|| HonourKind::parse_label(&input.kind))
        .ok_or_else(|| AppError::bad_request(s::KIND_INVALID))?;
    let title: HonourTitle = HonourTitle::parse(input.title.trim())
        .ok()
        .or_else(|| parse_title_label(&input.title))
        .ok_or_else(|| AppError::bad_request(s::TITLE_INVALID))?;
    if !title_fits(title, kind) {
        return Err(AppError::bad_request(s::title_kind_mismatch(
            title.label(),
            kind.label(),
        )));
    }
    let community: CommunityId = crate::forms::parse_opt(&input.community)?
        .ok_or_else(|| AppError::bad_request(s::COMMUNITY_REQUIRED))?;
    let street: Option<StreetId> = crate::forms::parse_opt(&input.street)?;
    let refs = crate::areas::db::reference_data(&state.db).await?;
    let c = refs
        .community(community)
        .ok_or_else(|| AppError::bad_request(s::COMMUNITY_UNKNOWN))?;
    if !user.may_act_in(c.office_id) {
        tracing::warn!(user = %user.username, "refused: honour in another office");
        return Err(AppError::Forbidden);
    }
    if let Some(st) = street
        && refs.street(st).is_none_or(|st| st.community_id != c.id)
    {
        return Err(AppError::bad_request(s::STREET_UNKNOWN));
    }
    if kind == HonourKind::Street && street.is_none() {
        return Err(AppError::bad_request(s::STREET_REQUIRED));
    }
    let full_name = name(&input.full_name, s::NAME_TOO_LONG)?;
    if full_name.is_empty() {
        return Err(AppError::bad_request(s::NAME_REQUIRED));
    }
    let given = name(&input.public_name, s::PUBLIC_NAME_TOO_LONG)?;
    let house_number = name(&input.house_number, s::HOUSE_NUMBER_TOO_LONG)?;
    let h = NewHonour {
        office_id: c.office_id,
        community_id: c.id,
        street_id: street,
        kind,
        title,
        public_name: public_name(kind, &full_name, &given),
        full_name,
        show_house_number: input
            .show_house_number
            .as_deref()
            .is_some_and(crate::forms::flag)
            && !house_number.is_empty(),
        house_number: (!house_number.is_empty()).then_some(house_number),
    };
    let note = note(&input.note)?;
    let id = db::create(&state.db, &h, user.id, &note, state.clock.now()).await?;
    tracing::info!(honour = id.0, user = %user.username, "honour nominated");
    Ok(id)
}

/// A change of status (multipart: `honour`, `version`, `action`, `date`, `note`, `photo`).
pub async fn act(
    state: &AppState,
    user: &StaffUser,
    form: FormUpload,
) -> Result<HonourId, AppError> {
    let id = HonourId(form.int("honour")?);
    let version = form.int("version")?;
    let action = HonourAction::parse(form.text("action").trim())
        .ok_or_else(|| AppError::bad_request(s::UNKNOWN_ACTION))?;
    let head = db::head(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !user.may_act_in(head.office_id) {
        tracing::warn!(user = %user.username, honour = id.0, "refused: another office's honour");
        return Err(AppError::Forbidden);
    }
    if head.version != version {
        return Err(AppError::Conflict(s::VERSION_CONFLICT.into()));
    }
    let to = next_status(head.status, action)
        .ok_or_else(|| AppError::Conflict(s::INVALID_TRANSITION.into()))?;
    let note = note(form.text("note"))?;
    if action.needs_note() && note.is_empty() {
        return Err(AppError::bad_request(s::REASON_REQUIRED));
    }
    let now = state.clock.now();
    let date = crate::forms::parse_date(form.text("date"))?;
    let mut set: Vec<(&'static str, Option<Val>)> = Vec::new();
    match action {
        HonourAction::Publish => {
            // Until the end of the given day (China time).
            let until = date
                .map(|d| Millis(d.0 + DAY_MS - 1))
                .filter(|u| *u > now)
                .ok_or_else(|| AppError::bad_request(s::NOTICE_UNTIL_REQUIRED))?;
            set.push(("notice_until", Some(Val::I(until.0))));
        }
        HonourAction::Withdraw => set.push(("notice_until", None)),
        HonourAction::Award => {
            let at = date.unwrap_or(now);
            if at > now {
                return Err(AppError::bad_request(s::AWARD_DATE_INVALID));
            }
            set.push(("awarded_at", Some(Val::I(at.0))));
            set.push(("revoked_at", None));
            set.push(("revoke_reason", None));
        }
        HonourAction::Reinspect | HonourAction::Keep => {}
        HonourAction::Revoke => {
            set.push(("revoked_at", Some(Val::I(now.0))));
            set.push(("revoke_reason", Some(Val::T(note.clone()))));
        }
    }
    let photo_sha256 = match form.photos.into_iter().next() {
        Some(upload) => Some(store_photo(state, upload).await?),
        None => None,
    };
    let written = db::write_transition(
        &state.db,
        &Transition {
            honour: id,
            expected_version: version,
            action,
            from: head.status,
            to,
            set,
            actor: user.id,
            note,
            photo_sha256,
            at: now,
        },
    )
    .await?;
    if !written {
        return Err(AppError::Conflict(s::VERSION_CONFLICT.into()));
    }
    tracing::info!(
        honour = id.0,
        action = action.code(),
        to = to.code(),
        "honour transition"
    );
    Ok(id)
}

/// Processes (downscale, strip metadata) and stores a photo like the reports' ones.
async fn store_photo(state: &AppState, upload: Vec<u8>) -> Result<String, AppError> {
    let processed =
        crate::reports::photo::process_and_store(&state.settings.photo_store(), upload).await?;
    Ok(processed.sha256.as_str().to_string())
}

// ---- import ----

/// Reads the `file` part (at most [`MAX_IMPORT_BYTES`]), parses and checks it, and keeps the
/// result for the preview. File-level problems are errors; row problems are in the preview.
pub async fn upload(
    state: &AppState,
    user: &StaffUser,
    mut multipart: multer::Multipart<'static>,
) -> Result<i64, AppError> {
    use crate::forms::upload::{malformed, read_field};
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        if field.name() == Some("file") && file.is_none() {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = read_field(&mut field, MAX_IMPORT_BYTES, || {
                AppError::PayloadTooLarge(s::IMPORT_TOO_LARGE.into())
            })
            .await?;
            file = Some((file_name, bytes));
        } else {
            read_field(&mut field, MAX_IMPORT_BYTES, || {
                AppError::PayloadTooLarge(s::IMPORT_TOO_LARGE.into())
            })
            .await?;
        }
    }
    let (file_name, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| AppError::bad_request(s::IMPORT_NO_FILE))?;
    let file_name: String = import::clean(&file_name).chars().take(100).collect();
    let parse_name = file_name.clone();
    let mut rows = tokio::task::spawn_blocking(move || {
        import::read_grid(&parse_name, &bytes).and_then(|g| import::rows_from_grid(&g))
    })
    .await
    .map_err(|_| AppError::Internal)??;
    let refs = crate::areas::db::reference_data(&state.db).await?;
    let scope = if user.is_admin() {
        None
    } else {
        user.office_id
    };
    import::check_rows(&mut rows, &refs, scope);
    let errors = rows.iter().filter(|r| !r.errors.is_empty()).count();
    let json = serde_json::to_string(&rows).map_err(|_| AppError::Internal)?;
    let id = db::save_import(&state.db, user.id, &file_name, &json, rows.len(), errors).await?;
    tracing::info!(
        import = id,
        rows = rows.len(),
        errors,
        "honours file uploaded"
    );
    Ok(id)
}

async fn load(
    state: &AppState,
    user: &StaffUser,
    id: i64,
) -> Result<(String, Vec<ImportRow>, Option<Millis>), AppError> {
    let (owner, file_name, json, imported_at) = db::load_import(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if owner != user.id && !user.is_admin() {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<ImportRow> = serde_json::from_str(&json).map_err(|_| AppError::Internal)?;
    Ok((file_name, rows, imported_at))
}

pub async fn preview(
    state: &AppState,
    user: &StaffUser,
    id: i64,
) -> Result<ImportPreview, AppError> {
    let (file_name, rows, imported_at) = load(state, user, id).await?;
    Ok(ImportPreview {
        id,
        file_name,
        errors: import::error_lines(&rows),
        rows,
        imported_at,
    })
}

/// Checks the rows again (the area tree may have changed since the upload) and imports them
/// all in one transaction, or nothing.
pub async fn confirm(state: &AppState, user: &StaffUser, id: i64) -> Result<usize, AppError> {
    let (_, mut rows, imported_at) = load(state, user, id).await?;
    if imported_at.is_some() {
        return Err(AppError::Conflict(s::IMPORT_ALREADY_DONE.into()));
    }
    for r in rows.iter_mut() {
        r.errors.clear();
    }
    let refs = crate::areas::db::reference_data(&state.db).await?;
    let scope = if user.is_admin() {
        None
    } else {
        user.office_id
    };
    let Some(good) = import::check_rows(&mut rows, &refs, scope) else {
        let first: Vec<String> = import::error_lines(&rows).into_iter().take(3).collect();
        return Err(AppError::bad_request(format!(
            "{}：{}",
            s::IMPORT_HAS_ERRORS_REFUSED,
            first.join("；")
        )));
    };
    if good.is_empty() {
        return Err(AppError::bad_request(s::IMPORT_EMPTY));
    }
    // Belt and braces: every row is in an office the account may act in.
    if good.iter().any(|h| !user.may_act_in(h.office_id)) {
        return Err(AppError::Forbidden);
    }
    let n = db::import_all(
        &state.db,
        id,
        &good,
        user.id,
        s::ACT_IMPORT,
        state.clock.now(),
    )
    .await?;
    tracing::info!(import = id, rows = n, user = %user.username, "honours imported");
    Ok(n)
}

// ---- objections ----

pub async fn object(
    state: &AppState,
    honour: i64,
    content: &str,
    contact: &str,
) -> Result<i64, AppError> {
    let content = content.trim().replace("\r\n", "\n");
    let content: String = content
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    if content.is_empty() {
        return Err(AppError::bad_request(s::OBJECTION_REQUIRED));
    }
    if content.chars().count() > MAX_OBJECTION_CHARS {
        return Err(AppError::bad_request(s::OBJECTION_TOO_LONG));
    }
    let phone = match contact.trim() {
        "" => None,
        p => Some(PhoneNumber::parse(p).map_err(|e| AppError::bad_request(e.to_string()))?),
    };
    let head = db::head(&state.db, HonourId(honour))
        .await?
        .ok_or(AppError::NotFound)?;
    let open = head.status == crate::domain::HonourStatus::Notice
        && head.notice_until.is_some_and(|u| state.clock.now() < u);
    if !open {
        return Err(AppError::Conflict(s::OBJECTION_CLOSED.into()));
    }
    let id = db::add_objection(
        &state.db,
        head.id,
        head.office_id,
        &content,
        phone.as_ref().map(PhoneNumber::as_str),
    )
    .await?;
    tracing::info!(honour, objection = id, "objection raised");
    Ok(id)
}

pub async fn handle_objection(
    state: &AppState,
    user: &StaffUser,
    id: i64,
    note_raw: &str,
) -> Result<(), AppError> {
    let (office, handled) = db::objection_head(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.may_act_in(office) {
        return Err(AppError::Forbidden);
    }
    if handled {
        return Err(AppError::Conflict(s::OBJECTION_ALREADY_HANDLED.into()));
    }
    let note = note(note_raw)?;
    if !db::handle_objection(&state.db, id, user.id, &note).await? {
        return Err(AppError::Conflict(s::OBJECTION_ALREADY_HANDLED.into()));
    }
    Ok(())
}
