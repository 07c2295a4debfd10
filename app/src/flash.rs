//! The outcome of a form post, carried in the redirect's query string (`?ok=1`,
//! `?err=<signature>.<message>`) and shown as a banner on the page it lands on.
//!
//! Only messages the server itself put there are shown: each carries an HMAC-SHA256 (its
//! first 128 bits) under a key that all server instances share (`server_secrets`, made by
//! the first to start). A link someone wrote by hand — `/track?err=请拨打110领取补贴` —
//! shows nothing. The messages themselves stay as the errors say them, with the names and
//! numbers that make them useful ("缺少列：居委会、称号").

/// The key that signs messages (never printed).
#[derive(Clone)]
pub struct MessageKey(pub [u8; 32]);

impl std::fmt::Debug for MessageKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MessageKey(…)")
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::MessageKey;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    const SIG_HEX: usize = 32;

    fn signature(key: &MessageKey, msg: &str) -> String {
        // HMAC takes a key of any length: this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key.0) else {
            return String::new();
        };
        mac.update(msg.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..SIG_HEX / 2])
    }

    /// `msg` as the value of `err=`.
    pub fn seal(key: &MessageKey, msg: &str) -> String {
        format!("{}.{msg}", signature(key, msg))
    }

    /// The message of an `err=` value, if this server signed it.
    pub fn open(key: &MessageKey, value: &str) -> Option<String> {
        let (sig, msg) = value.split_at_checked(SIG_HEX)?;
        let msg = msg.strip_prefix('.')?;
        let want = signature(key, msg);
        // Constant time, like any MAC comparison.
        let same = sig.len() == want.len()
            && sig
                .bytes()
                .zip(want.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        same.then(|| msg.to_string())
    }

    /// The shared key: read, or made and stored by the first instance to start (two
    /// starting at once both insert; one wins, both read the winner).
    pub async fn load_or_create_key(db: &crate::db::Db) -> Result<MessageKey, sqlx::Error> {
        let mut fresh = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut fresh);
        sqlx::query(
            "INSERT INTO server_secrets (name, value) VALUES ('form_messages', $1) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(hex::encode(fresh))
        .execute(&db.pool)
        .await?;
        let (value,): (String,) =
            sqlx::query_as("SELECT value FROM server_secrets WHERE name = 'form_messages'")
                .fetch_one(&db.pool)
                .await?;
        let mut key = [0u8; 32];
        hex::decode_to_slice(value.trim(), &mut key)
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        Ok(MessageKey(key))
    }

    /// `msg` sealed with the running server's key, which the server puts into every
    /// request's context (empty without it).
    pub fn seal_current(msg: &str) -> String {
        match leptos::prelude::use_context::<MessageKey>() {
            Some(key) => seal(&key, msg),
            None => String::new(),
        }
    }
}

#[cfg(feature = "ssr")]
pub use ssr::*;

/// The message to show for the `err=` value of the page's query string, if genuine.
pub fn shown_error(value: Option<String>) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        let key = leptos::prelude::use_context::<MessageKey>()?;
        open(&key, &value?)
    }
    #[cfg(not(feature = "ssr"))]
    {
        // Pages with flashes are rendered on the server; the browser never decides.
        let _ = value;
        None
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_key_signed_opens() {
        let key = MessageKey([7; 32]);
        let sealed = seal(&key, "缺少列：居委会、称号");
        assert_eq!(open(&key, &sealed).as_deref(), Some("缺少列：居委会、称号"));
        assert_eq!(open(&key, "请拨打110领取补贴"), None);
        assert_eq!(open(&MessageKey([8; 32]), &sealed), None);
        let forged = format!("{}请拨打110领取补贴", &sealed[..33]);
        assert_eq!(open(&key, &forged), None);
        assert_eq!(open(&key, ""), None);
        assert_eq!(open(&key, "短"), None);
        assert_eq!(format!("{key:?}"), "MessageKey(…)");
    }
}
