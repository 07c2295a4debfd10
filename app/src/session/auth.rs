//! Accounts and sessions (server only).
//!
//! Passwords: argon2id (PHC string in `users.password_hash`). Sessions: a random 256-bit token
//! in an HttpOnly, SameSite=Lax cookie (Secure behind https); the database keeps only its
//! sha256, so several server instances share sessions and a leaked table opens none.
//! Login throttling: `throttle.rs`.

use super::strings as s;
use super::{Role, StaffUser};
use crate::db::Db;
use crate::domain::{Millis, OfficeId, UserId};
use crate::error::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use sha2::{Digest, Sha256};
use sqlx::Row;

pub const COOKIE_NAME: &str = "jx_session";
/// Sessions last a week (a staff phone stays signed in through a working week).
pub const SESSION_TTL_MS: i64 = 7 * 24 * 3_600_000;
/// The device cookie: marks a device that has signed in before (login throttling spares
/// it); sent only to the login endpoint.
pub const DEVICE_COOKIE_NAME: &str = "jx_device";
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 256;

// ---- passwords ----

pub fn hash_password(password: &str) -> Result<String, AppError> {
    check_password(password)?;
    let mut salt_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|_| AppError::Internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "hashing a password failed");
            AppError::Internal
        })
}

pub fn check_password(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(AppError::bad_request(s::PASSWORD_TOO_SHORT));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(AppError::bad_request(s::PASSWORD_TOO_LONG));
    }
    Ok(())
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashing costs ~20 MB and tens of ms: never on the async workers.
pub async fn hash_password_off_thread(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| AppError::Internal)?
}

async fn verify_off_thread(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .unwrap_or(false)
}

/// Verified against when the account does not exist, so timing does not tell.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not-a-real-password").unwrap_or_default())
}

// ---- accounts ----

pub fn valid_username(u: &str) -> bool {
    (3..=32).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A new account. Validates everything; the password is hashed off the async workers.
pub async fn create_user(
    db: &Db,
    username: &str,
    display_name: &str,
    password: &str,
    role: Role,
    office: Option<OfficeId>,
) -> Result<UserId, AppError> {
    let username = username.trim();
    let display_name = display_name.trim();
    if !valid_username(username) {
        return Err(AppError::bad_request(s::USERNAME_INVALID));
    }
    if display_name.is_empty() || display_name.chars().count() > 32 {
        return Err(AppError::bad_request(s::DISPLAY_NAME_INVALID));
    }
    let office = match role {
        Role::Admin | Role::Supervisor => None,
        Role::Staff => Some(office.ok_or_else(|| AppError::bad_request(s::STAFF_NEEDS_OFFICE))?),
    };
    if let Some(office) = office
        && !crate::areas::db::office_exists(db, office).await?
    {
        return Err(AppError::bad_request(s::OFFICE_UNKNOWN));
    }
    check_password(password)?;
    let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&db.pool)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict(s::USERNAME_TAKEN.into()));
    }
    let hash = hash_password_off_thread(password.to_string()).await?;
    let sql = if office.is_some() {
        "INSERT INTO users (username, display_name, password_hash, role, office_id, active, created_at) \
         VALUES ($1, $2, $3, $4, $6, 1, $5) RETURNING id"
    } else {
        "INSERT INTO users (username, display_name, password_hash, role, office_id, active, created_at) \
         VALUES ($1, $2, $3, $4, NULL, 1, $5) RETURNING id"
    };
    let mut q = sqlx::query_as::<_, (i64,)>(sql)
        .bind(username)
        .bind(display_name)
        .bind(hash)
        .bind(role.code())
        .bind(Millis::now().0);
    if let Some(office) = office {
        q = q.bind(office.0);
    }
    let (id,) = q
        .fetch_one(&db.pool)
        .await
        .map_err(crate::db::conflict_on_unique(s::USERNAME_TAKEN))?;
    Ok(UserId(id))
}

/// Sets a new password and signs the account out everywhere.
pub async fn reset_password(db: &Db, username: &str, password: &str) -> Result<(), AppError> {
    let hash = hash_password_off_thread(password.to_string()).await?;
    let mut tx = db.begin_write().await?;
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE username = $1")
        .bind(username.trim())
        .fetch_optional(&mut *tx)
        .await?;
    let (id,) = row.ok_or_else(|| AppError::bad_request(s::USER_UNKNOWN))?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The id of the account named `username`.
pub async fn user_id(db: &Db, username: &str) -> Result<Option<UserId>, AppError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id,)| UserId(id)))
}

/// The username of an account.
pub async fn username_of(db: &Db, user: UserId) -> Result<Option<String>, AppError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT username FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(u,)| u))
}

/// Every account: admins first, then by office and username.
pub async fn list_users(db: &Db) -> Result<Vec<super::Account>, AppError> {
    let rows = sqlx::query_as::<_, (i64, String, String, String, Option<String>, i64)>(
        "SELECT u.id, u.username, u.display_name, u.role, o.name, u.active \
         FROM users u LEFT JOIN offices o ON o.id = u.office_id \
         ORDER BY u.role, o.sort_order, u.username",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(id, username, display_name, role, office_name, active)| {
            Ok(super::Account {
                id: UserId(id),
                username,
                display_name,
                role: Role::parse(&role).ok_or(AppError::Internal)?,
                office_name,
                active: active == 1,
            })
        })
        .collect()
}

/// Turns an account on or off; off also ends its sessions.
pub async fn set_active(db: &Db, user: UserId, active: bool) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

// ---- login ----

/// The outcome of a successful login: the account, its session token, and the device token
/// to set as the device cookie (`None` when the device was already known).
pub struct LoggedIn {
    pub user: StaffUser,
    pub session_token: String,
    pub new_device_token: Option<String>,
}

/// Checks the password (with throttling, `throttle.rs`) and opens a session. `client` is
/// the caller's `ClientKey`; `device_token` the device cookie the request carried.
pub async fn login(
    db: &Db,
    username: &str,
    password: &str,
    client: &str,
    device_token: Option<&str>,
) -> Result<LoggedIn, AppError> {
    use super::throttle::{self, Attempt};
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        return Err(AppError::bad_request(s::LOGIN_MISSING));
    }
    // No account has such a name: nothing to look up, store or check.
    if !valid_username(username) || password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::bad_request(s::LOGIN_FAILED));
    }
    let now = Millis::now();
    let device = match device_token {
        Some(t) => throttle::known_device(db, username, &token_hash(t)).await?,
        None => None,
    };
    let attempt = Attempt {
        username,
        client,
        device: device.as_deref(),
    };
    let reservation = match throttle::reserve(db, &attempt, now).await {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(username, client, "login throttled");
            return Err(e);
        }
    };
    let turn = match throttle::check_turn().await {
        Ok(t) => t,
        Err(e) => {
            reservation.not_a_failure(db).await?;
            return Err(e);
        }
    };
    let row = sqlx::query("SELECT id, password_hash, active FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&db.pool)
        .await?;
    let (id, hash, active) = match &row {
        Some(r) => (
            Some(r.try_get::<i64, _>("id")?),
            r.try_get::<String, _>("password_hash")?,
            r.try_get::<i64, _>("active")? == 1,
        ),
        None => (None, dummy_hash().to_string(), false),
    };
    let ok = verify_off_thread(hash, password.to_string()).await;
    drop(turn);
    // A wrong password keeps its reservation as the failure.
    let Some(id) = id.filter(|_| ok) else {
        return Err(AppError::bad_request(s::LOGIN_FAILED));
    };
    reservation.succeeded(db, &attempt).await?;
    if !active {
        return Err(AppError::Forbidden);
    }
    let (device_hash, new_device_token) = match device {
        Some(h) => (h, None),
        None => {
            let t = new_token();
            (token_hash(&t), Some(t))
        }
    };
    throttle::remember_device(db, UserId(id), &device_hash, now).await?;
    let token = new_token();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(id)
    .bind(now.0)
    .bind(now.0 + SESSION_TTL_MS)
    .execute(&db.pool)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now.0)
        .execute(&db.pool)
        .await?;
    let user = user_by_token(db, &token).await?.ok_or(AppError::Internal)?;
    Ok(LoggedIn {
        user,
        session_token: token,
        new_device_token,
    })
}

pub async fn logout(db: &Db, token: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The active account behind a session token, if the session is still valid.
pub async fn user_by_token(db: &Db, token: &str) -> Result<Option<StaffUser>, AppError> {
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, u.office_id, o.name AS office_name \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN offices o ON o.id = u.office_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash(token))
    .bind(Millis::now().0)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let role: String = r.try_get("role")?;
    Ok(Some(StaffUser {
        id: UserId(r.try_get("id")?),
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: Role::parse(&role).ok_or(AppError::Internal)?,
        office_id: r.try_get::<Option<i64>, _>("office_id")?.map(OfficeId),
        office_name: r.try_get("office_name")?,
    }))
}

fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

// ---- the request's session ----

/// `Set-Cookie` for a new session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_TTL_MS / 1000,
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The session token in a `Cookie` header, if any.
pub fn token_from_headers(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie(headers, COOKIE_NAME)
}

/// A cookie's value (a token: at most 128 characters), if present and not empty.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty() && v.len() <= 128)
        .map(|(_, v)| v.to_string())
}

/// `Set-Cookie` for the device cookie: a year, only sent to the login endpoint.
pub fn device_cookie(token: &str, secure: bool) -> String {
    format!(
        "{DEVICE_COOKIE_NAME}={token}; Path={}; HttpOnly; SameSite=Strict; Max-Age={}{}",
        super::LOGIN_API_PATH,
        super::throttle::DEVICE_TTL_MS / 1000,
        if secure { "; Secure" } else { "" }
    )
}

/// The signed-in account of the current request (page or server function), if any: looked
/// up once per request (`crate::request`).
pub async fn current_user() -> Result<Option<StaffUser>, AppError> {
    let Some(parts) = leptos::prelude::use_context::<Parts>() else {
        return Ok(None);
    };
    let Some(token) = token_from_headers(&parts.headers) else {
        return Ok(None);
    };
    let state = crate::state::app_state()?;
    crate::request::once(|| user_by_token(&state.db, &token)).await
}

/// Staff or admin: 401 when signed out, 403 for a supervisor.
pub async fn require_staff() -> Result<StaffUser, AppError> {
    let user = require_signed_in().await?;
    if user.is_supervisor() {
        // The 督导组 sees findings, never the triage of residents' reports.
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// Any signed-in account (staff, admin or supervisor): 401 when signed out.
pub async fn require_signed_in() -> Result<StaffUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

/// The 督导组 only: 401 when signed out, 403 for anyone else.
pub async fn require_supervisor() -> Result<StaffUser, AppError> {
    let user = require_signed_in().await?;
    if user.is_supervisor() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Admin only: 401 when signed out, 403 for office staff.
pub async fn require_admin() -> Result<StaffUser, AppError> {
    let user = require_staff().await?;
    if user.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Adds a `Set-Cookie` to the current server-function response.
pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&h, "correct horse"));
        assert!(!verify_password(&h, "correct horsE"));
        assert!(!verify_password("not a hash", "correct horse"));
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn cookies_are_httponly_lax_and_secure_when_asked() {
        let c = session_cookie("abc", false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(session_cookie("abc", true).ends_with("; Secure"));
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; jx_session=tok; b=2"),
        );
        assert_eq!(token_from_headers(&h).as_deref(), Some("tok"));
        h.insert(header::COOKIE, HeaderValue::from_static("jx_session="));
        assert_eq!(token_from_headers(&h), None);
    }

    #[test]
    fn usernames() {
        assert!(valid_username("taihao_staff"));
        assert!(!valid_username("ab"));
        assert!(!valid_username("王五"));
        assert!(!valid_username("a b c"));
    }
}
