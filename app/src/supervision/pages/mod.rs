//! Pages of 督导: /dudao (rounds), /dudao/round/{id}, /dudao/capture (the resident's form in
//! the supervisor's hands), /findings (整改通知) and /findings/{id}. Server-rendered HTML with
//! plain forms, like the staff pages; nothing here is in the resident's wasm.

mod bulletin;
mod finding;
mod reports;
mod rounds;
mod rules;

pub use bulletin::{BulletinPage, PublicBulletinPage, PublicBulletinsPage};
pub use finding::{FindingPage, FindingsBanner, FindingsPage, InboxFindings, SuperviseNotice};
pub use reports::OverdueReportsPage;
pub use rounds::{CapturePage, RoundPage, SupervisorHomePage};
pub use rules::EscalationRulesForm;

use super::strings as t;
use super::{FindingRow, FindingStatus};
use crate::domain::Millis;
use leptos::prelude::*;

/// A finding's status as a badge.
#[component]
fn FindingBadge(status: FindingStatus) -> impl IntoView {
    view! {
        <span class=format!("badge finding-{}", status.code()) data-testid="finding-status">
            {status.label()}
        </span>
    }
}

/// A finding in a list: code, category and place, office, deadline, marks.
#[component]
fn FindingItem(row: FindingRow, now: Millis) -> impl IntoView {
    let overdue = row.overdue(now);
    let href = format!("/findings/{}", row.id.0);
    view! {
        <li class="queue-row" data-testid="finding-row" data-code=row.code.clone()>
            <a href=href class="queue-link">
                <span class="badge finding-mark">{t::MARK_FINDING}</span>
                " "
                <FindingBadge status=row.status />
                " "
                <strong>{row.category.clone()}</strong>
                " · "
                {row.place.clone().unwrap_or_default()}
                <br />
                <span class="muted small">
                    {row.office.clone()} " · " {row.round_kind.label()} " · " {t::FIELD_DEADLINE}
                    "：" {row.deadline_at.format_datetime()}
                </span>
                {overdue
                    .then(|| {
                        view! {
                            " "
                            <span class="badge overdue" data-testid="finding-overdue">
                                {t::OVERDUE}
                            </span>
                        }
                    })}
                {(row.escalation_level > 0 && row.status.is_open())
                    .then(|| {
                        view! {
                            " "
                            <span class="badge overdue" data-testid="finding-level">
                                {super::escalation::label(row.escalation_level)}
                            </span>
                        }
                    })}
                {(row.rework_count > 0)
                    .then(|| {
                        view! {
                            " "
                            <span class="badge" data-testid="finding-rework">
                                {t::FIELD_REWORK}
                                {row.rework_count}
                                {t::REWORK_TIMES}
                            </span>
                        }
                    })}
            </a>
        </li>
    }
}

/// The options of an escalation-level filter (催办及以上, 督办及以上, 提级), after the caller's
/// own "any" option.
#[component]
pub fn LevelOptions(selected: String) -> impl IntoView {
    (1..=3i64)
        .map(|l| {
            let v = l.to_string();
            view! {
                <option value=v.clone() selected=selected == v>
                    {super::escalation::label(l)}
                    {(l < 3).then_some(t::OR_ABOVE)}
                </option>
            }
        })
        .collect_view()
}
