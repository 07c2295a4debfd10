//! Login throttling that holds under concurrency and cannot be turned against the staff.
//!
//! - Every attempt is **reserved** (written as a failure) in one serialised transaction
//!   before its password is checked, so sixty attempts sent at once see each other; a
//!   success removes its reservation again.
//! - From one address on one account, [`FREE_PAIR_FAILURES`] failures cost nothing; after
//!   that each attempt must wait a delay that doubles per failure (1 s, 2 s, 4 s … up to the
//!   window), answered with 429 and `Retry-After`. Only that address is slowed on that account.
//! - One address failing on many accounts (password spraying) stops after
//!   [`MAX_ADDRESS_FAILURES`] in the window.
//! - An account failing from many addresses (distributed guessing) stops after
//!   [`MAX_ACCOUNT_FAILURES`] — but not for a device that has signed in to that account
//!   before (its device cookie, as OWASP's authentication guidance describes): such a device
//!   has only its own limit, [`MAX_DEVICE_FAILURES`].
//! - At most [`MAX_CONCURRENT_CHECKS`] password checks (argon2, ~19 MiB each) run at once;
//!   others wait up to [`CHECK_QUEUE_WAIT`] for their turn, then get 429.
//!
//! The counts live in the database, so every server instance shares them.

use crate::db::{Backend, Db};
use crate::domain::Millis;
use crate::error::AppError;
use std::time::Duration;

pub const WINDOW_MS: i64 = 15 * 60_000;
/// Failures from one address on one account before the delays start.
pub const FREE_PAIR_FAILURES: i64 = 3;
/// Failures from one address across all accounts in the window.
pub const MAX_ADDRESS_FAILURES: i64 = 30;
/// Failures on one account from clients it does not know, in the window.
pub const MAX_ACCOUNT_FAILURES: i64 = 100;
/// Failures of one known device in the window.
pub const MAX_DEVICE_FAILURES: i64 = 10;
pub const MAX_CONCURRENT_CHECKS: usize = 4;
pub const CHECK_QUEUE_WAIT: Duration = Duration::from_secs(5);

/// Who is trying: the account, the client address (a `ClientKey` as text) and, when the
/// attempt carries a device cookie already known for this account, that device.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub username: &'a str,
    pub client: &'a str,
    pub device: Option<&'a str>,
}

/// A reserved attempt: its failure row, removed by [`Reservation::succeeded`] or
/// [`Reservation::not_a_failure`].
#[derive(Debug)]
#[must_use]
pub struct Reservation {
    id: i64,
}

/// The delay before the next attempt after `failures` failures of one address on one
/// account (none for the first few; then 1 s, doubling, at most the window).
pub fn pair_delay_ms(failures: i64) -> i64 {
    if failures < FREE_PAIR_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_PAIR_FAILURES).min(20) as u32;
    (1000i64 << doublings).min(WINDOW_MS)
}

fn too_many(wait_ms: i64) -> AppError {
    AppError::TooManyRequests {
        retry_after_secs: ((wait_ms.max(1) + 999) / 1000) as u64,
    }
}

/// Serialises reservations on PostgreSQL (SQLite's write transaction already does).
const RESERVATION_LOCK: i64 = 0x006a_786c_6f67_696e; // "jxlogin"

/// Checks the limits and reserves the attempt, or says how long to wait.
pub async fn reserve(db: &Db, a: &Attempt<'_>, now: Millis) -> Result<Reservation, AppError> {
    let since = now.0 - WINDOW_MS;
    let mut tx = db.begin_write().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(RESERVATION_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    let count = |sql: &'static str, binds: Vec<String>| {
        let mut q = sqlx::query_as::<_, (i64, Option<i64>, Option<i64>)>(sql);
        for b in binds {
            q = q.bind(b);
        }
        q.bind(since)
    };
    if let Some(device) = a.device {
        let (n, oldest, _) = count(
            "SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM login_failures \
             WHERE device = $1 AND created_at > $2",
            vec![device.to_string()],
        )
        .fetch_one(&mut *tx)
        .await?;
        if n >= MAX_DEVICE_FAILURES {
            return Err(too_many(oldest.unwrap_or(now.0) + WINDOW_MS - now.0));
        }
    } else {
        let (n, _, last) = count(
            "SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM login_failures \
             WHERE client_ip = $1 AND username = $2 AND device IS NULL AND created_at > $3",
            vec![a.client.to_string(), a.username.to_string()],
        )
        .fetch_one(&mut *tx)
        .await?;
        let ready_at = last.unwrap_or(0) + pair_delay_ms(n);
        if n >= FREE_PAIR_FAILURES && ready_at > now.0 {
            return Err(too_many(ready_at - now.0));
        }
        let (n, oldest, _) = count(
            "SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM login_failures \
             WHERE client_ip = $1 AND device IS NULL AND created_at > $2",
            vec![a.client.to_string()],
        )
        .fetch_one(&mut *tx)
        .await?;
        if n >= MAX_ADDRESS_FAILURES {
            return Err(too_many(oldest.unwrap_or(now.0) + WINDOW_MS - now.0));
        }
        let (n, oldest, _) = count(
            "SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM login_failures \
             WHERE username = $1 AND device IS NULL AND created_at > $2",
            vec![a.username.to_string()],
        )
        .fetch_one(&mut *tx)
        .await?;
        if n >= MAX_ACCOUNT_FAILURES {
            return Err(too_many(oldest.unwrap_or(now.0) + WINDOW_MS - now.0));
        }
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO login_failures (username, client_ip, device, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(a.username)
    .bind(a.client)
    .bind(a.device)
    .bind(now.0)
    .fetch_one(&mut *tx)
    .await?;
    // Failures that have left the window are of no more use.
    sqlx::query("DELETE FROM login_failures WHERE created_at <= $1")
        .bind(since)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Reservation { id })
}

impl Reservation {
    /// The right password: the reservation and this address's (or device's) earlier
    /// failures on the account are cleared. Other addresses' failures stay counted.
    pub async fn succeeded(self, db: &Db, a: &Attempt<'_>) -> Result<(), AppError> {
        let mut tx = db.begin_write().await?;
        sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(self.id)
            .execute(&mut *tx)
            .await?;
        match a.device {
            Some(device) => {
                sqlx::query("DELETE FROM login_failures WHERE device = $1")
                    .bind(device)
                    .execute(&mut *tx)
                    .await?
            }
            None => {
                sqlx::query(
                    "DELETE FROM login_failures \
                     WHERE client_ip = $1 AND username = $2 AND device IS NULL",
                )
                .bind(a.client)
                .bind(a.username)
                .execute(&mut *tx)
                .await?
            }
        };
        tx.commit().await?;
        Ok(())
    }

    /// The attempt never had its password checked (no turn for it): not a failure.
    pub async fn not_a_failure(self, db: &Db) -> Result<(), AppError> {
        sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(self.id)
            .execute(&db.pool)
            .await?;
        Ok(())
    }
}

/// A turn to check a password: at most [`MAX_CONCURRENT_CHECKS`] at once.
pub async fn check_turn() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    static CHECKS: tokio::sync::Semaphore =
        tokio::sync::Semaphore::const_new(MAX_CONCURRENT_CHECKS);
    match tokio::time::timeout(CHECK_QUEUE_WAIT, CHECKS.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => {
            tracing::warn!("password checks busy; login answered with 429");
            Err(AppError::TooManyRequests {
                retry_after_secs: 2,
            })
        }
    }
}

// ---- devices ----

/// A device cookie known for `username`, as its stored hash.
pub async fn known_device(
    db: &Db,
    username: &str,
    token_hash: &str,
) -> Result<Option<String>, AppError> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT d.token_hash FROM login_devices d JOIN users u ON u.id = d.user_id \
         WHERE d.token_hash = $1 AND u.username = $2",
    )
    .bind(token_hash)
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(h,)| h))
}

/// Devices are forgotten a year after they last signed in.
pub const DEVICE_TTL_MS: i64 = 365 * 24 * 3_600_000;

/// Records that the device behind `token_hash` signed in to `user` (new or again).
pub async fn remember_device(
    db: &Db,
    user: crate::domain::UserId,
    token_hash: &str,
    now: Millis,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE login_devices SET last_used_at = $1 WHERE token_hash = $2 AND user_id = $3",
    )
    .bind(now.0)
    .bind(token_hash)
    .bind(user.0)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO login_devices (token_hash, user_id, created_at, last_used_at) \
             VALUES ($1, $2, $3, $3)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM login_devices WHERE last_used_at < $1")
        .bind(now.0 - DEVICE_TTL_MS)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_after_the_free_failures_up_to_the_window() {
        assert_eq!(pair_delay_ms(0), 0);
        assert_eq!(pair_delay_ms(FREE_PAIR_FAILURES - 1), 0);
        assert_eq!(pair_delay_ms(FREE_PAIR_FAILURES), 1000);
        assert_eq!(pair_delay_ms(FREE_PAIR_FAILURES + 1), 2000);
        assert_eq!(pair_delay_ms(FREE_PAIR_FAILURES + 3), 8000);
        assert_eq!(pair_delay_ms(1000), WINDOW_MS);
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(
            too_many(1500),
            AppError::TooManyRequests {
                retry_after_secs: 2
            }
        );
        assert_eq!(
            too_many(0),
            AppError::TooManyRequests {
                retry_after_secs: 1
            }
        );
    }
}
