//! The grids section of /admin and the import's preview page. Server-rendered, plain forms.

use super::api::{ConfirmGridImport, UploadGrids, get_grid_import_preview};
use super::{GridCounts, GridImportPreview, GridLine, IMPORT_PATH, MappingForm, PlanSummary};
use crate::admin::strings as t;
use crate::error::AppError;
use crate::page_response::PageResponse;
use crate::shell::{SignedIn, whoami};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Where the map's and the import's GeoJSON of the grids is served.
pub const GRIDS_GEOJSON: &str = "/api/grids.geojson";

#[component]
pub fn GridsSection(counts: GridCounts) -> impl IntoView {
    debug_assert_eq!(UploadGrids::PATH, IMPORT_PATH);
    let rows = if counts.per_office.is_empty() {
        view! { <li class="muted">{t::GRIDS_NONE}</li> }.into_any()
    } else {
        counts
            .per_office
            .into_iter()
            .map(|(office, active, retired)| {
                view! {
                    <li class="admin-row">
                        <strong>{office}</strong>
                        " "
                        <span class="muted small">
                            {active}{t::GRIDS_ACTIVE}
                            {(retired > 0).then(|| format!(" · {retired}{}", t::GRIDS_RETIRED))}
                        </span>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card admin-section" id="grids">
            <h2>{t::SEC_GRIDS}</h2>
            <p class="muted small">{t::GRIDS_HINT}</p>
            <ul class="admin-list" data-testid="grid-counts">
                {rows}
            </ul>
            <p>
                <a href=GRIDS_GEOJSON download="grids.geojson">
                    {t::GRIDS_DOWNLOAD}
                </a>
            </p>
            <form
                method="post"
                action=IMPORT_PATH
                enctype="multipart/form-data"
                class="admin-add admin-grid"
            >
                <label>
                    {t::GRIDS_FILE}
                    <input
                        type="file"
                        name="file"
                        required=true
                        accept=".geojson,.json,application/geo+json,application/json"
                    />
                </label>
                <button type="submit">{t::GRIDS_UPLOAD}</button>
            </form>
        </section>
    }
}

/// `/admin/grids/import/{id}?code=…&name=…&community=…&office=…&office_for_all=…`
#[component]
pub fn GridImportPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let form = use_query_map().with_untracked(|q| {
        let get = |k: &str| q.get(k).unwrap_or_default();
        MappingForm {
            code: get("code"),
            name: get("name"),
            community: get("community"),
            office: get("office"),
            office_for_all: get("office_for_all"),
        }
    });
    let preview = Resource::new(
        move || (id, form.clone()),
        |(id, form)| async move {
            match whoami().await {
                Ok(Some(user)) if user.is_admin() => Some(get_grid_import_preview(id, form).await),
                Ok(Some(_)) => Some(Err(AppError::Forbidden)),
                _ => None,
            }
        },
    );
    let response = PageResponse::current();
    view! {
        <Title text=t::GRID_PREVIEW_TITLE />
        <SignedIn let:_user>
            <GridImportBody preview=preview response=response.clone() />
        </SignedIn>
    }
}

#[component]
fn GridImportBody(
    preview: Resource<Option<Result<GridImportPreview, AppError>>>,
    response: PageResponse,
) -> impl IntoView {
    let (ok, err) = use_query_map().with_untracked(|q| (q.get("ok").is_some(), q.get("err")));
    let err = crate::flash::shown_error(err);
    view! {
        <div class="admin" data-testid="grid-import">
            <h1>{t::GRID_PREVIEW_TITLE}</h1>
            // Errors of the last post; its success is said by the preview itself.
            <crate::ui::FlashBanner err=err ok=false ok_text=t::GRID_UPLOADED />
            <Suspense fallback=|| {
                view! { <p class="muted">{t::LOADING}</p> }
            }>
                {move || {
                    let response = response.clone();
                    Suspend::new(async move {
                        match preview.await {
                            None => ().into_any(),
                            Some(Ok(p)) => view! { <Preview p=p uploaded=ok /> }.into_any(),
                            Some(Err(e)) => {
                                response.set_status(e.status());
                                view! {
                                    <crate::ui::Alert text=e.to_string() />
                                    <a class="button" href="/admin#grids">
                                        {t::GRID_BACK}
                                    </a>
                                }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </div>
    }
}

#[component]
fn Preview(p: GridImportPreview, uploaded: bool) -> impl IntoView {
    let head = view! {
        {(uploaded && !p.imported)
            .then(|| {
                view! {
                    <p class="notice ok" role="status">
                        {t::GRID_UPLOADED}
                    </p>
                }
            })}
        <p class="muted">
            {t::GRID_PREVIEW_FILE}" "<strong>{p.file_name.clone()}</strong>" · "
            {t::grid_counts(p.features, p.vertices)}
        </p>
    };
    if p.imported {
        return view! {
            {head}
            <p class="notice ok" role="status" data-testid="grids-imported">
                {t::GRID_IMPORTED}
            </p>
            <a class="button" href="/admin#grids">
                {t::GRID_BACK}
            </a>
        }
        .into_any();
    }
    let outcome = match p.plan.clone() {
        Err(message) => view! {
            <p class="alert" role="alert" data-testid="grid-plan-error">
                {t::GRID_CANNOT}
                {message}
            </p>
        }
        .into_any(),
        Ok(plan) => view! { <PlanView plan=plan id=p.id mapping=p.mapping.clone() /> }.into_any(),
    };
    view! {
        {head}
        <MappingChoice p=p.clone() />
        {outcome}
        <p>
            <a href="/admin#grids">{t::GRID_BACK}</a>
        </p>
    }
    .into_any()
}

#[component]
fn MappingChoice(p: GridImportPreview) -> impl IntoView {
    let keys = p.keys.clone();
    let select = move |field: &'static str, label: &'static str, chosen: String, optional: bool| {
        let options = keys
            .iter()
            .map(|(k, samples)| {
                let text = format!("{k}（{}：{}）", t::GRID_SAMPLES, samples.join("、"));
                view! {
                    <option value=k.clone() selected=*k == chosen>
                        {text}
                    </option>
                }
            })
            .collect_view();
        view! {
            <label>
                {label}
                <select name=field>
                    {optional.then(|| view! { <option value="">{t::GRID_MAP_NONE}</option> })}
                    {options}
                </select>
            </label>
        }
    };
    let m = p.mapping.clone();
    let offices = p
        .offices
        .iter()
        .map(|(id, name)| {
            let chosen = m.office_for_all == id.to_string();
            view! {
                <option value=id.to_string() selected=chosen>
                    {name.clone()}
                </option>
            }
        })
        .collect_view();
    view! {
        <section class="card admin-section">
            <h2>{t::GRID_MAPPING}</h2>
            <form
                method="get"
                action=format!("{}/{}", super::PREVIEW_PAGE, p.id)
                class="admin-grid"
            >
                {select("code", t::GRID_MAP_CODE, m.code.clone(), false)}
                {select("name", t::GRID_MAP_NAME, m.name.clone(), true)}
                {select("community", t::GRID_MAP_COMMUNITY, m.community.clone(), true)}
                {select("office", t::GRID_MAP_OFFICE, m.office.clone(), true)}
                <label>
                    {t::GRID_MAP_OFFICE_FOR_ALL} <select name="office_for_all">
                        <option value="">{t::GRID_MAP_NONE}</option>
                        {offices}
                    </select>
                </label>
                <button type="submit" class="secondary">
                    {t::GRID_MAP_APPLY}
                </button>
            </form>
        </section>
    }
}

#[component]
fn PlanView(plan: PlanSummary, id: i64, mapping: MappingForm) -> impl IntoView {
    let nothing =
        plan.added.0 + plan.moved.0 + plan.changed.0 + plan.revived.0 + plan.retired.0 == 0;
    let kind = |label: &'static str, testid: &'static str, (n, lines): (usize, Vec<GridLine>)| {
        let more = n.saturating_sub(lines.len());
        let open = n > 0 && n <= 10;
        view! {
            <details class="grid-plan" data-testid=testid open=open>
                <summary>{label}" "<strong>{n}</strong></summary>
                <ul class="admin-list">
                    {lines
                        .into_iter()
                        .map(|l| {
                            view! {
                                <li>
                                    <code>{l.code}</code>
                                    " "
                                    {l.name}
                                    " "
                                    <span class="muted small">{l.office}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                    {(more > 0).then(|| view! { <li class="muted">{t::GRID_MORE}{more}</li> })}
                </ul>
            </details>
        }
    };
    view! {
        <section class="card admin-section" data-testid="grid-plan">
            <h2>{t::GRID_PLAN}</h2>
            {kind(t::GRID_ADDED, "grid-added", plan.added)}
            {kind(t::GRID_MOVED, "grid-moved", plan.moved)}
            {kind(t::GRID_CHANGED, "grid-changed", plan.changed)}
            {kind(t::GRID_REVIVED, "grid-revived", plan.revived)}
            {kind(t::GRID_RETIRED, "grid-retired", plan.retired)}
            <p class="muted">{t::GRID_UNCHANGED}" "{plan.unchanged}</p>
            {if nothing {
                view! { <p class="muted">{t::GRID_NOTHING}</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=ConfirmGridImport::PATH>
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="code" value=mapping.code />
                        <input type="hidden" name="name" value=mapping.name />
                        <input type="hidden" name="community" value=mapping.community />
                        <input type="hidden" name="office" value=mapping.office />
                        <input type="hidden" name="office_for_all" value=mapping.office_for_all />
                        <button type="submit" data-testid="grid-confirm">
                            {t::GRID_CONFIRM}
                        </button>
                    </form>
                }
                    .into_any()
            }}
        </section>
    }
}
