//! Demo data from the seed page: the development zone's real offices and communities,
//! a few named alleys each, and the 数字城管 categories relevant to 背街小巷.

use crate::db::{Db, DbResult};

/// A community and its streets.
type DemoCommunity = (&'static str, &'static [&'static str]);

/// (office, [(community, [streets])])
pub const DEMO_AREAS: &[(&str, &[DemoCommunity])] = &[
    (
        "太昊路办事处",
        &[
            ("韩营", &["韩营东街", "韩营一巷", "韩营二巷"]),
            ("陈营", &["陈营前街", "陈营后街", "陈营三巷"]),
            ("杨井沿", &["杨井沿北巷", "杨井沿南巷"]),
            ("南徐", &["南徐大街", "南徐一巷"]),
        ],
    ),
    (
        "淮河路办事处",
        &[
            ("康楼", &["康楼中街", "康楼西巷", "康楼东巷"]),
            ("姚滩", &["姚滩河沿街", "姚滩一巷"]),
            ("康庄", &["康庄北街", "康庄南巷"]),
        ],
    ),
    (
        "开元路产业集聚区",
        &[
            ("毛楼", &["毛楼前街", "毛楼后巷", "毛楼小学巷"]),
            ("路庄", &["路庄东街", "路庄西巷"]),
        ],
    ),
];

/// (code, name, icon, 处置时限 in hours)
pub const DEMO_CATEGORIES: &[(&str, &str, &str, i64)] = &[
    ("exposed_garbage", "暴露垃圾", "🗑️", 4),
    ("accumulated_waste", "积存垃圾渣土", "⛏️", 24),
    ("dirty_road", "道路不洁", "🧹", 4),
    ("overflowing_bin", "垃圾满溢", "🚮", 4),
    ("sanitation_blind_spot", "卫生死角", "🕸️", 24),
    ("illegal_flyers", "非法小广告", "📄", 24),
    ("piled_materials", "乱堆物堆料", "🧱", 24),
    ("scrap_collection", "占道废品收购", "♻️", 24),
    ("outside_business", "店外经营", "🏪", 4),
    ("street_drying", "沿街晾挂", "👕", 8),
    ("illegal_building", "私搭乱建", "🏚️", 120),
    ("dry_toilet", "旱厕", "🚻", 168),
    ("livestock", "擅自饲养家禽家畜", "🐔", 72),
    ("standing_water", "路面积水/黑臭水体", "💧", 24),
    ("abandoned_furniture", "废弃家具设备", "🛋️", 48),
    ("other", "其他", "❓", 72),
];

/// The group (Open311's service group) of a demo category.
pub fn demo_group(code: &str) -> &'static str {
    use super::strings as s;
    match code {
        "exposed_garbage"
        | "accumulated_waste"
        | "dirty_road"
        | "overflowing_bin"
        | "sanitation_blind_spot"
        | "dry_toilet"
        | "livestock"
        | "standing_water" => s::GROUP_SANITATION,
        "illegal_flyers"
        | "piled_materials"
        | "scrap_collection"
        | "outside_business"
        | "street_drying"
        | "illegal_building"
        | "abandoned_furniture" => s::GROUP_ORDER,
        _ => s::GROUP_OTHER,
    }
}

/// Inserts the demo areas and categories into an empty database. Returns whether it did.
pub async fn seed_demo(db: &Db) -> DbResult<bool> {
    let mut tx = db.begin_write().await?;
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM offices")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Ok(false);
    }
    for (oi, (office, communities)) in DEMO_AREAS.iter().enumerate() {
        let (office_id,): (i64,) =
            sqlx::query_as("INSERT INTO offices (name, sort_order) VALUES ($1, $2) RETURNING id")
                .bind(*office)
                .bind(oi as i64)
                .fetch_one(&mut *tx)
                .await?;
        for (ci, (community, streets)) in communities.iter().enumerate() {
            let (community_id,): (i64,) = sqlx::query_as(
                "INSERT INTO communities (office_id, name, sort_order) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(office_id)
            .bind(*community)
            .bind(ci as i64)
            .fetch_one(&mut *tx)
            .await?;
            for (si, street) in streets.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO streets (community_id, name, sort_order) VALUES ($1, $2, $3)",
                )
                .bind(community_id)
                .bind(*street)
                .bind(si as i64)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    for (i, (code, name, icon, hours)) in DEMO_CATEGORIES.iter().enumerate() {
        sqlx::query(
            "INSERT INTO categories (code, name, icon, deadline_hours, sort_order, active, \
                 group_name) \
             VALUES ($1, $2, $3, $4, $5, 1, $6)",
        )
        .bind(*code)
        .bind(*name)
        .bind(*icon)
        .bind(*hours)
        .bind(i as i64)
        .bind(demo_group(code))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Where the demo grids lie: 周口's 川汇区, west to east one office after another, each
/// office's communities south to north, one grid a community (about 560 m × 550 m).
const DEMO_GRID_ORIGIN: [f64; 2] = [114.630, 33.610];
const DEMO_GRID_SIZE: [f64; 2] = [0.006, 0.005];
/// 川汇区's administrative code: the first six digits of a GB/T 30428 grid code.
const DEMO_DISTRICT_CODE: &str = "411602";

/// The demo 单元网格 (made up, for `make run` to show a map with no data of a district's
/// own): one per demo community, coded like GB/T 30428 (district, office, community, grid).
pub fn demo_grid_shapes() -> Vec<(
    String,
    String,
    &'static str,
    &'static str,
    crate::geo::Shape,
)> {
    use crate::geo::{Polygon, Ring, Shape};
    let mut out = Vec::new();
    for (oi, (office, communities)) in DEMO_AREAS.iter().enumerate() {
        for (ci, (community, _)) in communities.iter().enumerate() {
            let x = DEMO_GRID_ORIGIN[0] + oi as f64 * DEMO_GRID_SIZE[0];
            let y = DEMO_GRID_ORIGIN[1] + ci as f64 * DEMO_GRID_SIZE[1];
            let [w, h] = DEMO_GRID_SIZE;
            let shape = Shape {
                polygons: vec![Polygon {
                    outer: Ring(vec![[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]),
                    holes: vec![],
                }],
            };
            let code = format!("{DEMO_DISTRICT_CODE}{:03}{:03}001", oi + 1, ci + 1);
            out.push((
                code,
                format!("{community}第一网格"),
                *office,
                *community,
                shape,
            ));
        }
    }
    out
}

/// Puts the demo grids into a database that has the demo offices and no grid. Returns
/// whether it did.
pub async fn seed_demo_grids(db: &Db, now: crate::domain::Millis) -> DbResult<bool> {
    use super::db::grids::{GridValues, GridWrite};
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM grids")
        .fetch_one(&db.pool)
        .await?;
    if existing > 0 {
        return Ok(false);
    }
    let offices = super::db::offices(db).await?;
    let communities = super::db::communities(db).await?;
    let mut writes = Vec::new();
    for (code, name, office, community, shape) in demo_grid_shapes() {
        let Some(o) = offices.iter().find(|o| o.name == office) else {
            continue;
        };
        let c = communities
            .iter()
            .find(|c| c.office_id == o.id && c.name == community);
        writes.push(GridWrite::Insert(GridValues {
            code,
            name,
            office: o.id,
            community: c.map(|c| c.id),
            geometry: serde_json::to_string(&shape.to_coords())
                .map_err(|_| crate::error::AppError::Internal)?,
            bbox: shape.bbox().0,
            vertices: shape.vertices() as i64,
        }));
    }
    if writes.is_empty() {
        return Ok(false);
    }
    super::db::grids::apply(db, &writes, now).await?;
    Ok(true)
}
