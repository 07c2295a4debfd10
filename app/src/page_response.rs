//! The HTTP side of a server-rendered page: its status, a redirect, its Cache-Control.
//!
//! The page alone decides these (server functions it calls while rendering are plain calls;
//! only their own HTTP answers get an error's status, in the server's `errors.rs`). Take it with [`PageResponse::current`] in the page's
//! component body and move it into any `Suspend` that needs it, so every page sets its
//! response the same way. In the browser build every method does nothing.

#[derive(Clone, Default)]
pub struct PageResponse {
    #[cfg(feature = "ssr")]
    inner: Option<leptos_axum::ResponseOptions>,
}

impl PageResponse {
    /// The response of the page being rendered (call it synchronously in a component).
    pub fn current() -> Self {
        Self {
            #[cfg(feature = "ssr")]
            inner: leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        }
    }

    /// Sets the status code (an unknown code becomes 500).
    pub fn set_status(&self, code: u16) {
        #[cfg(feature = "ssr")]
        if let Some(res) = &self.inner {
            res.set_status(
                axum::http::StatusCode::from_u16(code)
                    .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        #[cfg(not(feature = "ssr"))]
        let _ = code;
    }

    /// Answers the page with a plain 302 to `to` (a local path).
    pub fn redirect(&self, to: &str) {
        #[cfg(feature = "ssr")]
        if let (Some(res), Ok(v)) = (&self.inner, axum::http::HeaderValue::from_str(to)) {
            res.set_status(axum::http::StatusCode::FOUND);
            res.insert_header(axum::http::header::LOCATION, v);
        }
        #[cfg(not(feature = "ssr"))]
        let _ = to;
    }

    /// Sets the page's Cache-Control header.
    pub fn cache_control(&self, value: &'static str) {
        #[cfg(feature = "ssr")]
        if let Some(res) = &self.inner {
            res.insert_header(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static(value),
            );
        }
        #[cfg(not(feature = "ssr"))]
        let _ = value;
    }
}
