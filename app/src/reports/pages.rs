//! Pages: /report (上报问题), /my (我的上报), /track (进度查询).
//!
//! Everything renders on the server; only the two islands — the report form ([`ReportFlow`])
//! and the device's list ([`MyReports`]) — hydrate in the browser. /track is plain HTML.
//! Browser APIs (photos, location, device storage, clipboard) are reached only from effects
//! and event handlers, through `client.rs`.

use super::api::track_report;
use super::strings::ui as t;
use super::{
    MAX_DESCRIPTION_CHARS, MAX_PHOTOS, MyReport, PhotoKind, PhotoRef, PublicReport, Receipt,
    THUMB_LONG_EDGE,
};
use crate::areas::{ReferenceData, api::get_reference_data};
use crate::domain::{CategoryId, CommunityId, OfficeId, ReportStatus, StreetId, TrackingCode};
use crate::error::AppError;
use leptos::either::{Either, EitherOf3, EitherOf4};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[cfg(feature = "hydrate")]
use super::client;
#[cfg(feature = "hydrate")]
use leptos::task::spawn_local;

/// The pure part of the report form: what the resident entered, checked like the server
/// checks it, turned into the [`ReportDraft`](super::ReportDraft) that is sent (or queued).
pub mod form {
    use super::t;
    use crate::domain::{CategoryId, Millis, OfficeId, PhoneNumber, StreetId};
    use crate::reports::strings::validation as v;
    use crate::reports::{GeoPoint, MAX_DESCRIPTION_CHARS, MAX_PHOTOS, ReportDraft};
    use uuid::Uuid;

    /// How many tracking codes a device keeps (newest first).
    pub const MAX_SAVED_CODES: usize = 200;

    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct FormInput {
        pub photo_count: usize,
        pub category: Option<CategoryId>,
        pub office: Option<OfficeId>,
        pub street: Option<StreetId>,
        pub location: Option<GeoPoint>,
        pub description: String,
        pub phone: String,
    }

    /// The draft to send, or every problem in the order of the form (zh-CN).
    pub fn draft(
        input: &FormInput,
        report_id: Uuid,
        created_on_device: Millis,
    ) -> Result<ReportDraft, Vec<String>> {
        let mut problems = Vec::new();
        if input.photo_count == 0 {
            problems.push(v::NO_PHOTOS.to_string());
        } else if input.photo_count > MAX_PHOTOS {
            problems.push(v::too_many_photos(MAX_PHOTOS));
        }
        if input.category.is_none() {
            problems.push(t::NEED_CATEGORY.to_string());
        }
        if input.street.is_none() {
            if input.location.is_none() {
                problems.push(v::PLACE_REQUIRED.to_string());
            } else if input.office.is_none() {
                problems.push(v::OFFICE_REQUIRED.to_string());
            }
        }
        let description = input.description.trim();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            problems.push(v::description_too_long(MAX_DESCRIPTION_CHARS));
        }
        let phone = match input.phone.trim() {
            "" => String::new(),
            raw => match PhoneNumber::parse(raw) {
                Ok(p) => p.as_str().to_string(),
                Err(e) => {
                    problems.push(e.to_string());
                    String::new()
                }
            },
        };
        match (problems.is_empty(), input.category) {
            (true, Some(category_id)) => Ok(ReportDraft {
                report_id,
                category_id,
                office_id: input.office,
                street_id: input.street,
                location: input.location,
                description: description.to_string(),
                contact_phone: phone,
                created_on_device,
            }),
            _ => Err(problems),
        }
    }

    /// Whether two drafts say the same thing (id and device time aside): a retry of an
    /// unchanged report must reuse its id, a changed one must not.
    pub fn same_content(a: &ReportDraft, b: &ReportDraft) -> bool {
        let strip = |d: &ReportDraft| ReportDraft {
            report_id: Uuid::nil(),
            created_on_device: Millis(0),
            ..d.clone()
        };
        strip(a) == strip(b)
    }

    /// Scales (width, height) so the long edge is at most `max`, keeping the aspect ratio;
    /// never enlarges, never returns a zero side.
    pub fn fit_long_edge(width: u32, height: u32, max: u32) -> (u32, u32) {
        let long = width.max(height);
        if long <= max || long == 0 {
            return (width.max(1), height.max(1));
        }
        let scale = |side: u32| {
            ((u64::from(side) * u64::from(max) + u64::from(long) / 2) / u64::from(long)).max(1)
                as u32
        };
        (scale(width), scale(height))
    }

    /// The device's code list with `code` first: deduplicated, capped.
    pub fn with_code(mut codes: Vec<String>, code: &str) -> Vec<String> {
        codes.retain(|c| c != code);
        codes.insert(0, code.to_string());
        codes.truncate(MAX_SAVED_CODES);
        codes
    }
}

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
        <Title text=t::REPORT_TITLE/>
        <h1>{t::REPORT_TITLE}</h1>
        <noscript>
            <p class="alert">{t::NEEDS_JAVASCRIPT}</p>
        </noscript>
        <Suspense fallback=|| view! { <p class="muted">{t::LOADING_FORM}</p> }>
            {move || Suspend::new(async move {
                match reference.await {
                    Ok(data) => Either::Left(view! { <ReportFlow data street_param/> }),
                    Err(_) => Either::Right(view! {
                        <p class="alert" role="alert">{t::REFERENCE_ERROR}</p>
                    }),
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
    Located(super::GeoPoint),
    Failed(&'static str),
}

/// What only the browser holds: the downscaled photo blobs and the last attempt.
#[cfg(feature = "hydrate")]
#[derive(Default)]
struct DeviceSide {
    blobs: Vec<(u32, web_sys::Blob)>,
    next_key: u32,
    /// The draft last sent and its photos, so an unchanged retry keeps its report id.
    last_attempt: Option<(super::ReportDraft, Vec<u32>)>,
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
    submitting: RwSignal<bool>,
    /// The receipt and whether its code could be saved on the device.
    receipt: RwSignal<Option<(Receipt, bool)>>,
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
            receipt: RwSignal::new(None),
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
        self.receipt.set(None);
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

    fn submit(self) {
        if self.submitting.get_untracked() {
            return;
        }
        let input = self.input_untracked();
        let candidate = match form::draft(&input, uuid::Uuid::nil(), crate::domain::Millis(0)) {
            Ok(draft) => draft,
            Err(problems) => {
                self.errors.set(problems);
                return;
            }
        };
        let keys: Vec<u32> = self
            .photos
            .with_untracked(|p| p.iter().map(|p| p.key).collect());
        // Resending an unchanged report keeps its id: if the first try did reach the
        // server, the retry gets the same receipt instead of a second report.
        let draft = self
            .device
            .with_value(|d| match &d.last_attempt {
                Some((prev, prev_keys))
                    if *prev_keys == keys && form::same_content(prev, &candidate) =>
                {
                    Some(prev.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| super::ReportDraft {
                report_id: client::new_report_id(),
                created_on_device: client::now(),
                ..candidate
            });
        let blobs: Vec<web_sys::Blob> = self.device.with_value(|d| {
            keys.iter()
                .filter_map(|k| d.blobs.iter().find(|(key, _)| key == k))
                .map(|(_, blob)| blob.clone())
                .collect()
        });
        self.device
            .update_value(|d| d.last_attempt = Some((draft.clone(), keys)));
        self.errors.set(Vec::new());
        self.submitting.set(true);
        spawn_local(async move {
            let result = client::send_report(&draft, &blobs).await;
            self.submitting.set(false);
            match result {
                Ok(receipt) => {
                    // Saved even if the resident has already left the page.
                    let saved = client::remember_code(&receipt.tracking_code);
                    if let Some(street) = draft.street_id {
                        client::remember_street(street);
                    }
                    self.clear_photos();
                    self.device.try_update_value(|d| d.last_attempt = None);
                    self.receipt.set(Some((receipt, saved)));
                    client::scroll_to_top();
                }
                Err(e) => self.errors.set(vec![e.to_string()]),
            }
        });
    }
}

/// The report form and its receipt: the one island of /report. The reference data comes in
/// as a prop (serialised into the page), so the form needs no request of its own.
#[island]
fn ReportFlow(data: ReferenceData, street_param: Option<StreetId>) -> impl IntoView {
    let state = ReportState::new(data, street_param);

    // Prefill the street of the last report — device storage, so after hydration only.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if street_param.is_none()
            && state.office.get_untracked().is_none()
            && let Some(street) = client::last_street()
        {
            state.choose_street(street);
        }
    });
    on_cleanup(move || {
        #[cfg(feature = "hydrate")]
        state.clear_photos();
    });

    view! {
        {move || match state.receipt.get() {
            None => Either::Left(view! { <ReportForm state/> }),
            Some((receipt, saved)) => Either::Right(view! { <ReceiptView state receipt saved/> }),
        }}
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
            <PhotoPicker state/>
            <CategoryPicker state/>
            <PlacePicker state/>
            <DetailsFields state/>
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
                            #[cfg(feature = "hydrate")]
                            state.remove_photo(key);
                            #[cfg(not(feature = "hydrate"))]
                            let _ = key;
                        };
                        view! {
                            <li class="photo">
                                <img src=photo.url alt=t::PHOTO_ALT data-testid="photo-preview"/>
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
                        <span class="category-icon" aria-hidden="true">{c.icon.clone()}</span>
                        <span class="category-name">{c.name.clone()}</span>
                    </button>
                }
            })
            .collect_view()
    });
    view! {
        <fieldset class="field">
            <legend>{t::CATEGORY_LEGEND}</legend>
            <div class="category-grid" data-testid="categories">{buttons}</div>
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
                        if state.geo.get() == GeoState::Locating { t::LOCATING } else { t::USE_LOCATION }
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
            <p class="hint alert" data-testid="phone-error">{phone_error}</p>
        </div>
    }
}

#[component]
fn ReceiptView(state: ReportState, receipt: Receipt, saved: bool) -> impl IntoView {
    let code = receipt.tracking_code.to_string();
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
                <span class="receipt-tick" aria-hidden="true">"✓ "</span>
                {t::RECEIPT_TITLE}
            </h2>
            <p>{t::RECEIPT_BODY}</p>
            <p class="tracking-code" data-testid="tracking-code">{code}</p>
            <button type="button" class="secondary" data-testid="copy-code" on:click=on_copy>
                {move || if copied.get() == Some(true) { t::COPIED } else { t::COPY_CODE }}
            </button>
            <p class="hint" aria-live="polite">
                {move || (copied.get() == Some(false)).then_some(t::COPY_FAILED)}
            </p>
            {saved.then(|| view! { <p class="muted">{t::RECEIPT_SAVED}</p> })}
            <div class="receipt-actions">
                <a class="button" href=track_href>{t::VIEW_PROGRESS}</a>
                <button type="button" class="secondary" on:click=move |_| state.start_another()>
                    {t::REPORT_ANOTHER}
                </button>
            </div>
        </section>
    }
}

// =============================================================================================
// /my

#[derive(Debug, Clone, PartialEq)]
enum MyState {
    /// Not read from the device yet (always so on the server).
    Loading,
    Loaded {
        reports: Vec<MyReport>,
        /// Codes on the device the server does not know.
        missing: usize,
    },
    /// The lookup failed (offline?): the codes are still listed.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    Failed { message: String, codes: Vec<String> },
}

/// Looks the codes up in batches of [`MAX_CODES_PER_QUERY`] (one call in practice),
/// newest report first.
#[cfg(feature = "hydrate")]
async fn lookup_mine(codes: Vec<String>) -> Result<Vec<MyReport>, AppError> {
    use super::{MAX_CODES_PER_QUERY, api::my_reports};
    let mut reports = Vec::new();
    for batch in codes.chunks(MAX_CODES_PER_QUERY) {
        reports.extend(my_reports(batch.to_vec()).await?);
    }
    reports.sort_by_key(|r| std::cmp::Reverse(r.received_at));
    Ok(reports)
}

#[component]
pub fn MyReportsPage() -> impl IntoView {
    view! {
        <Title text=t::MY_TITLE/>
        <h1>{t::MY_TITLE}</h1>
        <MyReports/>
        <p class="muted small">{t::MY_NOTE}</p>
    }
}

/// The device's reports: codes from local storage, looked up after hydration.
#[island]
fn MyReports() -> impl IntoView {
    let state = RwSignal::new(MyState::Loading);
    // The codes kept on this device; None until read (after hydration).
    let codes = RwSignal::new(None::<Vec<String>>);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        codes.set(Some(client::saved_codes()));
    });
    // One batched lookup whenever the list changes; an older answer never overwrites a newer.
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let Some(list) = codes.get() else {
            return;
        };
        generation.update_value(|g| *g += 1);
        if list.is_empty() {
            state.set(MyState::Loaded {
                reports: Vec::new(),
                missing: 0,
            });
        } else {
            #[cfg(feature = "hydrate")]
            {
                let mine = generation.get_value();
                spawn_local(async move {
                    let result = lookup_mine(list.clone()).await;
                    if generation.try_get_value() != Some(mine) {
                        return;
                    }
                    state.set(match result {
                        Ok(reports) => MyState::Loaded {
                            missing: list.len().saturating_sub(reports.len()),
                            reports,
                        },
                        Err(e) => MyState::Failed {
                            message: e.to_string(),
                            codes: list,
                        },
                    });
                });
            }
        }
    });

    view! {
        <section class="my-list" aria-live="polite" data-testid="my-reports">
            {move || match state.get() {
                MyState::Loading => EitherOf4::A(view! { <p class="muted">{t::MY_LOADING}</p> }),
                MyState::Loaded {
                    reports,
                    missing: 0,
                } if reports.is_empty() => {
                    EitherOf4::B(view! {
                        <div class="card empty">
                            <p>{t::MY_EMPTY}</p>
                            <a class="button" href="/report">{t::MY_EMPTY_ACTION}</a>
                        </div>
                    })
                }
                MyState::Loaded { reports, missing } => {
                    EitherOf4::C(view! {
                        <ul class="report-list">
                            {reports.into_iter().map(|r| view! { <MyReportItem report=r/> }).collect_view()}
                        </ul>
                        {(missing > 0).then(|| view! { <p class="muted">{t::codes_not_found(missing)}</p> })}
                    })
                }
                MyState::Failed { message, codes } => {
                    EitherOf4::D(view! {
                        <p class="alert" role="alert">{message}</p>
                        <ul class="code-list">
                            {codes
                                .into_iter()
                                .map(|c| {
                                    view! { <li><a href=format!("/track?code={c}")>{c.clone()}</a></li> }
                                })
                                .collect_view()}
                        </ul>
                    })
                }
            }}
        </section>
        <AddCode codes/>
    }
}

#[component]
fn MyReportItem(report: MyReport) -> impl IntoView {
    let href = format!("/track?code={}", report.tracking_code);
    let thumb = match &report.thumb {
        Some(p) => Either::Left(view! {
            <img class="thumb" src=p.thumb_url() alt="" loading="lazy" width="64" height="64"/>
        }),
        None => Either::Right(view! {
            <span class="thumb placeholder" aria-hidden="true">{report.category_icon.clone()}</span>
        }),
    };
    view! {
        <li>
            <a class="report-item" href=href data-testid="my-report">
                {thumb}
                <span class="report-item-body">
                    <strong>
                        <span aria-hidden="true">{report.category_icon.clone()}" "</span>
                        {report.category_name.clone()}
                    </strong>
                    <span class="muted">
                        {report.place.clone().unwrap_or_else(|| t::NO_PLACE.to_string())}
                    </span>
                    <span class="report-item-meta">
                        <StatusBadge status=report.status/>
                        <span class="muted">{report.received_at.format_month_day()}</span>
                        <code class="code-small">{report.tracking_code.to_string()}</code>
                    </span>
                </span>
            </a>
        </li>
    }
}

/// Adds a code by hand (a new phone, a code written on paper).
#[component]
fn AddCode(codes: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let input = RwSignal::new(String::new());
    let message = RwSignal::new(None::<Result<&'static str, String>>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match TrackingCode::parse(&input.get_untracked()) {
            Ok(code) => {
                #[cfg(feature = "hydrate")]
                {
                    client::remember_code(&code);
                    codes.set(Some(client::saved_codes()));
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = (code, codes);
                input.set(String::new());
                message.set(Some(Ok(t::CODE_ADDED)));
            }
            Err(e) => message.set(Some(Err(e.to_string()))),
        }
    };
    view! {
        <form class="card add-code" on:submit=on_submit>
            <label for="add-code">{t::ADD_CODE_LABEL}</label>
            <div class="row">
                <input
                    id="add-code"
                    autocomplete="off"
                    autocapitalize="characters"
                    maxlength="12"
                    placeholder=t::TRACK_PLACEHOLDER
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                />
                <button type="submit">{t::ADD_CODE_BUTTON}</button>
            </div>
            <p
                class="hint"
                class:alert=move || matches!(message.get(), Some(Err(_)))
                data-testid="add-code-message"
            >
                {move || match message.get() {
                    Some(Ok(m)) => Some(m.to_string()),
                    Some(Err(m)) => Some(m),
                    None => None,
                }}
            </p>
        </form>
    }
}

// =============================================================================================
// /track

#[component]
pub fn TrackPage() -> impl IntoView {
    let query = use_query_map();
    let code = move || query.with(|q| q.get("code")).unwrap_or_default();
    let report = Resource::new(code, |code| async move {
        if code.trim().is_empty() {
            return None;
        }
        // A malformed code is answered here, without asking the server.
        Some(match TrackingCode::parse(&code) {
            Ok(code) => track_report(code.to_string()).await,
            Err(e) => Err(AppError::bad_request(e.to_string())),
        })
    });
    let initial = code();
    view! {
        <Title text=t::TRACK_TITLE/>
        <h1>{t::TRACK_TITLE}</h1>
        // A plain GET form: works before (and without) the wasm.
        <form class="card track-form" method="get" action="/track">
            <label for="track-code">{t::TRACK_LABEL}</label>
            <div class="row">
                <input
                    id="track-code"
                    name="code"
                    autocomplete="off"
                    autocapitalize="characters"
                    maxlength="12"
                    placeholder=t::TRACK_PLACEHOLDER
                    value=initial
                />
                <button type="submit">{t::TRACK_BUTTON}</button>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="muted">{t::TRACK_LOADING}</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    None => EitherOf3::A(()),
                    Some(Ok(r)) => EitherOf3::B(view! { <PublicReportView report=r/> }),
                    Some(Err(e)) => {
                        let message = match e {
                            AppError::NotFound => t::TRACK_NOT_FOUND.to_string(),
                            other => other.to_string(),
                        };
                        EitherOf3::C(view! { <p class="alert" role="alert">{message}</p> })
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn PublicReportView(report: PublicReport) -> impl IntoView {
    let (before, after): (Vec<PhotoRef>, Vec<PhotoRef>) = report
        .photos
        .into_iter()
        .partition(|p| p.kind == PhotoKind::Before);
    let photos = |title: &'static str, photos: Vec<PhotoRef>| {
        (!photos.is_empty()).then(|| {
            view! {
                <h3>{title}</h3>
                <div class="photo-strip">
                    {photos.into_iter().map(|p| view! { <PhotoThumb photo=p/> }).collect_view()}
                </div>
            }
        })
    };
    let description = (!report.description.is_empty()).then(|| {
        view! {
            <dt>{t::FIELD_DESCRIPTION}</dt>
            // Text, never HTML: Leptos escapes it.
            <dd class="description" data-testid="report-description">{report.description}</dd>
        }
    });
    let location = report.coarse_location.map(|(lat, lon)| {
        view! {
            <dt>{t::FIELD_LOCATION}</dt>
            <dd>{t::coarse_location(lat, lon)}</dd>
        }
    });
    let timeline = report
        .timeline
        .into_iter()
        .map(|e| {
            view! {
                <li>
                    <StatusBadge status=e.status/>
                    <time class="muted">{e.at.format_datetime()}</time>
                    {e.note.map(|n| view! { <p class="note">{n}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <article class="card public-report" data-testid="public-report">
            <header class="public-report-head">
                <h2>
                    <span aria-hidden="true">{report.category_icon}" "</span>
                    {report.category_name}
                </h2>
                <StatusBadge status=report.status/>
            </header>
            <dl class="facts">
                <dt>{t::FIELD_PLACE}</dt>
                <dd data-testid="report-place">
                    {report.place.unwrap_or_else(|| t::NO_PLACE.to_string())}
                </dd>
                <dt>{t::FIELD_OFFICE}</dt>
                <dd>{report.office_name}</dd>
                <dt>{t::FIELD_RECEIVED}</dt>
                <dd>{report.received_at.format_datetime()}</dd>
                {location}
                {description}
            </dl>
            {photos(t::PHOTOS_BEFORE, before)}
            {photos(t::PHOTOS_AFTER, after)}
            <h3>{t::TIMELINE}</h3>
            <ol class="timeline" data-testid="timeline">{timeline}</ol>
            <p class="muted small">{t::TRACK_LABEL}" "<code>{report.tracking_code.to_string()}</code></p>
        </article>
    }
}

/// A thumbnail that opens the full photo; sized in advance so nothing jumps while loading.
#[component]
fn PhotoThumb(photo: PhotoRef) -> impl IntoView {
    let (w, h) = form::fit_long_edge(photo.width, photo.height, THUMB_LONG_EDGE);
    view! {
        <a class="photo-link" href=photo.url() target="_blank" rel="noopener">
            <img
                src=photo.thumb_url()
                width=w.to_string()
                height=h.to_string()
                loading="lazy"
                alt=t::PHOTO_LINK_LABEL
                data-testid="report-photo"
            />
        </a>
    }
}

#[component]
fn StatusBadge(status: ReportStatus) -> impl IntoView {
    view! {
        <span class=format!("badge status-{}", status.code()) data-testid="status">
            {status.label()}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::form::*;
    use crate::domain::{CategoryId, Millis, OfficeId, StreetId};
    use crate::reports::GeoPoint;
    use crate::reports::strings::{ui, validation as v};
    use uuid::Uuid;

    fn complete() -> FormInput {
        FormInput {
            photo_count: 1,
            category: Some(CategoryId(1)),
            office: Some(OfficeId(1)),
            street: Some(StreetId(3)),
            location: None,
            description: "  巷口垃圾  ".into(),
            phone: "138-1234-5678".into(),
        }
    }

    #[test]
    fn a_complete_form_becomes_a_normalised_draft() {
        let id = Uuid::from_u128(7);
        let d = draft(&complete(), id, Millis(5)).unwrap();
        assert_eq!(d.report_id, id);
        assert_eq!(d.created_on_device, Millis(5));
        assert_eq!(d.street_id, Some(StreetId(3)));
        assert_eq!(d.description, "巷口垃圾");
        assert_eq!(d.contact_phone, "13812345678");
    }

    #[test]
    fn every_problem_is_listed_in_form_order() {
        let problems = draft(&FormInput::default(), Uuid::nil(), Millis(0)).unwrap_err();
        assert_eq!(
            problems,
            vec![v::NO_PHOTOS, ui::NEED_CATEGORY, v::PLACE_REQUIRED]
        );
        let too_many = FormInput {
            photo_count: 4,
            description: "字".repeat(501),
            phone: "12345".into(),
            ..complete()
        };
        let problems = draft(&too_many, Uuid::nil(), Millis(0)).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[2].contains("手机号码"));
    }

    #[test]
    fn gps_alone_needs_an_office() {
        let gps = GeoPoint {
            lat: 33.6,
            lon: 114.6,
            accuracy_m: Some(12.0),
        };
        let input = FormInput {
            street: None,
            office: None,
            location: Some(gps),
            ..complete()
        };
        assert_eq!(
            draft(&input, Uuid::nil(), Millis(0)).unwrap_err(),
            vec![v::OFFICE_REQUIRED]
        );
        let input = FormInput {
            office: Some(OfficeId(2)),
            ..input
        };
        let d = draft(&input, Uuid::nil(), Millis(0)).unwrap();
        assert_eq!(
            (d.office_id, d.street_id, d.location),
            (Some(OfficeId(2)), None, Some(gps))
        );
    }

    #[test]
    fn exactly_500_characters_are_allowed() {
        let input = FormInput {
            description: "字".repeat(500),
            phone: String::new(),
            ..complete()
        };
        let d = draft(&input, Uuid::nil(), Millis(0)).unwrap();
        assert_eq!(d.contact_phone, "");
    }

    #[test]
    fn same_content_ignores_only_id_and_time() {
        let a = draft(&complete(), Uuid::from_u128(1), Millis(1)).unwrap();
        let b = draft(&complete(), Uuid::from_u128(2), Millis(2)).unwrap();
        assert!(same_content(&a, &b));
        let c = draft(
            &FormInput {
                category: Some(CategoryId(2)),
                ..complete()
            },
            Uuid::from_u128(1),
            Millis(1),
        )
        .unwrap();
        assert!(!same_content(&a, &c));
    }

    #[test]
    fn long_edge_is_fitted_without_enlarging() {
        assert_eq!(fit_long_edge(6000, 4000, 1600), (1600, 1067));
        assert_eq!(fit_long_edge(3000, 4000, 1600), (1200, 1600));
        assert_eq!(fit_long_edge(800, 600, 1600), (800, 600));
        assert_eq!(fit_long_edge(10_000, 1, 1600), (1600, 1));
        assert_eq!(fit_long_edge(0, 0, 1600), (1, 1));
    }

    #[test]
    fn codes_are_newest_first_unique_and_capped() {
        let list = with_code(vec!["A".into(), "B".into()], "B");
        assert_eq!(list, vec!["B", "A"]);
        let many: Vec<String> = (0..MAX_SAVED_CODES).map(|i| i.to_string()).collect();
        let list = with_code(many, "new");
        assert_eq!(list.len(), MAX_SAVED_CODES);
        assert_eq!(list[0], "new");
        assert_eq!(list.last().map(String::as_str), Some("198"));
    }
}
