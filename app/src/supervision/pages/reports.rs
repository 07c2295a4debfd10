//! /dudao/reports: residents' reports past their deadline (or already escalated), district
//! wide or one office's, each with a 催办 form for the supervisor (the admin only looks).

use super::super::api::dudao_overdue_reports;
use super::super::escalation;
use super::super::strings as t;
use super::super::{OVERDUE_REPORTS_PATH, OverdueReports};
use super::rounds::Loaded;
use crate::domain::Millis;
use crate::page_response::PageResponse;
use crate::reports::triage::QueueRow;
use crate::shell::{Flash, SignedIn};
use crate::shell::{format_time_left, time_left};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OverdueReportsPage() -> impl IntoView {
    let (office, level, after) = use_query_map().with_untracked(|q| {
        (
            q.get("office").unwrap_or_default(),
            q.get("level").unwrap_or_default(),
            q.get("after").unwrap_or_default(),
        )
    });
    let args = (office.clone(), level.clone(), after);
    let data = Resource::new(
        || (),
        move |_| {
            let (o, l, a) = args.clone();
            async move { dudao_overdue_reports(o, l, a).await }
        },
    );
    let response = PageResponse::current();
    view! {
        <Title text=t::OVERDUE_REPORTS_TITLE />
        <SignedIn let:user>
            <h1>{t::OVERDUE_REPORTS_TITLE}</h1>
            <p class="muted small">{t::OVERDUE_REPORTS_HINT}</p>
            <Flash />
            <Loaded
                data=data
                response=response.clone()
                render={
                    let (office, level) = (office.clone(), level.clone());
                    let supervisor = user.is_supervisor();
                    move |page| {
                        view! {
                            <List
                                page=page
                                office=office.clone()
                                level=level.clone()
                                supervisor=supervisor
                            />
                        }
                    }
                }
            />
        </SignedIn>
    }
}

/// The filters without the cursor, as a query string.
fn base_query(office: &str, level: &str) -> String {
    [("office", office), ("level", level)]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::ui::url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
fn List(page: OverdueReports, office: String, level: String, supervisor: bool) -> impl IntoView {
    let OverdueReports {
        rows,
        next,
        overdue,
        levels,
        offices,
        now,
    } = page;
    let base = base_query(&office, &level);
    let back = if base.is_empty() {
        OVERDUE_REPORTS_PATH.to_string()
    } else {
        format!("{OVERDUE_REPORTS_PATH}?{base}")
    };
    let next_href = next.map(|(k, id)| {
        let sep = if base.is_empty() { "" } else { "&" };
        format!("{OVERDUE_REPORTS_PATH}?{base}{sep}after={k}_{}", id.0)
    });
    let empty = rows.is_empty();
    view! {
        <ul class="counts card" data-testid="overdue-report-counts">
            <li>
                {t::COUNT_OVERDUE} " "
                <strong data-testid="count-overdue-reports">{overdue}</strong>
            </li>
            <li>{t::COUNT_PRESSED} " " <strong data-testid="count-pressed">{levels[0]}</strong></li>
            <li>
                {t::COUNT_SUPERVISED} " "
                <strong data-testid="count-supervised">{levels[1]}</strong>
            </li>
            <li>
                {t::COUNT_ESCALATED} " " <strong data-testid="count-escalated">{levels[2]}</strong>
            </li>
        </ul>
        <form method="get" action=OVERDUE_REPORTS_PATH class="filters card">
            <crate::ui::OfficeSelect
                label=t::FILTER_OFFICE
                any=t::FILTER_EVERY
                offices=offices
                selected=office.clone()
            />
            <label>
                {super::super::strings::FILTER_LEVEL} <select name="level">
                    <option value="">{t::ONLY_OVERDUE}</option>
                    <super::LevelOptions selected=level.clone() />
                </select>
            </label>
            <button type="submit">{t::FILTER_SHOW}</button>
        </form>
        {empty
            .then(|| {
                view! {
                    <p class="card muted" data-testid="no-overdue-reports">
                        {t::NO_OVERDUE_REPORTS}
                    </p>
                }
            })}
        <ul class="queue" data-testid="overdue-reports">
            {rows
                .into_iter()
                .map(|row| {
                    view! { <Item row=row now=now supervisor=supervisor back=back.clone() /> }
                })
                .collect_view()}
        </ul>
        {next_href
            .map(|href| {
                view! {
                    <a class="button" href=href data-testid="next-page">
                        {t::NEXT_PAGE}
                    </a>
                }
            })}
    }
}

/// One report: what and where, the office, how far past the deadline, its level, and (for
/// the supervisor) the 催办 form.
#[component]
fn Item(row: QueueRow, now: Millis, supervisor: bool, back: String) -> impl IntoView {
    let left = row.deadline_at.map(|d| format_time_left(time_left(d, now)));
    let id = row.id.0.to_string();
    let note_id = format!("press-note-{id}");
    view! {
        <li class="queue-row overdue" data-testid="overdue-report" data-report=id.clone()>
            <div class="queue-link">
                {row.thumb.map(|p| view! { <crate::shell::QueueThumb photo=p /> })}
                <span class="queue-main">
                    <strong>{row.category_icon}" "{row.category_name}</strong>
                    <span class="muted">{row.place.unwrap_or_default()}</span>
                    <span class="muted small">
                        {t::FIELD_REPORT_NO} " " {id.clone()} " · " {row.office_name}
                    </span>
                </span>
                <span class="queue-side">
                    {left.map(|l| view! { <span class="badge overdue">{l}</span> })}
                    {(row.escalation_level > 0)
                        .then(|| {
                            view! {
                                <span class="badge overdue" data-testid="report-level">
                                    {escalation::label(row.escalation_level)}
                                </span>
                            }
                        })}
                </span>
            </div>
            {supervisor
                .then(|| {
                    view! {
                        <form method="post" action="/api/dudao/press_report" class="press-form">
                            <input type="hidden" name="report" value=id.clone() />
                            <input type="hidden" name="back" value=back.clone() />
                            <label for=note_id.clone() class="small">
                                {t::PRESS_NOTE}
                            </label>
                            <input id=note_id type="text" name="note" maxlength="500" />
                            <button type="submit" data-testid="press-report">
                                {t::PRESS_BUTTON}
                            </button>
                        </form>
                    }
                })}
        </li>
    }
}
