//! Demo 示范户 (demo only): a few honours in each state, so `/honours` has something to show
//! on a fresh install. Call [`seed_demo_honours`] after the demo areas and accounts.

use super::HonourKind;
use super::workflow::public_name;
use crate::db::Db;
use crate::domain::time::DAY_MS;
use crate::domain::{HonourStatus, HonourTitle, Millis};
use crate::error::AppError;

/// (居委会, street or "", kind, title, full name, house number, show it, status)
type DemoHonour = (
    &'static str,
    &'static str,
    HonourKind,
    HonourTitle,
    &'static str,
    &'static str,
    bool,
    HonourStatus,
);

const DEMO: &[DemoHonour] = &[
    (
        "韩营",
        "韩营一巷",
        HonourKind::Household,
        HonourTitle::HygienicFamily,
        "王建华",
        "12号",
        false,
        HonourStatus::Awarded,
    ),
    (
        "韩营",
        "韩营二巷",
        HonourKind::Household,
        HonourTitle::ModelHousehold,
        "李秀兰",
        "3号",
        true,
        HonourStatus::Notice,
    ),
    (
        "韩营",
        "韩营东街",
        HonourKind::Street,
        HonourTitle::ModelStreet,
        "韩营东街",
        "",
        false,
        HonourStatus::Awarded,
    ),
    (
        "陈营",
        "陈营前街",
        HonourKind::Shop,
        HonourTitle::CivilizedShop,
        "陈营便民超市",
        "",
        false,
        HonourStatus::Notice,
    ),
    (
        "杨井沿",
        "",
        HonourKind::Household,
        HonourTitle::HygienicFamily,
        "杨国强",
        "",
        false,
        HonourStatus::Reinspection,
    ),
    (
        "康楼",
        "康楼中街",
        HonourKind::Shop,
        HonourTitle::CivilizedShop,
        "康楼副食店",
        "",
        false,
        HonourStatus::Awarded,
    ),
    (
        "康楼",
        "",
        HonourKind::Household,
        HonourTitle::HygienicFamily,
        "康桂芝",
        "",
        false,
        HonourStatus::Notice,
    ),
    (
        "毛楼",
        "毛楼前街",
        HonourKind::Street,
        HonourTitle::ModelStreet,
        "毛楼前街",
        "",
        false,
        HonourStatus::Notice,
    ),
    (
        "毛楼",
        "",
        HonourKind::Household,
        HonourTitle::ModelHousehold,
        "毛志刚",
        "",
        false,
        HonourStatus::Nominated,
    ),
];

/// Inserts the demo honours when there are none. Returns whether it did.
pub async fn seed_demo_honours(db: &Db) -> Result<bool, AppError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM honours")
        .fetch_one(&db.pool)
        .await?;
    if n > 0 {
        return Ok(false);
    }
    let refs = crate::areas::db::reference_data(db).await?;
    let now = Millis::now();
    let mut tx = db.begin_write().await?;
    for (community, street, kind, title, full, house, show, status) in DEMO {
        let Some(c) = refs.communities.iter().find(|c| c.name == *community) else {
            continue;
        };
        let street_id = refs
            .streets
            .iter()
            .find(|s| s.community_id == c.id && s.name == *street)
            .map(|s| s.id.0);
        let notice_until = (*status == HonourStatus::Notice).then_some(now.0 + 5 * DAY_MS);
        let awarded_at = matches!(status, HonourStatus::Awarded | HonourStatus::Reinspection)
            .then_some(now.0 - 30 * DAY_MS);
        let opt = |v: Option<i64>| v.map_or("NULL".to_string(), |v| v.to_string());
        // The optional integers are written as literals (never bound as None).
        let sql = format!(
            "INSERT INTO honours (office_id, community_id, street_id, kind, title, full_name, \
             public_name, house_number, show_house_number, status, notice_until, awarded_at, \
             created_at, updated_at) VALUES ($1, $2, {}, $3, $4, $5, $6, NULLIF($7, ''), $8, $9, {}, {}, $10, $10) \
             RETURNING id",
            opt(street_id),
            opt(notice_until),
            opt(awarded_at)
        );
        let (id,): (i64,) = sqlx::query_as(&sql)
            .bind(c.office_id.0)
            .bind(c.id.0)
            .bind(kind.code())
            .bind(title.code())
            .bind(*full)
            .bind(public_name(*kind, full, ""))
            .bind(*house)
            .bind(i64::from(*show))
            .bind(status.code())
            .bind(now.0)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO honour_events (honour_id, actor_user, action, from_status, to_status, note, photo_sha256, created_at) \
             VALUES ($1, NULL, 'create', NULL, $2, '', NULL, $3)",
        )
        .bind(id)
        .bind(status.code())
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
