//! /track (进度查询): the public view behind a tracking code; plain server HTML.

use crate::domain::TrackingCode;
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::reports::api::track_report;
use crate::reports::strings::ui as t;
use crate::reports::{PhotoKind, PhotoRef, PublicReport};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{PhotoThumb, StatusBadge};

// =============================================================================================
// /track

#[component]
pub fn TrackPage() -> impl IntoView {
    let query = use_query_map();
    let code = move || query.with(|q| q.get("code")).unwrap_or_default();
    let report = Resource::new(code, |code| async move {
        if code.trim().is_empty() {
            return None;
        }
        // A malformed code is answered here, without asking the server.
        Some(match TrackingCode::parse(&code) {
            Ok(code) => track_report(code.to_string()).await,
            Err(e) => Err(AppError::bad_request(e.to_string())),
        })
    });
    let initial = code();
    let (ok, err) = query.with_untracked(|q| (q.get("ok").is_some(), q.get("err")));
    let err = crate::flash::shown_error(err);
    let response = PageResponse::current();
    view! {
        <Title text=t::TRACK_TITLE />
        <h1>{t::TRACK_TITLE}</h1>
        // A plain GET form: works before (and without) the wasm.
        <form class="card track-form" method="get" action="/track">
            <label for="track-code">{t::TRACK_LABEL}</label>
            <div class="row">
                <input
                    id="track-code"
                    name="code"
                    autocomplete="off"
                    autocapitalize="characters"
                    maxlength="12"
                    placeholder=t::TRACK_PLACEHOLDER
                    value=initial
                />
                <button type="submit">{t::TRACK_BUTTON}</button>
            </div>
        </form>
        <crate::ui::FlashBanner err=err ok=ok ok_text=t::FEEDBACK_THANKS />
        <Suspense fallback=|| {
            view! { <p class="muted">{t::TRACK_LOADING}</p> }
        }>
            {move || {
                let response = response.clone();
                Suspend::new(async move {
                    match report.await {
                        None => EitherOf3::A(()),
                        Some(Ok(r)) => EitherOf3::B(view! { <PublicReportView report=r /> }),
                        Some(Err(e)) => {
                            response.set_status(e.status());
                            let message = match e {
                                AppError::NotFound => t::TRACK_NOT_FOUND.to_string(),
                                other => other.to_string(),
                            };
                            EitherOf3::C(
                                // 404 for an unknown code, 400 for a malformed one.
                                view! { <crate::ui::Alert text=message /> },
                            )
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn PublicReportView(report: PublicReport) -> impl IntoView {
    let (before, after): (Vec<PhotoRef>, Vec<PhotoRef>) = report
        .photos
        .into_iter()
        .partition(|p| p.kind == PhotoKind::Before);
    let photos = |title: &'static str, photos: Vec<PhotoRef>| {
        (!photos.is_empty()).then(|| {
            view! {
                <h3>{title}</h3>
                <div class="photo-strip">
                    {photos.into_iter().map(|p| view! { <PhotoThumb photo=p /> }).collect_view()}
                </div>
            }
        })
    };
    let description = (!report.description.is_empty()).then(|| {
        view! {
            <dt>{t::FIELD_DESCRIPTION}</dt>
            // Text, never HTML: Leptos escapes it.
            <dd class="description" data-testid="report-description">
                {report.description}
            </dd>
        }
    });
    let location = report.coarse_location.map(|(lat, lon)| {
        view! {
            <dt>{t::FIELD_LOCATION}</dt>
            <dd>{t::coarse_location(lat, lon)}</dd>
        }
    });
    let timeline = report
        .timeline
        .into_iter()
        .map(|e| {
            view! {
                <li>
                    <StatusBadge status=e.status />
                    <time class="muted">{e.at.format_datetime()}</time>
                    {e.note.map(|n| view! { <p class="note">{n}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <article class="card public-report" data-testid="public-report">
            <header class="public-report-head">
                <h2>
                    <span aria-hidden="true">{report.category_icon}" "</span>
                    {report.category_name}
                </h2>
                <StatusBadge status=report.status />
            </header>
            <dl class="facts">
                <dt>{t::FIELD_PLACE}</dt>
                <dd data-testid="report-place">
                    {report.place.unwrap_or_else(|| t::NO_PLACE.to_string())}
                </dd>
                <dt>{t::FIELD_OFFICE}</dt>
                <dd>{report.office_name}</dd>
                <dt>{t::FIELD_RECEIVED}</dt>
                <dd>{report.received_at.format_datetime()}</dd>
                {location}
                {description}
            </dl>
            {photos(t::PHOTOS_BEFORE, before)}
            {photos(t::PHOTOS_AFTER, after)}
            <h3>{t::TIMELINE}</h3>
            <ol class="timeline" data-testid="timeline">
                {timeline}
            </ol>
            <p class="muted small">
                {t::TRACK_LABEL}" "<code>{report.tracking_code.to_string()}</code>
            </p>
        </article>
        {report
            .can_answer
            .then(|| view! { <FeedbackForm code=report.tracking_code.to_string() /> })}
    }
}

/// 已解决 / 仍未解决, once the office has closed the report. A plain multipart form: it works
/// without scripts (the server redirects back here with the outcome).
#[component]
fn FeedbackForm(code: String) -> impl IntoView {
    view! {
        <form
            class="card feedback"
            method="post"
            action="/api/reports/feedback"
            enctype="multipart/form-data"
            data-testid="feedback-form"
            data-shrink-photos=crate::ui::SHRINK_PHOTOS
        >
            <h2>{t::FEEDBACK_TITLE}</h2>
            <p class="muted">{t::FEEDBACK_HINT}</p>
            <input type="hidden" name="code" value=code />
            <label for="feedback-note">{t::FEEDBACK_NOTE}</label>
            <textarea id="feedback-note" name="note" rows="2" maxlength="500"></textarea>
            <label for="feedback-photo">{t::FEEDBACK_PHOTO}</label>
            <input id="feedback-photo" type="file" name="photo" accept="image/*" />
            <div class="row">
                <button type="submit" name="answer" value="satisfied" class="primary">
                    {t::FEEDBACK_SATISFIED}
                </button>
                <button type="submit" name="answer" value="basic">
                    {t::FEEDBACK_BASIC}
                </button>
                <button type="submit" name="answer" value="unsatisfied">
                    {t::FEEDBACK_UNSATISFIED}
                </button>
            </div>
        </form>
        <crate::ui::ShrinkPhotos />
    }
}
