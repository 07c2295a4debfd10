//! 街巷随手拍 — the Leptos application: pages, components and server functions.
//! Compiled with `ssr` into the server and with `hydrate` into the browser's wasm.

pub mod admin;
pub mod app;
pub mod areas;
pub mod domain;
pub mod error;
pub mod escalation;
pub mod flash;
pub mod forms;
pub mod home;
pub mod honours;
pub mod intake;
pub mod islands;
pub mod map;
pub mod open311;
pub mod page_response;
pub mod reports;
pub mod session;
pub mod shell;
pub mod staff;
pub mod stats;
pub mod strings;
pub mod supervision;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod client_addr;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod geo;
#[cfg(feature = "ssr")]
pub mod photo_sweep;
#[cfg(feature = "ssr")]
pub mod ratelimit;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod sheet;
#[cfg(feature = "ssr")]
pub mod site;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod storage;

/// Islands mode: pages are rendered on the server only; the wasm carries just the `#[island]`
/// components (the report form, 我的上报, the home page's code box), which keeps the resident's
/// first load small. Navigation between pages is plain HTML links.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
