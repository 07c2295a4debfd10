//! /dudao/bulletin: the bulletin of a week or a month (the supervisor and the admin) with
//! print (A4), XLSX and 发布; /bulletins and /bulletins/{id}: the published ones, public.

use super::super::api::{dudao_bulletin, public_bulletin, public_bulletins};
use super::super::bulletin::{Bulletin, PeriodKind, PublishedBulletin};
use super::super::strings as t;
use super::rounds::Loaded;
use crate::page_response::PageResponse;
use crate::reports::record::format_permille;
use crate::shell::{Flash, SignedIn};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn BulletinPage() -> impl IntoView {
    let (kind, date) = use_query_map().with_untracked(|q| {
        (
            q.get("kind").unwrap_or_default(),
            q.get("date").unwrap_or_default(),
        )
    });
    let (k2, d2) = (kind.clone(), date.clone());
    let data = Resource::new(
        || (),
        move |_| {
            let (k, d) = (k2.clone(), d2.clone());
            async move { dudao_bulletin(k, d).await }
        },
    );
    let response = PageResponse::current();
    view! {
        <Title text=t::BULLETIN_TITLE />
        <SignedIn let:user>
            <h1 class="no-print">{t::BULLETIN_TITLE}</h1>
            <Flash />
            <Loaded
                data=data
                response=response.clone()
                render={
                    let supervisor = user.is_supervisor();
                    let date = date.clone();
                    move |b| {
                        view! {
                            <Tools b=b.clone() date=date.clone() supervisor=supervisor />
                            <BulletinTable b=b />
                        }
                    }
                }
            />
        </SignedIn>
    }
}

/// The period form, print, XLSX and (for the supervisor) 发布.
#[component]
fn Tools(b: Bulletin, date: String, supervisor: bool) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let date_value = if date.is_empty() {
        crate::domain::Millis::from_cst_day(b.from_day).format_date()
    } else {
        date.clone()
    };
    let query = format!("kind={}&date={}", b.kind.code(), date_value);
    view! {
        <form method="get" action="/dudao/bulletin" class="filters card no-print">
            <label>
                {t::FIELD_PERIOD}
                <select name="kind">
                    {[PeriodKind::Week, PeriodKind::Month]
                        .into_iter()
                        .map(|k| {
                            view! {
                                <option value=k.code() selected=k == b.kind>
                                    {k.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t::FIELD_PERIOD_DATE} <input type="date" name="date" value=date_value.clone() />
            </label>
            <button type="submit">{t::SHOW_BULLETIN}</button>
        </form>
        <div class="card no-print bulletin-tools">
            <button type="button" id="bulletin-print">
                {t::PRINT}
            </button>
            <script nonce=nonce>
                "document.getElementById('bulletin-print').onclick = function () { window.print(); };"
            </script>
            " "
            <a
                class="button"
                href=format!("/dudao/bulletin.xlsx?{query}")
                download=""
                data-testid="bulletin-xlsx"
            >
                {t::DOWNLOAD_XLSX}
            </a>
            {supervisor
                .then(|| {
                    view! {
                        <form method="post" action="/api/dudao/publish" class="inline">
                            <input type="hidden" name="kind" value=b.kind.code() />
                            <input type="hidden" name="date" value=date_value.clone() />
                            " "
                            <button type="submit" class="primary" data-testid="publish">
                                {t::PUBLISH}
                            </button>
                        </form>
                        <p class="muted small">{t::PUBLISH_HINT}</p>
                    }
                })}
        </div>
    }
}

/// The ranked table (A4 when printed).
#[component]
pub fn BulletinTable(b: Bulletin) -> impl IntoView {
    let stamp = match b.published_at {
        Some(at) => format!("{} {}", t::PUBLISHED_AT, at.format_datetime()),
        None => format!("{} {}", t::MADE_AT, b.made_at.format_datetime()),
    };
    view! {
        // The public statistics' stylesheet carries the table (also on the public pages).
        <leptos_meta::Stylesheet id="stats-css" href="/stats.css" />
        <article class="card bulletin" data-testid="bulletin">
            <h2>{b.title()}</h2>
            <p class="muted small">{stamp}</p>
            <div class="table-scroll">
                <table class="bulletin-table">
                    <thead>
                        <tr>
                            {t::BULLETIN_COLUMNS
                                .iter()
                                .map(|c| view! { <th scope="col">{*c}</th> })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {b
                            .rows
                            .iter()
                            .map(|r| {
                                view! {
                                    <tr data-testid="bulletin-row" data-office=r.office.clone()>
                                        <td data-testid="bulletin-rank">{r.rank}</td>
                                        <th scope="row">{r.office.clone()}</th>
                                        <td data-testid="bulletin-findings">{r.findings}</td>
                                        <td data-testid="bulletin-rectified">{r.rectified}</td>
                                        <td>{format_permille(r.rectify_on_time_rate())}</td>
                                        <td data-testid="bulletin-rework">{r.rework}</td>
                                        <td data-testid="bulletin-pressed">{r.pressed}</td>
                                        <td data-testid="bulletin-supervised">{r.supervised}</td>
                                        <td data-testid="bulletin-escalated">{r.escalated}</td>
                                        <td data-testid="bulletin-passed">{r.passed}</td>
                                        <td>{r.open_now}</td>
                                        <td>{r.received}</td>
                                        <td data-testid="bulletin-report-pressed">
                                            {r.report_pressed}
                                        </td>
                                        <td data-testid="bulletin-report-supervised">
                                            {r.report_supervised}
                                        </td>
                                        <td data-testid="bulletin-report-escalated">
                                            {r.report_escalated}
                                        </td>
                                        <td>{format_permille(r.close_rate)}</td>
                                        <td>{format_permille(r.on_time_rate)}</td>
                                        <td>{format_permille(r.satisfaction)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted small">{t::RANKING_NOTE}</p>
        </article>
    }
}

/// /bulletins: the published bulletins, newest first (public, cacheable).
#[component]
pub fn PublicBulletinsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| public_bulletins());
    let response = PageResponse::current();
    response.cache_control("public, max-age=60");
    view! {
        <Title text=t::PUBLIC_BULLETINS_TITLE />
        <h1>{t::PUBLIC_BULLETINS_TITLE}</h1>
        <Loaded
            data=data
            response=response.clone()
            render=|list| view! { <PublishedList list=list /> }
        />
    }
}

#[component]
fn PublishedList(list: Vec<PublishedBulletin>) -> impl IntoView {
    view! {
        {list.is_empty().then(|| view! { <p class="card muted">{t::NO_BULLETINS}</p> })}
        <ul class="plain-list" data-testid="published-bulletins">
            {list
                .into_iter()
                .map(|p| {
                    let title = format!(
                        "{}{}（{} — {}）",
                        p.kind.label(),
                        t::BULLETIN_TITLE,
                        crate::domain::Millis::from_cst_day(p.from_day).format_date(),
                        crate::domain::Millis::from_cst_day(p.until_day - 1).format_date(),
                    );
                    view! {
                        <li class="card">
                            <a href=format!("/bulletins/{}", p.id)>{title}</a>
                            <span class="muted small">
                                " · " {t::PUBLISHED_AT} " " {p.published_at.format_datetime()}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// /bulletins/{id}: one published bulletin, as published (public, cacheable).
#[component]
pub fn PublicBulletinPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|v| v.parse::<i64>().ok());
    let data = Resource::new(
        || (),
        move |_| async move { public_bulletin(id.ok_or(crate::error::AppError::NotFound)?).await },
    );
    let response = PageResponse::current();
    response.cache_control("public, max-age=300");
    view! {
        <Title text=t::PUBLIC_BULLETINS_TITLE />
        <p>
            <a href="/bulletins">"← "{t::PUBLIC_BULLETINS_TITLE}</a>
        </p>
        <Loaded data=data response=response.clone() render=|b| view! { <BulletinTable b=b /> } />
    }
}
