//! Pieces of page that every area shows the same way.

use leptos::prelude::*;

/// An error where the page's content would be (`role="alert"`, so a screen reader says it).
#[component]
pub fn Alert(
    #[prop(into)] text: String,
    /// For the tests that look for this alert.
    #[prop(optional)]
    testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <p class="alert" role="alert" data-testid=testid>
            {text}
        </p>
    }
}

/// The outcome of the last form post as a banner: the signed error (see `crate::flash`) or
/// `ok_text` when the post went through.
#[component]
pub fn FlashBanner(err: Option<String>, ok: bool, ok_text: &'static str) -> impl IntoView {
    view! {
        {err.map(|e| view! { <Alert text=e testid="flash-error" /> })}
        {ok
            .then(|| {
                view! {
                    <p class="notice ok" role="status" data-testid="flash-ok">
                        {ok_text}
                    </p>
                }
            })}
    }
}

/// A select of the offices for a district-wide list's filter form (`name="office"`): the
/// first option, valued empty, is `any` (every office); `selected` is the chosen office's id.
#[component]
pub fn OfficeSelect(
    label: &'static str,
    any: &'static str,
    offices: Vec<(crate::domain::OfficeId, String)>,
    #[prop(into)] selected: String,
) -> impl IntoView {
    view! {
        <label>
            {label} <select name="office">
                <option value="">{any}</option>
                {offices
                    .into_iter()
                    .map(|(id, name)| {
                        let v = id.0.to_string();
                        view! {
                            <option value=v.clone() selected=selected == v>
                                {name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Makes the photos of a form marked `data-shrink-photos=SHRINKING_PHOTOS` small on the phone
/// before it sends them (`public/photo-shrink.js`: 1600 px, JPEG, no metadata, like the
/// report form's wasm). For the pages with photo forms outside `/report`; `/report` never
/// loads it.
#[component]
pub fn ShrinkPhotos() -> impl IntoView {
    // Every script of a page carries its nonce (server/src/csp.rs), same-origin ones too.
    let nonce = leptos::nonce::use_nonce();
    view! { <script src="/photo-shrink.js" defer=true nonce=nonce></script> }
}

/// The value of `data-shrink-photos` on a form with photo inputs.
pub const SHRINK_PHOTOS: &str = crate::strings::SHRINKING_PHOTOS;

/// A query-string value, percent-encoded (for links built on both sides).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
