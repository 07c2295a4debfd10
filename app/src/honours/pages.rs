//! `/honours` (示范户公示, public, cacheable) and `/staff/honours` (示范户管理). Plain
//! server-rendered components with plain forms: nothing here is in the resident's wasm.

use super::api::{get_import_preview, get_public_honours, get_staff_honours};
use super::strings as s;
use super::workflow::actions;
use super::{
    ImportPreview, MAX_OBJECTION_CHARS, Objection, PublicHonour, PublicHonours, StaffHonour,
    StaffHonours,
};
use crate::domain::{HonourStatus, HonourTitle, Millis};
use crate::error::AppError;
use crate::session::StaffUser;
use crate::shell::{Flash, SignedIn};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// 2026年11月28日
fn ymd(at: Millis) -> String {
    let t = at.to_cst();
    format!("{}年{}月{}日", t.year, t.month, t.day)
}

#[component]
fn HonourBadge(status: HonourStatus) -> impl IntoView {
    view! {
        <span class=format!("badge honour-{}", status.code()) data-status=status.code()>
            {status.label()}
        </span>
    }
}

/// The date line of an honour: "公示中 至 12月5日", "挂牌 2026年11月28日", …
fn date_line(
    status: HonourStatus,
    notice_until: Option<Millis>,
    awarded_at: Option<Millis>,
    revoked_at: Option<Millis>,
    now: Millis,
) -> Option<String> {
    match status {
        HonourStatus::Nominated => None,
        HonourStatus::Notice => notice_until.map(|u| {
            if now < u {
                s::notice_until(&u.format_month_day())
            } else {
                s::notice_ended(&u.format_month_day())
            }
        }),
        HonourStatus::Awarded => awarded_at.map(|a| format!("{} {}", s::AWARDED_ON, ymd(a))),
        HonourStatus::Reinspection => Some(match awarded_at {
            Some(a) => format!("{} · {} {}", s::REINSPECTING, s::AWARDED_ON, ymd(a)),
            None => s::REINSPECTING.to_string(),
        }),
        HonourStatus::Revoked => revoked_at.map(|r| format!("{} {}", s::REVOKED_ON, ymd(r))),
    }
}

// =============================================================================================
// /honours

#[component]
pub fn HonoursPage() -> impl IntoView {
    // The same for everyone (no names, no phones): shared caches may keep it for a minute.
    crate::page_response::PageResponse::current().cache_control("public, max-age=60");
    let (q, thanks, err) = use_query_map().with_untracked(|m| {
        (
            m.get("q").unwrap_or_default(),
            m.get("objection").is_some(),
            m.get("err"),
        )
    });
    let err = crate::flash::shown_error(err);
    let data = Resource::new(
        {
            let q = q.clone();
            move || q.clone()
        },
        get_public_honours,
    );
    view! {
        <Title text=s::PUBLIC_TITLE />
        <leptos_meta::Stylesheet id="honours-css" href="/honours.css" />
        <h1>{s::PUBLIC_TITLE}</h1>
        <p class="muted">{s::PUBLIC_INTRO}</p>
        <form class="card honours-search" method="get" action="/honours" role="search">
            <label for="honours-q">{s::SEARCH_LABEL}</label>
            <div class="row">
                <input
                    id="honours-q"
                    name="q"
                    maxlength="20"
                    placeholder=s::SEARCH_PLACEHOLDER
                    value=q
                />
                <button type="submit">{s::SEARCH_BUTTON}</button>
            </div>
            <a href="/honours" class="small">
                {s::SEARCH_CLEAR}
            </a>
        </form>
        <crate::ui::FlashBanner err=err ok=thanks ok_text=s::OBJECTION_THANKS />
        <Suspense fallback=|| {
            view! { <p class="muted">{s::LOADING}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => Either::Left(view! { <PublicList data=d /> }),
                    Err(e) => Either::Right(view! { <crate::ui::Alert text=e.to_string() /> }),
                }
            })}
        </Suspense>
    }
}

const PUBLIC_STATUSES: &[HonourStatus] = &[
    HonourStatus::Notice,
    HonourStatus::Awarded,
    HonourStatus::Reinspection,
    HonourStatus::Revoked,
];

#[component]
fn PublicList(data: PublicHonours) -> impl IntoView {
    let now = data.now;
    if data.offices.is_empty() {
        let msg = if data.query.is_empty() {
            s::NOTHING_YET
        } else {
            s::NOTHING_FOUND
        };
        return Either::Left(view! { <p class="card empty">{msg}</p> });
    }
    let counts = view! {
        <section class="card honours-counts" data-testid="honours-counts">
            <h2>{s::COUNTS_TITLE}</h2>
            <table>
                <thead>
                    <tr>
                        <th></th>
                        {PUBLIC_STATUSES
                            .iter()
                            .map(|st| view! { <th>{st.label()}</th> })
                            .collect_view()}
                        <th>{s::COUNT_TOTAL}</th>
                    </tr>
                </thead>
                <tbody>
                    {HonourTitle::ALL
                        .iter()
                        .map(|t| {
                            let total: i64 = PUBLIC_STATUSES
                                .iter()
                                .map(|st| data.count(*t, *st))
                                .sum();
                            view! {
                                <tr>
                                    <th scope="row">{t.label()}</th>
                                    {PUBLIC_STATUSES
                                        .iter()
                                        .map(|st| view! { <td>{data.count(*t, *st)}</td> })
                                        .collect_view()}
                                    <td>
                                        <strong>{total}</strong>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    };
    let offices = data
        .offices
        .into_iter()
        .map(|o| {
            view! {
                <section class="card honours-office">
                    <h2>{o.name}</h2>
                    {o
                        .communities
                        .into_iter()
                        .map(|c| {
                            view! {
                                <h3>{c.name}</h3>
                                <ul class="honours-list">
                                    {c
                                        .honours
                                        .into_iter()
                                        .map(|h| view! { <PublicItem honour=h now=now /> })
                                        .collect_view()}
                                </ul>
                            }
                        })
                        .collect_view()}
                </section>
            }
        })
        .collect_view();
    Either::Right(view! {
        {counts}
        {offices}
    })
}

#[component]
fn PublicItem(honour: PublicHonour, now: Millis) -> impl IntoView {
    let h = honour;
    let date = date_line(h.status, h.notice_until, h.awarded_at, h.revoked_at, now);
    let place = match (&h.street_name, &h.house_number) {
        (Some(st), Some(n)) => Some(format!("{st} {n}")),
        (Some(st), None) => Some(st.clone()),
        (None, Some(n)) => Some(format!("{} {n}", s::HOUSE_NUMBER)),
        (None, None) => None,
    };
    let form = h.open_for_objection.then(|| {
        let id = h.id.0.to_string();
        view! {
            <details class="objection">
                <summary>{s::OBJECTION_SUMMARY}</summary>
                <form method="post" action="/api/honours/object" data-testid="objection-form">
                    <input type="hidden" name="honour" value=id.clone() />
                    <label for=format!("obj-content-{id}")>{s::OBJECTION_CONTENT}</label>
                    <textarea
                        id=format!("obj-content-{id}")
                        name="content"
                        rows="3"
                        required=true
                        maxlength=MAX_OBJECTION_CHARS.to_string()
                    ></textarea>
                    <label for=format!("obj-contact-{id}")>{s::OBJECTION_CONTACT}</label>
                    <input
                        id=format!("obj-contact-{id}")
                        name="contact"
                        type="tel"
                        inputmode="numeric"
                        autocomplete="tel"
                        maxlength="20"
                    />
                    <button type="submit">{s::OBJECTION_SUBMIT}</button>
                </form>
            </details>
        }
    });
    view! {
        <li class="honour" id=format!("h{}", h.id.0) data-testid="honour">
            <div class="honour-head">
                <strong class="honour-name">{h.public_name}</strong>
                <span class="honour-title">{h.title.label()}</span>
                <HonourBadge status=h.status />
            </div>
            {place.map(|p| view! { <div class="muted small">{p}</div> })}
            {date.map(|d| view! { <div class="honour-date small">{d}</div> })}
            {form}
        </li>
    }
}

// =============================================================================================
// /staff/honours

#[component]
pub fn StaffHonoursPage() -> impl IntoView {
    // The page's data is loaded here, once per request (SignedIn may build its children
    // more than once).
    let (status, import, imported) = use_query_map().with_untracked(|m| {
        (
            m.get("status").unwrap_or_default(),
            m.get("import").and_then(|v| v.parse::<i64>().ok()),
            m.get("imported").and_then(|v| v.parse::<usize>().ok()),
        )
    });
    let data = Resource::new(
        {
            let status = status.clone();
            move || status.clone()
        },
        get_staff_honours,
    );
    let preview = Resource::new(
        move || import,
        |id| async move {
            match id {
                Some(id) => Some(get_import_preview(id).await),
                None => None,
            }
        },
    );
    view! {
        <Title text=s::STAFF_TITLE />
        <crate::ui::ShrinkPhotos />
        <SignedIn let:user>
            <StaffHonoursView
                user=user
                status=status.clone()
                imported=imported
                data=data
                preview=preview
            />
        </SignedIn>
    }
}

type PreviewResource = Resource<Option<Result<ImportPreview, AppError>>>;

#[component]
fn StaffHonoursView(
    user: StaffUser,
    status: String,
    imported: Option<usize>,
    data: Resource<Result<StaffHonours, AppError>>,
    preview: PreviewResource,
) -> impl IntoView {
    let office = user
        .office_name
        .clone()
        .unwrap_or_else(|| s::STAFF_ALL_OFFICES.to_string());
    view! {
        <h1>{s::STAFF_TITLE}" · "{office}</h1>
        <Flash />
        {imported
            .map(|n| {
                view! {
                    <p class="notice ok" role="status" data-testid="imported">
                        {s::imported(n)}
                    </p>
                }
            })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                preview
                    .await
                    .map(|p| match p {
                        Ok(p) => Either::Left(view! { <PreviewView preview=p /> }),
                        Err(e) => Either::Right(view! { <crate::ui::Alert text=e.to_string() /> }),
                    })
            })}
        </Suspense>
        <Suspense fallback=|| {
            view! { <p class="muted">{s::LOADING}</p> }
        }>
            {
                let status = status.clone();
                move || {
                    let status = status.clone();
                    Suspend::new(async move {
                        match data.await {
                            Ok(d) => Either::Left(view! { <StaffBody data=d status=status /> }),
                            Err(e) => {
                                Either::Right(view! { <crate::ui::Alert text=e.to_string() /> })
                            }
                        }
                    })
                }
            }
        </Suspense>
    }
}

#[component]
fn StaffBody(data: StaffHonours, status: String) -> impl IntoView {
    let now = data.now;
    let communities = data.communities.clone();
    view! {
        <Objections objections=data.objections />
        <section class="card honours-import">
            <h2>{s::IMPORT_TITLE}</h2>
            <p class="muted small">{s::IMPORT_HINT}</p>
            <form method="post" action=super::IMPORT_PATH enctype="multipart/form-data" class="row">
                <label for="honours-file" class="visually-hidden">
                    {s::IMPORT_FILE}
                </label>
                <input
                    id="honours-file"
                    type="file"
                    name="file"
                    required=true
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                />
                <button type="submit">{s::IMPORT_PREVIEW_BUTTON}</button>
            </form>
        </section>
        <CreateForm communities=communities />
        <section class="card">
            <h2>{s::LIST_TITLE}</h2>
            <form method="get" action="/staff/honours" class="filters">
                <label>
                    {s::FILTER_STATUS} <select name="status">
                        <option value="" selected=status.is_empty()>
                            {s::FILTER_ALL}
                        </option>
                        {HonourStatus::ALL
                            .iter()
                            .map(|st| {
                                view! {
                                    <option value=st.code() selected=status == st.code()>
                                        {st.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <button type="submit">{s::FILTER_BUTTON}</button>
            </form>
            {if data.honours.is_empty() {
                Either::Left(view! { <p class="muted">{s::LIST_EMPTY}</p> })
            } else {
                Either::Right(
                    view! {
                        <div class="honours-staff-list">
                            {data
                                .honours
                                .into_iter()
                                .map(|h| view! { <StaffItem honour=h now=now /> })
                                .collect_view()}
                        </div>
                    },
                )
            }}
        </section>
    }
}

#[component]
fn Objections(objections: Vec<Objection>) -> impl IntoView {
    let open = objections.iter().filter(|o| o.handled_at.is_none()).count();
    view! {
        <section class="card honours-objections" id="objections" data-testid="objections">
            <h2>{s::OBJECTIONS_TITLE}" "<span class="badge">{s::open_objections(open)}</span></h2>
            {if objections.is_empty() {
                Either::Left(view! { <p class="muted">{s::OBJECTIONS_EMPTY}</p> })
            } else {
                Either::Right(
                    view! {
                        <ul class="objection-list">
                            {objections
                                .into_iter()
                                .map(|o| {
                                    let handled = o.handled_at.is_some();
                                    view! {
                                        <li class="objection-item" data-testid="objection">
                                            <div>
                                                <strong>{o.honour_full_name}</strong>
                                                " ("
                                                {o.honour_public_name}
                                                ") · "
                                                {o.community_name}
                                                " · "
                                                {o.title.label()}
                                                " "
                                                <span class="badge">
                                                    {if handled {
                                                        s::OBJECTION_HANDLED
                                                    } else {
                                                        s::OBJECTION_OPEN
                                                    }}
                                                </span>
                                            </div>
                                            <p class="objection-content">{o.content}</p>
                                            <div class="muted small">
                                                {o.created_at.format_datetime()}
                                                {o
                                                    .contact_phone
                                                    .map(|p| {
                                                        view! {
                                                            " · "
                                                            {s::OBJECTION_CONTACT_LABEL}
                                                            "："
                                                            <a href=format!("tel:{p}")>{p.clone()}</a>
                                                        }
                                                    })}
                                            </div>
                                            {o
                                                .handled_at
                                                .map(|at| {
                                                    view! {
                                                        <div class="muted small">
                                                            {at.format_datetime()}" "{o.handled_by.unwrap_or_default()}
                                                            "："{o.handled_note}
                                                        </div>
                                                    }
                                                })}
                                            {(!handled)
                                                .then(|| {
                                                    view! {
                                                        <form
                                                            method="post"
                                                            action="/api/honours/objection_handle"
                                                            class="row"
                                                        >
                                                            <input type="hidden" name="id" value=o.id.to_string() />
                                                            <input
                                                                name="note"
                                                                maxlength="500"
                                                                placeholder=s::OBJECTION_HANDLE_NOTE
                                                                aria-label=s::OBJECTION_HANDLE_NOTE
                                                            />
                                                            <button type="submit">{s::OBJECTION_HANDLE_BUTTON}</button>
                                                        </form>
                                                    }
                                                })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    },
                )
            }}
        </section>
    }
}

#[component]
fn PreviewView(preview: ImportPreview) -> impl IntoView {
    let valid = preview.is_valid();
    let done = preview.imported_at;
    let id = preview.id.to_string();
    let summary = match (done, valid) {
        (Some(at), _) => Either::Left(
            view! { <p class="notice ok">{s::IMPORT_DONE}" "{at.format_datetime()}</p> },
        ),
        (None, true) => Either::Right(Either::Left(view! {
            <p class="notice ok">{s::IMPORT_READY}" · "{preview.rows.len()}{s::ROWS_UNIT}</p>
            <form method="post" action="/api/honours/import_confirm">
                <input type="hidden" name="id" value=id.clone() />
                <button type="submit" class="primary">
                    {s::IMPORT_CONFIRM_BUTTON}
                </button>
            </form>
        })),
        (None, false) => Either::Right(Either::Right(view! {
            <div class="alert" role="alert" data-testid="import-errors">
                <p>{s::IMPORT_HAS_ERRORS}</p>
                <ul>
                    {preview.errors.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}
                </ul>
            </div>
        })),
    };
    view! {
        <section class="card honours-preview" data-testid="import-preview">
            <h2>{s::IMPORT_PREVIEW_TITLE}" · "{preview.file_name}</h2>
            {summary}
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th>{s::COL_LINE}</th>
                            <th>{s::COL_KIND}</th>
                            <th>{s::COL_NAME}</th>
                            <th>{s::COL_COMMUNITY}</th>
                            <th>{s::COL_STREET}</th>
                            <th>{s::COL_HOUSE_NUMBER}</th>
                            <th>{s::COL_TITLE}</th>
                            <th>{s::COL_ERRORS}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {preview
                            .rows
                            .into_iter()
                            .map(|r| {
                                let bad = !r.errors.is_empty();
                                view! {
                                    <tr class:row-bad=bad>
                                        <td>{r.line}</td>
                                        <td>{r.kind}</td>
                                        <td>{r.full_name}</td>
                                        <td>{r.community}</td>
                                        <td>{r.street}</td>
                                        <td>{r.house_number}</td>
                                        <td>{r.title}</td>
                                        <td>{r.errors.join("；")}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn CreateForm(communities: Vec<super::CommunityChoice>) -> impl IntoView {
    let multi_office = communities
        .first()
        .is_some_and(|f| communities.iter().any(|c| c.office_name != f.office_name));
    view! {
        <details class="card honours-create">
            <summary>
                <h2>{s::CREATE_TITLE}</h2>
            </summary>
            <form method="post" action="/api/honours/create" class="action-form">
                <label for="hc-kind">{s::COL_KIND}</label>
                <select id="hc-kind" name="kind" required=true>
                    {super::HonourKind::ALL
                        .iter()
                        .map(|k| view! { <option value=k.code()>{k.label()}</option> })
                        .collect_view()}
                </select>
                <label for="hc-title">{s::COL_TITLE}</label>
                <select id="hc-title" name="title" required=true>
                    {HonourTitle::ALL
                        .iter()
                        .map(|t| view! { <option value=t.code()>{t.label()}</option> })
                        .collect_view()}
                </select>
                <label for="hc-name">{s::CREATE_FULL_NAME}</label>
                <input id="hc-name" name="full_name" required=true maxlength="40" />
                <label for="hc-public">{s::CREATE_PUBLIC_NAME}</label>
                <input id="hc-public" name="public_name" maxlength="40" />
                <label for="hc-community">{s::COL_COMMUNITY}</label>
                <select id="hc-community" name="community" required=true>
                    {communities
                        .iter()
                        .map(|c| {
                            let label = if multi_office {
                                format!("{} · {}", c.office_name, c.name)
                            } else {
                                c.name.clone()
                            };
                            view! { <option value=c.id.0.to_string()>{label}</option> }
                        })
                        .collect_view()}
                </select>
                <label for="hc-street">{s::COL_STREET}</label>
                <select id="hc-street" name="street">
                    <option value="">{s::NO_STREET}</option>
                    {communities
                        .iter()
                        .map(|c| {
                            let community = c.name.clone();
                            view! {
                                <optgroup label=community>
                                    {c
                                        .streets
                                        .iter()
                                        .map(|(id, name)| {
                                            view! {
                                                <option value=id.0.to_string()>{name.clone()}</option>
                                            }
                                        })
                                        .collect_view()}
                                </optgroup>
                            }
                        })
                        .collect_view()}
                </select>
                <label for="hc-house">{s::COL_HOUSE_NUMBER}</label>
                <input id="hc-house" name="house_number" maxlength="40" />
                <label class="check">
                    <input type="checkbox" name="show_house_number" value="1" />
                    {s::HOUSE_NUMBER_PUBLIC}
                </label>
                <label for="hc-note">{s::CREATE_NOTE}</label>
                <textarea id="hc-note" name="note" rows="2" maxlength="500"></textarea>
                <button type="submit" class="primary">
                    {s::CREATE_BUTTON}
                </button>
            </form>
        </details>
    }
}

#[component]
fn StaffItem(honour: StaffHonour, now: Millis) -> impl IntoView {
    let h = honour;
    let id = h.id.0.to_string();
    let date = date_line(h.status, h.notice_until, h.awarded_at, h.revoked_at, now);
    let allowed = actions(h.status);
    let place = match &h.street_name {
        Some(st) => format!("{} · {} · {}", h.office_name, h.community_name, st),
        None => format!("{} · {}", h.office_name, h.community_name),
    };
    let house = h.house_number.clone().map(|n| {
        let shown = if h.show_house_number {
            s::HOUSE_NUMBER_SHOWN
        } else {
            s::HOUSE_NUMBER_NOT_SHOWN
        };
        format!("{} {n}（{shown}）", s::COL_HOUSE_NUMBER)
    });
    let events = h
        .events
        .into_iter()
        .map(|e| {
            let action = super::workflow::HonourAction::parse(&e.action)
                .map(|a| a.label())
                .unwrap_or(if e.action == "import" {
                    s::ACT_IMPORT
                } else {
                    s::ACT_CREATE
                });
            view! {
                <li>
                    <time class="muted">{e.at.format_datetime()}</time>
                    " "
                    {e.actor.unwrap_or_else(|| s::SYSTEM_ACTOR.to_string())}
                    " · "
                    {action}
                    " → "
                    <HonourBadge status=e.to />
                    {(!e.note.is_empty()).then(|| view! { <p class="note">{e.note.clone()}</p> })}
                    {e
                        .photo_sha256
                        .map(|sha| {
                            view! {
                                <a href=format!("/photos/{sha}.jpg")>
                                    <img
                                        class="thumb"
                                        src=format!("/photos/{sha}/thumb.jpg")
                                        alt=""
                                        loading="lazy"
                                    />
                                </a>
                            }
                        })}
                </li>
            }
        })
        .collect_view();
    let form = if allowed.is_empty() {
        Either::Left(view! { <p class="muted small">{s::NO_ACTIONS}</p> })
    } else {
        Either::Right(view! {
            <form
                method="post"
                action=super::ACT_PATH
                enctype="multipart/form-data"
                class="action-form"
                data-shrink-photos=crate::ui::SHRINK_PHOTOS
            >
                <input type="hidden" name="honour" value=id.clone() />
                <input type="hidden" name="version" value=h.version.to_string() />
                <label for=format!("act-{id}")>{s::ACT_ACTION}</label>
                <select id=format!("act-{id}") name="action">
                    {allowed
                        .iter()
                        .map(|a| view! { <option value=a.code()>{a.label()}</option> })
                        .collect_view()}
                </select>
                <label for=format!("date-{id}")>{s::ACT_DATE}</label>
                <input id=format!("date-{id}") type="date" name="date" />
                <label for=format!("note-{id}")>{s::ACT_NOTE}</label>
                <textarea id=format!("note-{id}") name="note" rows="2" maxlength="500"></textarea>
                <label for=format!("photo-{id}")>{s::ACT_PHOTO}</label>
                <input id=format!("photo-{id}") type="file" name="photo" accept="image/*" />
                <button type="submit">{s::ACT_BUTTON}</button>
            </form>
        })
    };
    view! {
        <article class="honour-item" id=format!("h{id}") data-testid="staff-honour">
            <header class="honour-head">
                <strong>{h.full_name}</strong>
                <span class="muted">"（"{h.public_name}"）"</span>
                <span>{h.kind.label()}" · "{h.title.label()}</span>
                <HonourBadge status=h.status />
            </header>
            <div class="muted small">{place}</div>
            {house.map(|v| view! { <div class="muted small">{v}</div> })}
            {date.map(|d| view! { <div class="small">{d}</div> })}
            {h.revoke_reason.map(|r| view! { <div class="small">{s::REVOKED_ON}"："{r}</div> })}
            <details>
                <summary>{s::EVENTS_TITLE}" · "{s::ACT_TITLE}</summary>
                <ol class="timeline">{events}</ol>
                {form}
            </details>
        </article>
    }
}
