//! /staff/report/{id}: everything about one report, and a form per action the workflow
//! allows in its current state.

use super::super::api::{staff_offices, staff_report};
use super::super::strings as t;
use super::super::workflow::{Action, format_time_left, is_overdue, staff_actions, time_left};
use super::super::{ReportDetail, StaffEvent};
use super::{Flash, SignedIn};
use crate::areas::api::get_reference_data;
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::reports::PhotoKind;
use crate::reports::pages::{PhotoThumb, StatusBadge};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

type Data = (
    ReportDetail,
    crate::areas::ReferenceData,
    Vec<(crate::domain::OfficeId, String)>,
);

#[component]
pub fn ReportDetailPage() -> impl IntoView {
    // Loaded once per request, here (SignedIn may build its children more than once).
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|v| v.parse::<i64>().ok());
    let data = Resource::new(
        || (),
        move |_| async move {
            let id = id.ok_or(AppError::NotFound)?;
            let detail = staff_report(id).await?;
            let refs = get_reference_data().await?;
            let offices = staff_offices().await?;
            Ok::<_, AppError>((detail, refs, offices))
        },
    );
    // Taken here, while the page is built (see `PageResponse`).
    let response = PageResponse::current();
    view! {
        <Title text=t::DETAIL_TITLE />
        <SignedIn let:_user>
            <Detail data=data response=response.clone() />
        </SignedIn>
    }
}

#[component]
fn Detail(data: Resource<Result<Data, AppError>>, response: PageResponse) -> impl IntoView {
    view! {
        <p>
            <a href="/staff">"← "{t::BACK_TO_QUEUE}</a>
        </p>
        <Flash />
        <Suspense fallback=|| ()>
            {move || {
                let response = response.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok((d, refs, offices)) => {
                            view! { <DetailView d=d refs=refs offices=offices /> }.into_any()
                        }
                        Err(e) => {
                            response.set_status(e.status());
                            let msg = match e {
                                AppError::NotFound | AppError::Forbidden => t::NOT_FOUND.to_string(),
                                other => other.to_string(),
                            };
                            view! { <crate::ui::Alert text=msg testid="detail-error" /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn DetailView(
    d: ReportDetail,
    refs: crate::areas::ReferenceData,
    offices: Vec<(crate::domain::OfficeId, String)>,
) -> impl IntoView {
    let overdue = is_overdue(d.status, d.deadline_at, d.now);
    let deadline = d.deadline_at.map(|at| {
        let left = d
            .status
            .deadline_running()
            .then(|| format_time_left(time_left(at, d.now)));
        view! {
            <dt>{t::FIELD_DEADLINE}</dt>
            <dd data-testid="deadline">
                {at.format_datetime()}" "
                {left
                    .map(|l| {
                        view! {
                            <span class=if overdue { "badge overdue" } else { "small" }>{l}</span>
                        }
                    })}
            </dd>
        }
    });
    let gps = match (d.lat, d.lon) {
        (Some(lat), Some(lon)) => Some(view! {
            <dt>{t::FIELD_GPS}</dt>
            <dd>
                {format!("{lat:.5}, {lon:.5}")} {d.accuracy_m.map(|a| format!(" (±{a:.0} m)"))}
            </dd>
        }),
        _ => None,
    };
    let (before, after): (Vec<_>, Vec<_>) = d
        .photos
        .iter()
        .cloned()
        .partition(|p| p.kind == PhotoKind::Before);
    let strip =
        |title: &'static str, photos: Vec<crate::reports::PhotoRef>, testid: &'static str| {
            (!photos.is_empty()).then(|| {
                view! {
                    <h3>{title}</h3>
                    <div class="photo-strip" data-testid=testid>
                        {photos
                            .into_iter()
                            .map(|p| view! { <PhotoThumb photo=p /> })
                            .collect_view()}
                    </div>
                }
            })
        };
    let actions = staff_actions(d.status);
    let no_actions = actions.is_empty();
    let forms = actions
        .into_iter()
        .map(|a| view! { <ActionForm action=a d=d.clone() refs=refs.clone() offices=offices.clone() /> })
        .collect_view();
    let events = d
        .events
        .clone()
        .into_iter()
        .map(|e| view! { <EventRow e=e /> })
        .collect_view();
    let dispatched = d.status == crate::domain::ReportStatus::Dispatched;
    let level = (dispatched && d.escalation_level > 0).then_some(d.escalation_level);
    view! {
        <article
            class="card staff-report"
            data-testid="staff-report"
            data-version=d.version.to_string()
        >
            <header class="public-report-head">
                <h1>{d.category_icon.clone()}" "{d.category_name.clone()}</h1>
                <StatusBadge status=d.status />
                {overdue
                    .then(|| {
                        view! {
                            <span class="badge overdue" data-testid="overdue">
                                {t::OVERDUE}
                            </span>
                        }
                    })}
                {level
                    .map(|l| {
                        view! {
                            <span class="badge overdue" data-testid="report-level">
                                {crate::supervision::escalation::label(l)}
                            </span>
                        }
                    })}
            </header>
            <dl class="facts">
                <dt>{t::FIELD_CODE}</dt>
                <dd data-testid="tracking-code">{d.tracking_code.clone()}</dd>
                <dt>{t::FIELD_OFFICE}</dt>
                <dd>{d.office_name.clone()}</dd>
                <dt>{t::FIELD_PLACE}</dt>
                <dd>{d.place.clone().unwrap_or_else(|| t::NO_PLACE.to_string())}</dd>
                {d
                    .grid
                    .clone()
                    .map(|g| {
                        let elsewhere = (g.office_id != d.office_id)
                            .then(|| {
                                view! {
                                    <p class="alert small" data-testid="grid-elsewhere">
                                        {t::grid_in_other_office(&g.office_name)}
                                    </p>
                                }
                            });
                        view! {
                            <dt>{t::FIELD_GRID}</dt>
                            <dd data-testid="report-grid">
                                {g.name}" "<code class="muted small">{g.code}</code>{elsewhere}
                            </dd>
                        }
                    })}
                {gps}
                <dt>{t::FIELD_DESCRIPTION}</dt>
                <dd class="description">{d.description.clone()}</dd>
                <dt>{t::FIELD_PHONE}</dt>
                <dd data-testid="contact-phone">
                    {d.contact_phone.clone().unwrap_or_else(|| t::NO_PHONE.to_string())}
                </dd>
                <ApiSource d=d.clone() />
                <dt>{t::FIELD_RECEIVED}</dt>
                <dd>{d.received_at.format_datetime()}</dd>
                <dt>{t::FIELD_DEVICE_TIME}</dt>
                <dd>{d.created_on_device.format_datetime()}</dd>
                {d
                    .dispatched_to
                    .clone()
                    .map(|u| {
                        view! {
                            <dt>{t::FIELD_DISPATCHED_TO}</dt>
                            <dd>{u}</dd>
                        }
                    })}
                {deadline}
                {d
                    .duplicate_of
                    .clone()
                    .map(|(id, code)| {
                        view! {
                            <dt>{t::FIELD_DUPLICATE_OF}</dt>
                            <dd>
                                <a href=format!("/staff/report/{}", id.0)>{code}</a>
                            </dd>
                        }
                    })}
                {(d.reopen_count > 0)
                    .then(|| {
                        view! {
                            <dt>{t::REOPENED_TIMES}</dt>
                            <dd>{d.reopen_count}</dd>
                        }
                    })}
            </dl>
            {strip(t::PHOTOS_BEFORE, before, "photos-before")}
            {strip(t::PHOTOS_AFTER, after, "photos-after")}
        </article>
        {level
            .filter(|l| *l >= crate::supervision::escalation::SUPERVISED)
            .map(|_| view! { <ReportNotice d=d.clone() /> })}
        <section class="card">
            <h2>{t::ACTIONS_TITLE}</h2>
            {no_actions.then(|| view! { <p class="muted">{t::NO_ACTIONS}</p> })}
            <div class="action-forms">{forms}</div>
        </section>
        <section class="card">
            <h2>{t::TIMELINE}</h2>
            <ol class="timeline" data-testid="staff-timeline">
                {events}
            </ol>
        </section>
    }
}

/// The report's 督办通知 (printable), while it is dispatched at 督办 or above.
#[component]
fn ReportNotice(d: ReportDetail) -> impl IntoView {
    use crate::supervision::strings as st;
    let issued = d
        .events
        .iter()
        .rev()
        .find(|e| {
            e.action
                == crate::supervision::escalation::action_of(
                    crate::supervision::escalation::SUPERVISED,
                )
        })
        .map(|e| e.at.format_datetime())
        .unwrap_or_default();
    view! {
        <crate::supervision::pages::SuperviseNotice
            office=d.office_name.clone()
            body=st::NOTICE_BODY_REPORT
            facts=vec![
                (st::FIELD_REPORT_NO, d.id.0.to_string()),
                (st::FIELD_CATEGORY, d.category_name.clone()),
                (st::FIELD_PLACE, d.place.clone().unwrap_or_default()),
                (st::FIELD_DISPATCHED_TO, d.dispatched_to.clone().unwrap_or_default()),
                (
                    st::FIELD_DEADLINE,
                    d.deadline_at.map(|at| at.format_datetime()).unwrap_or_default(),
                ),
                (st::FIELD_SENT_BACK, d.send_back_count.to_string()),
                (st::NOTICE_ISSUED, issued),
            ]
        />
    }
}

#[component]
fn EventRow(e: StaffEvent) -> impl IntoView {
    let escalation = crate::supervision::escalation::is_step(&e.action);
    let label = match Action::parse(&e.action) {
        Some(a) => a.label().to_string(),
        None if escalation => crate::supervision::escalation::event_label(&e.action).to_string(),
        None => e.to.label().to_string(),
    };
    let actor = match e.actor {
        Some(name) => name,
        None if escalation => t::SYSTEM.to_string(),
        None => t::RESIDENT.to_string(),
    };
    let note = (!e.note.is_empty()).then(|| {
        let kind = if e.public_note {
            t::PUBLIC_NOTE
        } else {
            t::INTERNAL_NOTE
        };
        view! {
            <p class="note">
                <span class="muted small">{kind}"："</span>
                {e.note.clone()}
            </p>
        }
    });
    view! {
        <li>
            <strong>{label}</strong>
            " "
            <StatusBadge status=e.to />
            <span class="muted small">" "{e.at.format_datetime()}" · " {actor}</span>
            {note}
        </li>
    }
}

/// One action's form. Hidden: the report, the version shown (for the conflict check), the action.
#[component]
fn ActionForm(
    action: Action,
    d: ReportDetail,
    refs: crate::areas::ReferenceData,
    offices: Vec<(crate::domain::OfficeId, String)>,
) -> impl IntoView {
    let hidden = view! {
        <input type="hidden" name="report" value=d.id.0.to_string() />
        <input type="hidden" name="version" value=d.version.to_string() />
        <input type="hidden" name="action" value=action.code() />
    };
    let id = action.code();
    let note_id = format!("note-{id}");
    let note = view! {
        <label for=note_id
            .clone()>{if action.needs_note() { t::REASON_LABEL } else { t::NOTE_LABEL }}</label>
        <textarea
            id=note_id
            name="note"
            rows="2"
            maxlength="500"
            required=action.needs_note()
        ></textarea>
        <label class="check">
            <input
                type="checkbox"
                name="public_note"
                value="1"
                checked=matches!(action, Action::Reject | Action::Close)
            />
            {t::NOTE_PUBLIC_LABEL}
        </label>
    };
    let extra = match action {
        Action::Accept => view! {
            <label for="category">{t::CATEGORY_CORRECT}</label>
            <select id="category" name="category">
                {refs
                    .categories
                    .iter()
                    .map(|c| {
                        view! {
                            <option value=c.id.to_string() selected=c.id == d.category_id>
                                {c.icon.clone()}
                                " "
                                {c.name.clone()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
        Action::MarkDuplicate => {
            let empty = d.duplicate_candidates.is_empty();
            view! {
                <label for="duplicate_of">{t::DUPLICATE_OF_LABEL}</label>
                <input
                    id="duplicate_of"
                    name="duplicate_of"
                    list="dup-candidates"
                    autocomplete="off"
                    autocapitalize="characters"
                    maxlength="12"
                    required=true
                />
                <p class="muted small">{t::DUPLICATE_SUGGESTIONS}</p>
                {empty.then(|| view! { <p class="muted small">{t::NO_SUGGESTIONS}</p> })}
                <datalist id="dup-candidates">
                    {d
                        .duplicate_candidates
                        .iter()
                        .map(|(_, code, at)| {
                            view! { <option value=code.clone()>{at.format_datetime()}</option> }
                        })
                        .collect_view()}
                </datalist>
                <ul class="small" data-testid="duplicate-candidates">
                    {d
                        .duplicate_candidates
                        .iter()
                        .map(|(id, code, at)| {
                            view! {
                                <li>
                                    <a href=format!("/staff/report/{}", id.0)>{code.clone()}</a>
                                    " "
                                    {at.format_datetime()}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }
        Action::Transfer => view! {
            <label for="transfer_to">{t::TRANSFER_TO}</label>
            <select id="transfer_to" name="transfer_to" required=true>
                {offices
                    .iter()
                    .filter(|(o, _)| *o != d.office_id)
                    .map(|(o, name)| view! { <option value=o.to_string()>{name.clone()}</option> })
                    .collect_view()}
            </select>
        }
        .into_any(),
        Action::Dispatch => {
            let communities: Vec<String> = refs
                .communities
                .iter()
                .filter(|c| c.office_id == d.office_id)
                .map(|c| format!("{}居委会", c.name))
                .collect();
            let default_unit = d
                .community_id
                .and_then(|c| refs.community(c))
                .map(|c| format!("{}居委会", c.name))
                .unwrap_or_default();
            view! {
                <label for="unit">{t::DISPATCH_TO}</label>
                <input
                    id="unit"
                    name="unit"
                    list="units"
                    maxlength="64"
                    required=true
                    value=default_unit
                />
                <datalist id="units">
                    {communities.into_iter().map(|c| view! { <option value=c /> }).collect_view()}
                </datalist>
                <label for="deadline_hours">{t::DEADLINE_HOURS}</label>
                <input
                    id="deadline_hours"
                    name="deadline_hours"
                    type="number"
                    min=crate::areas::MIN_DEADLINE_HOURS.to_string()
                    max=crate::areas::MAX_DEADLINE_HOURS.to_string()
                    inputmode="numeric"
                    value=d.deadline_hours.to_string()
                />
            }
            .into_any()
        }
        _ => ().into_any(),
    };
    if action == Action::Rectify {
        return view! {
            <form
                method="post"
                action="/api/staff/rectify"
                enctype="multipart/form-data"
                class="action-form"
                data-action=id
                data-shrink-photos=crate::ui::SHRINK_PHOTOS
            >
                <h3>{action.label()}</h3>
                {hidden}
                <label for="after-photo">{t::AFTER_PHOTO}</label>
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
    view! {
        <form method="post" action="/api/staff/act" class="action-form" data-action=id>
            <h3>{action.label()}</h3>
            {hidden}
            {extra}
            {note}
            <button
                type="submit"
                class=if matches!(action, Action::Reject | Action::Reopen | Action::SendBack) {
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

/// What an Open311 client sent besides the report: who it is, its caller's contacts (staff
/// only) and its photo link (shown as a link, never fetched by the server).
#[component]
fn ApiSource(d: ReportDetail) -> impl IntoView {
    use crate::open311::strings as o;
    d.source.map(|source| {
        view! {
            <dt>{o::SOURCE_API}</dt>
            <dd data-testid="report-source">{source}</dd>
            {d
                .contact_name
                .map(|n| {
                    view! {
                        <dt>{o::CONTACT_NAME}</dt>
                        <dd>{n}</dd>
                    }
                })}
            {d
                .contact_email
                .map(|e| {
                    view! {
                        <dt>{o::CONTACT_EMAIL}</dt>
                        <dd>{e}</dd>
                    }
                })}
            {d
                .media_url
                .map(|u| {
                    view! {
                        <dt>{o::MEDIA_URL}</dt>
                        <dd>
                            <a href=u.clone() rel="noopener noreferrer nofollow" target="_blank">
                                {u.clone()}
                            </a>
                        </dd>
                    }
                })}
        }
    })
}
