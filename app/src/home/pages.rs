use super::strings as t;
use crate::domain::tracking::{self, TrackingCode};
use crate::stats::api::get_site_summary;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let summary = Resource::new(|| (), |_| get_site_summary());
    view! {
        <section class="hero">
            <p class="tagline">{t::TAGLINE}</p>
            <a class="big-action primary" href="/report">
                <span class="big-action-icon" aria-hidden="true">
                    "📷"
                </span>
                <span>
                    <strong>{t::REPORT}</strong>
                    <small>{t::REPORT_HINT}</small>
                </span>
            </a>
        </section>
        <nav class="action-grid" aria-label="主要功能">
            <a class="tile" href="/my">
                <span aria-hidden="true">"🗂️"</span>
                {t::MY_REPORTS}
            </a>
            <a class="tile" href="/track">
                <span aria-hidden="true">"🔎"</span>
                {t::TRACK}
            </a>
            <a class="tile" href="/honours">
                <span aria-hidden="true">"🏅"</span>
                {t::HONOURS}
            </a>
            <a class="tile" href="/staff/login">
                <span aria-hidden="true">"🪪"</span>
                {t::STAFF_LOGIN}
            </a>
        </nav>
        <QuickTrack />
        <section class="card summary" aria-live="polite">
            <Suspense fallback=|| {
                view! { <p class="muted">{t::SUMMARY_LOADING}</p> }
            }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(s) => {
                            view! {
                                <p data-testid="summary">
                                    {t::summary_line(s.reports_received, s.reports_closed)}
                                </p>
                                <p class="muted">
                                    {t::coverage_line(s.offices, s.communities, s.streets)}
                                </p>
                            }
                                .into_any()
                        }
                        Err(_) => view! { <p class="muted">{t::SUMMARY_ERROR}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A tracking-code box. As a plain GET form it works before the wasm arrives; once hydrated
/// it tells the resident, as they type, whether the code is complete.
#[island]
fn QuickTrack() -> impl IntoView {
    let (code, set_code) = signal(String::new());
    let hint = move || {
        let raw = code.get();
        if raw.trim().is_empty() {
            return String::new();
        }
        match TrackingCode::parse(&raw) {
            Ok(_) => t::CODE_OK.to_string(),
            Err(tracking::TrackingCodeError::WrongLength) => {
                let typed = raw
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '-')
                    .count();
                if typed < tracking::LEN {
                    t::code_remaining(tracking::LEN - typed)
                } else {
                    tracking::TrackingCodeError::WrongLength.to_string()
                }
            }
            Err(e) => e.to_string(),
        }
    };
    view! {
        <form class="card quick-track" method="get" action="/track">
            <label for="quick-code">{t::QUICK_TRACK_LABEL}</label>
            <div class="row">
                <input
                    id="quick-code"
                    name="code"
                    inputmode="text"
                    autocomplete="off"
                    autocapitalize="characters"
                    maxlength="12"
                    placeholder=t::QUICK_TRACK_PLACEHOLDER
                    prop:value=code
                    on:input=move |ev| set_code.set(event_target_value(&ev))
                />
                <button type="submit">{t::QUICK_TRACK_BUTTON}</button>
            </div>
            <p class="hint" data-testid="code-hint">
                {hint}
            </p>
        </form>
    }
}
