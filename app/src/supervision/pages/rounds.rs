//! /dudao: the supervisor's open round, a form to start one, the latest rounds;
//! /dudao/round/{id}: a round and its findings; /dudao/capture: the resident's form, which a
//! supervisor's phone uses to record findings (offline too: the same device queue).

use super::super::api::{dudao_home, dudao_round};
use super::super::strings as t;
use super::super::{RoundDetail, RoundKind, RoundSummary, START_ROUND_PATH, SupervisorHome};
use super::FindingItem;
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::shell::{Flash, SignedIn};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SupervisorHomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| dudao_home());
    let response = PageResponse::current();
    view! {
        <Title text=t::HOME_TITLE />
        <SignedIn let:_user>
            <h1>{t::HOME_TITLE}</h1>
            <Flash />
            <Loaded
                data=data
                response=response.clone()
                render=|home| view! { <Home home=home /> }
            />
        </SignedIn>
    }
}

/// Waits for `data`, then renders it, or the error with its status.
#[component]
pub(super) fn Loaded<T, F, V>(
    data: Resource<Result<T, AppError>>,
    response: PageResponse,
    render: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let response = response.clone();
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(v) => render(v).into_any(),
                        Err(e) => {
                            response.set_status(e.status());
                            view! { <crate::ui::Alert text=e.to_string() /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Home(home: SupervisorHome) -> impl IntoView {
    let SupervisorHome {
        open,
        rounds,
        places,
        today,
        overdue,
    } = home;
    let has_open = open.is_some();
    let overdue_class = if overdue > 0 {
        "badge overdue"
    } else {
        "badge"
    };
    view! {
        <section class="card" data-testid="open-round">
            <h2>{t::OPEN_ROUND}</h2>
            {match open {
                Some(r) => {
                    view! {
                        <RoundHead round=r.clone() />
                        <p>
                            <a
                                class="button primary"
                                href="/dudao/capture"
                                data-testid="capture-link"
                            >
                                {t::CAPTURE_BUTTON}
                            </a>
                            " "
                            <a class="button" href=format!("/dudao/round/{}", r.id.0)>
                                {t::ROUND_TITLE}
                            </a>
                        </p>
                        <p class="muted small">{t::CAPTURE_HINT}</p>
                    }
                        .into_any()
                }
                None => view! { <p class="muted">{t::NO_OPEN_ROUND}</p> }.into_any(),
            }}
        </section>
        <p class="card">
            <a href="/findings?status=open">{t::DISTRICT_OVERDUE}</a>
            " "
            <span class=overdue_class data-testid="district-overdue">
                {overdue}
            </span>
        </p>
        {(!has_open).then(|| view! { <StartForm places=places today=today /> })}
        <section class="card">
            <h2>{t::RECENT_ROUNDS}</h2>
            {rounds.is_empty().then(|| view! { <p class="muted">{t::NO_ROUNDS}</p> })}
            <ul class="queue" data-testid="rounds">
                {rounds
                    .into_iter()
                    .map(|r| {
                        view! {
                            <li class="queue-row" data-testid="round-row">
                                <a class="queue-link" href=format!("/dudao/round/{}", r.id.0)>
                                    <span class="queue-main">
                                        <strong>{r.held_on_text()} " " {r.kind.label()}</strong>
                                        <span class="muted small">
                                            {r.supervisor.clone()} " · " {t::FIELD_FINDINGS} " "
                                            {r.findings} " · " {t::FIELD_POINTS} " " {r.points_checked}
                                        </span>
                                    </span>
                                    <span class="queue-side">
                                        <span class="badge">
                                            {if r.is_open() {
                                                t::ROUND_RUNNING
                                            } else {
                                                t::ROUND_ENDED
                                            }}
                                        </span>
                                    </span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// A round's facts.
#[component]
fn RoundHead(round: RoundSummary) -> impl IntoView {
    view! {
        <dl class="facts" data-testid="round-facts">
            <dt>{t::FIELD_DATE}</dt>
            <dd>{round.held_on_text()}</dd>
            <dt>{t::FIELD_KIND}</dt>
            <dd data-testid="round-kind">{round.kind.label()}</dd>
            <dt>{t::FIELD_SUPERVISOR}</dt>
            <dd>{round.supervisor.clone()}</dd>
            <dt>{t::FIELD_POINTS}</dt>
            <dd>{round.points_checked}</dd>
            <dt>{t::FIELD_FINDINGS}</dt>
            <dd data-testid="round-findings">{round.findings}</dd>
            <dt>{t::FIELD_PLACES}</dt>
            <dd>{round.places.join("、")}</dd>
            {(!round.note.is_empty())
                .then(|| {
                    view! {
                        <dt>{t::FIELD_NOTE}</dt>
                        <dd>{round.note.clone()}</dd>
                    }
                })}
        </dl>
    }
}

/// 开始一轮检查: kind, date, points, note, and the places covered (a checkbox per community,
/// its streets folded under it).
#[component]
fn StartForm(places: Vec<super::super::PlaceChoice>, today: String) -> impl IntoView {
    let mut office = String::new();
    let groups = places
        .into_iter()
        .map(|p| {
            let heading = (p.office != office).then(|| {
                office = p.office.clone();
                view! { <p class="small-title">{p.office.clone()}</p> }
            });
            let cid = p.community_id.0;
            view! {
                {heading}
                <label class="check">
                    <input type="checkbox" name="place" value=format!("c{cid}") />
                    {p.community.clone()}
                </label>
                {(!p.streets.is_empty())
                    .then(|| {
                        view! {
                            <details class="streets">
                                <summary class="muted small">{t::FIELD_STREETS_OF}</summary>
                                {p
                                    .streets
                                    .iter()
                                    .map(|(sid, name)| {
                                        view! {
                                            <label class="check">
                                                <input
                                                    type="checkbox"
                                                    name="place"
                                                    value=format!("s{cid}_{}", sid.0)
                                                />
                                                {name.clone()}
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </details>
                        }
                    })}
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>{t::START_ROUND}</h2>
            <form
                method="post"
                action=START_ROUND_PATH
                enctype="multipart/form-data"
                class="stack"
                data-testid="start-round"
            >
                <label for="round-kind">{t::FIELD_KIND}</label>
                <select id="round-kind" name="kind">
                    {RoundKind::ALL
                        .into_iter()
                        .map(|k| view! { <option value=k.code()>{k.label()}</option> })
                        .collect_view()}
                </select>
                <label for="round-date">{t::FIELD_DATE}</label>
                <input id="round-date" name="date" type="date" value=today />
                <label for="round-points">{t::FIELD_POINTS}</label>
                <input
                    id="round-points"
                    name="points"
                    type="number"
                    min="0"
                    inputmode="numeric"
                    value="0"
                />
                <label for="round-note">{t::FIELD_NOTE}</label>
                <input id="round-note" name="note" type="text" maxlength="500" />
                <fieldset class="places">
                    <legend>{t::FIELD_PLACES}</legend>
                    {groups}
                </fieldset>
                <button type="submit" class="primary">
                    {t::START_BUTTON}
                </button>
            </form>
        </section>
    }
}

#[component]
pub fn RoundPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|v| v.parse::<i64>().ok());
    let data = Resource::new(
        || (),
        move |_| async move { dudao_round(id.ok_or(AppError::NotFound)?).await },
    );
    let response = PageResponse::current();
    view! {
        <Title text=t::ROUND_TITLE />
        <SignedIn let:_user>
            <p>
                <a href=super::super::SUPERVISOR_HOME>"← "{t::HOME_TITLE}</a>
            </p>
            <h1>{t::ROUND_TITLE}</h1>
            <Flash />
            <Loaded data=data response=response.clone() render=|d| view! { <Round d=d /> } />
        </SignedIn>
    }
}

#[component]
fn Round(d: RoundDetail) -> impl IntoView {
    let RoundDetail {
        round,
        findings,
        mine,
        now,
    } = d;
    let id = round.id.0;
    view! {
        <section class="card">
            <RoundHead round=round />
            {mine
                .then(|| {
                    view! {
                        <p>
                            <a
                                class="button primary"
                                href="/dudao/capture"
                                data-testid="capture-link"
                            >
                                {t::CAPTURE_BUTTON}
                            </a>
                        </p>
                        <form method="post" action="/api/dudao/end_round" class="inline">
                            <input type="hidden" name="round" value=id.to_string() />
                            <button type="submit" data-testid="end-round">
                                {t::END_ROUND}
                            </button>
                        </form>
                    }
                })}
        </section>
        <section class="card">
            <h2>{t::FIELD_FINDINGS}</h2>
            {findings.is_empty().then(|| view! { <p class="muted">{t::ROUND_EMPTY}</p> })}
            <ul class="queue" data-testid="round-finding-list">
                {findings
                    .into_iter()
                    .map(|row| view! { <FindingItem row=row now=now /> })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The resident's form, marked as the supervisor's: what it sends becomes a finding of the
/// open round (the server tells by the session). Offline, the service worker serves the
/// cached /report for this path, and the queue sends it with the same session later.
#[component]
pub fn CapturePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| dudao_home());
    let response = PageResponse::current();
    view! {
        <Title text=t::CAPTURE_TITLE />
        <SignedIn let:_user>
            <Loaded
                data=data
                response=response.clone()
                render=|home| {
                    let open = home.open.is_some();
                    view! {
                        <p class="notice" data-testid="capture-banner">
                            {if open { t::CAPTURE_BANNER } else { t::CAPTURE_NO_ROUND }}
                        </p>
                    }
                }
            />
        </SignedIn>
        <crate::reports::pages::ReportPage />
    }
}
