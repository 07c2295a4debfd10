//! The admin page's section for the Open311 API (the admin area's, over `open311`'s keys): its address, the clients' keys (issued,
//! last used, revoked) and a new key shown the one time it exists in the open.

use super::api::{AddApiKey, RevokeApiKey};
use crate::open311::strings as s;
use crate::open311::{ApiKeyInfo, ApiKeys, BASE_PATH, MAX_KEY_NAME_CHARS};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Where the forms return.
const BACK: &str = "/admin#api-keys";

#[component]
pub fn ApiKeysSection(api: ApiKeys) -> impl IntoView {
    let rows = if api.keys.is_empty() {
        view! { <li class="muted">{s::API_KEYS_NONE}</li> }.into_any()
    } else {
        api.keys
            .into_iter()
            .map(|k| view! { <KeyRow key=k /> })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card admin-section" id="api-keys">
            <h2>{s::SEC_API}</h2>
            <p class="muted small">
                {s::API_HINT} <code>{BASE_PATH}"/"</code>
                " (discovery.json, services.json, requests.json …)"
            </p>
            {api
                .new_key
                .map(|key| {
                    view! {
                        <p class="alert ok" role="status">
                            {s::API_KEY_NEW}
                            <br />
                            <code data-testid="new-api-key">{key}</code>
                        </p>
                    }
                })}
            <ul class="admin-list" data-testid="api-keys">
                {rows}
            </ul>
            <form method="post" action=AddApiKey::PATH class="admin-add admin-grid">
                <input type="hidden" name="back" value=BACK />
                <label>
                    {s::API_KEY_NAME}
                    <input name="name" required=true maxlength=MAX_KEY_NAME_CHARS.to_string() />
                </label>
                <button type="submit">{s::API_KEY_ADD}</button>
            </form>
        </section>
    }
}

#[component]
fn KeyRow(key: ApiKeyInfo) -> impl IntoView {
    let revoked = key.revoked_at.is_some();
    let used = key
        .last_used_at
        .map(|t| t.format_datetime())
        .unwrap_or_else(|| s::API_KEY_NEVER_USED.to_string());
    view! {
        <li class="admin-row" class:inactive=revoked data-testid=format!("api-key-{}", key.id)>
            <p class="admin-row-head">
                <strong>{key.name}</strong>
                " "
                <code class="muted small">{key.key_start}"…"</code>
                " "
                <span class="badge">
                    {if revoked { s::API_KEY_REVOKED } else { s::API_KEY_ACTIVE }}
                </span>
            </p>
            <p class="muted small">
                {s::API_KEY_CREATED}" "{key.created_at.format_datetime()}" · "
                {s::API_KEY_LAST_USED}" "{used}
            </p>
            {(!revoked)
                .then(|| {
                    view! {
                        <form method="post" action=RevokeApiKey::PATH class="admin-inline">
                            <input type="hidden" name="id" value=key.id.to_string() />
                            <input type="hidden" name="back" value=BACK />
                            <button type="submit" class="secondary">
                                {s::API_KEY_REVOKE}
                            </button>
                        </form>
                    }
                })}
        </li>
    }
}
