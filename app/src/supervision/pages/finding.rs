//! /findings: 整改通知 (the office's own; every office's for the supervisor and the admin),
//! most urgent first; /findings/{id}: one finding, its photos and steps, and a form per step
//! the viewer may take now.

use super::super::api::{findings_counts, findings_list, get_finding};
use super::super::strings as t;
use super::super::{FindingAction, FindingDetail, FindingList, FindingStatus, RECTIFY_PATH};
use super::rounds::Loaded;
use super::{FindingBadge, FindingItem};
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::reports::PhotoKind;
use crate::reports::pages::PhotoThumb;
use crate::shell::{Flash, SignedIn};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn FindingsPage() -> impl IntoView {
    let (status, office, level) = use_query_map().with_untracked(|q| {
        (
            q.get("status").unwrap_or_default(),
            q.get("office").unwrap_or_default(),
            q.get("level").unwrap_or_default(),
        )
    });
    let (s2, o2, l2) = (status.clone(), office.clone(), level.clone());
    let data = Resource::new(
        || (),
        move |_| {
            let (s, o, l) = (s2.clone(), o2.clone(), l2.clone());
            async move { findings_list(s, o, l).await }
        },
    );
    let response = PageResponse::current();
    view! {
        <Title text=t::FINDINGS_TITLE />
        <SignedIn let:_user>
            <h1>{t::FINDINGS_TITLE}</h1>
            <Flash />
            <Loaded
                data=data
                response=response.clone()
                render={
                    let (status, office, level) = (status.clone(), office.clone(), level.clone());
                    move |list| {
                        view! {
                            <List
                                list=list
                                status=status.clone()
                                office=office.clone()
                                level=level.clone()
                            />
                        }
                    }
                }
            />
        </SignedIn>
    }
}

#[component]
fn List(list: FindingList, status: String, office: String, level: String) -> impl IntoView {
    let FindingList {
        rows,
        open,
        rectified,
        overdue,
        escalated,
        offices,
        now,
    } = list;
    let sel = move |v: &str| status == v;
    view! {
        <ul class="counts card" data-testid="finding-counts">
            <li>{t::COUNT_OPEN} " " <strong data-testid="count-open">{open}</strong></li>
            <li>
                {t::COUNT_RECTIFIED} " " <strong data-testid="count-rectified">{rectified}</strong>
            </li>
            <li>{t::COUNT_OVERDUE} " " <strong data-testid="count-overdue">{overdue}</strong></li>
            <li>
                {t::COUNT_PRESSED} " " <strong data-testid="count-pressed">{escalated.0}</strong>
            </li>
            <li>
                {t::COUNT_SUPERVISED} " "
                <strong data-testid="count-supervised">{escalated.1}</strong>
            </li>
            <li>
                {t::COUNT_ESCALATED} " "
                <strong data-testid="count-escalated">{escalated.2}</strong>
            </li>
        </ul>
        <form method="get" action="/findings" class="filters card">
            <label>
                {t::FILTER_STATUS} <select name="status">
                    <option value="" selected=sel("")>
                        {t::FILTER_ALL_OPEN}
                    </option>
                    {FindingStatus::ALL
                        .iter()
                        .map(|s| {
                            view! {
                                <option value=s.code() selected=sel(s.code())>
                                    {s.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                    <option value="all" selected=sel("all")>
                        {t::FILTER_EVERY}
                    </option>
                </select>
            </label>
            {(!offices.is_empty())
                .then(|| {
                    view! {
                        <crate::ui::OfficeSelect
                            label=t::FILTER_OFFICE
                            any=t::FILTER_EVERY
                            offices=offices
                            selected=office.clone()
                        />
                    }
                })}
            <label>
                {t::FILTER_LEVEL}
                <select name="level">
                    {[
                        ("", t::FILTER_LEVEL_ANY),
                        ("1", t::FILTER_LEVEL_PRESSED),
                        ("2", t::FILTER_LEVEL_SUPERVISED),
                        ("3", t::FILTER_LEVEL_ESCALATED),
                    ]
                        .into_iter()
                        .map(|(v, label)| {
                            view! {
                                <option value=v selected=level == v>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">{t::FILTER_APPLY}</button>
        </form>
        {rows.is_empty().then(|| view! { <p class="card muted">{t::LIST_EMPTY}</p> })}
        <ul class="queue" data-testid="finding-list">
            {rows.into_iter().map(|row| view! { <FindingItem row=row now=now /> }).collect_view()}
        </ul>
    }
}

#[component]
pub fn FindingPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|v| v.parse::<i64>().ok());
    let data = Resource::new(
        || (),
        move |_| async move { get_finding(id.ok_or(AppError::NotFound)?).await },
    );
    let response = PageResponse::current();
    view! {
        <Title text=t::FINDING_TITLE />
        <SignedIn let:_user>
            <p>
                <a href=super::super::FINDINGS_HOME>"← "{t::FINDINGS_TITLE}</a>
            </p>
            <Flash />
            <Loaded data=data response=response.clone() render=|d| view! { <Detail d=d /> } />
        </SignedIn>
    }
}

#[component]
fn Detail(d: FindingDetail) -> impl IntoView {
    let row = d.row.clone();
    let overdue = row.overdue(d.now);
    let (before, after): (Vec<_>, Vec<_>) = d
        .photos
        .iter()
        .cloned()
        .partition(|p| p.kind == PhotoKind::Before);
    let strip =
        |title: &'static str, photos: Vec<crate::reports::PhotoRef>, testid: &'static str| {
            (!photos.is_empty()).then(|| {
            view! {
                <h3 class="small-title">{title}</h3>
                <div class="photo-strip" data-testid=testid>
                    {photos.into_iter().map(|p| view! { <PhotoThumb photo=p /> }).collect_view()}
                </div>
            }
        })
        };
    let forms = d
        .actions
        .iter()
        .map(|a| view! { <StepForm action=*a d=d.clone() /> })
        .collect_view();
    let events = d
        .events
        .clone()
        .into_iter()
        .map(|e| {
            view! {
                <li>
                    <strong>{e.label.clone()}</strong>
                    <span class="muted small">
                        " " {e.at.format_datetime()} " · " {e.actor.clone()}
                        {e
                            .deadline_at
                            .map(|dl| {
                                format!(" · {}：{}", t::FIELD_DEADLINE, dl.format_datetime())
                            })}
                    </span>
                    {(!e.note.is_empty()).then(|| view! { <p class="note">{e.note.clone()}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <article class="card" data-testid="finding" data-code=row.code.clone()>
            <h1>
                <span class="badge finding-mark">{t::MARK_FINDING}</span>
                " "
                {row.category.clone()}
                " "
                <FindingBadge status=row.status />
                {overdue
                    .then(|| {
                        view! {
                            " "
                            <span class="badge overdue" data-testid="finding-overdue">
                                {t::OVERDUE}
                            </span>
                        }
                    })}
            </h1>
            <dl class="facts">
                <dt>{t::FIELD_CODE}</dt>
                <dd data-testid="finding-code">{row.code.clone()}</dd>
                <dt>{t::FIELD_OFFICE}</dt>
                <dd data-testid="finding-office">{row.office.clone()}</dd>
                <dt>{t::FIELD_PLACE}</dt>
                <dd>
                    {row.place.clone().unwrap_or_default()}
                    {d.location.map(|(lat, lon)| format!(" ({lat:.5}, {lon:.5})"))}
                </dd>
                <dt>{t::FIELD_ROUND}</dt>
                <dd>
                    <a href=format!(
                        "/dudao/round/{}",
                        row.round_id.0,
                    )>
                        {crate::domain::Millis::from_cst_day(d.round_held_on).format_date()} " "
                        {row.round_kind.label()}
                    </a>
                </dd>
                <dt>{t::FIELD_RECEIVED}</dt>
                <dd>{row.received_at.format_datetime()}</dd>
                <dt>{t::FIELD_DEADLINE}</dt>
                <dd data-testid="finding-deadline">{row.deadline_at.format_datetime()}</dd>
                <dt>{t::FIELD_REWORK}</dt>
                <dd data-testid="finding-rework-count">{row.rework_count}</dd>
                <dt>{t::FIELD_PRESSED}</dt>
                <dd data-testid="finding-press-count">{row.press_count}</dd>
                {(!row.description.is_empty())
                    .then(|| {
                        view! {
                            <dt>{t::FIELD_DESCRIPTION}</dt>
                            <dd>{row.description.clone()}</dd>
                        }
                    })}
            </dl>
            {strip(t::PHOTOS_BEFORE, before, "photos-before")}
            {strip(t::PHOTOS_AFTER, after, "photos-after")}
        </article>
        {(row.escalation_level >= super::super::escalation::SUPERVISED && row.status.is_open())
            .then(|| view! { <Notice d=d.clone() /> })}
        {(!d.actions.is_empty())
            .then(|| {
                view! {
                    <section class="card">
                        <div class="action-forms">{forms}</div>
                    </section>
                }
            })}
        <section class="card">
            <h2>{t::TIMELINE}</h2>
            <ol class="timeline" data-testid="finding-timeline">
                {events}
            </ol>
        </section>
    }
}

/// One step's form. Hidden: the finding, the version shown (for the conflict check), the step.
#[component]
fn StepForm(action: FindingAction, d: FindingDetail) -> impl IntoView {
    let code = action.code();
    let hidden = view! {
        <input type="hidden" name="finding" value=d.row.id.0.to_string() />
        <input type="hidden" name="version" value=d.version.to_string() />
        <input type="hidden" name="action" value=code />
    };
    let note_id = format!("note-{code}");
    let (note_label, note_required) = if action.needs_note() {
        (t::FIELD_REASON, true)
    } else {
        (t::FIELD_RECTIFY_NOTE, false)
    };
    let note = view! {
        <label for=note_id.clone()>{note_label}</label>
        <textarea id=note_id name="note" rows="2" maxlength="500" required=note_required></textarea>
    };
    if action == FindingAction::Rectify {
        return view! {
            <form
                method="post"
                action=RECTIFY_PATH
                enctype="multipart/form-data"
                class="action-form"
                data-action=code
                data-shrink-photos=crate::ui::SHRINK_PHOTOS
            >
                <h3>{action.label()}</h3>
                {hidden}
                <label for="after-photo">{t::FIELD_AFTER_PHOTOS}</label>
                <input
                    id="after-photo"
                    type="file"
                    name="photo"
                    accept="image/*"
                    multiple=true
                    required=true
                />
                {note}
                <button type="submit" class="primary">
                    {action.label()}
                </button>
            </form>
            <crate::ui::ShrinkPhotos />
        }
        .into_any();
    }
    let deadline = action.needs_deadline().then(|| {
        let id = format!("hours-{code}");
        view! {
            <label for=id.clone()>{t::FIELD_NEW_DEADLINE_HOURS}</label>
            <input
                id=id
                name="deadline_hours"
                type="number"
                min=crate::areas::MIN_DEADLINE_HOURS.to_string()
                max=crate::areas::MAX_DEADLINE_HOURS.to_string()
                inputmode="numeric"
                required=true
            />
        }
    });
    let target = (action == FindingAction::Reassign).then(|| {
        view! {
            <label for="reassign-to">{t::FIELD_REASSIGN_TO}</label>
            <select id="reassign-to" name="office" required=true>
                <option value="">{t::CHOOSE_OFFICE}</option>
                {d
                    .offices
                    .iter()
                    .map(|(id, name)| {
                        view! { <option value=id.0.to_string()>{name.clone()}</option> }
                    })
                    .collect_view()}
            </select>
        }
    });
    let note = matches!(
        action,
        FindingAction::Fail
            | FindingAction::Withdraw
            | FindingAction::Press
            | FindingAction::Reassign
    )
    .then_some(note);
    view! {
        <form method="post" action="/api/findings/act" class="action-form" data-action=code>
            <h3>{action.label()}</h3>
            {hidden}
            {deadline}
            {target}
            {note}
            <button
                type="submit"
                class=if matches!(action, FindingAction::Fail | FindingAction::Withdraw) {
                    ""
                } else {
                    "primary"
                }
            >
                {action.label()}
            </button>
        </form>
    }
    .into_any()
}

/// 督办通知: the formal notice to the office (printable on A4), once a finding is 督办.
#[component]
fn Notice(d: FindingDetail) -> impl IntoView {
    let issued = d
        .events
        .iter()
        .rev()
        .find(|e| {
            e.action == super::super::escalation::action_of(super::super::escalation::SUPERVISED)
        })
        .map(|e| e.at.format_datetime())
        .unwrap_or_default();
    let r = d.row;
    view! {
        <SuperviseNotice
            office=r.office.clone()
            body=t::NOTICE_BODY
            facts=vec![
                (t::FIELD_CODE, r.code.clone()),
                (t::FIELD_CATEGORY, r.category.clone()),
                (t::FIELD_PLACE, r.place.clone().unwrap_or_default()),
                (t::FIELD_DEADLINE, r.deadline_at.format_datetime()),
                (t::FIELD_REWORK, r.rework_count.to_string()),
                (t::NOTICE_ISSUED, issued),
            ]
        />
    }
}

/// A printable 督办通知 to `office`: the text and the case's facts (a finding's or a
/// resident's report's).
#[component]
pub fn SuperviseNotice(
    office: String,
    body: &'static str,
    facts: Vec<(&'static str, String)>,
) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! {
        <article class="card notice-doc" data-testid="supervise-notice">
            <h2>{t::NOTICE_TITLE}</h2>
            <p>{t::NOTICE_TO} " " <strong>{office}</strong> "："</p>
            <p>{body}</p>
            <dl class="facts">
                {facts
                    .into_iter()
                    .map(|(k, v)| {
                        view! {
                            <dt>{k}</dt>
                            <dd>{v}</dd>
                        }
                    })
                    .collect_view()}
            </dl>
            <p class="no-print">
                <button type="button" id="notice-print">
                    {t::NOTICE_PRINT}
                </button>
            </p>
            <script nonce=nonce>
                "document.getElementById('notice-print').onclick = function () { window.print(); };"
            </script>
        </article>
    }
}

/// The inbox's card of 整改通知 (staff: their office's; the admin: the district's).
#[component]
pub fn InboxFindings() -> impl IntoView {
    let data = Resource::new(
        || (),
        |_| findings_list(String::new(), String::new(), String::new()),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                data.await
                    .ok()
                    .filter(|l| l.open + l.rectified > 0)
                    .map(|l| {
                        let now = l.now;
                        view! {
                            <section class="card inbox-section" data-testid="inbox-findings">
                                <h2>
                                    {t::INBOX_FINDINGS} " "
                                    <span class="badge" data-testid="inbox-findings-open">
                                        {l.open}
                                    </span>
                                </h2>
                                <p class="muted small">
                                    {t::COUNT_OVERDUE} " " {l.overdue} " · " {t::COUNT_PRESSED} " "
                                    {l.escalated.0} " · " {t::COUNT_SUPERVISED} " " {l.escalated.1}
                                    " · " {t::COUNT_ESCALATED} " " {l.escalated.2}
                                </p>
                                <ul class="queue">
                                    {l
                                        .rows
                                        .into_iter()
                                        .take(10)
                                        .map(|row| view! { <FindingItem row=row now=now /> })
                                        .collect_view()}
                                </ul>
                                <a class="button" href="/findings">
                                    {t::FINDINGS_TITLE}
                                </a>
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}

/// A line above the office's queue: its open 整改通知 (supervisors' findings), with a link.
#[component]
pub fn FindingsBanner() -> impl IntoView {
    let data = Resource::new(|| (), |_| findings_counts());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                data.await
                    .ok()
                    .filter(|(open, rectified, _, _)| open + rectified > 0)
                    .map(|(open, rectified, overdue, (pressed, supervised, escalated))| {
                        view! {
                            <p class="card findings-banner" data-testid="findings-banner">
                                <a href="/findings">
                                    <span class="badge finding-mark">{t::MARK_FINDING}</span>
                                    " "
                                    {t::FINDINGS_TITLE}
                                    " "
                                    {t::COUNT_OPEN}
                                    " "
                                    {open}
                                    " · "
                                    {t::COUNT_RECTIFIED}
                                    " "
                                    {rectified}
                                </a>
                                {(overdue + pressed + supervised + escalated > 0)
                                    .then(|| {
                                        view! {
                                            " "
                                            <span class="badge overdue">
                                                {t::COUNT_OVERDUE} " " {overdue} " · "
                                                {t::COUNT_SUPERVISED} " " {supervised + escalated}
                                            </span>
                                        }
                                    })}
                            </p>
                        }
                    })
            })}
        </Suspense>
    }
}
