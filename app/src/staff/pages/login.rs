//! /staff/login: a plain form; works without scripts.

use super::super::strings as t;
use super::{Flash, StaffStyles};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    view! {
        <Title text=t::LOGIN_TITLE />
        <StaffStyles />
        <section class="card staff-login">
            <h1>{t::LOGIN_TITLE}</h1>
            <Flash />
            <form method="post" action="/api/staff/login" class="stack">
                <input type="hidden" name="next" value=next />
                <label for="username">{t::USERNAME}</label>
                <input
                    id="username"
                    name="username"
                    autocomplete="username"
                    required=true
                    autocapitalize="none"
                    maxlength="32"
                />
                <label for="password">{t::PASSWORD}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required=true
                    maxlength="256"
                />
                <button type="submit" class="primary">
                    {t::LOGIN_BUTTON}
                </button>
            </form>
        </section>
    }
}
