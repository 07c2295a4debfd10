//! /findings: 整改通知 (the office's own; every office's for the supervisor and the admin),
//! most urgent first; /findings/{id}: one finding, its photos and steps, and a form per step
//! the viewer may take now.

use super::super::api::{findings_list, get_finding};
use super::super::strings as t;
use super::super::{FindingAction, FindingDetail, FindingList, FindingStatus, RECTIFY_PATH};
use super::rounds::Loaded;
use super::{FindingBadge, FindingItem};
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::reports::PhotoKind;
use crate::reports::pages::PhotoThumb;
use crate::staff::pages::{Flash, SignedIn};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn FindingsPage() -> impl IntoView {
    let (status, office) = use_query_map().with_untracked(|q| {
        (
            q.get("status").unwrap_or_default(),
            q.get("office").unwrap_or_default(),
        )
    });
    let (s2, o2) = (status.clone(), office.clone());
    let data = Resource::new(
        || (),
        move |_| {
            let (s, o) = (s2.clone(), o2.clone());
            async move { findings_list(s, o).await }
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
                    let (status, office) = (status.clone(), office.clone());
                    move |list| {
                        view! { <List list=list status=status.clone() office=office.clone() /> }
                    }
                }
            />
        </SignedIn>
    }
}

#[component]
fn List(list: FindingList, status: String, office: String) -> impl IntoView {
    let FindingList {
        rows,
        open,
        rectified,
        overdue,
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
                        <label>
                            {t::FILTER_OFFICE} <select name="office">
                                <option value="">{t::FILTER_EVERY}</option>
                                {offices
                                    .into_iter()
                                    .map(|(id, name)| {
                                        let v = id.0.to_string();
                                        view! {
                                            <option value=v.clone() selected=office == v>
                                                {name}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </label>
                    }
                })}
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
                    <strong>{e.action.label()}</strong>
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
    let note = matches!(
        action,
        FindingAction::Fail | FindingAction::Withdraw | FindingAction::Press
    )
    .then_some(note);
    view! {
        <form method="post" action="/api/findings/act" class="action-form" data-action=code>
            <h3>{action.label()}</h3>
            {hidden}
            {deadline}
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
