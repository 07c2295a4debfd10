//! Staff pages: /staff/login, /staff (queue), /staff/report/{id}, /staff/dashboard.
//! Server-rendered HTML with plain forms (see `forms.rs`); no islands, so none of this is in
//! the resident's wasm.

mod dashboard;
mod detail;
mod inbox;
mod login;
mod queue;

pub use dashboard::DashboardPage;
pub use detail::ReportDetailPage;
pub use inbox::InboxPage;
pub use login::LoginPage;
pub use queue::QueuePage;

pub use crate::shell::{Flash, SignedIn, StaffNav, StaffStyles, whoami};
use leptos::prelude::*;

/// A link that downloads an export (`/staff/export/…`), shown as a button.
#[component]
fn DownloadLink(href: String, label: &'static str, testid: &'static str) -> impl IntoView {
    view! {
        <a class="button" href=href download="" data-testid=testid>
            {label}
        </a>
    }
}
