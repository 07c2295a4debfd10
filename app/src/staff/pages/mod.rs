//! Staff pages: /staff/login, /staff (queue), /staff/report/{id}, /staff/dashboard.
//! Server-rendered HTML with plain forms (see `forms.rs`); no islands, so none of this is in
//! the resident's wasm.

mod dashboard;
mod detail;
mod inbox;
mod login;
mod queue;
pub(crate) use queue::QueueThumb;

pub use dashboard::DashboardPage;
pub use detail::ReportDetailPage;
pub use inbox::InboxPage;
pub use login::LoginPage;
pub use queue::QueuePage;

use super::strings as t;
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::session::StaffUser;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The account of this request, for pages (server-side). A signed-out visitor is sent to the
/// login page by [`SignedIn`].
#[server(endpoint = "staff/me")]
pub async fn whoami() -> Result<Option<StaffUser>, AppError> {
    crate::session::auth::current_user().await
}

/// Renders `children` with the signed-in account, or redirects to the login page.
#[component]
pub fn SignedIn<F, V>(children: F) -> impl IntoView
where
    F: Fn(StaffUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let me = Resource::new(|| (), |_| whoami());
    let children = std::sync::Arc::new(children);
    // Taken now, not inside the Suspend (see `PageResponse`).
    let response = PageResponse::current();
    // Staff pages carry personal data (contact phones): never stored by a cache.
    response.cache_control("no-store");
    view! {
        <StaffStyles />
        <Suspense fallback=|| ()>
            {move || {
                let children = children.clone();
                let response = response.clone();
                Suspend::new(async move {
                    match me.await {
                        Ok(Some(user)) => {
                            let counts = if user.is_supervisor() {
                                None
                            } else {
                                super::api::staff_inbox_counts().await.ok()
                            };
                            Some(
                                // The nav's 待办 count; a failure only leaves it out.
                                view! {
                                    <StaffNav user=user.clone() counts=counts />
                                    {children(user)}
                                }
                                    .into_any(),
                            )
                        }
                        _ => {
                            response.redirect(super::LOGIN_PATH);
                            None
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// The staff pages' own stylesheet, so the resident's pages never load it.
#[component]
pub fn StaffStyles() -> impl IntoView {
    view! { <leptos_meta::Stylesheet id="staff-css" href="/staff.css" /> }
}

/// The staff bar: who is signed in, the sections, and 退出登录.
#[component]
pub fn StaffNav(user: StaffUser, counts: Option<super::InboxCounts>) -> impl IntoView {
    let who = match &user.office_name {
        Some(office) => format!("{} · {}", user.display_name, office),
        None => format!("{} · {}", user.display_name, user.role.label()),
    };
    let admin = user.is_admin();
    let ts = crate::supervision::strings::NAV_FINDINGS;
    let links = if user.is_supervisor() {
        view! {
            <a href=crate::supervision::SUPERVISOR_HOME data-testid="nav-rounds">
                {crate::supervision::strings::NAV_ROUNDS}
            </a>
            <a href=crate::supervision::FINDINGS_HOME data-testid="nav-findings">
                {ts}
            </a>
            <a href=crate::supervision::OVERDUE_REPORTS_PATH data-testid="nav-overdue-reports">
                {crate::supervision::strings::NAV_OVERDUE_REPORTS}
            </a>
            <a href="/dudao/bulletin" data-testid="nav-bulletin">
                {crate::supervision::strings::NAV_BULLETIN}
            </a>
        }
        .into_any()
    } else {
        view! {
            <a href="/staff/inbox" data-testid="nav-inbox">
                {t::NAV_INBOX}
                {counts
                    .filter(|c| c.total() > 0)
                    .map(|c| {
                        view! {
                            " "
                            <span class=badge_class(c.urgent()) data-testid="nav-inbox-count">
                                {c.total()}
                            </span>
                        }
                    })}
            </a>
            <a href="/staff">{t::NAV_QUEUE}</a>
            <a href=crate::supervision::FINDINGS_HOME data-testid="nav-findings">
                {ts}
            </a>
            <a href="/staff/dashboard">{t::NAV_DASHBOARD}</a>
            <a href="/staff/honours">示范户管理</a>
            {admin
                .then(|| {
                    view! {
                        <a href="/dudao/bulletin" data-testid="nav-bulletin">
                            {crate::supervision::strings::NAV_BULLETIN}
                        </a>
                        <a href="/admin">{t::NAV_ADMIN}</a>
                    }
                })}
        }
        .into_any()
    };
    view! {
        <nav class="staff-nav" aria-label=t::NAV_QUEUE>
            {links}
            <span class="staff-who" data-testid="staff-who">
                {who}
            </span>
            <form method="post" action="/api/staff/logout" class="inline">
                <button type="submit" class="link-button">
                    {t::LOGOUT_BUTTON}
                </button>
            </form>
        </nav>
    }
}

fn badge_class(urgent: bool) -> &'static str {
    if urgent { "badge overdue" } else { "badge" }
}

/// The outcome of the last form post (`?ok=1` / `?err=…`), as a banner.
#[component]
pub fn Flash() -> impl IntoView {
    let q = use_query_map();
    let (ok, err) = q.with_untracked(|q| (q.get("ok").is_some(), q.get("err")));
    let err = crate::flash::shown_error(err);
    view! { <crate::ui::FlashBanner err=err ok=ok ok_text=t::DONE /> }
}

/// A link that downloads an export (`/staff/export/…`), shown as a button.
#[component]
fn DownloadLink(href: String, label: &'static str, testid: &'static str) -> impl IntoView {
    view! {
        <a class="button" href=href download="" data-testid=testid>
            {label}
        </a>
    }
}
