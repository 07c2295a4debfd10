//! Synthetic reports shaped like a district's year, for benchmarks and for trying the
//! product at size (`server synthetic --reports N`).
//!
//! Every report sits on a street of the area tree (one in twenty only on GPS), with a
//! category, one to three photos (real JPEGs in the photo store, shared between reports as
//! the content-addressed store allows), an optional phone number, and the events of the
//! path it took: 待受理 → 已立案 → 已派遣 (with the category's 处置时限) → 已整改 → 已结案, or
//! 不予受理 / 重复 / 转办 on the way; some closed ones were reopened by the resident once and
//! closed again, some dispatched ones are past their deadline. Older reports are mostly
//! closed; the last two weeks are mostly open. The same `seed` gives the same data.
//!
//! Written in multi-row INSERTs of literal values (integers, and text from the fixed lists
//! below; nothing from outside) in one transaction, with the kept figures counted as the rows
//! are made.

use super::figures;
use crate::db::{Backend, Db, DbResult};
use crate::domain::time::{DAY_MS, HOUR_MS};
use crate::domain::tracking::{ALPHABET, LEN};
use crate::domain::{Millis, OfficeId};
use crate::error::AppError;
use crate::storage::PhotoStore;

const DESCRIPTIONS: &[&str] = &[
    "巷口垃圾堆了三天没人清理",
    "路灯不亮，晚上走路看不清",
    "下水道井盖松动，有安全隐患",
    "墙上小广告贴了一大片",
    "电动车乱停，堵住了巷子",
    "路面坑洼，下雨天积水",
    "楼道杂物堆放，影响通行",
    "绿化带里有建筑垃圾",
];
const UNITS: &[&str] = &["环卫所", "市政所", "社区网格员", "城管中队"];
const PHOTO_VARIANTS: u8 = 6;

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filled {
    pub reports: i64,
    pub events: i64,
    pub photos: i64,
}

/// A tiny deterministic generator (splitmix64): the same seed, the same year. Also the
/// synthetic findings' (`supervision::synthetic`).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `per_mille` / 1000.
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

/// A tracking code from a report's number: a bijection of 0..31⁸ (multiplication by a
/// number prime to 31, then base 31), so codes are unique and look random.
pub fn tracking_code_of(n: u64) -> String {
    let space = (ALPHABET.len() as u64).pow(LEN as u32);
    let mut x = (n % space).wrapping_mul(0x2545_F491) % space;
    let mut out = [b'2'; LEN];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(x % ALPHABET.len() as u64) as usize];
        x /= ALPHABET.len() as u64;
    }
    String::from_utf8_lossy(&out).into_owned()
}

struct Place {
    street: i64,
    community: i64,
    office: i64,
}

/// A 单元网格 to put points in: its id, box and shape.
struct GridSpot {
    id: i64,
    bbox: [f64; 4],
    shape: crate::geo::Shape,
}

struct Refs {
    places: Vec<Place>,
    /// The active grids, and which of them each community and each office has.
    grids: Vec<GridSpot>,
    grids_of_community: std::collections::HashMap<i64, Vec<usize>>,
    grids_of_office: std::collections::HashMap<i64, Vec<usize>>,
    /// (id, deadline hours), with a weight each (the first ones are commoner).
    categories: Vec<(i64, i64)>,
    offices: Vec<i64>,
    /// A staff account per office, where there is one (events name it as the actor).
    staff_of: std::collections::HashMap<i64, i64>,
}

/// The area tree and the staff accounts, through their owners (`areas::db`, `session`), in
/// id order so that a seed always gives the same data.
async fn refs(db: &Db) -> DbResult<Refs> {
    let tree = crate::areas::db::reference_data(db).await?;
    let office_of: std::collections::HashMap<i64, i64> = tree
        .communities
        .iter()
        .map(|c| (c.id.0, c.office_id.0))
        .collect();
    let mut places: Vec<Place> = tree
        .streets
        .iter()
        .filter_map(|s| {
            Some(Place {
                street: s.id.0,
                community: s.community_id.0,
                office: *office_of.get(&s.community_id.0)?,
            })
        })
        .collect();
    places.sort_by_key(|p| p.street);
    let mut categories: Vec<(i64, i64)> = tree
        .categories
        .iter()
        .map(|c| (c.id.0, c.deadline_hours))
        .collect();
    categories.sort_unstable();
    let mut offices: Vec<i64> = tree.offices.iter().map(|o| o.id.0).collect();
    offices.sort_unstable();
    let office_named: std::collections::HashMap<&str, i64> = tree
        .offices
        .iter()
        .map(|o| (o.name.as_str(), o.id.0))
        .collect();
    let mut staff_of = std::collections::HashMap::new();
    for account in crate::session::auth::list_users(db).await? {
        let Some(office) = account
            .office_name
            .as_deref()
            .and_then(|n| office_named.get(n))
        else {
            continue;
        };
        let first = staff_of.entry(*office).or_insert(account.id.0);
        *first = (*first).min(account.id.0);
    }
    // The grids through their owner (areas::db::grids), in code order.
    let mut grids = Vec::new();
    let mut grids_of_office: std::collections::HashMap<i64, Vec<usize>> = Default::default();
    let mut grids_of_community: std::collections::HashMap<i64, Vec<usize>> = Default::default();
    for g in crate::areas::db::grids::grids(db, None, false).await? {
        let Ok(coords) = serde_json::from_str::<crate::geo::MultiCoords>(&g.geometry) else {
            continue;
        };
        let shape = crate::geo::Shape::from_coords(coords);
        let at = grids.len();
        grids_of_office.entry(g.office_id.0).or_default().push(at);
        if let Some(c) = g.community_id {
            grids_of_community.entry(c.0).or_default().push(at);
        }
        grids.push(GridSpot {
            id: g.id.0,
            bbox: shape.bbox().0,
            shape,
        });
    }
    Ok(Refs {
        places,
        grids_of_community,
        grids_of_office,
        grids,
        categories,
        offices,
        staff_of,
    })
}

impl Refs {
    /// A point for a report and the grid it lies in: inside a grid of the street's community
    /// (a GPS-only report: of its office), drawn by its own generator so that the rest of the
    /// year is the same with grids or without. None where there are no such grids.
    fn spot(&self, place: &Place, gps_only: bool, rng: &mut Rng) -> Option<(i64, f64, f64)> {
        let candidates = (!gps_only)
            .then(|| self.grids_of_community.get(&place.community))
            .flatten()
            .or_else(|| self.grids_of_office.get(&place.office))?;
        let grid = &self.grids[*candidates.get(rng.below(candidates.len() as u64) as usize)?];
        let [x0, y0, x1, y1] = grid.bbox;
        for _ in 0..32 {
            let lon = x0 + (x1 - x0) * rng.below(1_000_000) as f64 / 1e6;
            let lat = y0 + (y1 - y0) * rng.below(1_000_000) as f64 / 1e6;
            if grid.shape.contains(lon, lat) {
                return Some((grid.id, lat, lon));
            }
        }
        let [lon, lat] = grid.shape.inner_point()?;
        Some((grid.id, lat, lon))
    }
}

/// Makes the photos the reports point at: `PHOTO_VARIANTS` real pictures through the same
/// processing as an upload, stored with their thumbnails. Returns (sha, width, height, bytes).
async fn make_photos(store: &PhotoStore) -> Result<Vec<(String, u32, u32, usize)>, AppError> {
    let mut out = Vec::new();
    for v in 0..PHOTO_VARIANTS {
        let img = image::RgbImage::from_fn(640, 480, |x, y| {
            let t = u32::from(v) * 40;
            image::Rgb([
                ((x / 3 + t) % 256) as u8,
                ((y / 2 + 2 * t) % 256) as u8,
                (((x + y) / 5 + 3 * t) % 256) as u8,
            ])
        });
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .map_err(|_| AppError::Internal)?;
        let p = crate::reports::photo::process_and_store(store, png).await?;
        out.push((
            p.sha256.as_str().to_string(),
            p.width,
            p.height,
            p.jpeg.len(),
        ));
    }
    Ok(out)
}

/// Rows being gathered for one multi-row INSERT each.
struct Batch {
    into: String,
    rows: Vec<String>,
    written: i64,
}

impl Batch {
    const ROWS: usize = 1000;

    fn new(into: impl Into<String>) -> Self {
        Self {
            into: into.into(),
            rows: Vec::with_capacity(Self::ROWS),
            written: 0,
        }
    }

    fn push(&mut self, row: String) {
        self.rows.push(row);
    }

    fn full(&self) -> bool {
        self.rows.len() >= Self::ROWS
    }

    /// Sends the gathered rows as one statement; false when nobody receives any more.
    fn flush(&mut self, out: &tokio::sync::mpsc::Sender<String>) -> bool {
        if self.rows.is_empty() {
            return true;
        }
        let sql = format!("INSERT INTO {} VALUES {}", self.into, self.rows.join(", "));
        self.written += self.rows.len() as i64;
        self.rows.clear();
        out.blocking_send(sql).is_ok()
    }
}

/// The indexes of the report tables that no constraint depends on: (name, CREATE statement).
async fn secondary_indexes(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
) -> DbResult<Vec<(String, String)>> {
    let sql = match backend {
        // Indexes made for UNIQUE constraints have no SQL of their own and stay.
        Backend::Sqlite => {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ('reports', 'report_events', 'report_photos')"
        }
        Backend::Postgres => {
            "SELECT CAST(indexname AS TEXT), indexdef FROM pg_indexes \
             WHERE schemaname = current_schema() \
             AND tablename IN ('reports', 'report_events', 'report_photos') \
             AND indexname NOT IN (SELECT CAST(conname AS TEXT) FROM pg_constraint)"
        }
    };
    Ok(sqlx::query_as(sql).fetch_all(&mut **tx).await?)
}

fn sql_opt(v: Option<i64>) -> String {
    v.map_or_else(|| "NULL".to_string(), |v| v.to_string())
}

/// Fills the database with `n` synthetic reports received over the year before `now`.
/// Refuses when there are reports already or no streets and categories to put them on.
pub async fn fill(
    db: &Db,
    store: &PhotoStore,
    n: u64,
    now: Millis,
    seed: u64,
) -> Result<Filled, AppError> {
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reports")
        .fetch_one(&db.pool)
        .await?;
    if existing > 0 {
        return Err(AppError::Conflict(
            "synthetic reports go into a database without reports".into(),
        ));
    }
    let refs = refs(db).await?;
    if refs.places.is_empty() || refs.categories.is_empty() {
        return Err(AppError::bad_request(
            "the database needs offices, streets and categories first (SEED_DEMO=true)",
        ));
    }
    let photos = make_photos(store).await?;
    let rules = crate::escalation::rules(db).await?;
    let t0 = std::time::Instant::now();
    let mut tx = db.begin_write().await?;
    if db.backend == Backend::Sqlite {
        // A bulk load touches every index page: let this connection cache them (256 MB).
        sqlx::query("PRAGMA cache_size = -262144")
            .execute(&mut *tx)
            .await?;
    }
    // Building an index once at the end is far cheaper than keeping it through millions of
    // inserts: set the secondary indexes aside (their DDL as the database reports it), load,
    // and create them again, all in this transaction (a failure restores them).
    let indexes = secondary_indexes(&mut tx, db.backend).await?;
    for (name, _) in &indexes {
        sqlx::query(&format!("DROP INDEX {name}"))
            .execute(&mut *tx)
            .await?;
    }
    let (sender, mut statements) = tokio::sync::mpsc::channel::<String>(4);
    let backend = db.backend;
    let generator = std::thread::spawn(move || {
        generate(n, now, seed, &refs, &photos, &rules, backend, &sender)
    });
    while let Some(sql) = statements.recv().await {
        sqlx::query(&sql).execute(&mut *tx).await?;
    }
    let (filled, delta) = generator.join().ok().flatten().ok_or(AppError::Internal)?;
    for (_, ddl) in &indexes {
        sqlx::query(ddl).execute(&mut *tx).await?;
    }
    if db.backend == Backend::Postgres {
        // Ids were given explicitly: move the sequence past them.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('reports', 'id'), \
             (SELECT COALESCE(MAX(id), 1) FROM reports))",
        )
        .execute(&mut *tx)
        .await?;
    }
    figures::replace_all(&mut tx, &delta).await?;
    tx.commit().await?;
    tracing::info!(secs = t0.elapsed().as_secs_f64(), "synthetic rows written");
    // Planner statistics; on PostgreSQL also the visibility map, so counts over an index
    // need not visit the table (autovacuum would do it later).
    let analyze = match db.backend {
        Backend::Postgres => "VACUUM ANALYZE",
        Backend::Sqlite => "ANALYZE",
    };
    sqlx::query(analyze).execute(&db.pool).await?;
    tracing::info!(
        secs = t0.elapsed().as_secs_f64(),
        "planner statistics gathered"
    );
    Ok(filled)
}

/// Writes the INSERT statements of `n` reports into `out`, reports before the rows that refer
/// to them. Runs on its own thread while the database executes what it sent; None when the
/// receiver went away.
#[allow(clippy::too_many_arguments)]
fn generate(
    n: u64,
    now: Millis,
    seed: u64,
    refs: &Refs,
    photos: &[(String, u32, u32, usize)],
    rules: &crate::escalation::Rules,
    backend: Backend,
    out: &tokio::sync::mpsc::Sender<String>,
) -> Option<(Filled, figures::Delta)> {
    let mut rng = Rng(seed);
    let year = 365 * DAY_MS;
    let start = now.0 - year;
    let mut delta = figures::Delta::default();
    // The ids are given (events and photos refer to them); PostgreSQL's identity column
    // takes them only when told so.
    let overriding = match backend {
        Backend::Postgres => " OVERRIDING SYSTEM VALUE",
        Backend::Sqlite => "",
    };
    let mut reports = Batch::new(format!(
        "reports (id, client_uuid, tracking_code, content_hash, category_id, office_id, \
         community_id, street_id, lat, lon, accuracy_m, description, contact_phone, status, \
         created_on_device, received_at, updated_at, dispatched_to, deadline_at, duplicate_of, \
         version, rectified_at, closed_at, reopen_count, transferred_from, escalation_level, \
         escalated_at, grid_id){overriding}"
    ));
    let mut events = Batch::new(
        "report_events (report_id, actor_user, action, from_status, to_status, note, \
         public_note, created_at, office_id)",
    );
    let mut photo_rows = Batch::new(
        "report_photos (report_id, kind, position, sha256, mime, width, height, bytes, \
         created_at)",
    );
    for k in 0..n {
        let id = k as i64 + 1;
        // Received evenly over the year, a little jittered; busier by day than by night.
        let mut received = start + (k as i64 * year) / n.max(1) as i64;
        received += rng.below(600_000) as i64;
        if rng.chance(300) {
            received -= (received + 8 * HOUR_MS).rem_euclid(DAY_MS) / 3;
        }
        let received = received.min(now.0 - 60_000);
        let age = now.0 - received;
        let place = &refs.places[rng.below(refs.places.len() as u64) as usize];
        // Commoner categories first: a skewed pick.
        let ci = (rng.below(refs.categories.len() as u64) * rng.below(1000) / 1000) as usize;
        let (category, hours) = refs.categories[ci];
        let gps_only = rng.chance(50);
        let mut office = place.office;
        let description = DESCRIPTIONS[rng.below(DESCRIPTIONS.len() as u64) as usize];
        let phone = rng
            .chance(300)
            .then(|| format!("'138{:08}'", rng.below(100_000_000)));
        let staff = |office: i64| sql_opt(refs.staff_of.get(&office).copied());

        // The path: a list of (action, from, to, at, public note).
        let mut path: Vec<(&str, Option<&str>, &str, i64, bool)> =
            vec![("submit", None, "pending", received, false)];
        let mut transferred_from = None;
        let mut status = "pending";
        let mut at = received;
        let mut step = |rng: &mut Rng, hours_max: i64| {
            at = (at + HOUR_MS / 4 + rng.below((hours_max * HOUR_MS) as u64) as i64)
                .min(now.0 - 1_000);
            at
        };
        let old = age > 14 * DAY_MS;
        // How far it got.
        let r = rng.below(1000);
        let target = if old {
            match r {
                0..=49 => "rejected",
                50..=79 => "duplicate",
                80..=84 => "pending",
                85..=94 => "accepted",
                95..=124 => "dispatched",
                125..=139 => "rectified",
                _ => "closed",
            }
        } else {
            match r {
                0..=49 => "rejected",
                50..=69 => "duplicate",
                70..=219 => "pending",
                220..=369 => "accepted",
                370..=669 => "dispatched",
                670..=769 => "rectified",
                _ => "closed",
            }
        };
        if target != "pending" && rng.chance(20) && refs.offices.len() > 1 {
            // 转办 first: it arrived in the wrong office.
            let other = refs.offices[rng.below(refs.offices.len() as u64) as usize];
            if other != office {
                transferred_from = Some(other);
                let t = step(&mut rng, 4);
                path.push(("transfer", Some("pending"), "pending", t, false));
                office = place.office;
            }
        }
        let mut deadline = None;
        let mut rectified = None;
        let mut closed = None;
        let mut dispatched_to = None;
        let mut duplicate_of = None;
        let mut reopen_count = 0;
        match target {
            "rejected" => {
                let t = step(&mut rng, 24);
                path.push(("reject", Some("pending"), "rejected", t, true));
                status = "rejected";
            }
            "duplicate" if id > 1 => {
                let t = step(&mut rng, 24);
                path.push(("duplicate", Some("pending"), "duplicate", t, true));
                duplicate_of = Some(id - 1 - rng.below((id - 1).min(50) as u64) as i64);
                status = "duplicate";
            }
            "pending" | "duplicate" => {}
            _ => {
                let t = step(&mut rng, 12);
                path.push(("accept", Some("pending"), "accepted", t, false));
                status = "accepted";
                let rounds = if target == "closed" && rng.chance(40) {
                    2
                } else {
                    1
                };
                for round in 0..rounds {
                    if target == "accepted" {
                        break;
                    }
                    let t = step(&mut rng, 6);
                    path.push(("dispatch", Some("accepted"), "dispatched", t, false));
                    dispatched_to = Some(UNITS[rng.below(UNITS.len() as u64) as usize]);
                    let due = t + hours * HOUR_MS;
                    deadline = Some(due);
                    status = "dispatched";
                    if target == "dispatched" {
                        break;
                    }
                    // Most are rectified in time; some late.
                    let span = if rng.chance(850) { hours } else { hours * 3 };
                    let t = step(&mut rng, span);
                    path.push(("rectify", Some("dispatched"), "rectified", t, true));
                    rectified = Some(t);
                    status = "rectified";
                    if target == "rectified" {
                        break;
                    }
                    let t = step(&mut rng, 24);
                    path.push(("close", Some("rectified"), "closed", t, true));
                    closed = Some(t);
                    status = "closed";
                    if round + 1 < rounds {
                        // The resident says it is not fixed: back to 已立案.
                        let t = step(&mut rng, 48);
                        path.push(("resident_reopen", Some("closed"), "accepted", t, false));
                        reopen_count += 1;
                        (deadline, rectified, closed) = (None, None, None);
                        status = "accepted";
                    } else if rng.chance(600) {
                        // The 回访: most who answer are 满意, some 基本满意.
                        let t = step(&mut rng, 48);
                        let answer = if rng.chance(750) {
                            "resident_satisfied"
                        } else {
                            "resident_basic"
                        };
                        path.push((answer, Some("closed"), "closed", t, false));
                    }
                }
            }
        }
        let updated = path.last().map_or(received, |p| p.3);
        let version = path.len();
        // Past its deadline while dispatched: the escalation rules' steps as the sweep would
        // have written them (no actor, the status unchanged).
        let mut level = 0;
        let mut escalated_at = None;
        if let (Some(d), "dispatched") = (deadline, status) {
            let standing = crate::escalation::Standing {
                deadline_at: Millis(d),
                level: 0,
                escalated_at: None,
                rework: 0,
            };
            for (l, t) in crate::escalation::steps_due(rules, standing, now) {
                let action = crate::escalation::action_of(l);
                path.push((action, Some("dispatched"), "dispatched", t.0, false));
                (level, escalated_at) = (l, Some(t.0));
            }
        }
        // The kept figures, counted as the rows are written.
        delta.add(
            &figures::Snapshot {
                office,
                status: status.to_string(),
                received_at: received,
                closed_at: closed,
                rectified_at: rectified,
                deadline_at: deadline,
                escalation_level: level,
            },
            1,
        );
        for p in &path {
            if let Some(answer) = figures::Answer::of_action(p.0) {
                delta.answered(OfficeId(office), Millis(p.3), answer);
            }
        }
        let spot = refs.spot(
            place,
            gps_only,
            &mut Rng(seed ^ k.wrapping_mul(0x2545_F491)),
        );
        let (mut lat, mut lon, street, community) = if gps_only {
            (
                format!("{:.6}", 33.62 + rng.below(10_000) as f64 / 1e6),
                format!("{:.6}", 114.65 + rng.below(10_000) as f64 / 1e6),
                "NULL".to_string(),
                "NULL".to_string(),
            )
        } else {
            (
                "NULL".into(),
                "NULL".into(),
                place.street.to_string(),
                place.community.to_string(),
            )
        };
        if let Some((_, la, lo)) = spot {
            (lat, lon) = (format!("{la:.6}"), format!("{lo:.6}"));
        }
        let grid = sql_opt(spot.map(|(g, _, _)| g));
        reports.push(format!(
            "({id}, '00000000-0000-4000-8000-{id:012x}', '{code}', 'synthetic', \
                     {category}, {office}, {community}, {street}, {lat}, {lon}, {acc}, \
                     '{description}', {phone}, '{status}', {received}, {received}, {updated}, \
                     {unit}, {deadline}, {dup}, {version}, {rectified}, {closed}, \
                     {reopen_count}, {from}, {level}, {escalated}, {grid})",
            code = tracking_code_of(k),
            acc = if gps_only || spot.is_some() {
                "15"
            } else {
                "NULL"
            },
            phone = phone.as_deref().unwrap_or("NULL"),
            unit = dispatched_to.map_or("NULL".to_string(), |u| format!("'{u}'")),
            deadline = sql_opt(deadline),
            dup = sql_opt(duplicate_of),
            rectified = sql_opt(rectified),
            escalated = sql_opt(escalated_at),
            closed = sql_opt(closed),
            from = sql_opt(transferred_from),
        ));
        for (action, from, to, t, public) in &path {
            let actor = if *action == "submit"
                || action.starts_with("resident")
                || crate::escalation::is_step(action)
            {
                "NULL".to_string()
            } else {
                staff(office)
            };
            // As the service writes them: no office on the submission, the office acting
            // on every later step (a transfer's is the office it left).
            let event_office = match *action {
                "submit" => "NULL".to_string(),
                "transfer" => transferred_from.unwrap_or(office).to_string(),
                _ => office.to_string(),
            };
            events.push(format!(
                "({id}, {actor}, '{action}', {from}, '{to}', '', {public}, {t}, \
                     {event_office})",
                from = from.map_or("NULL".to_string(), |f| format!("'{f}'")),
                public = i64::from(*public),
            ));
        }
        let before = 1 + rng.below(3);
        let photo = |kind: &str, position: u64, at: i64, rng: &mut Rng| {
            let (sha, w, h, bytes) = &photos[rng.below(photos.len() as u64) as usize];
            format!("({id}, '{kind}', {position}, '{sha}', 'image/jpeg', {w}, {h}, {bytes}, {at})")
        };
        for position in 0..before {
            let row = photo("before", position, received, &mut rng);
            photo_rows.push(row);
        }
        if let Some(t) = rectified {
            let row = photo("after", 0, t, &mut rng);
            photo_rows.push(row);
        }
        // Reports before the rows that refer to them.
        if (reports.full() || events.full() || photo_rows.full())
            && !(reports.flush(out) && events.flush(out) && photo_rows.flush(out))
        {
            return None;
        }
    }
    if !(reports.flush(out) && events.flush(out) && photo_rows.flush(out)) {
        return None;
    }
    Some((
        Filled {
            reports: reports.written,
            events: events.written,
            photos: photo_rows.written,
        },
        delta,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for n in 0..100_000 {
            let code = tracking_code_of(n);
            assert!(crate::domain::TrackingCode::parse(&code).is_ok(), "{code}");
            assert!(seen.insert(code), "code of {n} repeats");
        }
    }
}
