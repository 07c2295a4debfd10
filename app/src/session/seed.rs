//! Demo accounts (demo only — listed in the README; change or disable them on a real
//! deployment with `server user passwd` / the admin page).

use super::Role;
use super::auth::create_user;
use crate::db::Db;
use crate::error::AppError;

/// The one password of every demo account.
pub const DEMO_PASSWORD: &str = "jiexiang-demo";

/// (username, display name, office name; None = admin, or the supervisor `dudao`)
pub const DEMO_USERS: &[(&str, &str, Option<&str>)] = &[
    ("admin", "区创卫办管理员", None),
    ("dudao", "区创卫督导组", None),
    ("taihao", "太昊路办事处值班员", Some("太昊路办事处")),
    ("huaihe", "淮河路办事处值班员", Some("淮河路办事处")),
    ("kaiyuan", "开元路集聚区值班员", Some("开元路产业集聚区")),
];

/// Creates the demo accounts when there are no accounts at all. Returns whether it did.
pub async fn seed_demo_users(db: &Db) -> Result<bool, AppError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await?;
    if n > 0 {
        return Ok(false);
    }
    for (username, name, office) in DEMO_USERS {
        let office_id = match office {
            Some(office) => match crate::areas::db::find_office(db, office).await? {
                Some(id) => Some(id),
                None => continue,
            },
            None => None,
        };
        let role = match (office, *username) {
            (Some(_), _) => Role::Staff,
            (None, "dudao") => Role::Supervisor,
            (None, _) => Role::Admin,
        };
        create_user(db, username, name, DEMO_PASSWORD, role, office_id).await?;
    }
    Ok(true)
}

/// The active accounts that still have the published demo password (checked off the async
/// workers: one argon2 verification per demo name that exists).
pub async fn accounts_with_demo_password(db: &Db) -> Result<Vec<String>, AppError> {
    let mut found = Vec::new();
    for (username, _, _) in DEMO_USERS {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT password_hash FROM users WHERE username = $1 AND active = 1")
                .bind(*username)
                .fetch_optional(&db.pool)
                .await?;
        let Some((hash,)) = row else { continue };
        let demo =
            tokio::task::spawn_blocking(move || super::auth::verify_password(&hash, DEMO_PASSWORD))
                .await
                .unwrap_or(false);
        if demo {
            found.push(username.to_string());
        }
    }
    Ok(found)
}
