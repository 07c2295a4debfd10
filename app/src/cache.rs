//! A short-lived, single-flight cache for figures that public pages show: while one request
//! computes them, the others wait for that result instead of each scanning the database,
//! so a crowd of visitors costs one computation per life.

use crate::error::AppError;
use std::time::{Duration, Instant};

pub struct Cached<T> {
    life: Duration,
    slot: tokio::sync::Mutex<Option<(Instant, T)>>,
    computed: std::sync::atomic::AtomicU64,
}

impl<T: Clone> Cached<T> {
    /// A cache whose value lives `life` (zero: every call computes).
    pub fn new(life: Duration) -> Self {
        Self {
            life,
            slot: tokio::sync::Mutex::new(None),
            computed: Default::default(),
        }
    }

    /// The cached value, or `compute`'s (one caller computes, the others wait for it).
    pub async fn get<F, Fut>(&self, compute: F) -> Result<T, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some((at, v)) = slot.as_ref()
            && at.elapsed() < self.life
        {
            return Ok(v.clone());
        }
        let v = compute().await?;
        self.computed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *slot = Some((Instant::now(), v.clone()));
        Ok(v)
    }

    /// How many times the value was computed (for tests and logs).
    pub fn computations(&self) -> u64 {
        self.computed.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The caches of the public pages, in the application state: one [`Cached`] per type of
/// figures, made on first use. Keyed by type so that this module names no area (the areas
/// that cache figures sit above it: `stats`, `honours`).
pub struct PublicCaches {
    life: Duration,
    /// Values an area keeps and renews itself (`slot`), by type.
    kept: std::sync::Mutex<
        std::collections::HashMap<
            std::any::TypeId,
            std::sync::Arc<dyn std::any::Any + Send + Sync>,
        >,
    >,
    slots: std::sync::Mutex<
        std::collections::HashMap<
            std::any::TypeId,
            std::sync::Arc<dyn std::any::Any + Send + Sync>,
        >,
    >,
}

impl PublicCaches {
    pub fn new(life: Duration) -> Self {
        Self {
            life,
            kept: Default::default(),
            slots: Default::default(),
        }
    }

    /// The state's one `T`, made by `T::default()` on first use: for a value an area keeps
    /// and renews by its own rule (the grids' index, read again when they change).
    pub fn slot<T: Default + Send + Sync + 'static>(&self) -> std::sync::Arc<T> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let slot = kept
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| std::sync::Arc::new(T::default()))
            .clone();
        // The entry of `TypeId::of::<T>()` always holds a `T`.
        slot.downcast::<T>()
            .unwrap_or_else(|_| std::sync::Arc::new(T::default()))
    }

    /// The cache of `T`'s figures.
    pub fn of<T: Clone + Send + Sync + 'static>(&self) -> std::sync::Arc<Cached<T>> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let slot = slots
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| std::sync::Arc::new(Cached::<T>::new(self.life)))
            .clone();
        // The entry of `TypeId::of::<T>()` always holds a `Cached<T>`.
        slot.downcast::<Cached<T>>()
            .unwrap_or_else(|_| std::sync::Arc::new(Cached::new(self.life)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_crowd_costs_one_computation_per_life() {
        let c = std::sync::Arc::new(Cached::new(Duration::from_secs(60)));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let c = c.clone();
            tasks.push(tokio::spawn(async move {
                c.get(|| async {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok(42)
                })
                .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 42);
        }
        assert_eq!(c.computations(), 1);
        // With no life every call computes; an error is not kept.
        let c = Cached::new(Duration::ZERO);
        assert_eq!(c.get(|| async { Ok(1) }).await.unwrap(), 1);
        assert!(
            c.get(|| async { Err::<i32, _>(AppError::Internal) })
                .await
                .is_err()
        );
        assert_eq!(c.get(|| async { Ok(2) }).await.unwrap(), 2);
        assert_eq!(c.computations(), 2);
    }

    #[tokio::test]
    async fn each_type_has_its_own_cache_for_the_life_of_the_caches() {
        let caches = PublicCaches::new(Duration::from_secs(60));
        assert_eq!(caches.of::<u32>().get(|| async { Ok(1) }).await.unwrap(), 1);
        assert_eq!(caches.of::<u32>().get(|| async { Ok(2) }).await.unwrap(), 1);
        assert_eq!(caches.of::<i64>().get(|| async { Ok(3) }).await.unwrap(), 3);
        assert_eq!(caches.of::<u32>().computations(), 1);
        let a = caches.slot::<std::sync::Mutex<Vec<u8>>>();
        a.lock().unwrap().push(7);
        assert_eq!(
            *caches.slot::<std::sync::Mutex<Vec<u8>>>().lock().unwrap(),
            [7]
        );
    }
}
