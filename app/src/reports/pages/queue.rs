//! The device queue on the page: "N 条待上传", 立即上传, progress, storage, and each item
//! with its state (待上传 / 上传中 / 已上传 / 需处理). Shown on /report (inside the form's
//! island) and on /my (its own island).

use crate::reports::queue::{self, ItemState, Net, QueueItem, SyncState};
use crate::reports::strings::sync as t;
use leptos::prelude::*;
use uuid::Uuid;

/// The engine's state as one `Copy` signal for the handlers. On the server (and before the
/// engine has read IndexedDB) it holds an empty queue, so the page hydrates without a
/// mismatch.
#[derive(Clone, Copy)]
pub struct QueueSignals(pub RwSignal<SyncState>);

impl QueueSignals {
    pub fn connect() -> Self {
        #[cfg(feature = "hydrate")]
        return Self(RwSignal::from(crate::reports::sync::view()));
        #[cfg(not(feature = "hydrate"))]
        Self(RwSignal::new(SyncState::default()))
    }

    pub fn item(&self, id: Uuid) -> Option<QueueItem> {
        self.0
            .with(|s| s.items.iter().find(|i| i.id() == id).cloned())
    }

    pub fn net(&self) -> Net {
        self.0.with(|s| s.net)
    }
}

/// The panel. `on_edit` loads a 需处理 item back into the form (on /report); without it,
/// 修改 links to `/report?edit=ID`.
///
/// The panel is two HTML strings (the status head, rewritten on every progress tick, and
/// the list, rewritten only when it changes) with one click handler for all its buttons: a
/// reactive view per part would cost the phone several times more wasm to download.
#[component]
pub fn QueuePanel(
    q: QueueSignals,
    #[prop(optional)] on_edit: Option<Callback<Uuid>>,
) -> impl IntoView {
    let state = q.0;
    let confirming = RwSignal::new(None::<Uuid>);
    let inline_edit = on_edit.is_some();
    let head = move || state.with(head_html);
    let list = Memo::new(move |_| {
        let confirming = confirming.get();
        state.with(|s| list_html(&s.items, confirming, inline_edit))
    });
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(button) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("button[data-action]").ok().flatten())
            else {
                return;
            };
            let id = button
                .get_attribute("data-for")
                .and_then(|v| v.parse::<Uuid>().ok());
            match (button.get_attribute("data-action").as_deref(), id) {
                (Some("sync"), _) => crate::reports::sync::sync_now(),
                (Some("retry"), Some(id)) => crate::reports::sync::retry(id),
                (Some("edit"), Some(id)) => {
                    if let Some(cb) = on_edit {
                        cb.run(id);
                    }
                }
                (Some("delete"), Some(id)) => confirming.set(Some(id)),
                (Some("cancel"), _) => confirming.set(None),
                (Some("confirm"), Some(id)) => {
                    confirming.set(None);
                    crate::reports::sync::delete(vec![id]);
                }
                (Some("clear"), _) => {
                    let ids = state.with_untracked(|s| {
                        s.items
                            .iter()
                            .filter(|i| i.state == ItemState::Synced)
                            .map(QueueItem::id)
                            .collect()
                    });
                    crate::reports::sync::delete(ids);
                }
                _ => {}
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, on_edit, confirming);
    };
    view! {
        <section
            class="card queue"
            data-testid="queue"
            hidden=move || state.with(|s| s.items.is_empty() && s.error.is_none())
            on:click=on_click
        >
            <div inner_html=head></div>
            <ul class="queue-list" inner_html=move || list.get()></ul>
        </section>
    }
}

/// The head of the panel: title, network, "N 条待上传" with 立即上传, pause, progress,
/// storage, and a failed save.
fn head_html(s: &SyncState) -> String {
    let net = match s.net {
        Net::Unknown => "",
        Net::Checking => t::NET_CHECKING,
        Net::Online => t::NET_ONLINE,
        Net::Offline => t::NET_OFFLINE,
    };
    let mut html = format!(
        r#"<p class="alert" role="alert" data-testid="queue-error">{}</p><div class="queue-head"><h2>{}</h2><span class="net" data-testid="net-status">{net}</span></div>"#,
        esc(s.error.as_deref().unwrap_or_default()),
        t::QUEUE_TITLE,
    );
    let pending = queue::pending_count(&s.items);
    if pending > 0 {
        html.push_str(&format!(
            r#"<div class="queue-banner"><strong data-testid="queue-banner">{}</strong><button type="button" class="small-button" data-action="sync" data-testid="sync-now">{}</button></div>"#,
            t::pending_banner(pending),
            t::SYNC_NOW
        ));
    }
    if let Some(reason) = &s.paused {
        html.push_str(&format!(
            r#"<p class="alert" role="alert">{}</p>"#,
            esc(reason)
        ));
    }
    if let Some(p) = s.progress {
        html.push_str(&format!(
            r#"<progress data-testid="sync-progress" max="{}" value="{}"></progress><p class="hint" data-testid="sync-progress-text" aria-live="polite">{}</p>"#,
            p.bytes_total.max(1),
            p.bytes_sent,
            t::progress_text(p.items_done, p.items_total, p.bytes_sent, p.bytes_total)
        ));
    }
    if let Some((used, quota)) = s.storage {
        html.push_str(&format!(
            r#"<p class="hint" data-testid="storage-estimate">{}</p>"#,
            t::storage_estimate(used, quota)
        ));
    }
    html
}

/// Text for HTML, escaped (labels and reasons come from the server and the resident).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn button(action: &str, id: Uuid, class: &str, testid: &str, text: &str) -> String {
    format!(
        r#"<button type="button" class="small-button {class}" data-action="{action}" data-for="{id}" data-testid="{testid}">{text}</button>"#
    )
}

/// The rows of the queue list.
fn list_html(items: &[QueueItem], confirming: Option<Uuid>, inline_edit: bool) -> String {
    let mut html = String::new();
    for item in items {
        let id = item.id();
        let state = item.state;
        html.push_str(&format!(
            r#"<li class="queue-item" data-testid="queue-item" data-id="{id}" data-state="{code}"><div class="queue-item-main"><span class="badge queue-{code}" data-testid="queue-state">{label}</span> <span class="queue-label">{text}</span></div><p class="hint">{when} · <span data-testid="queue-photos">{photos}</span></p>"#,
            code = state.code(),
            label = state.label(),
            text = esc(&item.label),
            when = item.queued_at.format_datetime(),
            photos = t::photo_count(item.photo_count),
        ));
        if let Some(c) = &item.tracking_code {
            html.push_str(&format!(
                r#"<p>{label}：<a class="code" href="/track?code={c}" data-testid="queue-code">{c}</a></p>"#,
                label = t::CODE_LABEL,
            ));
        }
        if let Some(r) = &item.reason {
            html.push_str(&format!(
                r#"<p class="alert" data-testid="queue-reason">{}</p>"#,
                esc(r)
            ));
        }
        if matches!(state, ItemState::Queued | ItemState::Attention) {
            html.push_str(r#"<div class="queue-actions">"#);
            if state == ItemState::Attention {
                html.push_str(&button("retry", id, "", "queue-retry", t::RETRY));
                if inline_edit {
                    html.push_str(&button("edit", id, "secondary", "queue-edit", t::EDIT));
                } else {
                    html.push_str(&format!(
                        r#"<a class="button small-button secondary" href="/report?edit={id}" data-testid="queue-edit">{}</a>"#,
                        t::EDIT
                    ));
                }
            }
            if confirming == Some(id) {
                html.push_str(&button(
                    "confirm",
                    id,
                    "danger",
                    "queue-delete-confirm",
                    t::DELETE_CONFIRM,
                ));
                html.push_str(&button(
                    "cancel",
                    id,
                    "link-button",
                    "queue-delete-cancel",
                    t::CANCEL,
                ));
            } else {
                html.push_str(&button(
                    "delete",
                    id,
                    "link-button",
                    "queue-delete",
                    t::DELETE,
                ));
            }
            html.push_str("</div>");
        }
        html.push_str("</li>");
    }
    if items.iter().any(|i| i.state == ItemState::Synced) {
        html.push_str(&format!(
            r#"<li class="queue-foot"><button type="button" class="link-button" data-action="clear" data-testid="queue-clear-synced">{}</button></li>"#,
            t::CLEAR_SYNCED
        ));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CategoryId, Millis, StreetId};
    use crate::reports::ReportDraft;

    fn item(n: u128, state: ItemState) -> QueueItem {
        let mut it = QueueItem::new(
            &ReportDraft {
                report_id: Uuid::from_u128(n),
                category_id: CategoryId(1),
                office_id: None,
                street_id: Some(StreetId(1)),
                location: None,
                description: String::new(),
                contact_phone: String::new(),
                created_on_device: Millis(1_795_786_380_000),
            },
            "🗑️ <b>暴露垃圾</b> · 韩营一巷".into(),
            2048,
            2,
        );
        it.state = state;
        it
    }

    #[test]
    fn rows_escape_text_and_offer_what_each_state_allows() {
        let mut refused = item(2, ItemState::Attention);
        refused.reason = Some("<script>x</script>".into());
        let html = list_html(
            &[
                item(1, ItemState::Queued),
                refused,
                item(3, ItemState::Uploading),
            ],
            None,
            true,
        );
        assert!(html.contains("&lt;b&gt;暴露垃圾&lt;/b&gt;") && !html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;") && !html.contains("<script>"));
        assert_eq!(html.matches(r#"data-testid="queue-item""#).count(), 3);
        assert_eq!(html.matches(r#"data-action="delete""#).count(), 2);
        assert_eq!(html.matches(r#"data-action="retry""#).count(), 1);
        assert_eq!(html.matches(r#"data-action="edit""#).count(), 1);
        assert!(html.contains("2 张照片") && html.contains("待上传") && html.contains("上传中"));
        assert!(!html.contains("queue-clear-synced"));

        // On /my, 修改 is a link to the form; a row being deleted asks to confirm.
        let html = list_html(
            &[item(2, ItemState::Attention)],
            Some(Uuid::from_u128(2)),
            false,
        );
        assert!(html.contains(&format!("/report?edit={}", Uuid::from_u128(2))));
        assert!(html.contains("queue-delete-confirm") && !html.contains(r#"data-action="delete""#));

        let mut sent = item(4, ItemState::Synced);
        sent.tracking_code = Some(crate::domain::TrackingCode::parse("ABCD2345").unwrap());
        let html = list_html(&[sent], None, true);
        assert!(html.contains(r#"href="/track?code=ABCD2345""#));
        assert!(html.contains("queue-clear-synced") && !html.contains("data-action=\"delete\""));
    }
}
