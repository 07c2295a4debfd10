//! The frame of every signed-in page, whichever area it belongs to (staff, 督导, honours,
//! admin): the account (`whoami`), the redirect to the login, the navigation with the inbox's
//! count, the form-outcome banner, a list row's thumbnail and the time-left words. Below the
//! areas that show it; the navigation's count is loaded through [`NavCounts`], which the app
//! provides (the count is the staff area's), so this module names no area above it.

pub mod strings;

use crate::domain::Millis;
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::session::StaffUser;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use strings as t;

/// Where staff land after logging in, and the login page itself.
pub const STAFF_HOME: &str = "/staff";
pub const LOGIN_PATH: &str = "/staff/login";
/// The supervisor's start page.
pub const SUPERVISOR_HOME: &str = "/dudao";
/// Where 整改通知 are listed (the office's, or every office's for the supervisor and admin).
pub const FINDINGS_HOME: &str = "/findings";
/// Residents' reports past their deadline, for the supervisor to press (催办).
pub const OVERDUE_REPORTS_PATH: &str = "/dudao/reports";

/// How the navigation loads the signed-in account's inbox counts: the app provides the staff
/// area's loader in its context (a function, so that the frame needs nothing above it).
#[derive(Clone, Copy)]
pub struct NavCounts(pub fn() -> CountsFuture);

/// What [`NavCounts`] gives: the counts, once loaded.
pub type CountsFuture = std::pin::Pin<
    Box<
        dyn std::future::Future<Output = Result<crate::reports::triage::InboxCounts, AppError>>
            + Send,
    >,
>;

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
                                match use_context::<NavCounts>() {
                                    Some(NavCounts(load)) => load().await.ok(),
                                    None => None,
                                }
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
                            response.redirect(LOGIN_PATH);
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
pub fn StaffNav(
    user: StaffUser,
    counts: Option<crate::reports::triage::InboxCounts>,
) -> impl IntoView {
    let who = match &user.office_name {
        Some(office) => format!("{} · {}", user.display_name, office),
        None => format!("{} · {}", user.display_name, user.role.label()),
    };
    let admin = user.is_admin();
    let ts = t::NAV_FINDINGS;
    let links = if user.is_supervisor() {
        view! {
            <a href=SUPERVISOR_HOME data-testid="nav-rounds">
                {t::NAV_ROUNDS}
            </a>
            <a href=FINDINGS_HOME data-testid="nav-findings">
                {ts}
            </a>
            <a href=OVERDUE_REPORTS_PATH data-testid="nav-overdue-reports">
                {t::NAV_OVERDUE_REPORTS}
            </a>
            <a href="/dudao/bulletin" data-testid="nav-bulletin">
                {t::NAV_BULLETIN}
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
            <a href=FINDINGS_HOME data-testid="nav-findings">
                {ts}
            </a>
            <a href="/staff/dashboard">{t::NAV_DASHBOARD}</a>
            <a href="/staff/honours">{t::NAV_HONOURS}</a>
            {admin
                .then(|| {
                    view! {
                        <a href="/dudao/bulletin" data-testid="nav-bulletin">
                            {t::NAV_BULLETIN}
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

/// A report's first photo in a list row.
#[component]
pub fn QueueThumb(photo: crate::reports::PhotoRef) -> impl IntoView {
    view! {
        <img
            src=photo.thumb_url()
            width="64"
            height="64"
            alt=""
            loading="lazy"
            class="queue-thumb"
        />
    }
}

/// Time left until the deadline, in ms (negative: overdue by that much).
pub fn time_left(deadline: Millis, now: Millis) -> i64 {
    deadline.0.saturating_sub(now.0)
}

/// "剩余 3小时20分" / "超期 1天2小时" / "剩余 不足1分钟".
pub fn format_time_left(ms: i64) -> String {
    let (prefix, ms) = if ms < 0 {
        (t::OVERDUE_BY, -ms)
    } else {
        (t::REMAINING, ms)
    };
    let minutes = ms / 60_000;
    let (d, h, m) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    let span = if d > 0 {
        format!("{d}天{h}小时")
    } else if h > 0 {
        format!("{h}小时{m}分")
    } else if m > 0 {
        format!("{m}分钟")
    } else {
        t::UNDER_A_MINUTE.to_string()
    };
    format!("{prefix} {span}")
}
