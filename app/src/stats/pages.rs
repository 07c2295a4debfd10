//! /stats (公开统计): per 办事处, reports received and closed, 结案率, 按期结案率, the median
//! time to close and 居民反馈未解决, for the last 30 days and all time; two bar charts drawn
//! on the server and the ranking table. Plain server HTML (no island), cacheable for 5 minutes.

use super::api::stats_offices;
use super::chart::{self, Bar, BarChart, Row, Series};
use super::strings as t;
use super::{OfficeStats, StatsOverview, ranking};
use crate::page_response::PageResponse;
use crate::reports::record::{OfficeRecord, format_median, format_permille};
use leptos::prelude::*;
use leptos_meta::Title;

const RECEIVED_COLOR: &str = "#8fb9a2";
const CLOSED_COLOR: &str = "#1f7a4d";

/// The figures are public and the same for everyone: shared caches may keep them 5 minutes.
/// An error is never cached.
fn cache_for_everyone(response: &PageResponse, ok: bool) {
    response.cache_control(if ok {
        "public, max-age=300"
    } else {
        "no-store"
    });
}

#[component]
pub fn StatsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| stats_offices());
    let response = PageResponse::current();
    view! {
        <Title text=t::TITLE />
        <leptos_meta::Stylesheet id="stats-css" href="/stats.css" />
        <div class="stats">
            <h1>{t::TITLE}</h1>
            <p class="muted">{t::INTRO}</p>
            <Suspense fallback=|| {
                view! { <p class="muted">{t::LOADING}</p> }
            }>
                {move || {
                    let response = response.clone();
                    Suspend::new(async move {
                        match data.await {
                            Ok(o) => {
                                cache_for_everyone(&response, true);
                                view! { <Overview o=o /> }.into_any()
                            }
                            Err(_) => {
                                cache_for_everyone(&response, false);
                                view! { <crate::ui::Alert text=t::ERROR /> }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
            <p>
                <a class="button" href="/bulletins" data-testid="bulletins-link">
                    {crate::supervision::strings::PUBLIC_BULLETINS_TITLE}
                </a>
                " "
                <a class="button" href="/" data-testid="back-home">
                    {t::BACK_HOME}
                </a>
            </p>
        </div>
    }
}

#[component]
fn Overview(o: StatsOverview) -> impl IntoView {
    let as_of = t::as_of(&o.generated_at.format_datetime());
    if o.offices.is_empty() {
        return view! { <p class="card muted">{t::NO_OFFICES}</p> }.into_any();
    }
    let counts = chart::render(&counts_chart(&o.offices));
    let on_time = chart::render(&on_time_chart(&o.offices));
    view! {
        <p class="muted small" data-testid="as-of">
            {as_of}
        </p>
        <section class="card" aria-labelledby="stats-district">
            <h2 id="stats-district">{t::DISTRICT_RECENT}</h2>
            {figures(&o.district_recent)}
        </section>
        {charts_section(counts, on_time)}
        <section class="card" aria-labelledby="stats-ranking">
            <h2 id="stats-ranking">{t::RANKING_TITLE}</h2>
            <p class="muted small">{t::RANKING_NOTE}</p>
            {ranking_table(&o.offices, &o.district_recent)}
        </section>
        <section class="card" aria-labelledby="stats-all-time">
            <h2 id="stats-all-time">{t::ALL_TIME_TITLE}</h2>
            {all_time_table(&o.offices, &o.district_all_time)}
        </section>
        {definitions()}
    }
    .into_any()
}

// Each part of the page erases its type (AnyView): one nested view type for the whole page
// is too deep for the compiler's layout queries.

fn charts_section(counts: String, on_time: String) -> AnyView {
    view! {
        <section class="card" aria-labelledby="stats-charts">
            <h2 id="stats-charts">{t::RECENT}</h2>
            <figure class="stats-chart" data-testid="chart-counts">
                <figcaption>{t::CHART_COUNTS_TITLE}</figcaption>
                <div inner_html=counts></div>
            </figure>
            <figure class="stats-chart" data-testid="chart-on-time">
                <figcaption>{t::CHART_ON_TIME_TITLE}</figcaption>
                <div inner_html=on_time></div>
            </figure>
        </section>
    }
    .into_any()
}

fn definitions() -> AnyView {
    view! {
        <section class="card" aria-labelledby="stats-definitions">
            <h2 id="stats-definitions">{t::DEFINITIONS_TITLE}</h2>
            <dl class="stats-defs">
                <dt>{t::RECEIVED}</dt>
                <dd>{t::DEF_RECEIVED}</dd>
                <dt>{t::CLOSED}</dt>
                <dd>{t::DEF_CLOSED}</dd>
                <dt>{t::CLOSE_RATE}</dt>
                <dd>{t::DEF_CLOSE_RATE}</dd>
                <dt>{t::ON_TIME_RATE}</dt>
                <dd>{t::DEF_ON_TIME_RATE}</dd>
                <dt>{t::MEDIAN}</dt>
                <dd>{t::DEF_MEDIAN}</dd>
                <dt>{t::REOPENED}</dt>
                <dd>{t::DEF_REOPENED}</dd>
                <dt>{t::SATISFACTION}</dt>
                <dd>{t::DEF_SATISFACTION}</dd>
            </dl>
        </section>
    }
    .into_any()
}

fn figures(r: &OfficeRecord) -> AnyView {
    let figure = |label: &'static str, value: String, testid: &'static str| {
        view! {
            <div class="stats-figure">
                <span class="stats-figure-value" data-testid=testid>
                    {value}
                </span>
                <span class="stats-figure-label">{label}</span>
            </div>
        }
    };
    view! {
        <div class="stats-figures">
            {figure(t::RECEIVED, r.received.to_string(), "district-received")}
            {figure(t::CLOSED, r.closed.to_string(), "district-closed")}
            {figure(t::CLOSE_RATE, format_permille(r.close_rate_permille()), "district-close-rate")}
            {figure(
                t::ON_TIME_RATE,
                format_permille(r.on_time_rate_permille()),
                "district-on-time-rate",
            )} {figure(t::MEDIAN, format_median(r), "district-median")}
            {figure(t::REOPENED, r.reopened_by_residents.to_string(), "district-reopened")}
            {figure(
                t::SATISFACTION,
                format_permille(r.satisfaction_permille()),
                "district-satisfaction",
            )}
        </div>
    }
    .into_any()
}

/// The cells after the office's name, in the order of [`header_cells`].
fn record_cells(r: &OfficeRecord) -> AnyView {
    view! {
        <td>{format_permille(r.on_time_rate_permille())}</td>
        <td>{format_permille(r.close_rate_permille())}</td>
        <td>{r.received}</td>
        <td>{r.closed}</td>
        <td>{format_median(r)}</td>
        <td class=(r.reopened_by_residents > 0)
            .then_some("stats-reopened")>{r.reopened_by_residents}</td>
        <td>{format_permille(r.satisfaction_permille())}</td>
    }
    .into_any()
}

fn header_cells() -> AnyView {
    view! {
        <th scope="col">{t::ON_TIME_RATE}</th>
        <th scope="col">{t::CLOSE_RATE}</th>
        <th scope="col">{t::RECEIVED}</th>
        <th scope="col">{t::CLOSED}</th>
        <th scope="col">{t::MEDIAN_SHORT}</th>
        <th scope="col">{t::REOPENED}</th>
        <th scope="col">{t::SATISFACTION}</th>
    }
    .into_any()
}

fn ranking_table(offices: &[OfficeStats], district: &OfficeRecord) -> AnyView {
    let rows = ranking(offices)
        .into_iter()
        .map(|(place, o)| {
            view! {
                <tr data-testid="rank-row" data-office=o.office_id.to_string()>
                    <td class="stats-place">
                        {place.map(t::place).unwrap_or_else(|| t::UNRANKED.to_string())}
                    </td>
                    <th scope="row">{o.name.clone()}</th>
                    {record_cells(&o.recent)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="stats-scroll" role="region" aria-labelledby="stats-ranking" tabindex="0">
            <table class="stats-table" data-testid="ranking">
                <thead>
                    <tr>
                        <th scope="col">{t::PLACE}</th>
                        <th scope="col">{t::OFFICE}</th>
                        {header_cells()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr data-testid="district-row">
                        <td></td>
                        <th scope="row">{t::DISTRICT}</th>
                        {record_cells(district)}
                    </tr>
                </tfoot>
            </table>
        </div>
    }
    .into_any()
}

fn all_time_table(offices: &[OfficeStats], district: &OfficeRecord) -> AnyView {
    let rows = offices
        .iter()
        .map(|o| {
            view! {
                <tr data-testid="all-time-row" data-office=o.office_id.to_string()>
                    <th scope="row">{o.name.clone()}</th>
                    {record_cells(&o.all_time)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="stats-scroll" role="region" aria-labelledby="stats-all-time" tabindex="0">
            <table class="stats-table" data-testid="all-time">
                <thead>
                    <tr>
                        <th scope="col">{t::OFFICE}</th>
                        {header_cells()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{t::DISTRICT}</th>
                        {record_cells(district)}
                    </tr>
                </tfoot>
            </table>
        </div>
    }
    .into_any()
}

/// 收到 and 结案 of the last 30 days, two bars per office.
pub fn counts_chart(offices: &[OfficeStats]) -> BarChart {
    let max = offices.iter().map(|o| o.recent.received).max().unwrap_or(0);
    BarChart {
        id: "chart-counts".into(),
        title: t::CHART_COUNTS_TITLE.into(),
        desc: offices
            .iter()
            .map(|o| t::counts_desc(&o.name, o.recent.received, o.recent.closed))
            .collect::<Vec<_>>()
            .join("；"),
        series: vec![
            Series {
                name: t::RECEIVED,
                color: RECEIVED_COLOR,
            },
            Series {
                name: t::CLOSED,
                color: CLOSED_COLOR,
            },
        ],
        max,
        track: false,
        rows: offices
            .iter()
            .map(|o| Row {
                label: o.name.clone(),
                bars: vec![
                    Bar {
                        value: o.recent.received,
                        text: o.recent.received.to_string(),
                    },
                    Bar {
                        value: o.recent.closed,
                        text: o.recent.closed.to_string(),
                    },
                ],
            })
            .collect(),
    }
}

/// 按期结案率 of the last 30 days, on a 0–100% scale ("无结案" without a closed report).
pub fn on_time_chart(offices: &[OfficeStats]) -> BarChart {
    let text = |r: &OfficeRecord| match r.on_time_rate_permille() {
        Some(p) => format_permille(Some(p)),
        None => t::NO_CLOSED.to_string(),
    };
    BarChart {
        id: "chart-on-time".into(),
        title: t::CHART_ON_TIME_TITLE.into(),
        desc: offices
            .iter()
            .map(|o| t::rate_desc(&o.name, &text(&o.recent)))
            .collect::<Vec<_>>()
            .join("；"),
        series: vec![Series {
            name: t::ON_TIME_RATE,
            color: CLOSED_COLOR,
        }],
        max: 1000,
        track: true,
        rows: offices
            .iter()
            .map(|o| Row {
                label: o.name.clone(),
                bars: vec![Bar {
                    value: o.recent.on_time_rate_permille().unwrap_or(0),
                    text: text(&o.recent),
                }],
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OfficeId;

    fn office(name: &str, received: i64, closed: i64, in_period: i64, on_time: i64) -> OfficeStats {
        OfficeStats {
            office_id: OfficeId(1),
            name: name.into(),
            recent: OfficeRecord {
                received,
                closed,
                closed_in_period: in_period,
                closed_on_time: on_time,
                median_close_ms: None,
                median_error_ms: None,
                reopened_by_residents: 0,
                ..Default::default()
            },
            all_time: OfficeRecord::default(),
        }
    }

    #[test]
    fn counts_chart_scales_to_the_busiest_office() {
        let c = counts_chart(&[office("甲", 4, 2, 2, 1), office("乙", 8, 1, 1, 1)]);
        assert_eq!(c.max, 8);
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.rows[1].bars[0].value, 8);
        assert_eq!(c.rows[1].bars[1].text, "1");
        assert_eq!(c.desc, "甲：收到 4 件，结案 2 件；乙：收到 8 件，结案 1 件");
        let svg = chart::render(&c);
        assert!(svg.contains(">收到</text>") && svg.contains(">乙</text>"));
    }

    #[test]
    fn on_time_chart_in_per_mille_with_no_closed_shown_as_such() {
        let c = on_time_chart(&[office("甲", 4, 2, 2, 1), office("乙", 3, 0, 0, 0)]);
        assert_eq!(c.max, 1000);
        assert_eq!(c.rows[0].bars[0].value, 500);
        assert_eq!(c.rows[0].bars[0].text, "50.0%");
        assert_eq!(c.rows[1].bars[0].value, 0);
        assert_eq!(c.rows[1].bars[0].text, t::NO_CLOSED);
        assert!(c.desc.contains("甲：按期结案率 50.0%"));
    }
}
