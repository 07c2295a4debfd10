//! Values looked up at most once per request (server only). A staff page's resources and its
//! navigation each ask for the signed-in account, and the inbox page and the navigation both
//! show the inbox's counts: each ask would be statements of its own. The server gives every
//! request fresh slots ([`provide`]); [`once`] fills the slot of its type on the first ask and
//! answers the others from it. Without slots (a test calling a server function directly), it
//! computes. The slots are keyed by type, so this module names no area: the areas that keep
//! a value here (`session`, `staff`) sit above it.

use crate::error::AppError;
use leptos::prelude::{provide_context, use_context};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// One request's slots, one per type asked for.
#[derive(Clone, Default)]
pub struct PerRequest(Arc<Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>>);

impl PerRequest {
    /// The slot of `T`, made on first use.
    fn slot<T: Send + Sync + 'static>(&self) -> Arc<tokio::sync::OnceCell<T>> {
        let mut slots = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let slot = slots
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(tokio::sync::OnceCell::<T>::new()))
            .clone();
        // The entry of `TypeId::of::<T>()` always holds a `OnceCell<T>`.
        slot.downcast::<tokio::sync::OnceCell<T>>()
            .unwrap_or_else(|_| Arc::new(tokio::sync::OnceCell::new()))
    }
}

/// Fresh slots for a request: the server calls this in each request's context.
pub fn provide() {
    provide_context(PerRequest::default());
}

/// The request's `T`: `compute`d by the first caller, the same value for the others (an
/// error is not kept: the next caller computes again).
pub async fn once<T, F, Fut>(compute: F) -> Result<T, AppError>
where
    T: Clone + Send + Sync + 'static,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    match use_context::<PerRequest>() {
        Some(slots) => slots.slot::<T>().get_or_try_init(compute).await.cloned(),
        None => compute().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn each_type_is_computed_once_per_request() {
        let owner = leptos::prelude::Owner::new();
        owner.set();
        provide();
        let a: u32 = once(|| async { Ok(1) }).await.unwrap();
        let b: u32 = once(|| async { Ok(2) }).await.unwrap();
        let c: i64 = once(|| async { Ok(3) }).await.unwrap();
        assert_eq!((a, b, c), (1, 1, 3));
        // An error is not kept.
        let e: Result<u8, _> = once(|| async { Err(AppError::Internal) }).await;
        assert!(e.is_err());
        let f: u8 = once(|| async { Ok(4) }).await.unwrap();
        assert_eq!(f, 4);
    }
}
