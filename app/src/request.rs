//! Values looked up at most once per request (server only). A staff page's resources and its
//! navigation each ask for the signed-in account, and the inbox page and the navigation both
//! show the inbox's counts: each ask would be statements of its own. The server gives every
//! request fresh slots ([`provide`]); [`once`] fills a slot on the first ask and answers the
//! others from it. Without a slot (a test calling a server function directly), it computes.

use crate::error::AppError;
use leptos::prelude::{provide_context, use_context};
use std::future::Future;
use std::sync::Arc;

/// One request's slot for a `T`.
#[derive(Clone)]
pub struct PerRequest<T>(Arc<tokio::sync::OnceCell<T>>);

impl<T> Default for PerRequest<T> {
    fn default() -> Self {
        Self(Arc::new(tokio::sync::OnceCell::new()))
    }
}

/// Fresh slots for a request: the server calls this in each request's context.
pub fn provide() {
    provide_context(PerRequest::<Option<crate::session::StaffUser>>::default());
    provide_context(PerRequest::<crate::staff::InboxCounts>::default());
}

/// The request's `T`: `compute`d by the first caller, the same value for the others (an
/// error is not kept: the next caller computes again).
pub async fn once<T, F, Fut>(compute: F) -> Result<T, AppError>
where
    T: Clone + Send + Sync + 'static,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    match use_context::<PerRequest<T>>() {
        Some(slot) => slot.0.get_or_try_init(compute).await.cloned(),
        None => compute().await,
    }
}
