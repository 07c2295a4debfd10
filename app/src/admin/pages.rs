//! /admin (系统管理) and /admin/streets/{id}/poster (二维码海报).
//!
//! Server-rendered components (no islands): every change is a plain `<form method="post">` to
//! a server function in `api.rs`, which redirects back here with `?ok=1` or `?err=…` and the
//! section's `#anchor`; [`Flash`] shows the outcome.

use super::api::{
    AddCategory, AddCommunity, AddOffice, AddStreet, AddUser, EditCategory, RenameCommunity,
    RenameOffice, RenameStreet, ResetUserPassword, SetCategoryActive, SetUserActive,
    get_admin_overview, get_street_poster,
};
use super::strings as t;
use super::{
    AdminOverview, CategorySetting, MAX_AREA_NAME_CHARS, MAX_CATEGORY_NAME_CHARS,
    MAX_DEADLINE_HOURS, MAX_GROUP_CHARS, MAX_ICON_CHARS, MIN_DEADLINE_HOURS, StreetPoster,
};
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::session::{Role, StaffUser};
use crate::shell::{Flash, SignedIn, whoami};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

// Where each section's forms return to.
const BACK_OFFICES: &str = "/admin#offices";
const BACK_COMMUNITIES: &str = "/admin#communities";
const BACK_STREETS: &str = "/admin#streets";
const BACK_CATEGORIES: &str = "/admin#categories";
const BACK_USERS: &str = "/admin#users";

/// 没有权限, answered 403. `response` is the page's, taken while the page was built.
#[component]
fn Forbidden(message: &'static str, response: PageResponse) -> impl IntoView {
    response.set_status(403);
    view! {
        <section class="card" data-testid="admin-forbidden">
            <h1>{t::FORBIDDEN_TITLE}</h1>
            <p>{message}</p>
            <a class="button" href=crate::shell::STAFF_HOME>
                {t::BACK_TO_QUEUE}
            </a>
        </section>
    }
}

// =============================================================================================
// /admin

#[component]
pub fn AdminPage() -> impl IntoView {
    // Made here, once per request: `SignedIn` may build its children more than once while
    // the page renders, and a resource made inside them would load again each time. Only an
    // admin's request loads anything (others see 没有权限 or are sent to log in).
    let overview = Resource::new(
        || (),
        |_| async move {
            match whoami().await {
                Ok(Some(user)) if user.is_admin() => Some(get_admin_overview().await),
                _ => None,
            }
        },
    );
    let response = PageResponse::current();
    view! {
        <Title text=t::ADMIN_TITLE />
        <SignedIn let:user>
            {if user.is_admin() {
                view! { <AdminBody user=user overview=overview response=response.clone() /> }
                    .into_any()
            } else {
                view! { <Forbidden message=t::FORBIDDEN_BODY response=response.clone() /> }
                    .into_any()
            }}
        </SignedIn>
    }
}

#[component]
fn AdminBody(
    user: StaffUser,
    overview: Resource<Option<Result<AdminOverview, AppError>>>,
    response: PageResponse,
) -> impl IntoView {
    view! {
        <div class="admin" data-testid="admin">
            <h1>{t::ADMIN_TITLE}</h1>
            <Flash />
            <nav class="admin-sections" aria-label=t::SECTIONS>
                <a href="#offices">{t::SEC_OFFICES}</a>
                <a href="#communities">{t::SEC_COMMUNITIES}</a>
                <a href="#streets">{t::SEC_STREETS}</a>
                <a href="#categories">{t::SEC_CATEGORIES}</a>
                <a href="#users">{t::SEC_USERS}</a>
                <a href="#grids">{t::SEC_GRIDS}</a>
                <a href="#api-keys">{crate::open311::strings::SEC_API}</a>
                <a href="#escalation">{crate::supervision::strings::RULES_TITLE}</a>
            </nav>
            <Suspense fallback=|| {
                view! { <p class="muted">{t::LOADING}</p> }
            }>
                {move || {
                    let user = user.clone();
                    let response = response.clone();
                    Suspend::new(async move {
                        match overview.await {
                            None => ().into_any(),
                            Some(Ok(data)) => {
                                view! {
                                    <Offices data=data.clone() />
                                    <Communities data=data.clone() />
                                    <Streets data=data.clone() />
                                    <Categories categories=data.categories.clone() />
                                    <Users data=data.clone() me=user />
                                    <super::grids::page::GridsSection counts=data.grids.clone() />
                                    <super::api_keys::ApiKeysSection api=data.api />
                                    <crate::supervision::pages::EscalationRulesForm />
                                }
                                    .into_any()
                            }
                            Some(Err(AppError::Forbidden)) => {
                                view! { <Forbidden message=t::FORBIDDEN_BODY response=response /> }
                                    .into_any()
                            }
                            Some(Err(e)) => {
                                view! { <crate::ui::Alert text=e.to_string() /> }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </div>
    }
}

/// Hidden fields every admin form carries: the row it changes and where to return.
#[component]
fn Hidden(name: &'static str, value: String) -> impl IntoView {
    view! { <input type="hidden" name=name value=value /> }
}

/// An inline "new name" form for one office, community or street.
#[component]
fn RenameForm(
    action: &'static str,
    back: &'static str,
    id: i64,
    current: String,
    testid: String,
) -> impl IntoView {
    view! {
        <form method="post" action=action class="admin-inline" data-testid=testid>
            <Hidden name="id" value=id.to_string() />
            <Hidden name="back" value=back.to_string() />
            <input
                name="name"
                value=current.clone()
                required=true
                maxlength=MAX_AREA_NAME_CHARS.to_string()
                aria-label=t::rename_label(&current)
            />
            <button type="submit" class="secondary">
                {t::RENAME}
            </button>
        </form>
    }
}

/// An "add a name under a parent" form (community under an office, street under a community).
#[component]
fn AddNameForm(
    action: &'static str,
    back: &'static str,
    parent_field: &'static str,
    parent_id: i64,
    label: String,
    button: &'static str,
) -> impl IntoView {
    let input_id = format!("{parent_field}-{parent_id}-new");
    view! {
        <form method="post" action=action class="admin-add">
            <Hidden name=parent_field value=parent_id.to_string() />
            <Hidden name="back" value=back.to_string() />
            <label for=input_id.clone()>{label}</label>
            <div class="row">
                <input
                    id=input_id
                    name="name"
                    required=true
                    maxlength=MAX_AREA_NAME_CHARS.to_string()
                />
                <button type="submit">{button}</button>
            </div>
        </form>
    }
}

// ---- 办事处 ----

#[component]
fn Offices(data: AdminOverview) -> impl IntoView {
    let rows = data
        .offices
        .iter()
        .map(|o| {
            let counts = t::office_counts(
                data.communities_of(o.id).count() as i64,
                data.street_count_of(o.id) as i64,
            );
            view! {
                <li>
                    <RenameForm
                        action=RenameOffice::PATH
                        back=BACK_OFFICES
                        id=o.id.0
                        current=o.name.clone()
                        testid=format!("office-{}", o.id)
                    />
                    <p class="muted small">{counts}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card admin-section" id="offices">
            <h2>{t::SEC_OFFICES}</h2>
            <ul class="admin-list">{rows}</ul>
            <form method="post" action=AddOffice::PATH class="admin-add">
                <Hidden name="back" value=BACK_OFFICES.to_string() />
                <label for="office-new">{t::OFFICE_ADD}</label>
                <div class="row">
                    <input
                        id="office-new"
                        name="name"
                        required=true
                        maxlength=MAX_AREA_NAME_CHARS.to_string()
                        placeholder=t::OFFICE_NAME
                    />
                    <button type="submit">{t::ADD}</button>
                </div>
            </form>
        </section>
    }
}

// ---- 居委会 ----

#[component]
fn Communities(data: AdminOverview) -> impl IntoView {
    let groups = data
        .offices
        .iter()
        .map(|o| {
            let rows = data
                .communities_of(o.id)
                .map(|c| {
                    view! {
                        <li>
                            <RenameForm
                                action=RenameCommunity::PATH
                                back=BACK_COMMUNITIES
                                id=c.id.0
                                current=c.name.clone()
                                testid=format!("community-{}", c.id)
                            />
                        </li>
                    }
                })
                .collect_view();
            view! {
                <details class="admin-group" open=true>
                    <summary>{o.name.clone()}</summary>
                    <ul class="admin-list">{rows}</ul>
                    <AddNameForm
                        action=AddCommunity::PATH
                        back=BACK_COMMUNITIES
                        parent_field="office"
                        parent_id=o.id.0
                        label=t::add_under(t::COMMUNITY_ADD, &o.name)
                        button=t::ADD
                    />
                </details>
            }
        })
        .collect_view();
    let empty = data
        .offices
        .is_empty()
        .then(|| view! { <p class="muted">{t::COMMUNITY_NEEDS_OFFICE}</p> });
    view! {
        <section class="card admin-section" id="communities">
            <h2>{t::SEC_COMMUNITIES}</h2>
            {empty}
            {groups}
        </section>
    }
}

// ---- 街巷 ----

#[component]
fn Streets(data: AdminOverview) -> impl IntoView {
    let groups = data
        .offices
        .iter()
        .flat_map(|o| data.communities_of(o.id).map(move |c| (o, c)))
        .map(|(o, c)| {
            let rows = data
                .streets_of(c.id)
                .map(|st| {
                    view! {
                        <li class="admin-street">
                            <RenameForm
                                action=RenameStreet::PATH
                                back=BACK_STREETS
                                id=st.id.0
                                current=st.name.clone()
                                testid=format!("street-{}", st.id)
                            />
                            <a class="poster-link" href=format!("/admin/streets/{}/poster", st.id)>
                                {t::STREET_POSTER}
                            </a>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <details class="admin-group" open=true>
                    <summary>
                        {c.name.clone()}<span class="muted small">" · "{o.name.clone()}</span>
                    </summary>
                    <ul class="admin-list">{rows}</ul>
                    <AddNameForm
                        action=AddStreet::PATH
                        back=BACK_STREETS
                        parent_field="community"
                        parent_id=c.id.0
                        label=t::add_under(t::STREET_ADD, &c.name)
                        button=t::ADD
                    />
                </details>
            }
        })
        .collect_view();
    let empty = data
        .communities
        .is_empty()
        .then(|| view! { <p class="muted">{t::STREET_NEEDS_COMMUNITY}</p> });
    view! {
        <section class="card admin-section" id="streets">
            <h2>{t::SEC_STREETS}</h2>
            {empty}
            {groups}
        </section>
    }
}

// ---- 问题类别 ----

#[component]
fn Categories(categories: Vec<CategorySetting>) -> impl IntoView {
    let rows = categories
        .into_iter()
        .map(|c| view! { <CategoryRow category=c /> })
        .collect_view();
    view! {
        <section class="card admin-section" id="categories">
            <h2>{t::SEC_CATEGORIES}</h2>
            <p class="muted small">{t::CATEGORY_HOURS_HINT}" "{t::CATEGORY_INACTIVE_HINT}</p>
            <ul class="admin-list">{rows}</ul>
            <form method="post" action=AddCategory::PATH class="admin-add admin-grid">
                <Hidden name="back" value=BACK_CATEGORIES.to_string() />
                <h3>{t::CATEGORY_ADD}</h3>
                <label>
                    {t::CATEGORY_CODE}
                    <input
                        name="code"
                        required=true
                        maxlength="40"
                        pattern="[a-z][a-z0-9_]{1,39}"
                        autocapitalize="none"
                        spellcheck="false"
                    /> <small class="muted">{t::CATEGORY_CODE_HINT}</small>
                </label>
                <label>
                    {t::CATEGORY_NAME}
                    <input
                        name="name"
                        required=true
                        maxlength=MAX_CATEGORY_NAME_CHARS.to_string()
                    />
                </label>
                <label>
                    {t::CATEGORY_ICON}
                    <input name="icon" required=true maxlength=MAX_ICON_CHARS.to_string() />
                </label>
                <label>{t::CATEGORY_HOURS} <HoursInput value=24 /></label>
                <label>
                    {t::CATEGORY_GROUP} <input name="group" maxlength=MAX_GROUP_CHARS.to_string() />
                </label>
                <button type="submit">{t::CATEGORY_ADD}</button>
            </form>
        </section>
    }
}

#[component]
fn HoursInput(value: i64) -> impl IntoView {
    view! {
        <input
            name="deadline_hours"
            type="number"
            inputmode="numeric"
            required=true
            min=MIN_DEADLINE_HOURS.to_string()
            max=MAX_DEADLINE_HOURS.to_string()
            step="1"
            value=value.to_string()
        />
    }
}

#[component]
fn CategoryRow(category: CategorySetting) -> impl IntoView {
    let c = category;
    let (state, toggle_label, toggle_to) = if c.active {
        (t::ACTIVE, t::DEACTIVATE, "0")
    } else {
        (t::INACTIVE, t::ACTIVATE, "1")
    };
    view! {
        <li
            class="admin-category"
            class:inactive=!c.active
            data-testid=format!("category-{}", c.id)
        >
            <p class="admin-row-head">
                <span aria-hidden="true">{c.icon.clone()}</span>
                " "
                <strong>{c.name.clone()}</strong>
                " "
                <code class="muted small">{c.code.clone()}</code>
                " "
                <span class="badge">{state}</span>
                " "
                <span class="muted small">{t::hours(c.deadline_hours)}</span>
            </p>
            <form method="post" action=EditCategory::PATH class="admin-grid">
                <Hidden name="id" value=c.id.to_string() />
                <Hidden name="back" value=BACK_CATEGORIES.to_string() />
                <label>
                    {t::CATEGORY_ICON}
                    <input
                        name="icon"
                        value=c.icon.clone()
                        required=true
                        maxlength=MAX_ICON_CHARS.to_string()
                    />
                </label>
                <label>
                    {t::CATEGORY_NAME}
                    <input
                        name="name"
                        value=c.name.clone()
                        required=true
                        maxlength=MAX_CATEGORY_NAME_CHARS.to_string()
                    />
                </label>
                <label>{t::CATEGORY_HOURS} <HoursInput value=c.deadline_hours /></label>
                <label>
                    {t::CATEGORY_GROUP}
                    <input
                        name="group"
                        value=c.group_name.clone()
                        maxlength=MAX_GROUP_CHARS.to_string()
                    />
                </label>
                <button type="submit" class="secondary">
                    {t::SAVE}
                </button>
            </form>
            <form method="post" action=SetCategoryActive::PATH class="admin-inline">
                <Hidden name="id" value=c.id.to_string() />
                <Hidden name="active" value=toggle_to.to_string() />
                <Hidden name="back" value=BACK_CATEGORIES.to_string() />
                <button type="submit" class="secondary">
                    {toggle_label}
                </button>
            </form>
        </li>
    }
}

// ---- 用户 ----

#[component]
fn Users(data: AdminOverview, me: StaffUser) -> impl IntoView {
    let rows = data
        .users
        .into_iter()
        .map(|u| {
            let is_me = u.id == me.id;
            view! { <UserRow user=u is_me=is_me /> }
        })
        .collect_view();
    let office_options = data
        .offices
        .iter()
        .map(|o| view! { <option value=o.id.to_string()>{o.name.clone()}</option> })
        .collect_view();
    view! {
        <section class="card admin-section" id="users">
            <h2>{t::SEC_USERS}</h2>
            <ul class="admin-list">{rows}</ul>
            <form method="post" action=AddUser::PATH class="admin-add admin-grid">
                <Hidden name="back" value=BACK_USERS.to_string() />
                <h3>{t::USER_ADD}</h3>
                <label>
                    {t::USER_USERNAME}
                    <input
                        name="username"
                        required=true
                        minlength="3"
                        maxlength="32"
                        pattern="[A-Za-z0-9_\\-]{3,32}"
                        autocapitalize="none"
                        spellcheck="false"
                        autocomplete="off"
                    />
                </label>
                <label>
                    {t::USER_DISPLAY_NAME}
                    <input name="display_name" required=true maxlength="32" />
                </label>
                <label>
                    {t::USER_ROLE} <select name="role">
                        <option value=Role::Staff.code() selected=true>
                            {Role::Staff.label()}
                        </option>
                        <option value=Role::Supervisor.code()>{Role::Supervisor.label()}</option>
                        <option value=Role::Admin.code()>{Role::Admin.label()}</option>
                    </select>
                </label>
                <label>
                    {t::USER_OFFICE} <select name="office">
                        <option value="">{t::USER_OFFICE_NONE}</option>
                        {office_options}
                    </select>
                </label>
                <label>
                    {t::USER_PASSWORD}
                    <input
                        name="password"
                        type="password"
                        required=true
                        minlength="8"
                        maxlength="256"
                        autocomplete="new-password"
                    />
                </label>
                <button type="submit">{t::USER_ADD}</button>
            </form>
        </section>
    }
}

#[component]
fn UserRow(user: crate::session::Account, is_me: bool) -> impl IntoView {
    let u = user;
    let state = if u.active { t::ACTIVE } else { t::INACTIVE };
    let toggle = (!is_me).then(|| {
        let (label, to) = if u.active {
            (t::DEACTIVATE, "0")
        } else {
            (t::ACTIVATE, "1")
        };
        view! {
            <form method="post" action=SetUserActive::PATH class="admin-inline">
                <Hidden name="id" value=u.id.to_string() />
                <Hidden name="active" value=to.to_string() />
                <Hidden name="back" value=BACK_USERS.to_string() />
                <button type="submit" class="secondary">
                    {label}
                </button>
            </form>
        }
    });
    let password_id = format!("user-{}-password", u.id);
    view! {
        <li class="admin-user" class:inactive=!u.active data-testid=format!("user-{}", u.username)>
            <p class="admin-row-head">
                <strong>{u.display_name.clone()}</strong>
                " "
                <code class="small">{u.username.clone()}</code>
                {is_me.then_some(t::USER_SELF)}
                " "
                <span class="badge">{state}</span>
                <br />
                <span class="muted small">
                    {u.role.label()} {u.office_name.clone().map(|o| format!(" · {o}"))}
                </span>
            </p>
            <form method="post" action=ResetUserPassword::PATH class="admin-inline">
                <Hidden name="id" value=u.id.to_string() />
                <Hidden name="back" value=BACK_USERS.to_string() />
                <label class="visually-hidden" for=password_id.clone()>
                    {t::new_password_label(&u.username)}
                </label>
                <input
                    id=password_id
                    name="password"
                    type="password"
                    required=true
                    minlength="8"
                    maxlength="256"
                    autocomplete="new-password"
                    placeholder=t::USER_NEW_PASSWORD
                />
                <button type="submit" class="secondary" title=t::USER_RESET_HINT>
                    {t::USER_RESET_PASSWORD}
                </button>
            </form>
            {toggle}
        </li>
    }
}

// =============================================================================================
// /admin/streets/{id}/poster

#[component]
pub fn PosterPage() -> impl IntoView {
    let params = use_params_map();
    let street = params.with_untracked(|p| p.get("id")).unwrap_or_default();
    // Once per request, and only for a signed-in visitor (see `AdminPage`).
    let poster = Resource::new(
        move || street.clone(),
        |street| async move {
            match whoami().await {
                Ok(Some(_)) => Some(get_street_poster(street).await),
                _ => None,
            }
        },
    );
    let response = PageResponse::current();
    view! {
        <Title text=t::POSTER_TITLE />
        <SignedIn let:user>
            <PosterBody poster=poster admin=user.is_admin() response=response.clone() />
        </SignedIn>
    }
}

#[component]
fn PosterBody(
    poster: Resource<Option<Result<StreetPoster, AppError>>>,
    admin: bool,
    response: PageResponse,
) -> impl IntoView {
    let back = if admin {
        BACK_STREETS
    } else {
        crate::shell::STAFF_HOME
    };
    let back_label = if admin {
        t::POSTER_BACK
    } else {
        t::BACK_TO_QUEUE
    };
    view! {
        <Suspense fallback=|| {
            view! { <p class="muted">{t::LOADING}</p> }
        }>
            {move || {
                let response = response.clone();
                Suspend::new(async move {
                    match poster.await {
                        None => ().into_any(),
                        Some(Ok(p)) => {
                            view! { <Poster poster=p back=back back_label=back_label /> }.into_any()
                        }
                        Some(Err(AppError::Forbidden)) => {
                            view! { <Forbidden message=t::POSTER_FORBIDDEN response=response /> }
                                .into_any()
                        }
                        Some(Err(AppError::NotFound)) => {
                            response.set_status(404);
                            view! {
                                <section class="card">
                                    <h1>{t::POSTER_NOT_FOUND}</h1>
                                    <a class="button" href=back>
                                        {back_label}
                                    </a>
                                </section>
                            }
                                .into_any()
                        }
                        Some(Err(e)) => {
                            response.set_status(e.status());
                            view! { <crate::ui::Alert text=e.to_string() /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Poster(poster: StreetPoster, back: &'static str, back_label: &'static str) -> impl IntoView {
    let p = poster;
    // This page ships no wasm: a small inline script with the page's CSP nonce (an inline
    // `onclick=` would be refused, the CSP allows no inline handlers).
    let nonce = leptos::nonce::use_nonce();
    view! {
        <div class="poster-tools no-print">
            <button type="button" id="poster-print">
                {t::POSTER_PRINT}
            </button>
            <script nonce=nonce>
                "document.getElementById('poster-print').onclick = function () { window.print(); };"
            </script>
            <a class="button secondary" href=back>
                {back_label}
            </a>
            <p class="muted small">{t::POSTER_PRINT_HINT}</p>
        </div>
        <article class="poster" data-testid="poster">
            <p class="poster-app">{t::POSTER_APP}</p>
            <h1 class="poster-street" data-testid="poster-street">
                {p.street_name}
            </h1>
            <p class="poster-area">{format!("{} · {}", p.community_name, p.office_name)}</p>
            // Our own SVG, made from our own URL (see qr.rs): nothing user-written is in it.
            <div class="poster-qr" inner_html=p.qr_svg></div>
            <p class="poster-instruction">{t::POSTER_INSTRUCTION}</p>
            <p class="poster-steps">{t::POSTER_STEPS}</p>
            <p class="poster-url" data-testid="poster-url">
                {p.report_url}
            </p>
        </article>
    }
}
