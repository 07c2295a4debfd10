//! The sync engine (browser only): sends the device queue to the server.
//!
//! It runs on start, on `online`, when the page becomes visible again, on a timer (jittered
//! exponential backoff, Retry-After honoured) and on 立即上传. One tab at a time holds the
//! Web Lock `jiexiang-sync`; a tab that finds it taken only refreshes its list. Before
//! sending anything it asks `/api/health` for its JSON: a captive portal's page does not
//! count as being online. Items go one at a time, oldest first, by XMLHttpRequest (for the
//! upload progress), to the same multipart endpoint as ever; the rules for what an answer
//! means live in [`super::queue`].

pub use super::queue::Net;
use super::queue::{
    self, ItemState, Outcome, Progress, QueueItem, SendResult, SyncState, backoff_ms, classify,
    due_ids,
};
use super::queue_store::{self as store, StoreError};
use super::strings::sync as t;
use super::{SUBMIT_PATH, client};
use crate::domain::Millis;
use js_sys::{Function, Object, Promise, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, OnceCell};
use std::future::Future;
use std::rc::Rc;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

const LOCK_NAME: &str = "jiexiang-sync";
/// How often a tab that is not the uploader refreshes its view of the shared queue.
const FOLLOWER_REFRESH_MS: i32 = 3_000;
const PROBE_TIMEOUT_MS: i32 = 10_000;
const SEND_TIMEOUT_MS: u32 = 300_000;

/// The engine's state as one signal, for the pages to show.
pub type SyncView = ArcRwSignal<SyncState>;

struct Engine {
    view: SyncView,
    running: Cell<bool>,
    again: Cell<bool>,
    force: Cell<bool>,
    /// Failed probes in a row (the offline backoff).
    failures: Cell<u32>,
    timer: Cell<Option<i32>>,
}

thread_local! {
    static ENGINE: OnceCell<Rc<Engine>> = const { OnceCell::new() };
}

fn engine() -> Rc<Engine> {
    let mut created = false;
    let engine = ENGINE.with(|cell| {
        cell.get_or_init(|| {
            created = true;
            Rc::new(Engine {
                view: ArcRwSignal::new(SyncState::default()),
                running: Cell::new(false),
                again: Cell::new(false),
                force: Cell::new(false),
                failures: Cell::new(0),
                timer: Cell::new(None),
            })
        })
        .clone()
    });
    if created {
        // Not in the island's hydration: its listeners and first run (opening the device's
        // queue) in the next task.
        crate::islands::after_this_task(start);
    }
    engine
}

/// The engine's signals; the first call starts it (listeners, first run) in the next task.
pub fn view() -> SyncView {
    engine().view.clone()
}

fn start() {
    if let Some(window) = web_sys::window() {
        let on_online = Closure::<dyn FnMut()>::new(|| kick(true));
        let _ =
            window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        on_online.forget();
        let on_offline = Closure::<dyn FnMut()>::new(|| set_net(&engine().view, Net::Offline));
        let _ =
            window.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
        on_offline.forget();
        if let Some(document) = window.document() {
            let on_visible = Closure::<dyn FnMut()>::new(move || {
                let visible = web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
                if visible {
                    kick(false);
                }
            });
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            );
            on_visible.forget();
        }
    }
    spawn_local(refresh_storage());
    kick(false);
}

/// Asks for a run; `force` (立即上传, back online) makes every waiting item due now.
pub fn kick(force: bool) {
    let e = engine();
    if force {
        e.force.set(true);
    }
    if e.running.get() {
        e.again.set(true);
        return;
    }
    e.running.set(true);
    spawn_local(run(e));
}

/// 立即上传.
pub fn sync_now() {
    let e = engine();
    e.failures.set(0);
    set_paused(&e.view, None);
    kick(true);
}

async fn run(e: Rc<Engine>) {
    let mut leader;
    loop {
        e.again.set(false);
        let force = e.force.replace(false);
        let job = e.clone();
        leader = with_lock(move || drain(job, force)).await;
        if !leader {
            // Another tab is the uploader: show what it does.
            e.force.set(force || e.force.get());
            reload(&e).await;
            break;
        }
        if !e.again.get() {
            break;
        }
    }
    e.running.set(false);
    schedule(&e, leader);
}

/// Sets the timer for the next run, if anything waits.
fn schedule(e: &Engine, leader: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(id) = e.timer.take() {
        window.clear_timeout_with_handle(id);
    }
    let now = client::now().0;
    let (pending, next) = e
        .view
        .with_untracked(|s| (queue::pending_count(&s.items), queue::next_due(&s.items)));
    let delay = if !leader {
        (pending > 0).then_some(FOLLOWER_REFRESH_MS)
    } else if e.view.with_untracked(|s| s.paused.is_some()) || pending == 0 {
        None
    } else if e.view.with_untracked(|s| s.net == Net::Offline) {
        Some(backoff_ms(e.failures.get(), js_sys::Math::random()) as i32)
    } else {
        next.map(|at| (at.0 - now).clamp(250, queue::RETRY_AFTER_MAX_MS) as i32)
    };
    if let Some(ms) = delay {
        let tick = Closure::once_into_js(|| {
            engine().timer.set(None);
            kick(false);
        });
        if let Ok(id) =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(tick.unchecked_ref(), ms)
        {
            e.timer.set(Some(id));
        }
    }
}

/// Runs `job` holding the Web Lock, if no other tab holds it. False when another tab does.
/// Without the Locks API (old browsers) the job runs anyway: the server's idempotency still
/// keeps a report from being stored twice.
async fn with_lock<F, Fut>(job: F) -> bool
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let locks = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks
        .as_ref()
        .and_then(|l| Reflect::get(l, &"request".into()).ok())
        .and_then(|f| f.dyn_into::<Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else {
        job().await;
        return true;
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let callback = Closure::once_into_js(move |lock: JsValue| -> Promise {
        if lock.is_null() {
            return Promise::resolve(&JsValue::FALSE);
        }
        wasm_bindgen_futures::future_to_promise(async move {
            job().await;
            Ok(JsValue::TRUE)
        })
    });
    let Ok(held) = request.call3(&locks, &LOCK_NAME.into(), &options, &callback) else {
        return false;
    };
    JsFuture::from(Promise::from(held))
        .await
        .is_ok_and(|v| v.is_truthy())
}

async fn reload(e: &Engine) {
    if let Ok(items) = store::all().await {
        publish(e, items);
    }
}

fn publish(e: &Engine, mut items: Vec<QueueItem>) {
    queue::display_order(&mut items);
    set_items(&e.view, items);
}

fn replace(e: &Engine, item: &QueueItem) {
    e.view.update(|s| {
        if let Some(slot) = s.items.iter_mut().find(|i| i.id() == item.id()) {
            *slot = item.clone();
        }
    });
}

/// One pass over the queue, holding the lock.
async fn drain(e: Rc<Engine>, force: bool) {
    let now = client::now();
    let mut items = match store::all().await {
        Ok(items) => items,
        Err(err) => {
            set_error(&e.view, Some(store_message(&err).to_string()));
            return;
        }
    };
    // Holding the lock, no other tab is sending: anything 上传中 was cut off by a reload.
    for item in &mut items {
        let was = item.clone();
        item.recover(now);
        if force {
            item.make_due(now);
        }
        if *item != was {
            let _ = store::update(item).await;
        }
    }
    if force {
        e.failures.set(0);
    }
    let due = due_ids(&items, now);
    publish(&e, items.clone());
    if due.is_empty() || e.view.with_untracked(|s| s.paused.is_some()) {
        return;
    }
    set_net(&e.view, Net::Checking);
    if !probe().await {
        set_net(&e.view, Net::Offline);
        e.failures.set(e.failures.get().saturating_add(1));
        return;
    }
    set_net(&e.view, Net::Online);
    e.failures.set(0);

    let mut progress = Progress {
        items_total: due.len(),
        bytes_total: items
            .iter()
            .filter(|i| due.contains(&i.id()))
            .map(|i| i.photo_bytes)
            .sum(),
        ..Progress::default()
    };
    set_progress(&e.view, Some(progress));
    for id in due {
        // Read again: the resident may have deleted or edited it meanwhile.
        let Ok(Some(mut item)) = store::get(id).await else {
            continue;
        };
        if item.state != ItemState::Queued {
            continue;
        }
        // Never without its photos: a failed read (or fewer photos than were stored) is not
        // sent; the item stays 待上传 and is read again after its backoff.
        let blobs = store::photos(id)
            .await
            .ok()
            .filter(|b| queue::photos_complete(&item, b.len()));
        item.start_upload();
        let base = progress.bytes_sent;
        let result = match blobs {
            None => SendResult::PhotosUnread,
            Some(blobs) => {
                if store::update(&item).await.is_err() {
                    continue;
                }
                replace(&e, &item);
                send(&item.draft_json, &blobs, {
                    let signal = e.view.clone();
                    let size = item.photo_bytes;
                    move |loaded, total| {
                        let part = if total > 0.0 {
                            (loaded / total * size as f64) as u64
                        } else {
                            0
                        };
                        signal.update(|s| {
                            if let Some(p) = &mut s.progress {
                                p.bytes_sent = base + part.min(size);
                            }
                        });
                    }
                })
                .await
            }
        };
        let outcome = classify(id, &result);
        item.apply(&outcome, client::now(), js_sys::Math::random());
        if let Outcome::Synced(code) = &outcome {
            client::remember_code(code);
        }
        let _ = store::update(&item).await;
        if item.state == ItemState::Synced {
            // The server has the photos now; free the phone's space (the item stays listed).
            let _ = store::drop_photos(id).await;
        }
        replace(&e, &item);
        progress.items_done += 1;
        progress.bytes_sent = base + item.photo_bytes;
        set_progress(&e.view, Some(progress));
        match (&outcome, &result) {
            (Outcome::Pause(reason), _) => {
                set_paused(&e.view, Some(reason.clone()));
                break;
            }
            // No answer at all: probably offline again; the rest waits for the next run.
            (_, SendResult::Network) => {
                set_net(&e.view, Net::Offline);
                e.failures.set(1);
                break;
            }
            _ => {}
        }
    }
    set_progress(&e.view, None);
    reload(&e).await;
    spawn_local(refresh_storage());
}

/// Whether the server is reachable: `/api/health` must answer its own JSON. A captive
/// portal's login page (HTML, often with 200) is not the server.
async fn probe() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoStore);
    let abort = web_sys::AbortController::new().ok();
    if let Some(a) = &abort {
        init.set_signal(Some(&a.signal()));
        let a = a.clone();
        let stop = Closure::once_into_js(move || a.abort());
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            stop.unchecked_ref(),
            PROBE_TIMEOUT_MS,
        );
    }
    let Ok(response) = JsFuture::from(window.fetch_with_str_and_init("/api/health", &init)).await
    else {
        return false;
    };
    let response: web_sys::Response = response.unchecked_into();
    let is_json = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|c| c.contains("application/json"));
    if !response.ok() || !is_json {
        return false;
    }
    let Ok(body) = response.json() else {
        return false;
    };
    JsFuture::from(body)
        .await
        .ok()
        .and_then(|b| Reflect::get(&b, &"status".into()).ok())
        .and_then(|s| s.as_string())
        .is_some_and(|s| s == "ok")
}

/// One send of one report by XMLHttpRequest, reporting upload progress (bytes, total).
async fn send(
    draft_json: &str,
    photos: &[Blob],
    on_progress: impl Fn(f64, f64) + 'static,
) -> SendResult {
    let Ok(data) = client::multipart(draft_json, photos) else {
        return SendResult::Network;
    };
    let Ok(xhr) = XmlHttpRequest::new() else {
        return SendResult::Network;
    };
    if xhr.open_with_async("POST", SUBMIT_PATH, true).is_err() {
        return SendResult::Network;
    }
    let _ = xhr.set_request_header("Accept", "application/json");
    xhr.set_timeout(SEND_TIMEOUT_MS);
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
        on_progress(ev.loaded(), ev.total());
    });
    let upload = xhr.upload().ok();
    if let Some(u) = &upload {
        u.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let done = Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_ontimeout(Some(&reject));
        xhr.set_onabort(Some(&reject));
    });
    let result = match xhr.send_with_opt_form_data(Some(&data)) {
        Ok(()) => JsFuture::from(done).await.map(|_| ()),
        Err(e) => Err(e),
    };
    if let Some(u) = &upload {
        u.set_onprogress(None);
    }
    xhr.set_onload(None);
    xhr.set_onerror(None);
    xhr.set_ontimeout(None);
    xhr.set_onabort(None);
    drop(progress);
    match result {
        Ok(()) if xhr.status().is_ok_and(|s| s > 0) => SendResult::Http {
            status: xhr.status().unwrap_or(0),
            retry_after: xhr.get_response_header("Retry-After").ok().flatten(),
            body: xhr.response_text().ok().flatten().unwrap_or_default(),
        },
        _ => SendResult::Network,
    }
}

// ---------------------------------------------------------------------------------------------
// What the pages ask of the queue

fn store_message(err: &StoreError) -> &'static str {
    match err {
        StoreError::Quota => t::QUOTA_FULL,
        StoreError::Unavailable => t::NO_DEVICE_STORAGE,
        StoreError::Other(_) => t::SAVE_FAILED,
    }
}

/// Puts a report and its photos on the phone (one transaction) and starts sending. With
/// `replacing`, the edited 需处理 item is swapped out in the same transaction. On error,
/// nothing was written and the message is Chinese for the resident.
pub async fn enqueue(
    item: QueueItem,
    photos: Vec<Blob>,
    replacing: Option<Uuid>,
) -> Result<(), &'static str> {
    let e = engine();
    let first = e
        .view
        .with_untracked(|s| queue::pending_count(&s.items) == 0);
    match store::add(&item, &photos, replacing).await {
        Ok(()) => {
            set_error(&e.view, None);
            e.view.update(|s| {
                s.items.retain(|i| Some(i.id()) != replacing);
                s.items.push(item);
                queue::display_order(&mut s.items);
            });
            if first {
                request_persistence();
            }
            spawn_local(refresh_storage());
            kick(false);
            Ok(())
        }
        Err(err) => {
            let message = store_message(&err);
            set_error(&e.view, Some(message.to_string()));
            spawn_local(refresh_storage());
            Err(message)
        }
    }
}

/// 重试 on a 需处理 item.
pub fn retry(id: Uuid) {
    spawn_local(async move {
        if let Ok(Some(mut item)) = store::get(id).await {
            item.retry_now(client::now());
            if store::update(&item).await.is_ok() {
                replace(&engine(), &item);
            }
        }
        kick(false);
    });
}

/// 删除 (explicit) or 清除已上传.
pub fn delete(ids: Vec<Uuid>) {
    spawn_local(async move {
        let e = engine();
        if store::delete(&ids).await.is_ok() {
            e.view
                .update(|s| s.items.retain(|i| !ids.contains(&i.id())));
        }
        refresh_storage().await;
    });
}

/// A 需处理 item and its photos, to load back into the form for 修改.
pub async fn load(id: Uuid) -> Option<(QueueItem, Vec<Blob>)> {
    let item = store::get(id).await.ok().flatten()?;
    let photos = store::photos(id).await.ok()?;
    Some((item, photos))
}

fn request_persistence() {
    if let Some(storage) = storage_manager()
        && let Ok(p) = storage.persist()
    {
        spawn_local(async move {
            let _ = JsFuture::from(p).await;
        });
    }
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    let has = Reflect::get(&navigator, &"storage".into()).is_ok_and(|s| !s.is_undefined());
    has.then(|| navigator.storage())
}

async fn refresh_storage() {
    let Some(storage) = storage_manager() else {
        return;
    };
    let Ok(p) = storage.estimate() else {
        return;
    };
    let Ok(estimate) = JsFuture::from(p).await else {
        return;
    };
    let read = |k: &str| {
        Reflect::get(&estimate, &k.into())
            .ok()
            .and_then(|v| v.as_f64())
    };
    if let (Some(used), Some(quota)) = (read("usage"), read("quota")) {
        set_storage(&engine().view, Some((used as u64, quota as u64)));
    }
}

/// Millis of the device clock (re-exported for the pages).
pub fn now() -> Millis {
    client::now()
}

fn set_items(v: &SyncView, items: Vec<QueueItem>) {
    v.update(|s| s.items = items);
}
fn set_net(v: &SyncView, net: Net) {
    if v.with_untracked(|s| s.net != net) {
        v.update(|s| s.net = net);
    }
}
fn set_progress(v: &SyncView, progress: Option<Progress>) {
    v.update(|s| s.progress = progress);
}
fn set_paused(v: &SyncView, paused: Option<String>) {
    v.update(|s| s.paused = paused);
}
fn set_storage(v: &SyncView, storage: Option<(u64, u64)>) {
    v.update(|s| s.storage = storage);
}
fn set_error(v: &SyncView, error: Option<String>) {
    v.update(|s| s.error = error);
}
