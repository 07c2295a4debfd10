//! /my (我的上报): the resident's own reports, by the codes kept on the device.

use crate::domain::TrackingCode;
use crate::reports::MyReport;
use crate::reports::strings::ui as t;
use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;
use leptos_meta::Title;

use super::StatusBadge;
#[cfg(feature = "hydrate")]
use crate::error::AppError;
#[cfg(feature = "hydrate")]
use crate::reports::client;
#[cfg(feature = "hydrate")]
use leptos::task::spawn_local;

// =============================================================================================
// /my

#[derive(Debug, Clone, PartialEq)]
enum MyState {
    /// Not read from the device yet (always so on the server).
    Loading,
    Loaded {
        reports: Vec<MyReport>,
        /// Codes on the device the server does not know.
        missing: usize,
    },
    /// The lookup failed (offline?): the codes are still listed.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    Failed { message: String, codes: Vec<String> },
}

/// Looks the codes up in batches of [`MAX_CODES_PER_QUERY`] (one call in practice),
/// newest report first.
#[cfg(feature = "hydrate")]
async fn lookup_mine(codes: Vec<String>) -> Result<Vec<MyReport>, AppError> {
    use crate::reports::{MAX_CODES_PER_QUERY, api::my_reports};
    let mut reports = Vec::new();
    for batch in codes.chunks(MAX_CODES_PER_QUERY) {
        reports.extend(my_reports(batch.to_vec()).await?);
    }
    crate::reports::queue::sort_by_key(&mut reports, |r| std::cmp::Reverse(r.received_at));
    Ok(reports)
}

#[component]
pub fn MyReportsPage() -> impl IntoView {
    view! {
        <Title text=t::MY_TITLE />
        <h1>{t::MY_TITLE}</h1>
        <MyReports />
        <p class="muted small">{t::MY_NOTE}</p>
    }
}

/// The device's reports: codes from local storage, looked up after hydration.
#[island]
fn MyReports() -> impl IntoView {
    let state = RwSignal::new(MyState::Loading);
    // The codes kept on this device; None until read (after hydration).
    let codes = RwSignal::new(None::<Vec<String>>);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        codes.set(Some(client::saved_codes()));
    });
    // One batched lookup whenever the list changes; an older answer never overwrites a newer.
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let Some(list) = codes.get() else {
            return;
        };
        generation.update_value(|g| *g += 1);
        if list.is_empty() {
            state.set(MyState::Loaded {
                reports: Vec::new(),
                missing: 0,
            });
        } else {
            #[cfg(feature = "hydrate")]
            {
                let mine = generation.get_value();
                spawn_local(async move {
                    let result = lookup_mine(list.clone()).await;
                    if generation.try_get_value() != Some(mine) {
                        return;
                    }
                    state.set(match result {
                        Ok(reports) => MyState::Loaded {
                            missing: list.len().saturating_sub(reports.len()),
                            reports,
                        },
                        Err(e) => MyState::Failed {
                            message: e.to_string(),
                            codes: list,
                        },
                    });
                });
            }
        }
    });

    // The device queue too: reports still on the phone are the resident's as well.
    let q = super::queue::QueueSignals::connect();
    view! {
        <super::queue::QueuePanel q />
        <section class="my-list" aria-live="polite" data-testid="my-reports">
            {move || match state.get() {
                MyState::Loading => EitherOf4::A(view! { <p class="muted">{t::MY_LOADING}</p> }),
                MyState::Loaded { reports, missing: 0 } if reports.is_empty() => {
                    EitherOf4::B(
                        view! {
                            <div class="card empty">
                                <p>{t::MY_EMPTY}</p>
                                <a class="button" href="/report">
                                    {t::MY_EMPTY_ACTION}
                                </a>
                            </div>
                        },
                    )
                }
                MyState::Loaded { reports, missing } => {
                    EitherOf4::C(
                        view! {
                            <ul class="report-list">
                                {reports
                                    .into_iter()
                                    .map(|r| view! { <MyReportItem report=r /> })
                                    .collect_view()}
                            </ul>
                            {(missing > 0)
                                .then(|| {
                                    view! { <p class="muted">{t::codes_not_found(missing)}</p> }
                                })}
                        },
                    )
                }
                MyState::Failed { message, codes } => {
                    EitherOf4::D(
                        view! {
                            <p class="alert" role="alert">
                                {message}
                            </p>
                            <ul class="code-list">
                                {codes
                                    .into_iter()
                                    .map(|c| {
                                        view! {
                                            <li>
                                                <a href=format!("/track?code={c}")>{c.clone()}</a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        },
                    )
                }
            }}
        </section>
        <AddCode codes />
    }
}

#[component]
fn MyReportItem(report: MyReport) -> impl IntoView {
    let href = format!("/track?code={}", report.tracking_code);
    let thumb = match &report.thumb {
        Some(p) => Either::Left(
            view! { <img class="thumb" src=p.thumb_url() alt="" loading="lazy" width="64" height="64" /> },
        ),
        None => Either::Right(view! {
            <span class="thumb placeholder" aria-hidden="true">
                {report.category_icon.clone()}
            </span>
        }),
    };
    view! {
        <li>
            <a class="report-item" href=href data-testid="my-report">
                {thumb}
                <span class="report-item-body">
                    <strong>
                        <span aria-hidden="true">{report.category_icon.clone()}" "</span>
                        {report.category_name.clone()}
                    </strong>
                    <span class="muted">
                        {report.place.clone().unwrap_or_else(|| t::NO_PLACE.to_string())}
                    </span>
                    <span class="report-item-meta">
                        <StatusBadge status=report.status />
                        <span class="muted">{report.received_at.format_month_day()}</span>
                        <code class="code-small">{report.tracking_code.to_string()}</code>
                    </span>
                </span>
            </a>
        </li>
    }
}

/// Adds a code by hand (a new phone, a code written on paper).
#[component]
fn AddCode(codes: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let input = RwSignal::new(String::new());
    let message = RwSignal::new(None::<Result<&'static str, String>>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match TrackingCode::parse(&input.get_untracked()) {
            Ok(code) => {
                #[cfg(feature = "hydrate")]
                {
                    client::remember_code(&code);
                    codes.set(Some(client::saved_codes()));
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = (code, codes);
                input.set(String::new());
                message.set(Some(Ok(t::CODE_ADDED)));
            }
            Err(e) => message.set(Some(Err(e.to_string()))),
        }
    };
    view! {
        <form class="card add-code" on:submit=on_submit>
            <label for="add-code">{t::ADD_CODE_LABEL}</label>
            <div class="row">
                <input
                    id="add-code"
                    autocomplete="off"
                    autocapitalize="characters"
                    maxlength="12"
                    placeholder=t::TRACK_PLACEHOLDER
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                />
                <button type="submit">{t::ADD_CODE_BUTTON}</button>
            </div>
            <p
                class="hint"
                class:alert=move || matches!(message.get(), Some(Err(_)))
                data-testid="add-code-message"
            >
                {move || match message.get() {
                    Some(Ok(m)) => Some(m.to_string()),
                    Some(Err(m)) => Some(m),
                    None => None,
                }}
            </p>
        </form>
    }
}
