//! Checks and steps of 督导: rounds, findings recorded from the supervisor's phone, the
//! office's 整改完成 and the supervisor's 复查. Server functions call these; the SQL is in
//! `db.rs`, the rules in `workflow.rs`.

use super::bulletin::{self, Bulletin, BulletinRow, PeriodKind, PublishedBulletin};
use super::db::{self, ListFilter, NewFinding, NewRound, Step};
use super::escalation::{ESCALATED, PRESSED, SUPERVISED, action_of};
use super::strings as s;
use super::workflow::{self, Actor};
use super::{
    FindingAction, FindingDetail, FindingList, FindingStatus, LIST_ROWS, PlaceChoice, RoundDetail,
    RoundKind, SupervisorHome,
};
use crate::domain::{CommunityId, FindingId, Millis, OfficeId, ReportStatus, RoundId, StreetId};
use crate::error::AppError;
use crate::forms::FormUpload;
use crate::reports::service::{ValidReport, resolve_place};
use crate::reports::{Receipt, photo};
use crate::session::StaffUser;
use crate::state::AppState;

/// Rounds the start page lists.
const RECENT_ROUNDS: i64 = 30;
/// Findings a round's page lists at most.
const ROUND_ROWS: i64 = 500;
/// Places (checkboxes) a new round may name.
const MAX_PLACES: usize = 400;
const MAX_POINTS: i64 = 100_000;
/// Draws of a fresh code before giving up.
const CODE_ATTEMPTS: usize = 5;

/// How `user` stands towards a finding of `office`.
pub fn actor(user: &StaffUser, office: OfficeId) -> Actor {
    use crate::session::Role;
    match user.role {
        Role::Supervisor => Actor::Supervisor,
        Role::Admin => Actor::Admin,
        Role::Staff if user.office_id == Some(office) => Actor::ResponsibleOffice,
        Role::Staff => Actor::OtherOffice,
    }
}

// ---- recording in the alley ----

/// A supervisor's phone sent a report through the resident's form and queue: it becomes a
/// finding of the round open when it was made, sent to the office of its street (or the
/// office chosen for a GPS-only place) with the category's deadline. Idempotent on the
/// phone's report id, like a resident's report.
pub async fn record_finding(
    state: &AppState,
    supervisor: &StaffUser,
    report: ValidReport,
    originals: Vec<Vec<u8>>,
    content_hash: String,
) -> Result<Receipt, AppError> {
    let received_at = state.clock.now();
    if let Some(stored) = db::by_client_uuid(&state.db, report.client_uuid).await? {
        return same_or_conflict(report.client_uuid, stored, &content_hash);
    }
    let made_at = report.device_time_for_storage(received_at);
    let round = db::round_for_finding(&state.db, supervisor.id, made_at)
        .await?
        .ok_or_else(|| AppError::Conflict(s::NO_ROUND_FOR_FINDING.into()))?;
    let place = resolve_place(state, &report).await?;
    let hours = crate::areas::db::category_rule(&state.db, report.category_id)
        .await?
        .map(|c| c.deadline_hours)
        .ok_or(AppError::Internal)?;
    let photos = photo::store_all(&state.settings.photo_store(), originals).await?;
    let new = NewFinding {
        round,
        client_uuid: report.client_uuid,
        content_hash: &content_hash,
        category_id: report.category_id,
        office_id: place.office_id,
        community_id: place.community_id,
        street_id: place.street_id,
        location: report.location,
        description: report.description.as_str(),
        deadline_at: received_at.plus_hours(hours),
        created_by: supervisor.id,
        created_on_device: made_at,
        received_at,
        photos: &photos,
    };
    for _ in 0..CODE_ATTEMPTS {
        let code = crate::domain::TrackingCode::from_random(rand::random());
        if db::insert_finding(&state.db, &new, code.as_str())
            .await?
            .is_some()
        {
            tracing::info!(round = round.0, code = %code, "finding recorded");
            return Ok(Receipt {
                report_id: report.client_uuid,
                tracking_code: code,
                received_at,
                status: ReportStatus::Dispatched,
            });
        }
        // A concurrent retry of the same finding won, or the code is taken.
        if let Some(stored) = db::by_client_uuid(&state.db, report.client_uuid).await? {
            return same_or_conflict(report.client_uuid, stored, &content_hash);
        }
    }
    Err(AppError::Internal)
}

fn same_or_conflict(
    id: uuid::Uuid,
    (hash, code, received_at): (String, String, Millis),
    content_hash: &str,
) -> Result<Receipt, AppError> {
    if hash != content_hash {
        return Err(AppError::Conflict(
            crate::reports::strings::validation::REPORT_ID_REUSED.into(),
        ));
    }
    Ok(Receipt {
        report_id: id,
        tracking_code: crate::domain::TrackingCode::parse(&code).map_err(|_| AppError::Internal)?,
        received_at,
        status: ReportStatus::Dispatched,
    })
}

// ---- rounds ----

/// 开始检查: fields `kind`, `date` (YYYY-MM-DD, default today), `points`, `note`, and one
/// `place` per checked community (`c<id>`) or street (`s<community>_<street>`).
pub async fn start_round(
    state: &AppState,
    user: &StaffUser,
    form: &FormUpload,
) -> Result<RoundId, AppError> {
    let now = state.clock.now();
    let kind = RoundKind::parse(form.text("kind"))
        .ok_or_else(|| AppError::bad_request(s::ROUND_KIND_INVALID))?;
    let held_on = match form.text("date").trim() {
        "" => now.cst_day(),
        d => Millis::parse_cst_date(d)
            .ok_or_else(|| AppError::bad_request(s::DATE_INVALID))?
            .cst_day(),
    };
    let points = match form.text("points").trim() {
        "" => 0,
        p => p
            .parse::<i64>()
            .ok()
            .filter(|p| (0..=MAX_POINTS).contains(p))
            .ok_or_else(|| AppError::bad_request(s::POINTS_INVALID))?,
    };
    let note = crate::forms::note(form.text("note"), s::NOTE_TOO_LONG)?;
    let places = parse_places(form.values("place"))?;
    if places.is_empty() {
        return Err(AppError::bad_request(s::PLACES_REQUIRED));
    }
    for (community, street) in &places {
        if !db::place_exists(&state.db, *community, *street).await? {
            return Err(AppError::bad_request(s::PLACE_UNKNOWN));
        }
    }
    db::start_round(
        &state.db,
        &NewRound {
            kind,
            held_on,
            points_checked: points,
            note: &note,
            supervisor: user.id,
            places: &places,
            at: now,
        },
    )
    .await?
    .ok_or_else(|| AppError::Conflict(s::ROUND_ALREADY_OPEN.into()))
}

/// The checked places: `c<community>` or `s<community>_<street>`; a street's community
/// counts as covered too. Duplicates are dropped.
pub fn parse_places<'a>(
    raw: impl Iterator<Item = &'a str>,
) -> Result<Vec<(CommunityId, Option<StreetId>)>, AppError> {
    let bad = || AppError::bad_request(s::PLACE_UNKNOWN);
    let mut out: Vec<(CommunityId, Option<StreetId>)> = Vec::new();
    for (i, v) in raw.enumerate() {
        if i >= MAX_PLACES {
            return Err(bad());
        }
        let place = if let Some(c) = v.strip_prefix('c') {
            (CommunityId(c.parse().map_err(|_| bad())?), None)
        } else if let Some(rest) = v.strip_prefix('s') {
            let (c, st) = rest.split_once('_').ok_or_else(bad)?;
            (
                CommunityId(c.parse().map_err(|_| bad())?),
                Some(StreetId(st.parse().map_err(|_| bad())?)),
            )
        } else {
            return Err(bad());
        };
        if !out.contains(&place) {
            out.push(place);
        }
    }
    Ok(out)
}

pub async fn end_round(state: &AppState, user: &StaffUser, id: RoundId) -> Result<(), AppError> {
    if db::end_round(&state.db, id, user.id, state.clock.now()).await? {
        Ok(())
    } else {
        Err(AppError::Conflict(s::ROUND_NOT_YOURS.into()))
    }
}

/// The supervisor's start page: their open round, the latest rounds, the places to choose.
pub async fn home(state: &AppState, user: &StaffUser) -> Result<SupervisorHome, AppError> {
    let now = state.clock.now();
    let rounds = db::recent_rounds(&state.db, RECENT_ROUNDS).await?;
    let open_id = db::open_round_of(&state.db, user.id).await?;
    let open = match open_id {
        Some(id) => db::round(&state.db, id).await?.map(|(r, _)| r),
        None => None,
    };
    let offices = crate::areas::db::offices(&state.db).await?;
    let communities = crate::areas::db::communities(&state.db).await?;
    let streets = crate::areas::db::streets(&state.db).await?;
    let places = offices
        .iter()
        .flat_map(|o| {
            communities
                .iter()
                .filter(move |c| c.office_id == o.id)
                .map(|c| PlaceChoice {
                    office: o.name.clone(),
                    community_id: c.id,
                    community: c.name.clone(),
                    streets: streets
                        .iter()
                        .filter(|st| st.community_id == c.id)
                        .map(|st| (st.id, st.name.clone()))
                        .collect(),
                })
        })
        .collect();
    let (_, _, overdue) = db::counts(&state.db, None, now).await?;
    Ok(SupervisorHome {
        open,
        rounds,
        places,
        today: now.format_date(),
        overdue,
    })
}

/// A round's page: supervisors and the admin.
pub async fn round(
    state: &AppState,
    user: &StaffUser,
    id: RoundId,
) -> Result<RoundDetail, AppError> {
    if !(user.is_supervisor() || user.is_admin()) {
        return Err(AppError::Forbidden);
    }
    let (round, by) = db::round(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let findings = db::of_round(&state.db, id, ROUND_ROWS).await?;
    Ok(RoundDetail {
        mine: by == user.id && round.is_open(),
        round,
        findings,
        now: state.clock.now(),
    })
}

// ---- findings ----

/// A findings list: staff see their office's; supervisors and the admin every office's, or
/// one (`office`). `status`: "" = the open ones, "all", or a status code.
pub async fn list(
    state: &AppState,
    user: &StaffUser,
    status: &str,
    office: &str,
    level: &str,
) -> Result<FindingList, AppError> {
    let asked: Option<OfficeId> = crate::forms::parse_opt(office)?;
    let office = match user.role {
        crate::session::Role::Staff => {
            if asked.is_some_and(|o| Some(o) != user.office_id) {
                return Err(AppError::Forbidden);
            }
            user.office_id
        }
        _ => asked,
    };
    let filter = ListFilter {
        office,
        status: match status {
            "" | "all" => None,
            code => Some(
                FindingStatus::parse(code)
                    .ok_or_else(|| AppError::bad_request(crate::forms::strings::FORM_BAD))?,
            ),
        },
        every: status == "all",
        min_level: match level.trim() {
            "" => 0,
            l => l
                .parse::<i64>()
                .ok()
                .filter(|l| (0..=3).contains(l))
                .ok_or_else(|| AppError::bad_request(crate::forms::strings::FORM_BAD))?,
        },
    };
    let now = state.clock.now();
    let rows = db::list(&state.db, &filter, LIST_ROWS).await?;
    let (open, rectified, overdue) = db::counts(&state.db, office, now).await?;
    let escalated = db::escalated_counts(&state.db, office).await?;
    let offices = if user.office_id.is_none() {
        crate::areas::db::offices(&state.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(FindingList {
        rows,
        open,
        rectified,
        overdue,
        escalated,
        offices,
        now,
    })
}

/// A finding's page, with what the viewer may do now. Another office's staff: 404 (they
/// are not told it exists).
pub async fn detail(
    state: &AppState,
    user: &StaffUser,
    id: FindingId,
) -> Result<FindingDetail, AppError> {
    let full = db::full(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let who = actor(user, full.office_id);
    if !who.may_see() {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let overdue = full.row.overdue(now);
    let actions = workflow::available(who, full.row.status, overdue);
    let offices = if actions.contains(&FindingAction::Reassign) {
        crate::areas::db::offices(&state.db)
            .await?
            .into_iter()
            .filter(|o| o.id != full.office_id)
            .map(|o| (o.id, o.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(FindingDetail {
        actions,
        offices,
        row: full.row,
        office_id: full.office_id,
        round_held_on: full.round_held_on,
        version: full.version,
        location: full.location,
        late_count: full.late_count,
        photos: full.photos,
        events: full.events,
        now,
    })
}

/// What a step asks for, from a form.
pub struct StepInput<'a> {
    pub finding: FindingId,
    pub version: i64,
    pub action: &'a str,
    pub note: &'a str,
    pub deadline_hours: &'a str,
    /// 改派: the office it goes to.
    pub office: &'a str,
}

/// Every step but 整改完成 (which carries photos: [`rectify`]).
pub async fn act(state: &AppState, user: &StaffUser, input: StepInput<'_>) -> Result<(), AppError> {
    let action = FindingAction::parse(input.action)
        .filter(|a| *a != FindingAction::Rectify && *a != FindingAction::Record)
        .ok_or_else(|| AppError::bad_request(s::ACTION_UNKNOWN))?;
    apply(state, user, input, action, Vec::new()).await
}

/// 整改完成: fields `finding`, `version`, `note` and 1–3 `photo` parts.
pub async fn rectify(
    state: &AppState,
    user: &StaffUser,
    form: FormUpload,
) -> Result<FindingId, AppError> {
    let finding = FindingId(form.int("finding")?);
    if form.photos.is_empty() {
        return Err(AppError::bad_request(s::AFTER_PHOTO_REQUIRED));
    }
    let input = StepInput {
        finding,
        version: form.int("version")?,
        action: FindingAction::Rectify.code(),
        note: form.text("note"),
        deadline_hours: "",
        office: "",
    };
    apply(
        state,
        user,
        input,
        FindingAction::Rectify,
        form.photos.clone(),
    )
    .await?;
    Ok(finding)
}

async fn apply(
    state: &AppState,
    user: &StaffUser,
    input: StepInput<'_>,
    action: FindingAction,
    photos: Vec<Vec<u8>>,
) -> Result<(), AppError> {
    let head = db::head(&state.db, input.finding)
        .await?
        .ok_or(AppError::NotFound)?;
    let who = actor(user, head.office_id);
    if !who.may_see() {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let overdue = head.status == FindingStatus::Open && head.deadline_at < now;
    if !workflow::may_ever(who, action) {
        // Not this account's step in any state: the office never passes its own finding,
        // the supervisor never rectifies, the admin only looks.
        return Err(AppError::Forbidden);
    }
    if head.version != input.version {
        return Err(AppError::Conflict(s::CHANGED_MEANWHILE.into()));
    }
    let to = workflow::next(who, head.status, action, overdue)
        .ok_or_else(|| AppError::Conflict(s::NOT_ALLOWED.into()))?;
    let note = crate::forms::note(input.note, s::NOTE_TOO_LONG)?;
    if action.needs_note() && note.is_empty() {
        return Err(AppError::bad_request(s::REASON_REQUIRED));
    }
    let deadline_at = if action.needs_deadline() {
        let raw = input.deadline_hours.trim();
        if raw.is_empty() {
            return Err(AppError::bad_request(s::DEADLINE_REQUIRED));
        }
        let hours = crate::areas::parse_deadline_hours(raw)?;
        Some(now.plus_hours(hours))
    } else {
        None
    };
    let (office_to, note) = if action == FindingAction::Reassign {
        let (to, from_name) = reassign_target(state, head.office_id, input.office).await?;
        (
            Some(to),
            format!("{}：{from_name}。{note}", s::REASSIGNED_FROM),
        )
    } else {
        (None, note)
    };
    let after_photos = if photos.is_empty() {
        Vec::new()
    } else {
        photo::store_all(&state.settings.photo_store(), photos).await?
    };
    let done = db::step(
        &state.db,
        &Step {
            head: &head,
            actor: user.id,
            action,
            to,
            note: &note,
            deadline_at,
            office_to,
            after_photos: &after_photos,
            at: now,
        },
    )
    .await?;
    if done {
        Ok(())
    } else {
        Err(AppError::Conflict(s::CHANGED_MEANWHILE.into()))
    }
}

// ---- residents' reports past their deadline (the supervisor's 催办 by hand) ----

/// `/dudao/reports`: overdue (or, with `level`, escalated) residents' reports of one office or
/// all, one keyset page (supervisors and the admin): the staff queue's rows in deadline order
/// (its deadline indexes), the counts from the kept figures and `reports_escalated`.
pub async fn overdue_reports(
    state: &AppState,
    user: &StaffUser,
    office: &str,
    level: &str,
    after: &str,
) -> Result<super::OverdueReports, AppError> {
    if !(user.is_supervisor() || user.is_admin()) {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let query = crate::reports::triage::QueueQuery {
        office: office.to_string(),
        level: level.to_string(),
        after: after.to_string(),
        ..Default::default()
    };
    let mut filter = crate::reports::triage::QueueFilter::parse(&query)?;
    filter.overdue_only = filter.level.is_none();
    let office = filter.office;
    let (mut rows, next) = crate::reports::db::triage::queue_rows(
        &state.db,
        office,
        &filter,
        now,
        super::OVERDUE_REPORT_ROWS,
    )
    .await?;
    // The 查询码 lets its holder answer for the resident: not the supervisor's to see.
    for r in &mut rows {
        r.tracking_code.clear();
    }
    Ok(super::OverdueReports {
        rows,
        next,
        overdue: crate::reports::db::figures::overdue(&state.db, office, now).await?,
        levels: crate::reports::db::figures::levels(&state.db, office).await?,
        offices: crate::areas::db::offices(&state.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect(),
        now,
    })
}

/// The supervisor's 催办 of a resident's report past its deadline (an optional note for the
/// office): an event with the supervisor's name; the report reaches 催办 if it was below.
pub async fn press_report(
    state: &AppState,
    user: &StaffUser,
    report: crate::domain::ReportNo,
    note: &str,
) -> Result<(), AppError> {
    if !user.is_supervisor() {
        return Err(AppError::Forbidden);
    }
    let note = crate::forms::note(note, s::NOTE_TOO_LONG)?;
    let now = state.clock.now();
    match crate::reports::db::escalation::press(&state.db, report, user.id, &note, now).await? {
        Some(office) => {
            tracing::info!(
                report = report.0,
                office = office.0,
                "report pressed by hand"
            );
            Ok(())
        }
        None => Err(AppError::Conflict(s::REPORT_NOT_OVERDUE.into())),
    }
}

/// The office a 改派 names (another existing office than `current`), and `current`'s name.
async fn reassign_target(
    state: &AppState,
    current: OfficeId,
    raw: &str,
) -> Result<(OfficeId, String), AppError> {
    let invalid = || AppError::bad_request(s::REASSIGN_TARGET_INVALID);
    let to = OfficeId(raw.trim().parse().map_err(|_| invalid())?);
    let offices = crate::areas::db::offices(&state.db).await?;
    let name_of = |id: OfficeId| offices.iter().find(|o| o.id == id).map(|o| o.name.clone());
    match (to != current, name_of(to), name_of(current)) {
        (true, Some(_), Some(from_name)) => Ok((to, from_name)),
        _ => Err(invalid()),
    }
}

// ---- escalation rules (the admin's) ----

pub async fn rules(state: &AppState) -> Result<super::escalation::Rules, AppError> {
    crate::escalation::rules(&state.db).await
}

/// Sets the thresholds: whole hours 0 to a year, a 返工 count 0 (never) to 100.
pub async fn set_rules(state: &AppState, rules: super::escalation::Rules) -> Result<(), AppError> {
    let rules = rules
        .validated()
        .ok_or_else(|| AppError::bad_request(s::RULES_INVALID))?;
    crate::escalation::set_rules(&state.db, &rules, state.clock.now()).await
}

/// Applies the rules as of the state's clock (the server runs this every minute).
pub async fn escalate_now(state: &AppState) -> Result<usize, AppError> {
    super::escalation::sweep(&state.db, state.clock.now()).await
}

// ---- 通报 ----

/// The period a bulletin form asks for: `kind` "week" (default) or "month", `date` any day
/// in it (YYYY-MM-DD; default today).
pub fn period(kind: &str, date: &str, now: Millis) -> Result<(PeriodKind, i64, i64), AppError> {
    let kind = match kind.trim() {
        "" => PeriodKind::Week,
        k => PeriodKind::parse(k).ok_or_else(|| AppError::bad_request(s::PERIOD_INVALID))?,
    };
    let day = match date.trim() {
        "" => now.cst_day(),
        d => Millis::parse_cst_date(d)
            .ok_or_else(|| AppError::bad_request(s::DATE_INVALID))?
            .cst_day(),
    };
    let (from, until) = kind.days_around(day);
    Ok((kind, from, until))
}

/// Computes a bulletin: one line per office, from the findings' events of the period and the
/// residents' kept daily figures — index ranges only, never a scan of reports.
pub async fn bulletin(
    state: &AppState,
    kind: PeriodKind,
    from_day: i64,
    until_day: i64,
) -> Result<Bulletin, AppError> {
    let now = state.clock.now();
    let offices = crate::areas::db::offices(&state.db).await?;
    let steps = db::step_counts(
        &state.db,
        Millis::from_cst_day(from_day),
        Millis::from_cst_day(until_day),
    )
    .await?;
    let open = db::open_per_office(&state.db).await?;
    let recorded = db::recorded_per_office(
        &state.db,
        Millis::from_cst_day(from_day),
        Millis::from_cst_day(until_day),
    )
    .await?;
    let residents = crate::reports::db::escalation::period_counts(
        &state.db,
        Millis::from_cst_day(from_day),
        Millis::from_cst_day(until_day),
    )
    .await?;
    let mut rows = Vec::with_capacity(offices.len());
    for office in offices {
        // (how many, how many by the deadline) of a step code for this office.
        let count = |code: &str| {
            steps
                .iter()
                .filter(|(o, a, _, _)| *o == office.id && a == code)
                .fold((0, 0), |(n, t), (_, _, k, on_time)| (n + k, t + on_time))
        };
        let record = crate::reports::db::figures::record(
            &state.db,
            Some(office.id),
            Some(from_day),
            until_day,
        )
        .await?;
        let (rectified, rectified_on_time) = count(FindingAction::Rectify.code());
        let of = |list: &[(OfficeId, i64)]| {
            list.iter()
                .find(|(o, _)| *o == office.id)
                .map_or(0, |(_, n)| *n)
        };
        let escalated_reports = residents
            .iter()
            .find(|(o, _)| *o == office.id)
            .map_or([0; 3], |(_, n)| *n);
        rows.push(BulletinRow {
            rank: 0,
            office: office.name,
            findings: of(&recorded),
            rectified,
            rectified_on_time,
            rework: count(FindingAction::Fail.code()).0,
            pressed: count(FindingAction::Press.code()).0 + count(action_of(PRESSED)).0,
            supervised: count(action_of(SUPERVISED)).0,
            escalated: count(action_of(ESCALATED)).0,
            passed: count(FindingAction::Pass.code()).0,
            open_now: of(&open),
            received: record.received,
            report_pressed: escalated_reports[0],
            report_supervised: escalated_reports[1],
            report_escalated: escalated_reports[2],
            close_rate: record.close_rate_permille(),
            on_time_rate: record.on_time_rate_permille(),
            satisfaction: record.satisfaction_permille(),
        });
    }
    bulletin::rank(&mut rows);
    Ok(Bulletin {
        kind,
        from_day,
        until_day,
        made_at: now,
        published_at: None,
        rows,
    })
}

/// Publishes the bulletin of a period (the supervisor): a frozen copy on the public page.
pub async fn publish(
    state: &AppState,
    user: &StaffUser,
    kind: PeriodKind,
    from_day: i64,
    until_day: i64,
) -> Result<i64, AppError> {
    let now = state.clock.now();
    let mut b = bulletin(state, kind, from_day, until_day).await?;
    b.published_at = Some(now);
    let body = serde_json::to_string(&b).map_err(|_| AppError::Internal)?;
    db::publish(
        &state.db,
        kind.code(),
        from_day,
        until_day,
        &body,
        user.id,
        now,
    )
    .await
}

/// The public list of published bulletins.
pub async fn published(state: &AppState) -> Result<Vec<PublishedBulletin>, AppError> {
    Ok(db::published(&state.db, 100)
        .await?
        .into_iter()
        .filter_map(|(id, kind, from_day, until_day, published_at)| {
            Some(PublishedBulletin {
                id,
                kind: PeriodKind::parse(&kind)?,
                from_day,
                until_day,
                published_at,
            })
        })
        .collect())
}

/// One published bulletin, as it was published.
pub async fn published_one(state: &AppState, id: i64) -> Result<Bulletin, AppError> {
    let body = db::published_body(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    serde_json::from_str(&body).map_err(|e| {
        tracing::error!(error = %e, id, "a published bulletin does not read back");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_parse_and_refuse_junk() {
        let got = parse_places(["c1", "s1_5", "c1", "s2_7"].into_iter()).unwrap();
        assert_eq!(
            got,
            vec![
                (CommunityId(1), None),
                (CommunityId(1), Some(StreetId(5))),
                (CommunityId(2), Some(StreetId(7))),
            ]
        );
        for bad in ["x1", "c", "s1", "s1_", "c1 OR 1=1", "s_5"] {
            assert!(parse_places([bad].into_iter()).is_err(), "{bad}");
        }
        let many: Vec<String> = (0..=MAX_PLACES).map(|i| format!("c{i}")).collect();
        assert!(parse_places(many.iter().map(String::as_str)).is_err());
    }
}
