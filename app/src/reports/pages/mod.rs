//! Pages: /report (上报问题), /my (我的上报), /track (进度查询).
//!
//! Everything renders on the server; only the islands — the report form ([`ReportFlow`]) and
//! the device's list ([`MyReports`]), each with the device queue — hydrate in the browser.
//! /track is plain HTML.
//! Browser APIs (photos, location, device storage, clipboard) are reached only from effects
//! and event handlers, through `client.rs`.

pub mod form;
mod my;
mod queue;
mod report;
mod track;

pub use my::MyReportsPage;
pub use report::ReportPage;
pub use track::TrackPage;

use crate::domain::ReportStatus;
use crate::reports::strings::ui as t;
use crate::reports::{PhotoRef, THUMB_LONG_EDGE};
use leptos::prelude::*;

/// A thumbnail that opens the full photo; sized in advance so nothing jumps while loading.
#[component]
pub(crate) fn PhotoThumb(photo: PhotoRef) -> impl IntoView {
    let (w, h) = form::fit_long_edge(photo.width, photo.height, THUMB_LONG_EDGE);
    view! {
        <a class="photo-link" href=photo.url() target="_blank" rel="noopener">
            <img
                src=photo.thumb_url()
                width=w.to_string()
                height=h.to_string()
                loading="lazy"
                alt=t::PHOTO_LINK_LABEL
                data-testid="report-photo"
            />
        </a>
    }
}

#[component]
pub(crate) fn StatusBadge(status: ReportStatus) -> impl IntoView {
    view! {
        <span class=format!("badge status-{}", status.code()) data-testid="status">
            {status.label()}
        </span>
    }
}
