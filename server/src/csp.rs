//! The Content-Security-Policy of documents, with a fresh nonce per HTML page.
//!
//! leptos_axum puts a random nonce (128 bits) into the context of every page it renders, and
//! Leptos writes it on its own inline scripts (the islands bootstrap, streamed resource data);
//! the shell (`app::app::shell`) puts it on its service-worker registration script and hands it
//! to this module in the internal response header [`NONCE_HEADER`]. Here it becomes
//! `script-src 'self' 'nonce-…'`, and the internal header is removed before the response
//! leaves. No 'unsafe-inline' for scripts: an injected `<script>` or `onclick=` does not run.
//!
//! A page the service worker saved is stored as the whole response, headers included, so its
//! CSP always names the nonce written in its own markup.

use axum::http::{HeaderMap, HeaderValue, header};

pub use app::app::CSP_NONCE_HEADER as NONCE_HEADER;

/// Everything but `script-src`. Styles keep 'unsafe-inline': the pages use `style=`
/// attributes (chart bars, progress) and the offline page of the service worker an inline
/// `<style>`; styles cannot run code. 'wasm-unsafe-eval' (in `script-src`) lets the wasm
/// compile, and nothing else is evaluated.
const REST: &str = "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
    connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
    base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

/// The policy for a document rendered with `nonce` (None: no inline script may run).
pub fn policy(nonce: Option<&str>) -> String {
    let nonce = nonce
        .filter(|n| valid_nonce(n))
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    format!("default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; {REST}")
}

/// A nonce as leptos makes them (base64 of 16 random bytes); anything else is not put into
/// the header.
fn valid_nonce(n: &str) -> bool {
    (16..=64).contains(&n.len())
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'='))
}

/// Takes the internal nonce header off the response and, on a document, sets the CSP for that
/// nonce (unless the handler set its own).
pub fn apply(headers: &mut HeaderMap, is_document: bool) {
    let nonce = headers.remove(NONCE_HEADER);
    if !is_document || headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        return;
    }
    let nonce = nonce.as_ref().and_then(|v| v.to_str().ok());
    if let Ok(value) = HeaderValue::from_str(&policy(nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script_src(policy: &str) -> &str {
        policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src "))
            .unwrap()
    }

    #[test]
    fn scripts_need_the_nonce_never_unsafe_inline() {
        let p = policy(Some("AbCd0123456789_-xyzQRS"));
        assert_eq!(
            script_src(&p),
            "script-src 'self' 'nonce-AbCd0123456789_-xyzQRS' 'wasm-unsafe-eval'"
        );
        assert_eq!(
            script_src(&policy(None)),
            "script-src 'self' 'wasm-unsafe-eval'"
        );
        // Nothing odd gets into the header.
        for bad in [
            "short",
            "abcdefghijklmnop' 'unsafe-inline",
            "abcdefghijklmnop;x",
        ] {
            assert_eq!(
                script_src(&policy(Some(bad))),
                "script-src 'self' 'wasm-unsafe-eval'"
            );
        }
        assert!(p.contains("object-src 'none'") && p.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn the_internal_header_never_leaves() {
        let mut h = HeaderMap::new();
        h.insert(
            NONCE_HEADER,
            HeaderValue::from_static("AbCd0123456789_-xyzQRS"),
        );
        apply(&mut h, true);
        assert!(!h.contains_key(NONCE_HEADER));
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("'nonce-AbCd0123456789_-xyzQRS'"));

        let mut h = HeaderMap::new();
        h.insert(
            NONCE_HEADER,
            HeaderValue::from_static("AbCd0123456789_-xyzQRS"),
        );
        apply(&mut h, false);
        assert!(h.is_empty());
    }
}
