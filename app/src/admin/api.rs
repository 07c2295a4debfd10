//! Server functions of the admin area. Thin: ask who is calling (admin only, first thing),
//! parse the form fields into Chinese 400s, call `db.rs`, and answer through
//! `forms::finish` (a redirect for a browser's form post, JSON with the real status for
//! any other caller).
//!
//! Every field is a `String` with `#[server(default)]`, so a missing or malformed field is
//! answered after the caller has been checked, and in words the admin can act on.

use super::{AdminOverview, StreetPoster};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::strings as s,
    super::{
        MAX_AREA_NAME_CHARS, MAX_CATEGORY_NAME_CHARS, parse_active, parse_category_code,
        parse_deadline_hours, parse_icon, parse_name, parse_role,
    },
    crate::db::Db,
    crate::forms::{parse_id, parse_opt},
    crate::session::auth::require_admin,
};

/// The database of the running server.
#[cfg(feature = "ssr")]
fn db() -> Result<Db, AppError> {
    Ok(crate::state::app_state()?.db)
}

/// `back` made safe (local, ASCII) and split into the path and its `#section`.
#[cfg(feature = "ssr")]
fn back_and_section(back: &str) -> (String, Option<String>) {
    let back = super::back_path(Some(&crate::forms::local_path(back, super::ADMIN_HOME)));
    match back.split_once('#') {
        Some((path, section)) => (path.to_string(), Some(section.to_string())),
        None => (back, None),
    }
}

/// `forms::finish`, returning to the form's page and section. `finish` puts `?ok=1` /
/// `?err=…` after the whole path, which would land inside a `#fragment`; so the fragment is
/// kept out of it and put back on the browser's redirect.
#[cfg(feature = "ssr")]
fn done(result: Result<(), AppError>, back: &str) -> Result<String, AppError> {
    use crate::forms::{accepts_html, finish, with_param};
    let (path, section) = back_and_section(back);
    let location = match (&result, &section) {
        (_, None) => None,
        (Ok(()), Some(f)) => Some(format!("{}#{f}", with_param(&path, "ok", "1"))),
        (Err(e), Some(f)) => Some(format!(
            "{}#{f}",
            with_param(&path, "err", &crate::flash::seal_current(&e.to_string()))
        )),
    };
    if let Err(e) = &result {
        tracing::info!(error = %e, "admin change refused");
    }
    let out = finish(result.map(|()| path.clone()), &path);
    if let Some(location) = location
        && accepts_html()
    {
        leptos_axum::redirect(&location);
    }
    out
}

// ---- reads (for the pages) ----

/// Everything /admin shows. Admin only.
#[server(endpoint = "admin/overview")]
pub async fn get_admin_overview() -> Result<AdminOverview, AppError> {
    let admin = require_admin().await;
    async {
        admin?;
        let db = db()?;
        use crate::areas::db as areas;
        Ok(AdminOverview {
            offices: areas::offices(&db).await?,
            communities: areas::communities(&db).await?,
            streets: areas::streets(&db).await?,
            categories: areas::all_categories(&db).await?,
            users: crate::session::auth::list_users(&db).await?,
            api: crate::open311::ApiKeys {
                keys: crate::open311::db::list(&db).await?,
                new_key: take_new_key(),
            },
            grids: super::grids::GridCounts {
                per_office: crate::areas::db::grids::counts_per_office(&db).await?,
            },
        })
    }
    .await
}

/// A street's QR poster: the admin, or staff of the street's own office.
#[server(endpoint = "admin/poster")]
pub async fn get_street_poster(
    #[server(default)] street: String,
) -> Result<StreetPoster, AppError> {
    let user = crate::session::auth::require_staff().await;
    async {
        let user = user?;
        let id: crate::domain::StreetId = parse_id(&street).map_err(|_| AppError::NotFound)?;
        let place = crate::areas::db::street_place(&db()?, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !user.may_act_in(place.office_id) {
            return Err(AppError::Forbidden);
        }
        let origin = use_context::<axum::http::request::Parts>()
            .map(|p| crate::site::origin_from_headers(&p.headers))
            .unwrap_or_else(|| crate::site::FALLBACK_ORIGIN.to_string());
        let report_url = super::qr::report_url(&origin, id);
        let qr_svg = super::qr::qr_svg(&report_url)?;
        Ok(StreetPoster {
            street_id: place.street_id,
            street_name: place.street_name,
            community_name: place.community_name,
            office_id: place.office_id,
            office_name: place.office_name,
            report_url,
            qr_svg,
        })
    }
    .await
}

// ---- offices ----

#[server(endpoint = "admin/office_add")]
pub async fn add_office(
    #[server(default)] name: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let name = parse_name(&name, s::OFFICE_NAME, MAX_AREA_NAME_CHARS)?;
        crate::areas::db::add_office(&db()?, &name).await.map(drop)
    }
    .await;
    done(result, &back)
}

#[server(endpoint = "admin/office_rename")]
pub async fn rename_office(
    #[server(default)] id: String,
    #[server(default)] name: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let id = parse_id(&id)?;
        let name = parse_name(&name, s::OFFICE_NAME, MAX_AREA_NAME_CHARS)?;
        crate::areas::db::rename_office(&db()?, id, &name).await
    }
    .await;
    done(result, &back)
}

// ---- communities ----

#[server(endpoint = "admin/community_add")]
pub async fn add_community(
    #[server(default)] office: String,
    #[server(default)] name: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let office = parse_id(&office)?;
        let name = parse_name(&name, s::COMMUNITY_NAME, MAX_AREA_NAME_CHARS)?;
        crate::areas::db::add_community(&db()?, office, &name)
            .await
            .map(drop)
    }
    .await;
    done(result, &back)
}

#[server(endpoint = "admin/community_rename")]
pub async fn rename_community(
    #[server(default)] id: String,
    #[server(default)] name: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let id = parse_id(&id)?;
        let name = parse_name(&name, s::COMMUNITY_NAME, MAX_AREA_NAME_CHARS)?;
        crate::areas::db::rename_community(&db()?, id, &name).await
    }
    .await;
    done(result, &back)
}

// ---- streets ----

#[server(endpoint = "admin/street_add")]
pub async fn add_street(
    #[server(default)] community: String,
    #[server(default)] name: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let community = parse_id(&community)?;
        let name = parse_name(&name, s::STREET_NAME, MAX_AREA_NAME_CHARS)?;
        crate::areas::db::add_street(&db()?, community, &name)
            .await
            .map(drop)
    }
    .await;
    done(result, &back)
}

#[server(endpoint = "admin/street_rename")]
pub async fn rename_street(
    #[server(default)] id: String,
    #[server(default)] name: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let id = parse_id(&id)?;
        let name = parse_name(&name, s::STREET_NAME, MAX_AREA_NAME_CHARS)?;
        crate::areas::db::rename_street(&db()?, id, &name).await
    }
    .await;
    done(result, &back)
}

// ---- categories ----

#[server(endpoint = "admin/category_add")]
pub async fn add_category(
    #[server(default)] code: String,
    #[server(default)] name: String,
    #[server(default)] icon: String,
    #[server(default)] deadline_hours: String,
    #[server(default)] group: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let code = parse_category_code(&code)?;
        let name = parse_name(&name, s::CATEGORY_NAME, MAX_CATEGORY_NAME_CHARS)?;
        let icon = parse_icon(&icon)?;
        let hours = parse_deadline_hours(&deadline_hours)?;
        let group = super::parse_group(&group)?;
        crate::areas::db::add_category(&db()?, &code, &name, &icon, hours, &group)
            .await
            .map(drop)
    }
    .await;
    done(result, &back)
}

/// Name, icon, 处置时限 and group of a category (its code never changes).
#[server(endpoint = "admin/category_edit")]
pub async fn edit_category(
    #[server(default)] id: String,
    #[server(default)] name: String,
    #[server(default)] icon: String,
    #[server(default)] deadline_hours: String,
    #[server(default)] group: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let id = parse_id(&id)?;
        let name = parse_name(&name, s::CATEGORY_NAME, MAX_CATEGORY_NAME_CHARS)?;
        let icon = parse_icon(&icon)?;
        let hours = parse_deadline_hours(&deadline_hours)?;
        let group = super::parse_group(&group)?;
        crate::areas::db::edit_category(&db()?, id, &name, &icon, hours, &group).await
    }
    .await;
    done(result, &back)
}

/// 启用 (`active=1`) or 停用 (`active=0`) a category.
#[server(endpoint = "admin/category_active")]
pub async fn set_category_active(
    #[server(default)] id: String,
    #[server(default)] active: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let id = parse_id(&id)?;
        let active = parse_active(&active)?;
        crate::areas::db::set_category_active(&db()?, id, active).await
    }
    .await;
    done(result, &back)
}

// ---- users ----

/// A new account. `office` is required for staff and ignored for an admin.
#[server(endpoint = "admin/user_add")]
pub async fn add_user(
    #[server(default)] username: String,
    #[server(default)] display_name: String,
    #[server(default)] role: String,
    #[server(default)] office: String,
    #[server(default)] password: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let role = parse_role(&role)?;
        let office = match role {
            crate::session::Role::Admin | crate::session::Role::Supervisor => None,
            crate::session::Role::Staff => parse_opt(&office)?,
        };
        crate::session::auth::create_user(&db()?, &username, &display_name, &password, role, office)
            .await
            .map(drop)
    }
    .await;
    done(result, &back)
}

/// A new password for an account; it is signed out everywhere.
#[server(endpoint = "admin/user_password")]
pub async fn reset_user_password(
    #[server(default)] id: String,
    #[server(default)] password: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        admin?;
        let id = parse_id(&id)?;
        crate::session::auth::check_password(&password)?;
        let db = db()?;
        let username = crate::session::auth::username_of(&db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::session::auth::reset_password(&db, &username, &password).await
    }
    .await;
    done(result, &back)
}

/// 启用 (`active=1`) or 停用 (`active=0`) an account; 停用 ends its sessions. An admin cannot
/// switch off their own account (so one active admin always remains).
#[server(endpoint = "admin/user_active")]
pub async fn set_user_active(
    #[server(default)] id: String,
    #[server(default)] active: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        let admin = admin?;
        let id = parse_id(&id)?;
        let active = parse_active(&active)?;
        if !active && id == admin.id {
            return Err(AppError::bad_request(s::CANNOT_DEACTIVATE_SELF));
        }
        crate::session::auth::set_active(&db()?, id, active).await
    }
    .await;
    done(result, &back)
}

// ---- Open311 API keys ----

/// `Set-Cookie` that carries a new key to the admin page (it is never stored anywhere).
#[cfg(feature = "ssr")]
fn new_key_cookie(value: &str, max_age: u32) -> String {
    let secure = crate::state::app_state()
        .map(|s| s.settings.cookie_secure)
        .unwrap_or(false);
    format!(
        "{}={value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        crate::open311::NEW_KEY_COOKIE,
        if secure { "; Secure" } else { "" }
    )
}

/// The key issued just now, from its cookie, which is cleared: it shows once.
#[cfg(feature = "ssr")]
fn take_new_key() -> Option<String> {
    let parts = use_context::<axum::http::request::Parts>()?;
    let key = crate::session::auth::cookie(&parts.headers, crate::open311::NEW_KEY_COOKIE)?;
    crate::session::auth::set_cookie(&new_key_cookie("", 0));
    let well_formed = key
        .strip_prefix(crate::open311::KEY_PREFIX)
        .is_some_and(|hex| hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    well_formed.then_some(key)
}

/// Issues a key for an Open311 client (`name`); the key goes to the admin page once.
#[server(endpoint = "admin/api_key_add")]
pub async fn add_api_key(
    #[server(default)] name: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        let admin = admin?;
        let name = parse_name(
            &name,
            crate::open311::strings::API_KEY_NAME,
            crate::open311::MAX_KEY_NAME_CHARS,
        )?;
        let key = crate::open311::db::create(&db()?, &name, admin.id).await?;
        crate::session::auth::set_cookie(&new_key_cookie(&key, 600));
        tracing::info!(admin = %admin.username, client = %name, "Open311 key issued");
        Ok(())
    }
    .await;
    done(result, &back)
}

/// Revokes an Open311 client's key: it stops working at once.
#[server(endpoint = "admin/api_key_revoke")]
pub async fn revoke_api_key(
    #[server(default)] id: String,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    let admin = require_admin().await;
    let result = async {
        let admin = admin?;
        let id: i64 = parse_id(&id)?;
        if !crate::open311::db::revoke(&db()?, id).await? {
            return Err(AppError::NotFound);
        }
        tracing::info!(admin = %admin.username, key = id, "Open311 key revoked");
        Ok(())
    }
    .await;
    done(result, &back)
}
