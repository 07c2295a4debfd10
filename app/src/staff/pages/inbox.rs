//! `/staff/inbox` (待办): what needs this person now — 催办/督办 received, overdue, due within 24 hours, new, and
//! rectified reports waiting to be checked — most urgent first, each section with its count
//! and a link to the whole list in the queue.

use super::super::api::staff_inbox;
use super::super::strings as t;
use super::super::{Inbox, InboxKind, InboxSection};
use super::SignedIn;
use super::queue::Row;
use crate::error::AppError;
use crate::page_response::PageResponse;
use leptos::prelude::*;
use leptos_meta::Title;

/// A section's heading, the queue with its filter (every one of them), and its test id.
fn section_meta(kind: InboxKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        InboxKind::Pressed => (t::INBOX_PRESSED, "/staff?level=1", "inbox-pressed"),
        InboxKind::Overdue => (t::INBOX_OVERDUE, "/staff?overdue=1", "inbox-overdue"),
        InboxKind::DueSoon => (
            t::INBOX_DUE_SOON,
            "/staff?status=dispatched",
            "inbox-due-soon",
        ),
        InboxKind::New => (t::INBOX_NEW, "/staff?status=pending", "inbox-new"),
        InboxKind::ToCheck => (
            t::INBOX_TO_CHECK,
            "/staff?status=rectified",
            "inbox-to-check",
        ),
    }
}

#[component]
pub fn InboxPage() -> impl IntoView {
    // Loaded once per request, here (SignedIn may build its children more than once).
    let data = Resource::new(|| (), |_| staff_inbox());
    let response = PageResponse::current();
    view! {
        <Title text=t::INBOX_TITLE />
        <SignedIn let:_user>
            <Body data=data response=response.clone() />
        </SignedIn>
    }
}

#[component]
fn Body(data: Resource<Result<Inbox, AppError>>, response: PageResponse) -> impl IntoView {
    view! {
        <h1>{t::INBOX_TITLE}</h1>
        <Suspense fallback=|| ()>
            {move || {
                let response = response.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(inbox) => {
                            view! {
                                <crate::supervision::pages::InboxFindings />
                                <Sections inbox=inbox />
                            }
                                .into_any()
                        }
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
fn Sections(inbox: Inbox) -> impl IntoView {
    let now = inbox.now;
    let empty = inbox.sections.iter().all(|s| s.count == 0);
    view! {
        {empty
            .then(|| {
                view! {
                    <p class="card muted" data-testid="inbox-empty">
                        {t::INBOX_EMPTY}
                    </p>
                }
            })}
        {inbox
            .sections
            .into_iter()
            .filter(|s| s.count > 0)
            .map(|s| view! { <Section section=s now=now /> })
            .collect_view()}
    }
}

#[component]
fn Section(section: InboxSection, now: crate::domain::Millis) -> impl IntoView {
    let InboxSection { kind, count, rows } = section;
    let (label, see_all, testid) = section_meta(kind);
    let more = count > rows.len() as i64;
    view! {
        <section class="card inbox-section" data-testid=testid>
            <h2>
                {label} " " <span class="badge" data-testid="inbox-count">
                    {count}
                </span>
            </h2>
            <ul class="queue">
                {rows.into_iter().map(|row| view! { <Row row=row now=now /> }).collect_view()}
            </ul>
            {more
                .then(|| {
                    view! {
                        <a class="button" href=see_all>
                            {t::INBOX_SEE_ALL}
                        </a>
                    }
                })}
        </section>
    }
}
