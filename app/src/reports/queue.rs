//! The device queue's rules, kept pure so they are unit-tested natively: an item's states,
//! how a server answer is classified, and the backoff. `queue_store` (IndexedDB) keeps the
//! items and `sync` (the engine in the page) applies these rules; both are browser-only.
//!
//! 待上传 (queued) → 上传中 (uploading) → 已上传 (synced, with its tracking code)
//!                                     ↘ 需处理 (attention, with the reason)
//! An item leaves 待上传 for good only on the server's 200: every retry resends the same
//! report id, so the server answers a repeat with the same receipt and never stores twice.

use super::ReportDraft;
use super::strings::sync as t;
use crate::domain::{Millis, TrackingCode};
use crate::error::AppError;
use uuid::Uuid;

/// First retry after about this long…
pub const BACKOFF_BASE_MS: i64 = 2_000;
/// …doubling up to this (5 min).
pub const BACKOFF_MAX_MS: i64 = 300_000;
/// The longest Retry-After we honour; a longer one is capped so the queue is not stuck.
pub const RETRY_AFTER_MAX_MS: i64 = 3_600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemState {
    Queued,
    Uploading,
    Synced,
    Attention,
}

impl ItemState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Uploading => "uploading",
            Self::Synced => "synced",
            Self::Attention => "attention",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Queued, Self::Uploading, Self::Synced, Self::Attention]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => t::QUEUED,
            Self::Uploading => t::UPLOADING,
            Self::Synced => t::SYNCED,
            Self::Attention => t::ATTENTION,
        }
    }
}

/// One report waiting on the phone (its photos are stored beside it, under the same id).
/// The draft is kept as the JSON that is sent (the `report` part), so reading the queue
/// back needs no JSON parser for it in the wasm.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub id: Uuid,
    pub draft_json: String,
    pub state: ItemState,
    /// "🗑️ 暴露垃圾 · 韩营一巷": what the resident sees in the list, fixed when queued.
    pub label: String,
    pub queued_at: Millis,
    /// Sends tried since it was last queued by the resident.
    pub attempts: u32,
    /// Not to be sent before this (backoff, Retry-After).
    pub next_attempt_at: Millis,
    pub photo_count: usize,
    pub photo_bytes: u64,
    pub tracking_code: Option<TrackingCode>,
    pub synced_at: Option<Millis>,
    /// Why it needs the resident (需处理), in Chinese.
    pub reason: Option<String>,
}

impl QueueItem {
    pub fn new(draft: &ReportDraft, label: String, photo_bytes: u64, photo_count: usize) -> Self {
        let now = draft.created_on_device;
        Self {
            id: draft.report_id,
            // A draft of plain fields always serialises.
            draft_json: serde_json::to_string(draft).unwrap_or_default(),
            state: ItemState::Queued,
            label,
            queued_at: now,
            attempts: 0,
            next_attempt_at: now,
            photo_count,
            photo_bytes,
            tracking_code: None,
            synced_at: None,
            reason: None,
        }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The item as named fields (what IndexedDB stores).
    pub fn to_fields(&self) -> Vec<(&'static str, Field)> {
        let mut f = vec![
            ("id", Field::Text(self.id.to_string())),
            ("draft", Field::Text(self.draft_json.clone())),
            ("state", Field::Text(self.state.code().into())),
            ("label", Field::Text(self.label.clone())),
            ("queued_at", Field::Num(self.queued_at.0 as f64)),
            ("attempts", Field::Num(f64::from(self.attempts))),
            ("next_at", Field::Num(self.next_attempt_at.0 as f64)),
            ("photo_count", Field::Num(self.photo_count as f64)),
            ("photo_bytes", Field::Num(self.photo_bytes as f64)),
        ];
        if let Some(c) = &self.tracking_code {
            f.push(("code", Field::Text(c.to_string())));
        }
        if let Some(at) = self.synced_at {
            f.push(("synced_at", Field::Num(at.0 as f64)));
        }
        if let Some(r) = &self.reason {
            f.push(("reason", Field::Text(r.clone())));
        }
        f
    }

    /// Back from named fields; None when something essential is missing or malformed.
    pub fn from_fields(get: impl Fn(&str) -> Option<Field>) -> Option<Self> {
        let text = |k: &str| match get(k) {
            Some(Field::Text(s)) => Some(s),
            _ => None,
        };
        let num = |k: &str| match get(k) {
            Some(Field::Num(n)) if n.is_finite() && n >= 0.0 => Some(n),
            _ => None,
        };
        Some(Self {
            id: text("id")?.parse().ok()?,
            draft_json: text("draft")?,
            state: ItemState::parse(&text("state")?)?,
            label: text("label").unwrap_or_default(),
            queued_at: Millis(num("queued_at")? as i64),
            attempts: num("attempts").unwrap_or(0.0) as u32,
            next_attempt_at: Millis(num("next_at").unwrap_or(0.0) as i64),
            photo_count: num("photo_count").unwrap_or(0.0) as usize,
            photo_bytes: num("photo_bytes").unwrap_or(0.0) as u64,
            tracking_code: text("code").and_then(|c| TrackingCode::parse(&c).ok()),
            synced_at: num("synced_at").map(|n| Millis(n as i64)),
            reason: text("reason"),
        })
    }

    /// Waiting for the network (queued or in flight): what "N 条待上传" counts.
    pub fn is_pending(&self) -> bool {
        matches!(self.state, ItemState::Queued | ItemState::Uploading)
    }

    pub fn is_due(&self, now: Millis) -> bool {
        self.state == ItemState::Queued && self.next_attempt_at.0 <= now.0
    }

    /// Taken by the engine for one send.
    pub fn start_upload(&mut self) {
        self.state = ItemState::Uploading;
        self.attempts = self.attempts.saturating_add(1);
    }

    /// Found 上传中 when the engine starts: the page was closed mid-send. Back to 待上传; the
    /// resend carries the same report id, so the server cannot store it twice.
    pub fn recover(&mut self, now: Millis) {
        if self.state == ItemState::Uploading {
            self.state = ItemState::Queued;
            self.next_attempt_at = now;
        }
    }

    /// The resident's 重试 on a 需处理 item (or 立即上传 on a waiting one).
    pub fn retry_now(&mut self, now: Millis) {
        if self.state == ItemState::Attention {
            self.attempts = 0;
        }
        if matches!(self.state, ItemState::Attention | ItemState::Queued) {
            self.state = ItemState::Queued;
            self.reason = None;
            self.next_attempt_at = now;
        }
    }

    /// 立即上传 or back online: a waiting item is due now (需处理 items still wait for the
    /// resident).
    pub fn make_due(&mut self, now: Millis) {
        if self.state == ItemState::Queued && self.next_attempt_at.0 > now.0 {
            self.next_attempt_at = now;
        }
    }

    /// Applies what the send came to. `jitter` is a random number in [0, 1).
    pub fn apply(&mut self, outcome: &Outcome, now: Millis, jitter: f64) {
        match outcome {
            Outcome::Synced(code) => {
                self.state = ItemState::Synced;
                self.tracking_code = Some(code.clone());
                self.synced_at = Some(now);
                self.reason = None;
            }
            Outcome::Retry { after_ms } => {
                self.state = ItemState::Queued;
                let backoff = backoff_ms(self.attempts, jitter);
                let wait = after_ms.map_or(backoff, |a| a.clamp(0, RETRY_AFTER_MAX_MS));
                self.next_attempt_at = Millis(now.0 + wait);
            }
            Outcome::Attention(reason) => {
                self.state = ItemState::Attention;
                self.reason = Some(reason.clone());
            }
            Outcome::Pause(_) => {
                // Not this item's fault: it waits, untouched, until the queue resumes.
                self.state = ItemState::Queued;
                self.attempts = self.attempts.saturating_sub(1);
            }
        }
    }
}

/// Jittered exponential backoff after the `failures`-th failure in a row: about 2 s, 4 s,
/// 8 s … up to 5 min, each drawn from [half, whole] of the step so that many phones coming
/// back online at once do not hit the server together.
pub fn backoff_ms(failures: u32, jitter: f64) -> i64 {
    let step = BACKOFF_BASE_MS
        .saturating_mul(1_i64 << failures.saturating_sub(1).min(20))
        .min(BACKOFF_MAX_MS);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    step / 2 + (step as f64 / 2.0 * jitter) as i64
}

/// What came back from one send, as the engine saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum SendResult {
    /// No HTTP answer at all (offline, connection reset, timeout, aborted).
    Network,
    /// Not sent: the phone could not read all of the report's photos back (the IndexedDB read
    /// failed, or fewer came back than were stored). A report never goes without its photos.
    PhotosUnread,
    Http {
        status: u16,
        /// The Retry-After header, if any.
        retry_after: Option<String>,
        body: String,
    },
}

/// What the queue does with an item after a send.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The server has it: 已上传, with its tracking code.
    Synced(TrackingCode),
    /// Try again later (after the server's Retry-After, if it gave one, in ms).
    Retry { after_ms: Option<i64> },
    /// The server refused the report itself: the resident must look (需处理).
    Attention(String),
    /// Not allowed right now (401/403): the whole queue waits.
    Pause(String),
}

/// Whether the `read` photos that came back from the phone are all of the item's. Only then
/// may the report be sent (a failed read is not sent either).
pub fn photos_complete(item: &QueueItem, read: usize) -> bool {
    read >= item.photo_count
}

/// Network error, 408, 429 and 5xx are passing troubles (retry); 400/409/413/422 mean the
/// report itself must change (需处理); 401/403 pause the queue. A 200 that is not our receipt
/// (a captive portal answering for the server) is no confirmation: retry. Photos the phone
/// could not read back are a passing trouble of the phone's: retry, never 需处理.
pub fn classify(id: Uuid, result: &SendResult) -> Outcome {
    let SendResult::Http {
        status,
        retry_after,
        body,
    } = result
    else {
        // Network, PhotosUnread.
        return Outcome::Retry { after_ms: None };
    };
    // `from_slice`, as the server functions decode their errors: the same code in the wasm.
    let error: Option<AppError> = serde_json::from_slice(body.as_bytes()).ok();
    let header_ms = retry_after.as_deref().and_then(parse_retry_after);
    match status {
        200..=299 => match receipt_code(body, id) {
            Some(code) => Outcome::Synced(code),
            None => Outcome::Retry { after_ms: None },
        },
        401 | 403 => Outcome::Pause(
            error
                .map(|e| e.to_string())
                .unwrap_or_else(|| t::PAUSED.to_string()),
        ),
        408 | 429 | 500..=599 => {
            let body_ms = match error {
                Some(AppError::TooManyRequests { retry_after_secs }) => {
                    Some(i64::try_from(retry_after_secs).unwrap_or(i64::MAX / 2) * 1000)
                }
                _ => None,
            };
            Outcome::Retry {
                after_ms: header_ms.or(body_ms),
            }
        }
        400 | 409 | 413 | 422 => Outcome::Attention(match error {
            Some(e @ (AppError::BadRequest(_) | AppError::Conflict(_))) => e.to_string(),
            Some(e @ AppError::PayloadTooLarge(_)) => e.to_string(),
            _ if *status == 413 => t::TOO_LARGE.to_string(),
            _ => t::REFUSED.to_string(),
        }),
        // 404 while a deploy swaps servers, 3xx from a proxy, anything unexpected: not the
        // report's fault, so it waits and is tried again.
        _ => Outcome::Retry {
            after_ms: header_ms,
        },
    }
}

/// The tracking code in the server's receipt for report `id` (the receipt's JSON is read
/// by hand: a full JSON decoder for it would cost wasm). None for anything else.
pub fn receipt_code(body: &str, id: Uuid) -> Option<TrackingCode> {
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.contains(&format!("\"report_id\":\"{id}\"")) {
        return None;
    }
    let key = "\"tracking_code\":\"";
    let start = compact.find(key)? + key.len();
    let end = start + compact[start..].find('"')?;
    TrackingCode::parse(&compact[start..end]).ok()
}

/// A stored field of an item.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Text(String),
    Num(f64),
}

/// Retry-After in seconds (the HTTP-date form is rare for these answers and ignored).
pub fn parse_retry_after(value: &str) -> Option<i64> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .map(|secs| i64::from(secs) * 1000)
}

/// "N 条待上传".
pub fn pending_count(items: &[QueueItem]) -> usize {
    items.iter().filter(|i| i.is_pending()).count()
}

/// When the next queued item falls due (None when nothing waits).
pub fn next_due(items: &[QueueItem]) -> Option<Millis> {
    items
        .iter()
        .filter(|i| i.state == ItemState::Queued)
        .map(|i| i.next_attempt_at)
        .min_by_key(|m| m.0)
}

/// The items to send now, oldest first.
pub fn due_ids(items: &[QueueItem], now: Millis) -> Vec<Uuid> {
    let mut due: Vec<&QueueItem> = items.iter().filter(|i| i.is_due(now)).collect();
    sort_by_key(&mut due, |i| (i.queued_at.0, i.id()));
    due.into_iter().map(QueueItem::id).collect()
}

/// The list as shown: waiting and troubled items first (oldest first), then the sent ones
/// (newest first).
pub fn display_order(items: &mut [QueueItem]) {
    sort_by_key(items, |i| match i.state {
        ItemState::Synced => (1, -i.synced_at.unwrap_or(i.queued_at).0, i.id()),
        _ => (0, i.queued_at.0, i.id()),
    });
}

/// What the engine knows of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Net {
    #[default]
    Unknown,
    Checking,
    Online,
    Offline,
}

/// Everything the pages show of the queue, in one signal (one signal type, not six: each
/// costs the phone wasm to download).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncState {
    pub items: Vec<QueueItem>,
    pub net: Net,
    pub progress: Option<Progress>,
    /// Why the queue is paused (401/403), if it is.
    pub paused: Option<String>,
    /// (used, quota) bytes from `navigator.storage.estimate()`.
    pub storage: Option<(u64, u64)>,
    /// A failed write to the device (full, unavailable), in Chinese.
    pub error: Option<String>,
}

/// Insertion sort: a queue (or a device's list of codes) holds a handful of items, and the standard library's sorts
/// would add kilobytes to the wasm the phone downloads.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Progress of one sync run, for the bar: items and bytes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Progress {
    pub items_done: usize,
    pub items_total: usize,
    pub bytes_sent: u64,
    pub bytes_total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CategoryId, ReportStatus, StreetId};

    fn item(at: i64) -> QueueItem {
        let draft = ReportDraft {
            report_id: Uuid::from_u128(at as u128),
            category_id: CategoryId(1),
            office_id: None,
            street_id: Some(StreetId(2)),
            location: None,
            description: String::new(),
            contact_phone: String::new(),
            created_on_device: Millis(at),
        };
        QueueItem::new(&draft, "🗑️ 暴露垃圾 · 韩营一巷".into(), 1000, 1)
    }

    fn http(status: u16, retry_after: Option<&str>, body: &str) -> SendResult {
        SendResult::Http {
            status,
            retry_after: retry_after.map(str::to_string),
            body: body.to_string(),
        }
    }

    fn receipt_json(id: Uuid) -> String {
        serde_json::to_string(&crate::reports::Receipt {
            report_id: id,
            tracking_code: TrackingCode::parse("ABCD2345").unwrap(),
            received_at: Millis(5),
            status: ReportStatus::Pending,
        })
        .unwrap()
    }

    #[test]
    fn backoff_grows_from_about_two_seconds_to_five_minutes() {
        assert_eq!(backoff_ms(1, 0.0), 1_000);
        assert_eq!(backoff_ms(1, 1.0), 2_000);
        assert_eq!(backoff_ms(2, 1.0), 4_000);
        assert_eq!(backoff_ms(3, 0.5), 6_000);
        assert_eq!(backoff_ms(9, 1.0), BACKOFF_MAX_MS);
        assert_eq!(backoff_ms(500, 1.0), BACKOFF_MAX_MS);
        assert_eq!(backoff_ms(500, 0.0), BACKOFF_MAX_MS / 2);
        // A zero count is treated as the first failure; a broken random number as the middle.
        assert_eq!(backoff_ms(0, 1.0), 2_000);
        assert_eq!(backoff_ms(1, f64::NAN), 1_500);
        for n in 1..30 {
            let (lo, hi) = (backoff_ms(n, 0.0), backoff_ms(n, 0.999));
            assert!(lo <= hi && hi <= BACKOFF_MAX_MS && lo >= BACKOFF_BASE_MS / 2);
            assert!(backoff_ms(n + 1, 0.0) >= lo);
        }
    }

    #[test]
    fn answers_are_classified_by_status() {
        let id = Uuid::from_u128(7);
        assert_eq!(
            classify(id, &http(200, None, &receipt_json(id))),
            Outcome::Synced(TrackingCode::parse("ABCD2345").unwrap())
        );
        // A receipt for another report is no confirmation of this one.
        assert_eq!(
            classify(id, &http(200, None, &receipt_json(Uuid::from_u128(8)))),
            Outcome::Retry { after_ms: None }
        );
        // A captive portal's page with 200 is not a receipt.
        assert_eq!(
            classify(id, &http(200, None, "<html>登录WiFi</html>")),
            Outcome::Retry { after_ms: None }
        );
        assert_eq!(
            classify(id, &SendResult::Network),
            Outcome::Retry { after_ms: None }
        );
        for status in [408, 500, 502, 503, 504] {
            assert_eq!(
                classify(id, &http(status, None, "")),
                Outcome::Retry { after_ms: None },
                "{status}"
            );
        }
        assert_eq!(
            classify(id, &http(503, Some("7"), "<html>busy</html>")),
            Outcome::Retry {
                after_ms: Some(7_000)
            }
        );
        // 429: the header wins; without it, our own JSON body says how long.
        let too_many = serde_json::to_string(&AppError::TooManyRequests {
            retry_after_secs: 30,
        })
        .unwrap();
        assert_eq!(
            classify(id, &http(429, None, &too_many)),
            Outcome::Retry {
                after_ms: Some(30_000)
            }
        );
        assert_eq!(
            classify(id, &http(429, Some("5"), &too_many)),
            Outcome::Retry {
                after_ms: Some(5_000)
            }
        );
        for status in [401, 403] {
            assert!(matches!(
                classify(id, &http(status, None, "")),
                Outcome::Pause(_)
            ));
        }
        let bad = serde_json::to_string(&AppError::bad_request("照片不是图片")).unwrap();
        assert_eq!(
            classify(id, &http(400, None, &bad)),
            Outcome::Attention("照片不是图片".into())
        );
        assert_eq!(
            classify(id, &http(413, None, "too big")),
            Outcome::Attention(t::TOO_LARGE.into())
        );
        for status in [409, 422] {
            assert_eq!(
                classify(id, &http(status, None, "{}")),
                Outcome::Attention(t::REFUSED.into())
            );
        }
        // 404 (mid-deploy) and the unexpected: the report waits.
        assert_eq!(
            classify(id, &http(404, None, "")),
            Outcome::Retry { after_ms: None }
        );
    }

    #[test]
    fn unreadable_photos_keep_the_item_waiting_with_its_backoff() {
        let mut it = item(1_000);
        assert_eq!(it.photo_count, 1);
        // Fewer photos than were stored: not to be sent.
        assert!(!photos_complete(&it, 0));
        assert!(photos_complete(&it, 1));
        it.photo_count = 3;
        assert!(!photos_complete(&it, 2) && photos_complete(&it, 3));
        it.photo_count = 1;

        let outcome = classify(it.id(), &SendResult::PhotosUnread);
        assert_eq!(outcome, Outcome::Retry { after_ms: None });
        it.start_upload();
        it.apply(&outcome, Millis(10_000), 1.0);
        assert_eq!(
            (it.state, it.attempts, it.reason.as_deref()),
            (ItemState::Queued, 1, None)
        );
        assert!(it.is_pending() && !it.is_due(Millis(11_999)) && it.is_due(Millis(12_000)));
        // Again: the normal backoff grows.
        it.start_upload();
        it.apply(&outcome, Millis(20_000), 1.0);
        assert_eq!(it.state, ItemState::Queued);
        assert_eq!(it.next_attempt_at, Millis(24_000));
    }

    #[test]
    fn retry_after_takes_seconds_only() {
        assert_eq!(parse_retry_after(" 120 "), Some(120_000));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn an_item_goes_through_its_states() {
        let mut it = item(1_000);
        assert!(it.is_pending() && it.is_due(Millis(1_000)));
        it.start_upload();
        assert_eq!((it.state, it.attempts), (ItemState::Uploading, 1));
        assert!(it.is_pending() && !it.is_due(Millis(9_999_999)));

        // A network error: waits its backoff.
        it.apply(&Outcome::Retry { after_ms: None }, Millis(10_000), 1.0);
        assert_eq!(it.state, ItemState::Queued);
        assert_eq!(it.next_attempt_at, Millis(12_000));
        let mut forced = it.clone();
        forced.make_due(Millis(10_500));
        assert!(forced.is_due(Millis(10_500)));
        assert!(!it.is_due(Millis(11_999)) && it.is_due(Millis(12_000)));

        // A 503 with Retry-After: 60 waits the server's minute, not the backoff.
        it.start_upload();
        it.apply(
            &Outcome::Retry {
                after_ms: Some(60_000),
            },
            Millis(20_000),
            0.0,
        );
        assert_eq!(it.next_attempt_at, Millis(80_000));

        // A pause does not count as a try.
        it.start_upload();
        it.apply(&Outcome::Pause("请先登录".into()), Millis(90_000), 0.0);
        assert_eq!((it.state, it.attempts), (ItemState::Queued, 2));

        // Refused: 需处理 with the reason, never due by itself.
        it.start_upload();
        it.apply(&Outcome::Attention("照片太大".into()), Millis(95_000), 0.0);
        assert_eq!(it.state, ItemState::Attention);
        assert_eq!(it.reason.as_deref(), Some("照片太大"));
        assert!(!it.is_pending() && !it.is_due(Millis(i64::MAX)));
        it.recover(Millis(96_000));
        assert_eq!(
            it.state,
            ItemState::Attention,
            "recovery leaves 需处理 alone"
        );

        // The resident's 重试.
        it.make_due(Millis(99_000));
        assert_eq!(
            it.state,
            ItemState::Attention,
            "立即上传 does not resend a refused report"
        );
        it.retry_now(Millis(100_000));
        assert_eq!(it.state, ItemState::Queued);
        assert_eq!(it.reason, None);
        assert!(it.is_due(Millis(100_000)));

        it.start_upload();
        let code = receipt_code(&receipt_json(it.id()), it.id()).unwrap();
        it.apply(&Outcome::Synced(code), Millis(101_000), 0.0);
        assert_eq!(it.state, ItemState::Synced);
        assert_eq!(it.tracking_code.as_ref().unwrap().as_str(), "ABCD2345");
        assert!(!it.is_pending() && !it.is_due(Millis(i64::MAX)));
        // A synced item cannot be sent again.
        it.retry_now(Millis(102_000));
        assert_eq!(it.state, ItemState::Synced);
    }

    #[test]
    fn an_upload_cut_by_a_reload_is_queued_again() {
        let mut it = item(1);
        it.start_upload();
        it.recover(Millis(50));
        assert_eq!(it.state, ItemState::Queued);
        assert!(it.is_due(Millis(50)));
        assert_eq!(it.id(), Uuid::from_u128(1), "the same report id is resent");
    }

    #[test]
    fn the_queue_sends_oldest_first_and_knows_when_to_wake() {
        let mut a = item(3_000);
        let b = item(1_000);
        let mut c = item(2_000);
        c.state = ItemState::Attention;
        a.next_attempt_at = Millis(9_000);
        let items = vec![a.clone(), b.clone(), c.clone()];
        assert_eq!(due_ids(&items, Millis(5_000)), vec![b.id()]);
        assert_eq!(due_ids(&items, Millis(9_000)), vec![b.id(), a.id()]);
        assert_eq!(next_due(&items), Some(Millis(1_000)));
        assert_eq!(pending_count(&items), 2);
        assert_eq!(next_due(&[c]), None);
    }

    #[test]
    fn the_small_sort_sorts() {
        let mut v = vec![5, 1, 4, 1, 3, 9, 0];
        sort_by_key(&mut v, |x| *x);
        assert_eq!(v, [0, 1, 1, 3, 4, 5, 9]);
        let mut empty: Vec<i32> = vec![];
        sort_by_key(&mut empty, |x| *x);
        assert!(empty.is_empty());
    }

    #[test]
    fn the_list_shows_waiting_items_before_sent_ones() {
        let mut sent_early = item(1);
        sent_early.state = ItemState::Synced;
        sent_early.synced_at = Some(Millis(10));
        let mut sent_late = item(2);
        sent_late.state = ItemState::Synced;
        sent_late.synced_at = Some(Millis(20));
        let waiting = item(5);
        let mut list = vec![sent_early.clone(), waiting.clone(), sent_late.clone()];
        display_order(&mut list);
        let ids: Vec<_> = list.iter().map(QueueItem::id).collect();
        assert_eq!(ids, [waiting.id(), sent_late.id(), sent_early.id()]);
    }

    #[test]
    fn items_round_trip_through_their_stored_fields() {
        let mut it = item(42);
        let fields = it.to_fields();
        let get = |f: &[(&str, Field)], k: &str| {
            f.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get(&fields, "state"), Some(Field::Text("queued".into())));
        assert_eq!(
            QueueItem::from_fields(|k| get(&fields, k)),
            Some(it.clone())
        );
        // The draft is stored as the JSON that is sent.
        let draft: ReportDraft = serde_json::from_str(&it.draft_json).unwrap();
        assert_eq!(draft.report_id, it.id());

        it.state = ItemState::Synced;
        it.tracking_code = Some(TrackingCode::parse("ABCD2345").unwrap());
        it.synced_at = Some(Millis(7));
        it.reason = Some("照片太大".into());
        let fields = it.to_fields();
        assert_eq!(QueueItem::from_fields(|k| get(&fields, k)), Some(it));
        // Damaged records are skipped, not guessed at.
        assert_eq!(
            QueueItem::from_fields(|k| get(&fields, k).filter(|_| k != "id")),
            None
        );
        assert_eq!(
            QueueItem::from_fields(|k| if k == "state" {
                Some(Field::Text("lost".into()))
            } else {
                get(&fields, k)
            }),
            None
        );
    }

    #[test]
    fn the_receipt_code_is_read_only_from_this_reports_receipt() {
        let id = Uuid::from_u128(3);
        let body = receipt_json(id);
        assert_eq!(receipt_code(&body, id).unwrap().as_str(), "ABCD2345");
        let spaced = body.replace(',', ", ").replace(':', ": ");
        assert_eq!(receipt_code(&spaced, id).unwrap().as_str(), "ABCD2345");
        assert_eq!(receipt_code(&body, Uuid::from_u128(4)), None);
        assert_eq!(receipt_code("<html>ok</html>", id), None);
        let bad = body.replace("ABCD2345", "ABCD234O");
        assert_eq!(receipt_code(&bad, id), None);
    }
}
