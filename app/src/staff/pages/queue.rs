//! /staff: the office's queue, sorted by time left, with filters and keyset pagination.

use super::super::api::{staff_grids, staff_offices, staff_queue};
use super::super::strings as t;
use super::super::workflow::{format_time_left, is_overdue, time_left};
use super::super::{QueuePage as Page, QueueQuery as Q, QueueRow};
use super::{Flash, SignedIn};
use crate::areas::api::get_reference_data;
use crate::domain::ReportStatus;
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::reports::record::format_duration;
use crate::session::StaffUser;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The same filters without the cursor, as a query string.
fn base_query(q: &Q) -> String {
    let pairs = [
        ("office", &q.office),
        ("status", &q.status),
        ("category", &q.category),
        ("community", &q.community),
        ("street", &q.street),
        ("grid", &q.grid),
        ("overdue", &q.overdue),
        ("level", &q.level),
        ("from", &q.from),
        ("until", &q.until),
        ("code", &q.code),
    ];
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::ui::url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Grids listed in the filter at most: a district's whole list is too long to choose from;
/// the admin chooses an office first.
const MAX_GRID_OPTIONS: usize = 500;

type Refs = (
    crate::areas::ReferenceData,
    Vec<(crate::domain::OfficeId, String)>,
    Vec<crate::areas::GridOption>,
);

#[component]
pub fn QueuePage() -> impl IntoView {
    // The page's data is loaded here, once per request (SignedIn may build its children
    // more than once).
    let q = use_query_map().with_untracked(|m| {
        let g = |k: &str| m.get(k).unwrap_or_default();
        Q {
            office: g("office"),
            status: g("status"),
            category: g("category"),
            community: g("community"),
            street: g("street"),
            overdue: g("overdue"),
            from: g("from"),
            until: g("until"),
            after: g("after"),
            code: g("code"),
            level: g("level"),
            grid: g("grid"),
        }
    });
    let page = {
        let q = q.clone();
        Resource::new(
            || (),
            move |_| {
                let q = q.clone();
                async move { staff_queue(q).await }
            },
        )
    };
    let refs = Resource::new(
        || (),
        |_| async move {
            let r = get_reference_data().await?;
            let offices = staff_offices().await?;
            let grids = staff_grids().await?;
            Ok::<_, AppError>((r, offices, grids))
        },
    );
    let response = PageResponse::current();
    view! {
        <Title text=t::QUEUE_TITLE />
        <SignedIn let:user>
            <Queue user=user q=q.clone() page=page refs=refs response=response.clone() />
        </SignedIn>
    }
}

#[component]
fn Queue(
    user: StaffUser,
    q: Q,
    page: Resource<Result<Page, AppError>>,
    refs: Resource<Result<Refs, AppError>>,
    response: PageResponse,
) -> impl IntoView {
    view! {
        <h1>{t::QUEUE_TITLE}</h1>
        <Flash />
        // The supervisors' findings sent to this office are listed apart (/findings).
        <crate::supervision::pages::FindingsBanner />
        <Suspense fallback=|| ()>
            {
                let q = q.clone();
                let user = user.clone();
                move || {
                    let q = q.clone();
                    let user = user.clone();
                    let response = response.clone();
                    Suspend::new(async move {
                        let refs = refs.await;
                        let page = page.await;
                        if let Err(e) = &page {
                            response.set_status(e.status());
                        }
                        // Another office's queue (403) or a bad filter (400).
                        view! {
                            {refs
                                .ok()
                                .map(|(r, offices, grids)| {
                                    view! {
                                        <Filters
                                            q=q.clone()
                                            user=user.clone()
                                            refs=r
                                            offices=offices
                                            grids=grids
                                        />
                                    }
                                })}
                            {match page {
                                Ok(p) => view! { <Results q=q.clone() page=p /> }.into_any(),
                                Err(e) => {
                                    view! { <crate::ui::Alert text=e.to_string() /> }.into_any()
                                }
                            }}
                        }
                    })
                }
            }
        </Suspense>
    }
}

#[component]
fn Filters(
    q: Q,
    user: StaffUser,
    refs: crate::areas::ReferenceData,
    offices: Vec<(crate::domain::OfficeId, String)>,
    grids: Vec<crate::areas::GridOption>,
) -> impl IntoView {
    let sel = |cur: &str, v: String| cur == v;
    // The chosen office's grids (an admin with no office chosen: all, when they are few).
    let chosen_office = q.office.parse::<i64>().ok().map(crate::domain::OfficeId);
    let grids: Vec<_> = grids
        .into_iter()
        .filter(|g| chosen_office.is_none_or(|o| g.office_id == o))
        .collect();
    let grids = (!grids.is_empty() && grids.len() <= MAX_GRID_OPTIONS).then_some(grids);
    let office_scope = user.office_id;
    let communities: Vec<_> = refs
        .communities
        .iter()
        .filter(|c| office_scope.is_none_or(|o| c.office_id == o))
        .cloned()
        .collect();
    let community_ids: Vec<_> = communities.iter().map(|c| c.id).collect();
    let streets: Vec<_> = refs
        .streets
        .iter()
        .filter(|s| community_ids.contains(&s.community_id))
        .cloned()
        .collect();
    view! {
        <form
            class="card filters code-search"
            method="get"
            action="/staff"
            role="search"
            data-testid="code-search"
        >
            <label>
                {t::SEARCH_CODE}
                <input
                    type="search"
                    name="code"
                    value=q.code.clone()
                    placeholder=t::SEARCH_CODE_HINT
                    maxlength="16"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                />
            </label>
            <button type="submit">{t::SEARCH_BUTTON}</button>
        </form>
        <form class="card filters" method="get" action="/staff" data-testid="queue-filters">
            {user
                .is_admin()
                .then(|| {
                    view! {
                        <crate::ui::OfficeSelect
                            label=t::FILTER_OFFICE
                            any=t::FILTER_ANY
                            offices=offices
                            selected=q.office.clone()
                        />
                    }
                })}
            <label>
                {t::FILTER_STATUS} <select name="status">
                    <option value="">{t::FILTER_OPEN}</option>
                    <option
                        value=super::super::EVERY_STATUS
                        selected=q.status == super::super::EVERY_STATUS
                    >
                        {t::FILTER_ALL_STATUS}
                    </option>
                    {ReportStatus::ALL
                        .iter()
                        .map(|s| {
                            view! {
                                <option
                                    value=s.code()
                                    selected=sel(&q.status, s.code().to_string())
                                >
                                    {s.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t::FILTER_CATEGORY} <select name="category">
                    <option value="">{t::FILTER_ANY}</option>
                    {refs
                        .categories
                        .iter()
                        .map(|c| {
                            view! {
                                <option
                                    value=c.id.to_string()
                                    selected=sel(&q.category, c.id.to_string())
                                >
                                    {c.name.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t::FILTER_COMMUNITY} <select name="community">
                    <option value="">{t::FILTER_ANY}</option>
                    {communities
                        .iter()
                        .map(|c| {
                            view! {
                                <option
                                    value=c.id.to_string()
                                    selected=sel(&q.community, c.id.to_string())
                                >
                                    {c.name.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t::FILTER_STREET} <select name="street">
                    <option value="">{t::FILTER_ANY}</option>
                    {streets
                        .iter()
                        .map(|s| {
                            view! {
                                <option
                                    value=s.id.to_string()
                                    selected=sel(&q.street, s.id.to_string())
                                >
                                    {s.name.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            {grids
                .map(|grids| {
                    view! {
                        <label>
                            {t::FILTER_GRID} <select name="grid" data-testid="filter-grid">
                                <option value="">{t::FILTER_ANY}</option>
                                {grids
                                    .iter()
                                    .map(|g| {
                                        view! {
                                            <option
                                                value=g.id.to_string()
                                                selected=sel(&q.grid, g.id.to_string())
                                            >
                                                {format!("{} {}", g.name, g.code)}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </label>
                    }
                })}
            <label>{t::FILTER_FROM}<input type="date" name="from" value=q.from.clone() /></label>
            <label>{t::FILTER_UNTIL}<input type="date" name="until" value=q.until.clone() /></label>
            <label class="check">
                <input type="checkbox" name="overdue" value="1" checked=q.overdue == "1" />
                {t::FILTER_OVERDUE}
            </label>
            <label>
                {t::FILTER_LEVEL} <select name="level">
                    <option value="">{t::FILTER_ANY}</option>
                    <crate::supervision::pages::LevelOptions selected=q.level.clone() />
                </select>
            </label>
            <div class="row">
                <button type="submit" class="primary">
                    {t::FILTER_APPLY}
                </button>
                <a class="button" href="/staff">
                    {t::FILTER_RESET}
                </a>
            </div>
        </form>
    }
}

#[component]
fn Results(q: Q, page: Page) -> impl IntoView {
    let now = page.now;
    let counts = page
        .counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| {
            view! {
                <li>
                    <span class=format!("badge status-{}", s.code())>{s.label()}</span>
                    " "
                    {*n}
                </li>
            }
        })
        .collect_view();
    let base = base_query(&q);
    let next = page.next.map(|(k, id)| {
        let sep = if base.is_empty() { "" } else { "&" };
        format!("/staff?{base}{sep}after={k}_{}", id.0)
    });
    let first = (!q.after.is_empty()).then(|| format!("/staff?{base}"));
    let empty = page.rows.is_empty();
    view! {
        <section class="card">
            <h2 class="small-title">{t::COUNTS_TITLE}</h2>
            <ul class="counts" data-testid="status-counts">
                {counts}
                <li>
                    <span class="badge overdue">{t::OVERDUE}</span>
                    " "
                    <span data-testid="overdue-count">{page.overdue}</span>
                </li>
            </ul>
        </section>
        {empty
            .then(|| {
                view! {
                    <p class="card muted" data-testid="queue-empty">
                        {t::QUEUE_EMPTY}
                    </p>
                }
            })}
        <Exports base=base.clone() />
        <ol class="queue" data-testid="queue">
            {page.rows.into_iter().map(|r| view! { <Row row=r now=now /> }).collect_view()}
        </ol>
        <div class="row pager">
            {first
                .map(|href| {
                    view! {
                        <a class="button" href=href>
                            {t::FIRST_PAGE}
                        </a>
                    }
                })}
            {next
                .map(|href| {
                    view! {
                        <a class="button" href=href data-testid="next-page">
                            {t::NEXT_PAGE}
                        </a>
                    }
                })}
        </div>
    }
}

/// Links that download every report the current filters select, as XLSX or CSV.
#[component]
fn Exports(base: String) -> impl IntoView {
    let sep = if base.is_empty() { "" } else { "?" };
    view! {
        <div class="row exports" data-testid="exports">
            <super::DownloadLink
                href=format!("/staff/export/reports.xlsx{sep}{base}")
                label=t::EXPORT_XLSX
                testid="export-xlsx"
            />
            <super::DownloadLink
                href=format!("/staff/export/reports.csv{sep}{base}")
                label=t::EXPORT_CSV
                testid="export-csv"
            />
            <span class="muted small">{t::EXPORT_HINT}</span>
        </div>
    }
}

#[component]
pub(super) fn Row(row: QueueRow, now: crate::domain::Millis) -> impl IntoView {
    let overdue = is_overdue(row.status, row.deadline_at, now);
    let left = row
        .deadline_at
        .filter(|_| row.status.deadline_running())
        .map(|d| format_time_left(time_left(d, now)));
    let age = format_duration(Some(now.0 - row.received_at.0));
    view! {
        <li class=if overdue { "queue-row overdue" } else { "queue-row" } data-testid="queue-row">
            <a href=format!("/staff/report/{}", row.id.0) class="queue-link">
                {row.thumb.map(|p| view! { <crate::shell::QueueThumb photo=p /> })}
                <span class="queue-main">
                    <strong>{row.category_icon}" "{row.category_name}</strong>
                    <span class="muted">
                        {row.place.unwrap_or_else(|| t::NO_PLACE.to_string())}
                    </span>
                    <span class="muted small">
                        {row.office_name}" · "{row.tracking_code}" · "
                        {row.received_at.format_datetime()}" · "{t::AGE}" "{age}
                    </span>
                </span>
                <span class="queue-side">
                    <span class=format!(
                        "badge status-{}",
                        row.status.code(),
                    )>{row.status.label()}</span>
                    {overdue
                        .then(|| {
                            view! {
                                <span class="badge overdue" data-testid="overdue">
                                    {t::OVERDUE}
                                </span>
                            }
                        })}
                    {(row.escalation_level > 0 && row.status == ReportStatus::Dispatched)
                        .then(|| {
                            view! {
                                <span class="badge overdue" data-testid="report-level">
                                    {crate::supervision::escalation::label(row.escalation_level)}
                                </span>
                            }
                        })}
                    {left.map(|l| view! { <span class="small">{l}</span> })}
                    {(row.reopen_count > 0)
                        .then(|| {
                            view! {
                                <span class="small">{t::REOPENED_TIMES}" "{row.reopen_count}</span>
                            }
                        })}
                </span>
            </a>
        </li>
    }
}
