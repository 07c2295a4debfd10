//! All SQL of `api_keys` (server only): the Open311 clients' keys, of which only a hash is
//! stored.

use super::ApiKeyInfo;
use crate::db::{Db, DbResult};
use crate::domain::{Millis, UserId};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// The stored form of a key.
pub fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// A new key: `jx_` and 40 hex digits (160 random bits).
pub fn new_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    format!("{}{}", super::KEY_PREFIX, hex::encode(bytes))
}

/// Stores a new key for the client `name`; returns the key itself (never stored).
pub async fn create(db: &Db, name: &str, by: UserId) -> DbResult<String> {
    let key = new_key();
    let shown = key[..super::KEY_PREFIX.len() + 6].to_string();
    sqlx::query(
        "INSERT INTO api_keys (name, key_hash, key_start, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(name)
    .bind(key_hash(&key))
    .bind(shown)
    .bind(Millis::now().0)
    .bind(by.0)
    .execute(&db.pool)
    .await?;
    Ok(key)
}

/// Every key, newest first.
pub async fn list(db: &Db) -> DbResult<Vec<ApiKeyInfo>> {
    let rows = sqlx::query(
        "SELECT id, name, key_start, created_at, last_used_at, revoked_at FROM api_keys \
         ORDER BY id DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ApiKeyInfo {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                key_start: r.try_get("key_start")?,
                created_at: Millis(r.try_get("created_at")?),
                last_used_at: r.try_get::<Option<i64>, _>("last_used_at")?.map(Millis),
                revoked_at: r.try_get::<Option<i64>, _>("revoked_at")?.map(Millis),
            })
        })
        .collect::<sqlx::Result<_>>()
        .map_err(Into::into)
}

/// Stops a key from working (it stays listed). False when there is no such active key.
/// The name of a client's key (revoked or not), for a report it sent.
pub async fn key_name(db: &Db, id: i64) -> DbResult<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT name FROM api_keys WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(name,)| name))
}

pub async fn revoke(db: &Db, id: i64) -> DbResult<bool> {
    let done =
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(Millis::now().0)
            .bind(id)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The id of the active key `key`, noting its use (at most once a minute per key).
pub async fn check(db: &Db, key: &str) -> DbResult<Option<i64>> {
    let key = key.trim();
    if key.is_empty() || key.len() > 128 {
        return Ok(None);
    }
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, last_used_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
    )
    .bind(key_hash(key))
    .fetch_optional(&db.pool)
    .await?;
    let Some((id, last)) = row else {
        return Ok(None);
    };
    let now = Millis::now().0;
    if last.is_none_or(|t| now - t > 60_000) {
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&db.pool)
            .await?;
    }
    Ok(Some(id))
}
