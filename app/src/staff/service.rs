//! Staff actions as validated state transitions (server only). Each call: find the report,
//! check the account may act in its office, check the version the form was shown with, check
//! the workflow allows the action, validate the action's own fields, then write the change,
//! its event (who, when, from, to, note) and any photos in one transaction whose UPDATE
//! matches the version — so two staff acting at once cannot both win.

use super::ActForm;
use super::strings as s;
use super::workflow::{Action, next_status};
use crate::db::Val;
use crate::domain::{CategoryId, Millis, OfficeId, ReportNo, ReportStatus, TrackingCode};
use crate::error::AppError;
use crate::forms::FormUpload;
use crate::reports::PhotoKind;
use crate::reports::db::NewPhoto;
use crate::reports::db::triage::{self as db, Head, Transition, Written};
use crate::reports::photo;
use crate::session::StaffUser;
use crate::state::AppState;

const MAX_UNIT_CHARS: usize = 64;

fn note(raw: &str) -> Result<String, AppError> {
    crate::forms::note(raw, s::NOTE_TOO_LONG)
}

fn flag(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(crate::forms::flag)
}

fn opt_text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// Loads the report and checks the account may act on it: 404 when it does not exist,
/// 403 for another office's report.
async fn authorized_head(
    state: &AppState,
    user: &StaffUser,
    report: ReportNo,
) -> Result<Head, AppError> {
    let head = db::head(&state.db, report)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.may_act_in(head.office_id) {
        tracing::warn!(user = %user.username, report = report.0, "refused: another office's report");
        return Err(AppError::Forbidden);
    }
    Ok(head)
}

/// The status `action` leads to, after the version check (409 on either).
fn check_state(head: &Head, version: i64, action: Action) -> Result<ReportStatus, AppError> {
    if head.version != version {
        return Err(AppError::Conflict(s::VERSION_CONFLICT.into()));
    }
    next_status(head.status, action).ok_or_else(|| AppError::Conflict(s::INVALID_TRANSITION.into()))
}

async fn write(state: &AppState, t: Transition) -> Result<ReportNo, AppError> {
    match db::write_transition(&state.db, &t).await? {
        Written::Done => {
            tracing::info!(
                report = t.report.0,
                action = t.action,
                to = t.to.code(),
                "transition"
            );
            Ok(t.report)
        }
        Written::Stale => Err(AppError::Conflict(s::VERSION_CONFLICT.into())),
    }
}

/// Every staff action but 整改完成.
pub async fn act(state: &AppState, user: &StaffUser, input: ActForm) -> Result<ReportNo, AppError> {
    let action = Action::parse(input.action.trim())
        .filter(|a| !a.by_resident() && *a != Action::Rectify)
        .ok_or_else(|| AppError::bad_request(s::UNKNOWN_ACTION))?;
    let head = authorized_head(state, user, ReportNo(input.report)).await?;
    let to = check_state(&head, input.version, action)?;
    let note = note(&input.note)?;
    if action.needs_note() && note.is_empty() {
        return Err(AppError::bad_request(s::NOTE_REQUIRED));
    }
    let now = state.clock.now();
    let mut set: Vec<(&'static str, Option<Val>)> = Vec::new();
    let mut office = head.office_id;
    let mut event_note = note;
    match action {
        Action::Accept => {
            if let Some(c) = opt_text(&input.category) {
                let c: CategoryId = c
                    .parse()
                    .map_err(|_| AppError::bad_request(s::CATEGORY_INVALID))?;
                if !crate::areas::db::category_rule(&state.db, c)
                    .await?
                    .is_some_and(|r| r.active)
                {
                    return Err(AppError::bad_request(s::CATEGORY_INVALID));
                }
                set.push(("category_id", Some(Val::I(c.0))));
            }
        }
        Action::MarkDuplicate => {
            let target = opt_text(&input.duplicate_of)
                .ok_or_else(|| AppError::bad_request(s::DUPLICATE_TARGET_REQUIRED))?;
            let (orig, orig_status) = db::find_in_office(&state.db, head.office_id, target)
                .await?
                .ok_or_else(|| AppError::bad_request(s::DUPLICATE_TARGET_INVALID))?;
            if orig == head.id || orig_status == ReportStatus::Duplicate {
                return Err(AppError::bad_request(s::DUPLICATE_TARGET_INVALID));
            }
            set.push(("duplicate_of", Some(Val::I(orig.0))));
        }
        Action::Transfer => {
            let target: OfficeId = opt_text(&input.transfer_to)
                .ok_or_else(|| AppError::bad_request(s::TRANSFER_TARGET_REQUIRED))?
                .parse()
                .map_err(|_| AppError::bad_request(s::TRANSFER_TARGET_REQUIRED))?;
            if target == head.office_id {
                return Err(AppError::bad_request(s::TRANSFER_TARGET_SAME));
            }
            if !crate::areas::db::office_exists(&state.db, target).await? {
                return Err(AppError::bad_request(s::TRANSFER_TARGET_REQUIRED));
            }
            // The report leaves this office's queue for the other office's, as 待受理;
            // community and street stay as the resident chose them.
            set.push(("office_id", Some(Val::I(target.0))));
            set.push(("transferred_from", Some(Val::I(head.office_id.0))));
            set.push(("deadline_at", None));
            set.push(("dispatched_to", None));
            office = head.office_id;
        }
        Action::Dispatch => {
            let unit = opt_text(&input.unit)
                .ok_or_else(|| AppError::bad_request(s::DISPATCH_UNIT_REQUIRED))?;
            if unit.chars().count() > MAX_UNIT_CHARS {
                return Err(AppError::bad_request(s::DISPATCH_UNIT_REQUIRED));
            }
            let hours = match opt_text(&input.deadline_hours) {
                Some(h) => crate::areas::parse_deadline_hours(h)?,
                None => category_hours_any(state, head.category_id).await?,
            };
            set.push(("dispatched_to", Some(Val::T(unit.to_string()))));
            set.push(("deadline_at", Some(Val::I(now.plus_hours(hours).0))));
            // A new deadline: the escalation starts again (its history stays in the events).
            set.push(("escalation_level", Some(Val::I(0))));
            set.push(("escalated_at", None));
            set.push(("send_back_count", Some(Val::I(0))));
            if event_note.is_empty() {
                event_note = format!(
                    "{}：{unit}，{}：{hours}小时",
                    s::FIELD_DISPATCHED_TO,
                    s::DEADLINE_HOURS
                );
            }
        }
        Action::Close => {
            set.push(("closed_at", Some(Val::I(now.0))));
        }
        Action::SendBack => {
            set.push(("rectified_at", None));
            set.push(("send_back_count", Some(Val::I(head.send_back_count + 1))));
        }
        Action::Reopen => {
            set.push(("closed_at", None));
            set.push(("rectified_at", None));
            set.push(("deadline_at", None));
            set.push(("duplicate_of", None));
        }
        Action::Reject => {}
        Action::Rectify
        | Action::ResidentReopen
        | Action::ResidentSatisfied
        | Action::ResidentBasic => {
            return Err(AppError::bad_request(s::UNKNOWN_ACTION));
        }
    }
    write(
        state,
        Transition {
            report: head.id,
            expected_version: input.version,
            action: action.code(),
            answer: None,
            from: head.status,
            to,
            set,
            actor: Some(user.id),
            office,
            note: event_note,
            public_note: flag(&input.public_note),
            photos: Vec::new(),
            photo_kind: PhotoKind::After,
            at: now,
        },
    )
    .await
}

/// The category's hours even if it was switched off since the report came in. A report's
/// category always exists (a foreign key): its absence is a fault, not a 24 h default.
async fn category_hours_any(state: &AppState, c: CategoryId) -> Result<i64, AppError> {
    match crate::areas::db::category_rule(&state.db, c).await? {
        Some(rule) => Ok(rule.deadline_hours),
        None => {
            tracing::error!(category = c.0, "a report's category is missing");
            Err(AppError::Internal)
        }
    }
}

// ---- multipart forms: 整改完成 and the resident's answer ----

/// Processes (decode, downscale, strip metadata) and stores photos like residents' ones.
async fn store_photos(state: &AppState, uploads: Vec<Vec<u8>>) -> Result<Vec<NewPhoto>, AppError> {
    photo::store_all(&state.settings.photo_store(), uploads).await
}

/// 整改完成: fields `report`, `version`, `note`, `public_note`, and 1–3 `photo` parts.
pub async fn rectify(
    state: &AppState,
    user: &StaffUser,
    form: FormUpload,
) -> Result<ReportNo, AppError> {
    let report = ReportNo(form.int("report")?);
    let version = form.int("version")?;
    let head = authorized_head(state, user, report).await?;
    let to = check_state(&head, version, Action::Rectify)?;
    let note = note(form.text("note"))?;
    if form.photos.is_empty() {
        return Err(AppError::bad_request(s::AFTER_PHOTO_REQUIRED));
    }
    let public_note = crate::forms::flag(form.text("public_note"));
    let photos = store_photos(state, form.photos).await?;
    let now = state.clock.now();
    write(
        state,
        Transition {
            report: head.id,
            expected_version: version,
            action: Action::Rectify.code(),
            answer: None,
            from: head.status,
            to,
            set: vec![("rectified_at", Some(Val::I(now.0)))],
            actor: Some(user.id),
            office: head.office_id,
            note,
            public_note,
            photos,
            photo_kind: PhotoKind::After,
            at: now,
        },
    )
    .await
}

/// The resident's 回访 once a report is closed: fields `code`, `answer` ("satisfied" 满意,
/// "basic" 基本满意, "unsatisfied" 不满意; an older page's "resolved" / "unresolved" mean 满意 /
/// 不满意), `note`, and an optional `photo` (kept with 不满意). 不满意 reopens it in the
/// office's queue (as 已立案) and counts against the office; every answer counts in its 满意率.
pub async fn resident_feedback(
    state: &AppState,
    form: FormUpload,
) -> Result<TrackingCode, AppError> {
    let code =
        TrackingCode::parse(form.text("code")).map_err(|e| AppError::bad_request(e.to_string()))?;
    use crate::reports::db::figures::Answer;
    let (action, answer) = match form.text("answer") {
        "satisfied" | "resolved" => (Action::ResidentSatisfied, Answer::Satisfied),
        "basic" => (Action::ResidentBasic, Answer::BasicallySatisfied),
        "unsatisfied" | "unresolved" => (Action::ResidentReopen, Answer::Unsatisfied),
        _ => return Err(AppError::bad_request(crate::forms::strings::FORM_BAD)),
    };
    let head = db::head_by_code(&state.db, code.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    if head.status != ReportStatus::Closed {
        return Err(AppError::Conflict(s::FEEDBACK_NOT_CLOSED.into()));
    }
    if crate::reports::db::feedback_since_close(&state.db, head.id).await? {
        return Err(AppError::Conflict(s::FEEDBACK_ALREADY.into()));
    }
    let to = next_status(head.status, action)
        .ok_or_else(|| AppError::Conflict(s::INVALID_TRANSITION.into()))?;
    let note = note(form.text("note"))?;
    let photos = if action == Action::ResidentReopen {
        store_photos(state, form.photos).await?
    } else {
        Vec::new()
    };
    let now = state.clock.now();
    let mut set: Vec<(&'static str, Option<Val>)> = Vec::new();
    if action == Action::ResidentReopen {
        set.push(("closed_at", None));
        set.push(("rectified_at", None));
        set.push(("deadline_at", None));
        // reopen_count + 1, from the value read with the version.
        set.push(("reopen_count", Some(Val::I(head.reopen_count + 1))));
    }
    write(
        state,
        Transition {
            report: head.id,
            expected_version: head.version,
            action: action.code(),
            answer: Some(answer),
            from: head.status,
            to,
            set,
            actor: None,
            office: head.office_id,
            note,
            // The resident's own words are not published (they may name people).
            public_note: false,
            photos,
            photo_kind: PhotoKind::Before,
            at: now,
        },
    )
    .await?;
    Ok(code)
}

/// The office an account asks for (`office`: "" or an id): staff only their own (403 for
/// another's), the admin any one or, with "", the whole district (None); a supervisor none
/// (403).
pub fn scope(user: &StaffUser, office: &str) -> Result<Option<OfficeId>, AppError> {
    let asked: Option<OfficeId> = crate::forms::parse_opt(office)?;
    if user.is_supervisor() {
        // The 督导组 has no office and does not read residents' reports (nor their phones).
        return Err(AppError::Forbidden);
    }
    if user.is_admin() {
        return Ok(asked);
    }
    if asked.is_some_and(|o| Some(o) != user.office_id) {
        return Err(AppError::Forbidden);
    }
    Ok(user.office_id)
}

/// A period of whole China-time days `[from_day, until_day)` from the dates YYYY-MM-DD of a
/// form, `until` inclusive; by default the last 30 days, today included.
pub fn period(from: &str, until: &str, now: Millis) -> Result<(i64, i64), AppError> {
    let until_day = match crate::forms::parse_date(until)? {
        Some(d) => d.cst_day() + 1,
        None => now.cst_day() + 1,
    };
    let from_day = match crate::forms::parse_date(from)? {
        Some(d) => d.cst_day(),
        None => until_day - 30,
    };
    Ok((from_day, until_day))
}

/// The dashboard of `scope` (None: the whole district) for the days `[from_day, until_day)`.
pub async fn dashboard(
    state: &AppState,
    scope: Option<OfficeId>,
    from_day: i64,
    until_day: i64,
    now: Millis,
) -> Result<super::Dashboard, AppError> {
    let record =
        crate::reports::db::figures::record(&state.db, scope, Some(from_day), until_day).await?;
    let (open_now, overdue_now) = db::open_now(&state.db, scope, now).await?;
    let office_name = match scope {
        Some(o) => crate::areas::db::office_name(&state.db, o).await?,
        None => None,
    };
    Ok(super::Dashboard {
        office_name,
        from: Millis::from_cst_day(from_day),
        until: Millis::from_cst_day(until_day),
        record,
        open_now,
        overdue_now,
    })
}

// ---- the inbox ----

/// How far ahead the inbox's 即将到期 looks.
pub const DUE_SOON_MS: i64 = 24 * crate::domain::time::HOUR_MS;
/// Rows shown per inbox section (the section links to the whole list).
pub const INBOX_ROWS: usize = 10;

/// The inbox's counts in `office` (None: the district), for every staff page's navigation:
/// three statements of kept figures and a range scan of the reports within their deadline,
/// never a scan of the office's reports.
pub async fn inbox_counts(
    db: &crate::db::Db,
    office: Option<OfficeId>,
    now: Millis,
) -> Result<super::InboxCounts, AppError> {
    use crate::reports::db::figures;
    let counts = figures::counts(db, office).await?;
    let of = |s: ReportStatus| {
        counts
            .iter()
            .find(|(st, _)| *st == s)
            .map_or(0, |(_, n)| *n)
    };
    let (overdue, due_soon) =
        figures::deadlines(db, office, now, Millis(now.0 + DUE_SOON_MS)).await?;
    Ok(super::InboxCounts {
        overdue,
        due_soon,
        new: of(ReportStatus::Pending),
        to_check: of(ReportStatus::Rectified),
        pressed: figures::levels(db, office).await?.iter().sum(),
    })
}

/// What needs this office (None: the district) now, most urgent section first, each with its
/// first [`INBOX_ROWS`] rows in the queue's order; `counts` are [`inbox_counts`]'s.
pub async fn inbox(
    db: &crate::db::Db,
    office: Option<OfficeId>,
    now: Millis,
    counts: super::InboxCounts,
) -> Result<super::Inbox, AppError> {
    use super::{InboxKind, InboxSection, QueueFilter};
    let mut sections = Vec::with_capacity(InboxKind::ALL.len());
    for kind in InboxKind::ALL {
        let (filter, count) = match kind {
            InboxKind::Pressed => (
                QueueFilter {
                    level: Some(1),
                    ..QueueFilter::default()
                },
                counts.pressed,
            ),
            InboxKind::Overdue => (
                QueueFilter {
                    overdue_only: true,
                    ..QueueFilter::default()
                },
                counts.overdue,
            ),
            InboxKind::DueSoon => (
                QueueFilter {
                    due_before: Some(Millis(now.0 + DUE_SOON_MS)),
                    ..QueueFilter::default()
                },
                counts.due_soon,
            ),
            InboxKind::New => (
                QueueFilter {
                    status: Some(ReportStatus::Pending),
                    ..QueueFilter::default()
                },
                counts.new,
            ),
            InboxKind::ToCheck => (
                QueueFilter {
                    status: Some(ReportStatus::Rectified),
                    ..QueueFilter::default()
                },
                counts.to_check,
            ),
        };
        let rows = if count > 0 {
            db::queue_rows(db, office, &filter, now, INBOX_ROWS)
                .await?
                .0
        } else {
            Vec::new()
        };
        sections.push(InboxSection { kind, count, rows });
    }
    Ok(super::Inbox { sections, now })
}
