//! /report (上报问题): the form island and its receipt.

use super::queue::{QueuePanel, QueueSignals};
use crate::areas::{ReferenceData, api::get_reference_data};
use crate::domain::TrackingCode;
use crate::domain::{CategoryId, CommunityId, OfficeId, StreetId};
use crate::reports::queue::{ItemState, Net};
use crate::reports::strings::sync as ts;
use crate::reports::strings::ui as t;
use crate::reports::{MAX_DESCRIPTION_CHARS, MAX_PHOTOS};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use uuid::Uuid;

#[cfg(feature = "hydrate")]
use super::form;
#[cfg(feature = "hydrate")]
use crate::reports::{client, sync};
#[cfg(feature = "hydrate")]
use leptos::task::spawn_local;

// =============================================================================================
// /report

#[component]
pub fn ReportPage() -> impl IntoView {
    let reference = Resource::new(|| (), |_| get_reference_data());
    // A QR code at an alley entrance opens /report?street=ID.
    let street_param = use_query_map()
        .with_untracked(|q| q.get("street"))
        .and_then(|s| s.parse::<StreetId>().ok());
    view! {
        <Title text=t::REPORT_TITLE />
        <h1>{t::REPORT_TITLE}</h1>
        <noscript>
            <p class="alert">{t::NEEDS_JAVASCRIPT}</p>
        </noscript>
        <Suspense fallback=|| {
            view! { <p class="muted">{t::LOADING_FORM}</p> }
        }>
            {move || Suspend::new(async move {
                match reference.await {
                    Ok(data) => Either::Left(view! { <ReportFlow data street_param /> }),
                    Err(_) => {
                        Either::Right(
                            view! {
                                <p class="alert" role="alert">
                                    {t::REFERENCE_ERROR}
                                </p>
                            },
                        )
                    }
                }
            })}
        </Suspense>
    }
}

#[derive(Debug, Clone, PartialEq)]
struct PhotoPreview {
    key: u32,
    url: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // located in the browser only
enum GeoState {
    Idle,
    Locating,
    Located(crate::reports::GeoPoint),
    Failed(&'static str),
}

/// What only the browser holds: the downscaled photo blobs and the last attempt.
#[cfg(feature = "hydrate")]
#[derive(Default)]
struct DeviceSide {
    blobs: Vec<(u32, web_sys::Blob)>,
    next_key: u32,
}

/// The state of the report form; `Copy`, so every handler can hold it.
#[derive(Clone, Copy)]
struct ReportState {
    data: StoredValue<ReferenceData>,
    photos: RwSignal<Vec<PhotoPreview>>,
    processing: RwSignal<usize>,
    photo_error: RwSignal<Option<String>>,
    category: RwSignal<Option<CategoryId>>,
    office: RwSignal<Option<OfficeId>>,
    community: RwSignal<Option<CommunityId>>,
    street: RwSignal<Option<StreetId>>,
    geo: RwSignal<GeoState>,
    description: RwSignal<String>,
    phone: RwSignal<String>,
    phone_touched: RwSignal<bool>,
    errors: RwSignal<Vec<String>>,
    /// Saving to the device queue.
    submitting: RwSignal<bool>,
    /// The report just submitted: its receipt (or 已保存在手机上) replaces the form.
    awaiting: RwSignal<Option<Uuid>>,
    /// The 需处理 item being edited: the next submit replaces it.
    editing: RwSignal<Option<Uuid>>,
    queue: QueueSignals,
    #[cfg(feature = "hydrate")]
    device: StoredValue<DeviceSide, LocalStorage>,
}

impl ReportState {
    fn new(data: ReferenceData, street: Option<StreetId>) -> Self {
        let state = Self {
            data: StoredValue::new(data),
            photos: RwSignal::new(Vec::new()),
            processing: RwSignal::new(0),
            photo_error: RwSignal::new(None),
            category: RwSignal::new(None),
            office: RwSignal::new(None),
            community: RwSignal::new(None),
            street: RwSignal::new(None),
            geo: RwSignal::new(GeoState::Idle),
            description: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            phone_touched: RwSignal::new(false),
            errors: RwSignal::new(Vec::new()),
            submitting: RwSignal::new(false),
            awaiting: RwSignal::new(None),
            editing: RwSignal::new(None),
            queue: QueueSignals::connect(),
            #[cfg(feature = "hydrate")]
            device: StoredValue::new_local(DeviceSide::default()),
        };
        if let Some(street) = street {
            state.choose_street(street);
        }
        state
    }

    /// Selects a street and the 居委会 and 办事处 it belongs to (unknown ids are ignored).
    fn choose_street(&self, id: StreetId) {
        let place = self.data.with_value(|d| {
            let street = d.street(id)?;
            let community = d.community(street.community_id)?;
            Some((community.office_id, community.id, street.id))
        });
        if let Some((office, community, street)) = place {
            self.office.set(Some(office));
            self.community.set(Some(community));
            self.street.set(Some(street));
        }
    }

    fn photo_slots_left(&self) -> usize {
        MAX_PHOTOS.saturating_sub(self.photos.with(Vec::len) + self.processing.get())
    }

    /// After a receipt: a fresh form for the next problem, in the same place.
    fn start_another(&self) {
        self.category.set(None);
        self.description.set(String::new());
        self.geo.set(GeoState::Idle);
        self.errors.set(Vec::new());
        self.photo_error.set(None);
        self.awaiting.set(None);
    }

    /// What replaces the form after a submit, from the queue item's state.
    fn phase(&self) -> Phase {
        let Some(id) = self.awaiting.get() else {
            return Phase::Form;
        };
        let Some(item) = self.queue.item(id) else {
            return Phase::Form;
        };
        match item.state {
            ItemState::Synced => match item.tracking_code {
                Some(code) => Phase::Receipt(code),
                None => Phase::Form,
            },
            ItemState::Attention => Phase::Attention(item.reason.unwrap_or_default()),
            ItemState::Queued if item.attempts > 0 || self.queue.net() == Net::Offline => {
                Phase::Queued
            }
            ItemState::Queued | ItemState::Uploading => Phase::Sending,
        }
    }
}

#[cfg(feature = "hydrate")]
impl ReportState {
    fn input_untracked(&self) -> form::FormInput {
        form::FormInput {
            photo_count: self.photos.with_untracked(Vec::len),
            category: self.category.get_untracked(),
            office: self.office.get_untracked(),
            street: self.street.get_untracked(),
            location: match self.geo.get_untracked() {
                GeoState::Located(p) => Some(p),
                _ => None,
            },
            description: self.description.get_untracked(),
            phone: self.phone.get_untracked(),
        }
    }

    /// Downscales the chosen files one after another (one full-size decode at a time is
    /// what a cheap phone can afford) and adds those that are images.
    fn add_files(self, input: web_sys::HtmlInputElement) {
        let files: Vec<web_sys::File> = input
            .files()
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
            .unwrap_or_default();
        // Choosing the same photo again must fire `change` again.
        input.set_value("");
        if files.is_empty() {
            return;
        }
        let free = self.photo_slots_left();
        self.photo_error.set(if files.len() > free {
            Some(t::photos_full(MAX_PHOTOS))
        } else {
            None
        });
        let files: Vec<_> = files.into_iter().take(free).collect();
        self.processing.update(|n| *n += files.len());
        spawn_local(async move {
            for file in files {
                let result = client::downscale_photo(&file).await;
                self.processing.update(|n| *n = n.saturating_sub(1));
                match result {
                    Ok(blob) => self.add_photo(blob),
                    Err(e) => self.photo_error.set(Some(e.message().to_string())),
                }
            }
        });
    }

    fn add_photo(self, blob: web_sys::Blob) {
        let url = client::object_url(&blob);
        let key = self.device.try_update_value(|d| {
            d.next_key += 1;
            d.blobs.push((d.next_key, blob));
            d.next_key
        });
        match key {
            Some(key) => self.photos.update(|p| p.push(PhotoPreview { key, url })),
            // The form is gone (the resident left the page meanwhile).
            None => client::revoke_url(&url),
        }
    }

    fn remove_photo(self, key: u32) {
        self.device
            .update_value(|d| d.blobs.retain(|(k, _)| *k != key));
        self.photos.update(|p| {
            p.retain(|photo| {
                if photo.key == key {
                    client::revoke_url(&photo.url);
                }
                photo.key != key
            })
        });
        self.photo_error.set(None);
    }

    fn clear_photos(self) {
        if let Some(photos) = self.photos.try_update(std::mem::take) {
            photos.iter().for_each(|p| client::revoke_url(&p.url));
        }
        self.device.try_update_value(|d| d.blobs.clear());
    }

    fn locate(self) {
        self.geo.set(GeoState::Locating);
        spawn_local(async move {
            self.geo.set(match client::current_position().await {
                Ok(point) => GeoState::Located(point),
                Err(e) => GeoState::Failed(e.message()),
            });
        });
    }

    /// Saves the report and its photos in the device queue (one IndexedDB transaction),
    /// then lets the sync engine send it: online, the receipt follows at once; offline, the
    /// report waits on the phone. Either way nothing the resident entered is lost.
    fn submit(self) {
        if self.submitting.get_untracked() {
            return;
        }
        let input = self.input_untracked();
        let draft = match form::draft(&input, client::new_report_id(), client::now()) {
            Ok(draft) => draft,
            Err(problems) => {
                self.errors.set(problems);
                return;
            }
        };
        let blobs: Vec<web_sys::Blob> = self
            .device
            .with_value(|d| d.blobs.iter().map(|(_, b)| b.clone()).collect());
        let bytes = blobs.iter().map(|b| b.size() as u64).sum();
        let label = self.label(&draft);
        let item = crate::reports::queue::QueueItem::new(&draft, label, bytes, blobs.len());
        let id = item.id();
        let replacing = self.editing.get_untracked();
        self.errors.set(Vec::new());
        self.submitting.set(true);
        spawn_local(async move {
            let saved = sync::enqueue(item, blobs, replacing).await;
            self.submitting.try_set(false);
            match saved {
                Ok(()) => {
                    if let Some(street) = draft.street_id {
                        client::remember_street(street);
                    }
                    self.clear_photos();
                    self.editing.try_set(None);
                    self.category.try_set(None);
                    self.description.try_set(String::new());
                    self.geo.try_set(GeoState::Idle);
                    self.awaiting.try_set(Some(id));
                    client::scroll_to_top();
                }
                // Nothing was written; the form keeps everything for another try.
                Err(message) => {
                    self.errors.try_set(vec![message.to_string()]);
                }
            }
        });
    }

    /// "🗑️ 暴露垃圾 · 韩营一巷", as the queue lists the item.
    fn label(&self, draft: &crate::reports::ReportDraft) -> String {
        self.data.with_value(|d| {
            let category = d
                .categories
                .iter()
                .find(|c| c.id == draft.category_id)
                .map(|c| format!("{} {}", c.icon, c.name))
                .unwrap_or_default();
            let place = draft
                .street_id
                .and_then(|s| d.street(s))
                .map(|s| s.name.clone())
                .or_else(|| {
                    draft
                        .office_id
                        .and_then(|o| d.offices.iter().find(|x| x.id == o))
                        .map(|o| o.name.clone())
                });
            match place {
                Some(place) => format!("{category} · {place}"),
                None => category,
            }
        })
    }

    /// 修改 on a 需处理 item: its fields and photos go back into the form; the next submit
    /// replaces it in the queue.
    fn edit(self, id: Uuid) {
        spawn_local(async move {
            let Some((item, photos)) = sync::load(id).await else {
                return;
            };
            self.clear_photos();
            // The queued draft is JSON: read back with the browser's parser.
            let Ok(d) = js_sys::JSON::parse(&item.draft_json) else {
                return;
            };
            let get = |k: &str| js_sys::Reflect::get(&d, &k.into()).ok();
            let num = |k: &str| get(k).and_then(|v| v.as_f64()).map(|n| n as i64);
            let text = |k: &str| get(k).and_then(|v| v.as_string()).unwrap_or_default();
            self.awaiting.try_set(None);
            self.category.try_set(num("category_id").map(CategoryId));
            match num("street_id").map(StreetId) {
                Some(street) => self.choose_street(street),
                None => {
                    self.office.try_set(num("office_id").map(OfficeId));
                    self.community.try_set(None);
                    self.street.try_set(None);
                }
            }
            let location = get("location").filter(|l| l.is_object()).and_then(|l| {
                let f = |k: &str| js_sys::Reflect::get(&l, &k.into()).ok()?.as_f64();
                Some(crate::reports::GeoPoint {
                    lat: f("lat")?,
                    lon: f("lon")?,
                    accuracy_m: f("accuracy_m"),
                })
            });
            self.geo.try_set(match location {
                Some(p) => GeoState::Located(p),
                None => GeoState::Idle,
            });
            self.description.try_set(text("description"));
            self.phone.try_set(text("contact_phone"));
            for blob in photos {
                self.add_photo(blob);
            }
            self.editing.try_set(Some(id));
            self.errors.try_set(Vec::new());
            client::scroll_to_top();
        });
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Form,
    /// Being sent (online): the form waits for the receipt.
    Sending,
    /// Saved on the phone, waiting for a connection.
    Queued,
    Receipt(TrackingCode),
    Attention(String),
}

/// The report form and its receipt: the one island of /report. The reference data comes in
/// as a prop (serialised into the page), so the form needs no request of its own.
#[island]
fn ReportFlow(data: ReferenceData, street_param: Option<StreetId>) -> impl IntoView {
    let state = ReportState::new(data, street_param);

    // After hydration, in a task of its own (the first read of device storage can take
    // milliseconds): the page may come from the service worker's copy of /report, made
    // without the query, so `?street=` and `?edit=` are read here as well; otherwise the
    // street of the last report is prefilled (device storage).
    #[cfg(feature = "hydrate")]
    crate::islands::after_this_task(move || {
        let param = |name: &str| {
            web_sys::window()
                .and_then(|w| w.location().search().ok())
                .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
                .and_then(|p| p.get(name))
        };
        if let Some(id) = param("edit").and_then(|v| v.parse::<Uuid>().ok()) {
            state.edit(id);
        } else if let Some(street) = param("street").and_then(|v| v.parse().ok()) {
            if street_param.is_none() {
                state.choose_street(street);
            }
        } else if street_param.is_none()
            && state.office.get_untracked().is_none()
            && let Some(street) = client::last_street()
        {
            state.choose_street(street);
        }
    });
    let phase = Memo::new(move |_| state.phase());
    let on_edit = Callback::new(move |id: Uuid| {
        #[cfg(feature = "hydrate")]
        state.edit(id);
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    });
    on_cleanup(move || {
        #[cfg(feature = "hydrate")]
        state.clear_photos();
    });

    view! {
        <QueuePanel q=state.queue on_edit />
        {move || match phase.get() {
            Phase::Form => EitherOf3::A(view! { <ReportForm state /> }),
            Phase::Receipt(code) => EitherOf3::B(view! { <ReceiptView state code /> }),
            other => EitherOf3::C(view! { <Notice state phase=other on_edit /> }),
        }}
    }
}

/// What stands in for the form while the report is being sent, waits on the phone, or was
/// refused (one view for the three: less wasm).
#[component]
fn Notice(state: ReportState, phase: Phase, on_edit: Callback<Uuid>) -> impl IntoView {
    let (testid, title, body, class) = match &phase {
        Phase::Queued => (
            "queued-notice",
            ts::QUEUED_TITLE,
            ts::QUEUED_BODY.to_string(),
            "",
        ),
        Phase::Attention(reason) => ("attention-notice", ts::ATTENTION, reason.clone(), "alert"),
        _ => ("sending", t::SUBMITTING, String::new(), ""),
    };
    let refused = matches!(phase, Phase::Attention(_));
    let waiting = !matches!(phase, Phase::Sending);
    let edit = move |_| {
        if let Some(id) = state.awaiting.get_untracked() {
            on_edit.run(id);
        }
    };
    view! {
        <section class="card queued-notice" data-testid=testid aria-live="polite">
            <h2>{title}</h2>
            <p class=class>{body}</p>
            <div class="receipt-actions" hidden=!waiting>
                <button type="button" hidden=!refused on:click=edit>
                    {ts::EDIT}
                </button>
                <button type="button" class="secondary" on:click=move |_| state.start_another()>
                    {t::REPORT_ANOTHER}
                </button>
            </div>
        </section>
    }
}

#[component]
fn ReportForm(state: ReportState) -> impl IntoView {
    // Enabled once the handlers are attached: before that a tap would do nothing.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        state.submit();
    };

    view! {
        <form
            class="report-form"
            novalidate=true
            on:submit=on_submit
            data-ready=move || ready.get().to_string()
        >
            <p class="muted intro">{t::REPORT_INTRO}</p>
            {move || {
                state
                    .editing
                    .get()
                    .map(|_| {
                        view! {
                            <p class="alert" data-testid="editing">
                                {ts::EDITING}
                            </p>
                        }
                    })
            }}
            <PhotoPicker state />
            <CategoryPicker state />
            <PlacePicker state />
            <DetailsFields state />
            <div class="form-errors" role="alert" data-testid="form-errors">
                {move || {
                    state
                        .errors
                        .get()
                        .into_iter()
                        .map(|e| view! { <p class="alert">{e}</p> })
                        .collect_view()
                }}
            </div>
            <button
                type="submit"
                class="submit"
                data-testid="submit"
                disabled=move || !ready.get() || state.submitting.get()
            >
                {move || if state.submitting.get() { t::SUBMITTING } else { t::SUBMIT }}
            </button>
        </form>
    }
}

#[component]
fn PhotoPicker(state: ReportState) -> impl IntoView {
    let full = move || state.photo_slots_left() == 0;
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        state.add_files(event_target::<web_sys::HtmlInputElement>(&ev));
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <fieldset class="field photos">
            <legend>{t::PHOTOS_LEGEND}</legend>
            <ul class="photo-list" data-testid="photo-list">
                <For
                    each=move || state.photos.get()
                    key=|p| p.key
                    children=move |photo| {
                        let key = photo.key;
                        let on_remove = move |_| {
                            #[cfg(feature = "hydrate")] state.remove_photo(key);
                            #[cfg(not(feature = "hydrate"))]
                            let _ = key;
                        };
                        view! {
                            <li class="photo">
                                <img src=photo.url alt=t::PHOTO_ALT data-testid="photo-preview" />
                                <button
                                    type="button"
                                    class="photo-remove"
                                    aria-label=t::REMOVE_PHOTO
                                    title=t::REMOVE_PHOTO
                                    on:click=on_remove
                                >
                                    "×"
                                </button>
                            </li>
                        }
                    }
                />
                {move || {
                    (0..state.processing.get())
                        .map(|_| {
                            view! {
                                <li class="photo processing" aria-label=t::PHOTO_PROCESSING>
                                    <span>{t::PHOTO_PROCESSING}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="photo-buttons">
                <label class="button photo-button" class:disabled=full>
                    <input
                        type="file"
                        accept="image/*"
                        capture="environment"
                        class="visually-hidden"
                        data-testid="photo-camera"
                        disabled=full
                        on:change=on_change
                    />
                    <span aria-hidden="true">"📷"</span>
                    {t::TAKE_PHOTO}
                </label>
                <label class="button secondary photo-button" class:disabled=full>
                    <input
                        type="file"
                        accept="image/*"
                        multiple=true
                        class="visually-hidden"
                        data-testid="photo-gallery"
                        disabled=full
                        on:change=on_change
                    />
                    <span aria-hidden="true">"🖼️"</span>
                    {t::PICK_PHOTOS}
                </label>
            </div>
            <p class="alert" role="alert" data-testid="photo-error">
                {move || state.photo_error.get()}
            </p>
        </fieldset>
    }
}

#[component]
fn CategoryPicker(state: ReportState) -> impl IntoView {
    let buttons = state.data.with_value(|d| {
        d.categories
            .iter()
            .map(|c| {
                let id = c.id;
                let pressed = move || state.category.get() == Some(id);
                view! {
                    <button
                        type="button"
                        class="category"
                        aria-pressed=move || pressed().to_string()
                        on:click=move |_| state.category.set(Some(id))
                    >
                        <span class="category-icon" aria-hidden="true">
                            {c.icon.clone()}
                        </span>
                        <span class="category-name">{c.name.clone()}</span>
                    </button>
                }
            })
            .collect_view()
    });
    view! {
        <fieldset class="field">
            <legend>{t::CATEGORY_LEGEND}</legend>
            <div class="category-grid" data-testid="categories">
                {buttons}
            </div>
        </fieldset>
    }
}

#[component]
fn PlacePicker(state: ReportState) -> impl IntoView {
    let data = state.data;
    let offices = data.with_value(|d| {
        d.offices
            .iter()
            .map(|o| {
                let id = o.id;
                let selected = move || state.office.get() == Some(id);
                view! {
                    <option value=id.to_string() selected=selected prop:selected=selected>
                        {o.name.clone()}
                    </option>
                }
            })
            .collect_view()
    });
    let communities = move || {
        let office = state.office.get();
        data.with_value(|d| {
            d.communities
                .iter()
                .filter(|c| Some(c.office_id) == office)
                .map(|c| {
                    let id = c.id;
                    let selected = move || state.community.get() == Some(id);
                    view! {
                        <option value=id.to_string() selected=selected prop:selected=selected>
                            {c.name.clone()}
                        </option>
                    }
                })
                .collect_view()
        })
    };
    let streets = move || {
        let community = state.community.get();
        data.with_value(|d| {
            d.streets
                .iter()
                .filter(|s| Some(s.community_id) == community)
                .map(|s| {
                    let id = s.id;
                    let selected = move || state.street.get() == Some(id);
                    view! {
                        <option value=id.to_string() selected=selected prop:selected=selected>
                            {s.name.clone()}
                        </option>
                    }
                })
                .collect_view()
        })
    };
    let none_office = move || state.office.get().is_none();
    let none_community = move || state.community.get().is_none();
    let none_street = move || state.street.get().is_none();

    let on_locate = move |_| {
        #[cfg(feature = "hydrate")]
        state.locate();
    };
    let geo_text = move || match state.geo.get() {
        GeoState::Idle | GeoState::Locating => String::new(),
        GeoState::Located(p) => p
            .accuracy_m
            .map(t::accuracy)
            .unwrap_or_else(|| t::LOCATED_NO_ACCURACY.to_string()),
        GeoState::Failed(msg) => msg.to_string(),
    };

    view! {
        <fieldset class="field place">
            <legend>{t::PLACE_LEGEND}</legend>
            <p class="hint">{t::PLACE_HINT}</p>
            <label for="office">{t::OFFICE_LABEL}</label>
            <select
                id="office"
                on:change=move |ev| {
                    state.office.set(event_target_value(&ev).parse().ok());
                    state.community.set(None);
                    state.street.set(None);
                }
            >
                <option value="" selected=none_office prop:selected=none_office>
                    {t::CHOOSE_OFFICE}
                </option>
                {offices}
            </select>
            <label for="community">{t::COMMUNITY_LABEL}</label>
            <select
                id="community"
                disabled=none_office
                on:change=move |ev| {
                    state.community.set(event_target_value(&ev).parse().ok());
                    state.street.set(None);
                }
            >
                <option value="" selected=none_community prop:selected=none_community>
                    {t::CHOOSE_COMMUNITY}
                </option>
                {communities}
            </select>
            <label for="street">{t::STREET_LABEL}</label>
            <select
                id="street"
                disabled=none_community
                on:change=move |ev| state.street.set(event_target_value(&ev).parse().ok())
            >
                <option value="" selected=none_street prop:selected=none_street>
                    {t::CHOOSE_STREET}
                </option>
                {streets}
            </select>
            <div class="geo">
                <button
                    type="button"
                    class="secondary"
                    data-testid="use-location"
                    disabled=move || state.geo.get() == GeoState::Locating
                    on:click=on_locate
                >
                    <span aria-hidden="true">"📍"</span>
                    {move || {
                        if state.geo.get() == GeoState::Locating {
                            t::LOCATING
                        } else {
                            t::USE_LOCATION
                        }
                    }}
                </button>
                {move || {
                    matches!(state.geo.get(), GeoState::Located(_))
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="link-button"
                                    on:click=move |_| state.geo.set(GeoState::Idle)
                                >
                                    {t::CLEAR_LOCATION}
                                </button>
                            }
                        })
                }}
            </div>
            <p
                class="hint"
                class:alert=move || matches!(state.geo.get(), GeoState::Failed(_))
                aria-live="polite"
                data-testid="geo-status"
            >
                {geo_text}
            </p>
        </fieldset>
    }
}

#[component]
fn DetailsFields(state: ReportState) -> impl IntoView {
    let count = move || state.description.with(|d| d.trim().chars().count());
    let phone_error = move || {
        let phone = state.phone.get();
        if !state.phone_touched.get() || phone.trim().is_empty() {
            return None;
        }
        crate::domain::PhoneNumber::parse(&phone)
            .err()
            .map(|e| e.to_string())
    };
    view! {
        <div class="field">
            <label for="description">{t::DESCRIPTION_LABEL}</label>
            <textarea
                id="description"
                rows="4"
                maxlength=MAX_DESCRIPTION_CHARS.to_string()
                placeholder=t::DESCRIPTION_PLACEHOLDER
                prop:value=move || state.description.get()
                on:input=move |ev| state.description.set(event_target_value(&ev))
            ></textarea>
            <p
                class="counter"
                class:over=move || { count() > MAX_DESCRIPTION_CHARS }
                data-testid="description-counter"
            >
                {move || t::char_counter(count(), MAX_DESCRIPTION_CHARS)}
            </p>
        </div>
        <div class="field">
            <label for="phone">{t::PHONE_LABEL}</label>
            <input
                id="phone"
                type="tel"
                inputmode="tel"
                autocomplete="tel"
                placeholder=t::PHONE_PLACEHOLDER
                prop:value=move || state.phone.get()
                on:input=move |ev| state.phone.set(event_target_value(&ev))
                on:blur=move |_| state.phone_touched.set(true)
            />
            <p class="hint alert" data-testid="phone-error">
                {phone_error}
            </p>
        </div>
    }
}

#[component]
fn ReceiptView(state: ReportState, code: TrackingCode) -> impl IntoView {
    let code = code.to_string();
    // The engine saved the code on the device when the server confirmed it (if it could).
    #[cfg(feature = "hydrate")]
    let saved = client::saved_codes().contains(&code);
    #[cfg(not(feature = "hydrate"))]
    let saved = false;
    let track_href = format!("/track?code={code}");
    let copied = RwSignal::new(None::<bool>);
    let on_copy = {
        let code = code.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            {
                let code = code.clone();
                spawn_local(async move { copied.set(Some(client::copy_text(&code).await)) });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &code;
        }
    };
    view! {
        <section class="card receipt" data-testid="receipt">
            <h2>
                <span class="receipt-tick" aria-hidden="true">
                    "✓ "
                </span>
                {t::RECEIPT_TITLE}
            </h2>
            <p>{t::RECEIPT_BODY}</p>
            <p class="tracking-code" data-testid="tracking-code">
                {code}
            </p>
            <button type="button" class="secondary" data-testid="copy-code" on:click=on_copy>
                {move || if copied.get() == Some(true) { t::COPIED } else { t::COPY_CODE }}
            </button>
            <p class="hint" aria-live="polite">
                {move || (copied.get() == Some(false)).then_some(t::COPY_FAILED)}
            </p>
            {saved.then(|| view! { <p class="muted">{t::RECEIPT_SAVED}</p> })}
            <div class="receipt-actions">
                <a class="button" href=track_href>
                    {t::VIEW_PROGRESS}
                </a>
                <button type="button" class="secondary" on:click=move |_| state.start_another()>
                    {t::REPORT_ANOTHER}
                </button>
            </div>
        </section>
    }
}
