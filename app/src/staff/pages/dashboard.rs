//! /staff/dashboard: open, overdue, 结案率, 按期结案率 and median time to close for a period.

use super::super::Dashboard;
use super::super::api::{staff_dashboard, staff_offices};
use super::super::strings as t;
use super::{Flash, SignedIn};
use crate::domain::Millis;
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::reports::record::{format_median, format_permille};
use crate::session::StaffUser;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

type Data = (Dashboard, Vec<(crate::domain::OfficeId, String)>);

#[component]
pub fn DashboardPage() -> impl IntoView {
    // Loaded once per request, here (SignedIn may build its children more than once).
    let (office, from, until) = use_query_map().with_untracked(|q| {
        (
            q.get("office").unwrap_or_default(),
            q.get("from").unwrap_or_default(),
            q.get("until").unwrap_or_default(),
        )
    });
    let office_sel = office.clone();
    let data = Resource::new(
        || (),
        move |_| {
            let (office, from, until) = (office.clone(), from.clone(), until.clone());
            async move {
                let d = staff_dashboard(office, from, until).await?;
                let offices = staff_offices().await?;
                Ok::<_, AppError>((d, offices))
            }
        },
    );
    let response = PageResponse::current();
    view! {
        <Title text=t::DASH_TITLE />
        <SignedIn let:user>
            <Board user=user data=data office_sel=office_sel.clone() response=response.clone() />
        </SignedIn>
    }
}

#[component]
fn Board(
    user: StaffUser,
    data: Resource<Result<Data, AppError>>,
    office_sel: String,
    response: PageResponse,
) -> impl IntoView {
    let admin = user.is_admin();
    view! {
        <h1>{t::DASH_TITLE}</h1>
        <Flash />
        <Suspense fallback=|| ()>
            {move || {
                let office_sel = office_sel.clone();
                let response = response.clone();
                Suspend::new(async move {
                    let data = data.await;
                    if let Err(e) = &data {
                        response.set_status(e.status());
                    }
                    match data {
                        Ok((d, offices)) => {
                            view! {
                                <form class="card filters" method="get" action="/staff/dashboard">
                                    {admin
                                        .then(|| {
                                            view! {
                                                <crate::ui::OfficeSelect
                                                    label=t::FILTER_OFFICE
                                                    any=t::DASH_ALL_OFFICES
                                                    offices=offices
                                                    selected=office_sel.clone()
                                                />
                                            }
                                        })}
                                    <label>
                                        {t::FILTER_FROM}
                                        <input type="date" name="from" value=d.from.format_date() />
                                    </label>
                                    <label>
                                        {t::FILTER_UNTIL}
                                        <input
                                            type="date"
                                            name="until"
                                            value=Millis(d.until.0 - 1).format_date()
                                        />
                                    </label>
                                    <button type="submit" class="primary">
                                        {t::DASH_APPLY}
                                    </button>
                                </form>
                                <DashboardExports d=d.clone() office=office_sel.clone() />
                                <Figures d=d />
                            }
                                .into_any()
                        }
                        Err(e) => view! { <crate::ui::Alert text=e.to_string() /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Figures(d: Dashboard) -> impl IntoView {
    let r = &d.record;
    let figure = |label: &'static str, value: String, testid: &'static str| {
        view! {
            <div class="figure">
                <span class="figure-value" data-testid=testid>
                    {value}
                </span>
                <span class="figure-label">{label}</span>
            </div>
        }
    };
    view! {
        <section class="card">
            <h2>
                {d.office_name.clone().unwrap_or_else(|| t::DASH_ALL_OFFICES.to_string())}
                <span class="muted small">
                    " "{t::DASH_PERIOD}" "{d.from.format_date()}" — "
                    {Millis(d.until.0 - 1).format_date()}
                </span>
            </h2>
            <div class="figures">
                {figure(t::DASH_OPEN, d.open_now.to_string(), "dash-open")}
                {figure(t::DASH_OVERDUE, d.overdue_now.to_string(), "dash-overdue")}
                {figure(t::DASH_RECEIVED, r.received.to_string(), "dash-received")}
                {figure(t::DASH_CLOSED, r.closed_in_period.to_string(), "dash-closed")}
                {figure(
                    t::DASH_CLOSE_RATE,
                    format_permille(r.close_rate_permille()),
                    "dash-close-rate",
                )}
                {figure(
                    t::DASH_ON_TIME_RATE,
                    format_permille(r.on_time_rate_permille()),
                    "dash-on-time-rate",
                )} {figure(t::DASH_MEDIAN, format_median(r), "dash-median")}
                {figure(t::DASH_REOPENED, r.reopened_by_residents.to_string(), "dash-reopened")}
                {figure(
                    t::DASH_SATISFACTION,
                    format_permille(r.satisfaction_permille()),
                    "dash-satisfaction",
                )}
            </div>
            <p class="muted small">{t::DASH_MEDIAN_NOTE}</p>
        </section>
    }
}

/// The period's figures as a one-sheet XLSX, and the period's reports in detail.
#[component]
fn DashboardExports(d: Dashboard, office: String) -> impl IntoView {
    let from = d.from.format_date();
    let until = Millis(d.until.0 - 1).format_date();
    let office = if office.is_empty() {
        String::new()
    } else {
        format!("&office={office}")
    };
    let period = format!("from={from}&until={until}{office}");
    view! {
        <div class="row exports" data-testid="dashboard-exports">
            <super::DownloadLink
                href=format!("/staff/export/dashboard.xlsx?{period}")
                label=t::EXPORT_DASHBOARD
                testid="export-dashboard"
            />
            <super::DownloadLink
                href=format!(
                    "/staff/export/reports.xlsx?status={}&{period}",
                    super::super::EVERY_STATUS,
                )
                label=t::EXPORT_DASHBOARD_REPORTS
                testid="export-dashboard-reports"
            />
        </div>
    }
}
