//! The device queue in IndexedDB (browser only). Two object stores keyed by the report id:
//! `items` (the item's fields) and `photos` (its JPEG blobs). A report and its photos are
//! written in one transaction, so either both are on the phone or neither is; localStorage
//! could not hold the photos (about 5 MB per origin in Chromium).

use super::queue::{Field, QueueItem};
use js_sys::{Array, Object, Promise, Reflect};
use std::cell::RefCell;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

const DB_NAME: &str = "jiexiang";
const DB_VERSION: u32 = 1;
const ITEMS: &str = "items";
const PHOTOS: &str = "photos";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The device is full (QuotaExceededError): nothing of this write was kept.
    Quota,
    /// No IndexedDB (private mode in some browsers) or it failed to open.
    Unavailable,
    Other(String),
}

impl StoreError {
    fn from_js(e: &JsValue) -> Self {
        let name = Reflect::get(e, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        if name == "QuotaExceededError" {
            Self::Quota
        } else {
            Self::Other(format!("{name}: {}", super::client::js_error_text(e)))
        }
    }
}

thread_local! {
    static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// Resolves when `req` succeeds, with its result.
async fn request(req: &IdbRequest) -> Result<JsValue, StoreError> {
    let done = Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(done).await;
    req.set_onsuccess(None);
    req.set_onerror(None);
    match outcome {
        Ok(_) => req.result().map_err(|e| StoreError::from_js(&e)),
        Err(_) => Err(req
            .error()
            .ok()
            .flatten()
            .map(|e| StoreError::from_js(&e.into()))
            .unwrap_or_else(|| StoreError::Other("request failed".into()))),
    }
}

/// Resolves when the transaction has committed (written to disk), or with why it aborted.
async fn committed(tx: &IdbTransaction) -> Result<(), StoreError> {
    let done = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    });
    let outcome = JsFuture::from(done).await;
    tx.set_oncomplete(None);
    tx.set_onerror(None);
    tx.set_onabort(None);
    match outcome {
        Ok(_) => Ok(()),
        Err(_) => Err(tx
            .error()
            .map(|e| StoreError::from_js(&e.into()))
            .unwrap_or_else(|| StoreError::Other("transaction aborted".into()))),
    }
}

async fn open() -> Result<IdbDatabase, StoreError> {
    if let Some(db) = DB.with_borrow(Clone::clone) {
        return Ok(db);
    }
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or(StoreError::Unavailable)?;
    let req = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(|_| StoreError::Unavailable)?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new({
        let req = req.clone();
        move |_| {
            let Ok(db) = req.result() else { return };
            let db: IdbDatabase = db.unchecked_into();
            let names = db.object_store_names();
            for name in [ITEMS, PHOTOS] {
                if !names.contains(name) {
                    let params = web_sys::IdbObjectStoreParameters::new();
                    params.set_key_path(&"id".into());
                    let _ = db.create_object_store_with_optional_parameters(name, &params);
                }
            }
        }
    });
    req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let result = request(&req).await;
    req.set_onupgradeneeded(None);
    drop(upgrade);
    let db: IdbDatabase = result
        .map_err(|_| StoreError::Unavailable)?
        .unchecked_into();
    // Another tab of a newer version wants to upgrade: let it (this tab reopens next time).
    let close = Closure::<dyn FnMut()>::new({
        let db = db.clone();
        move || {
            db.close();
            DB.with_borrow_mut(|d| *d = None);
        }
    });
    db.set_onversionchange(Some(close.as_ref().unchecked_ref()));
    close.forget();
    DB.with_borrow_mut(|d| *d = Some(db.clone()));
    Ok(db)
}

fn transaction(
    db: &IdbDatabase,
    stores: &[&str],
    mode: IdbTransactionMode,
) -> Result<IdbTransaction, StoreError> {
    let names = Array::new();
    for s in stores {
        names.push(&JsValue::from_str(s));
    }
    db.transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| {
            // The connection was closed under us (versionchange): open afresh next time.
            DB.with_borrow_mut(|d| *d = None);
            StoreError::from_js(&e)
        })
}

fn store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, StoreError> {
    tx.object_store(name).map_err(|e| StoreError::from_js(&e))
}

fn record(id: Uuid, field: &str, value: &JsValue) -> Result<Object, StoreError> {
    let obj = Object::new();
    let set = |k: &str, v: &JsValue| {
        Reflect::set(&obj, &k.into(), v)
            .map(|_| ())
            .map_err(|e| StoreError::from_js(&e))
    };
    set("id", &JsValue::from_str(&id.to_string()))?;
    set(field, value)?;
    Ok(obj)
}

fn item_record(item: &QueueItem) -> Result<Object, StoreError> {
    let obj = Object::new();
    for (name, value) in item.to_fields() {
        let value = match value {
            Field::Text(t) => JsValue::from_str(&t),
            Field::Num(n) => JsValue::from_f64(n),
        };
        Reflect::set(&obj, &name.into(), &value).map_err(|e| StoreError::from_js(&e))?;
    }
    Ok(obj)
}

fn item_from(row: &JsValue) -> Option<QueueItem> {
    if !row.is_object() {
        return None;
    }
    QueueItem::from_fields(|name| {
        let v = Reflect::get(row, &name.into()).ok()?;
        match v.as_string() {
            Some(t) => Some(Field::Text(t)),
            None => v.as_f64().map(Field::Num),
        }
    })
}

fn put_item(items: &IdbObjectStore, item: &QueueItem) -> Result<(), StoreError> {
    items
        .put(&item_record(item)?.into())
        .map(|_| ())
        .map_err(|e| StoreError::from_js(&e))
}

/// Queues a new report with its photos, in one transaction; with `replacing`, the item it
/// replaces (the resident edited a 需处理 report) goes in the same transaction.
pub async fn add(
    item: &QueueItem,
    photos: &[Blob],
    replacing: Option<Uuid>,
) -> Result<(), StoreError> {
    let db = open().await?;
    let tx = transaction(&db, &[ITEMS, PHOTOS], IdbTransactionMode::Readwrite)?;
    let items = store(&tx, ITEMS)?;
    let photo_store = store(&tx, PHOTOS)?;
    let blobs = Array::new();
    for p in photos {
        blobs.push(p);
    }
    let write = (|| {
        if let Some(old) = replacing {
            let key = JsValue::from_str(&old.to_string());
            items.delete(&key).map_err(|e| StoreError::from_js(&e))?;
            photo_store
                .delete(&key)
                .map_err(|e| StoreError::from_js(&e))?;
        }
        put_item(&items, item)?;
        photo_store
            .put(&record(item.id(), "blobs", &blobs)?.into())
            .map(|_| ())
            .map_err(|e| StoreError::from_js(&e))
    })();
    if let Err(e) = write {
        let _ = tx.abort();
        return Err(e);
    }
    committed(&tx).await
}

/// Writes an item's new state (its photos are untouched).
pub async fn update(item: &QueueItem) -> Result<(), StoreError> {
    let db = open().await?;
    let tx = transaction(&db, &[ITEMS], IdbTransactionMode::Readwrite)?;
    put_item(&store(&tx, ITEMS)?, item)?;
    committed(&tx).await
}

/// Every item on the device (in no particular order).
pub async fn all() -> Result<Vec<QueueItem>, StoreError> {
    let db = open().await?;
    let tx = transaction(&db, &[ITEMS], IdbTransactionMode::Readonly)?;
    let req = store(&tx, ITEMS)?
        .get_all()
        .map_err(|e| StoreError::from_js(&e))?;
    let rows: Array = request(&req).await?.unchecked_into();
    Ok(rows.iter().filter_map(|row| item_from(&row)).collect())
}

/// One item, as stored now (None once deleted).
pub async fn get(id: Uuid) -> Result<Option<QueueItem>, StoreError> {
    Ok(all().await?.into_iter().find(|i| i.id() == id))
}

/// The photos of an item, in the order the resident added them.
pub async fn photos(id: Uuid) -> Result<Vec<Blob>, StoreError> {
    let db = open().await?;
    let tx = transaction(&db, &[PHOTOS], IdbTransactionMode::Readonly)?;
    let req = store(&tx, PHOTOS)?
        .get(&JsValue::from_str(&id.to_string()))
        .map_err(|e| StoreError::from_js(&e))?;
    let row = request(&req).await?;
    let blobs = Reflect::get(&row, &"blobs".into()).unwrap_or(JsValue::UNDEFINED);
    Ok(Array::from(&blobs)
        .iter()
        .filter_map(|b| b.dyn_into::<Blob>().ok())
        .collect())
}

/// Removes an item and its photos (the resident's explicit 删除, or 清除已上传).
pub async fn delete(ids: &[Uuid]) -> Result<(), StoreError> {
    let db = open().await?;
    let tx = transaction(&db, &[ITEMS, PHOTOS], IdbTransactionMode::Readwrite)?;
    let items = store(&tx, ITEMS)?;
    let photo_store = store(&tx, PHOTOS)?;
    for id in ids {
        let key = JsValue::from_str(&id.to_string());
        items.delete(&key).map_err(|e| StoreError::from_js(&e))?;
        photo_store
            .delete(&key)
            .map_err(|e| StoreError::from_js(&e))?;
    }
    committed(&tx).await
}

/// Drops the photos of a synced item (the server has them) but keeps the item, so the list
/// still shows 已上传 with its code.
pub async fn drop_photos(id: Uuid) -> Result<(), StoreError> {
    let db = open().await?;
    let tx = transaction(&db, &[PHOTOS], IdbTransactionMode::Readwrite)?;
    store(&tx, PHOTOS)?
        .delete(&JsValue::from_str(&id.to_string()))
        .map_err(|e| StoreError::from_js(&e))?;
    committed(&tx).await
}
