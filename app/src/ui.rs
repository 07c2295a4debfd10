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
