//! The shell, the root component and the routes.

use crate::admin::pages::{AdminPage, PosterPage};
use crate::home::pages::HomePage;
use crate::honours::{HonoursPage, StaffHonoursPage};
use crate::islands::IslandScripts;
use crate::reports::pages::{MyReportsPage, ReportPage, TrackPage};
use crate::staff::pages::{DashboardPage, InboxPage, LoginPage, QueuePage, ReportDetailPage};
use crate::stats::pages::StatsPage;
use crate::strings as t;
use crate::supervision::pages::{
    BulletinPage, CapturePage, FindingPage, FindingsPage, OverdueReportsPage, PublicBulletinPage,
    PublicBulletinsPage, RoundPage, SupervisorHomePage,
};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

/// Internal response header: the page's CSP nonce, from the shell to the server's security
/// headers (server/src/csp.rs), which turn it into `script-src 'nonce-…'` and remove it.
pub const CSP_NONCE_HEADER: &str = "x-csp-nonce";

/// Every HTML page, the error pages included. leptos_axum draws a fresh nonce for each
/// response; every inline script carries it (the wasm's loader, islands.rs, among them), and
/// the response's CSP allows only scripts with it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(n), Some(res)) = (
        &leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(value) = axum::http::HeaderValue::from_str(n)
    {
        res.insert_header(axum::http::HeaderName::from_static(CSP_NONCE_HEADER), value);
    }
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8" />
                <meta
                    name="viewport"
                    content="width=device-width, initial-scale=1, viewport-fit=cover"
                />
                <meta name="theme-color" content="#1f7a4d" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                // The cargo-leptos-hashed name when file hashing is on (see README).
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                // The wasm's loader; it also registers the service worker (server/src/pwa.rs)
                // once the islands are live, so its precaching never competes with the
                // first load or the hydration.
                <IslandScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The signed-in pages' navigation shows the staff area's inbox count (crate::shell).
    provide_context(crate::shell::NavCounts(|| {
        Box::pin(crate::staff::api::staff_inbox_counts())
    }));
    view! {
        <Title text=t::APP_NAME />
        <Meta name="description" content=t::APP_DESCRIPTION />
        <Router>
            <header class="topbar">
                <a class="brand" href="/">
                    {t::APP_NAME}
                </a>
            </header>
            <main class="page">
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage />
                    // In order: the form (with its reference data) arrives in the HTML itself.
                    <Route path=StaticSegment("report") view=ReportPage ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("my") view=MyReportsPage />
                    // Whole page at once: the report is the content, it must be there without
                    // scripts, and an unknown code can answer 404.
                    <Route path=StaticSegment("track") view=TrackPage ssr=SsrMode::Async />
                    // 示范户公示: whole page at once, cacheable (no names, no phones).
                    <Route path=StaticSegment("honours") view=HonoursPage ssr=SsrMode::Async />
                    // Public statistics: whole page at once, cacheable (Cache-Control set by the page).
                    <Route path=StaticSegment("stats") view=StatsPage ssr=SsrMode::Async />
                    // Staff and admin: whole pages at once (they redirect when signed out).
                    <Route
                        path=(StaticSegment("staff"), StaticSegment("login"))
                        view=LoginPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("staff") view=QueuePage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("staff"), StaticSegment("report"), ParamSegment("id"))
                        view=ReportDetailPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("staff"), StaticSegment("inbox"))
                        view=InboxPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("staff"), StaticSegment("dashboard"))
                        view=DashboardPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("staff"), StaticSegment("honours"))
                        view=StaffHonoursPage
                        ssr=SsrMode::Async
                    />
                    // 督导: rounds, the capture form, and 整改通知 (staff, supervisors, admin).
                    <Route path=StaticSegment("dudao") view=SupervisorHomePage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("dudao"), StaticSegment("round"), ParamSegment("id"))
                        view=RoundPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("dudao"), StaticSegment("capture"))
                        view=CapturePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("dudao"), StaticSegment("reports"))
                        view=OverdueReportsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("dudao"), StaticSegment("bulletin"))
                        view=BulletinPage
                        ssr=SsrMode::Async
                    />
                    // Published 督导通报: public, cacheable (offices only, no names).
                    <Route
                        path=StaticSegment("bulletins")
                        view=PublicBulletinsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("bulletins"), ParamSegment("id"))
                        view=PublicBulletinPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("findings") view=FindingsPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("findings"), ParamSegment("id"))
                        view=FindingPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("admin") view=AdminPage ssr=SsrMode::Async />
                    <Route
                        path=(
                            StaticSegment("admin"),
                            StaticSegment("grids"),
                            StaticSegment("import"),
                            ParamSegment("id"),
                        )
                        view=crate::admin::grids::page::GridImportPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(
                            StaticSegment("admin"),
                            StaticSegment("streets"),
                            ParamSegment("id"),
                            StaticSegment("poster"),
                        )
                        view=PosterPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
        </Router>
        // Last on the page: islands hydrate in document order, so when this one has run,
        // every island before it is live.
        <HydrationMark />
    }
}

#[component]
fn NotFound() -> impl IntoView {
    crate::page_response::PageResponse::current().set_status(404);
    view! {
        <Title text=t::NOT_FOUND_TITLE />
        <section class="card">
            <h1>{t::NOT_FOUND_TITLE}</h1>
            <p>{t::NOT_FOUND_BODY}</p>
            <a class="button" href="/">
                {t::BACK_HOME}
            </a>
        </section>
    }
}

/// Sets `data-hydrated` on `<body>` once the wasm has taken over, so tests (and CSS) can
/// tell a hydrated page from server-rendered HTML: after every island before it, and after
/// the work they left for the next task (`islands::after_this_task`).
#[island]
fn HydrationMark() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        crate::islands::after_this_task(|| {
            if let Some(body) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.body())
            {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        });
    });
    view! { <span hidden=true></span> }
}
