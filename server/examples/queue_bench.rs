//! Benchmark (not a test): the triage queue with a million reports in the database.
//!
//! ```sh
//! cargo run --release -p server --example queue_bench                 # SQLite, 1,000,000 reports
//! BENCH_REPORTS=200000 cargo run --release -p server --example queue_bench
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jx_bench cargo run --release -p server --example queue_bench
//! ```
//!
//! Fills a fresh database (demo areas, then N reports spread over the offices, streets and
//! categories: 90 % closed, the rest open, some dispatched past their deadline), then times the
//! queries staff pages make, each repeated, and prints the median and the slowest run.

use app::domain::{Millis, OfficeId, ReportNo};
use app::reports::db::triage as db;
use app::staff::QueueFilter;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::var("BENCH_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let db = server::database::connect(&url, Some(4)).await?;
    server::database::migrate(&db).await?;
    app::areas::seed::seed_demo(&db).await?;
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reports")
        .fetch_one(&db.pool)
        .await?;
    if existing == 0 {
        let t = Instant::now();
        fill(&db, n).await?;
        println!("filled {n} reports in {:.1} s", t.elapsed().as_secs_f64());
    }
    let (offices, streets, categories) = refs(&db).await?;
    let office = offices[0];
    let now = Millis::now();

    let open = QueueFilter::default();
    let overdue = QueueFilter {
        overdue_only: true,
        ..Default::default()
    };
    let street = QueueFilter {
        street: Some(streets[0].0),
        ..Default::default()
    };
    let closed_cat = QueueFilter {
        status: Some(app::domain::ReportStatus::Closed),
        category: Some(categories[0]),
        ..Default::default()
    };
    // A cursor deep in the open queue: the 40th page.
    let mut deep = QueueFilter::default();
    for _ in 0..40 {
        let page = db::queue(&db, Some(office), &deep, now, 20).await?;
        match page.next {
            Some(c) => deep.after = Some(c),
            None => break,
        }
    }
    let cases: Vec<(&str, Option<OfficeId>, QueueFilter)> = vec![
        (
            "queue, one office, open (first page + counts)",
            Some(office),
            open.clone(),
        ),
        ("queue, one office, overdue only", Some(office), overdue),
        ("queue, one office, one street", Some(office), street),
        (
            "queue, one office, closed + one category",
            Some(office),
            closed_cat,
        ),
        ("queue, one office, 41st page by keyset", Some(office), deep),
        ("queue, admin (all offices), open", None, open),
    ];
    println!("| query | median | slowest | rows |");
    println!("|---|---|---|---|");
    for (name, scope, filter) in cases {
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..21 {
            let t = Instant::now();
            let page = db::queue(&db, scope, &filter, now, 20).await?;
            times.push(t.elapsed());
            rows = page.rows.len();
        }
        report(name, &mut times, rows);
    }
    let some_report = ReportNo(n as i64 / 2);
    let mut times = Vec::new();
    for _ in 0..21 {
        let t = Instant::now();
        db::detail(&db, some_report, now).await?;
        times.push(t.elapsed());
    }
    report(
        "report detail (photos, events, duplicate candidates)",
        &mut times,
        1,
    );
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let today = now.cst_day();
        app::reports::db::figures::record(&db, Some(office), Some(today - 29), today + 1).await?;
        times.push(t.elapsed());
    }
    report("dashboard record, one office, 30 days", &mut times, 1);
    Ok(())
}

fn report(name: &str, times: &mut [Duration], rows: usize) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| {name} | {:.2} ms | {:.2} ms | {rows} |",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}

type Refs = (
    Vec<OfficeId>,
    Vec<(app::domain::StreetId, i64, i64)>,
    Vec<app::domain::CategoryId>,
);

async fn refs(db: &app::db::Db) -> anyhow::Result<Refs> {
    let offices: Vec<(i64,)> = sqlx::query_as("SELECT id FROM offices ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    let streets: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT s.id, s.community_id, c.office_id FROM streets s \
         JOIN communities c ON c.id = s.community_id ORDER BY s.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let cats: Vec<(i64,)> = sqlx::query_as("SELECT id FROM categories ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    Ok((
        offices.into_iter().map(|r| OfficeId(r.0)).collect(),
        streets
            .into_iter()
            .map(|(s, c, o)| (app::domain::StreetId(s), c, o))
            .collect(),
        cats.into_iter()
            .map(|r| app::domain::CategoryId(r.0))
            .collect(),
    ))
}

/// N reports over a year, in multi-row INSERTs inside one transaction.
async fn fill(db: &app::db::Db, n: usize) -> anyhow::Result<()> {
    let (_, streets, cats) = refs(db).await?;
    let now = Millis::now().0;
    let year = 365 * 86_400_000_i64;
    let mut tx = db.pool.begin().await?;
    let batch = 500;
    let mut i = 0;
    while i < n {
        let mut values = Vec::with_capacity(batch);
        for k in i..(i + batch).min(n) {
            let (street, community, office) = streets[k % streets.len()];
            let cat = cats[(k / 7) % cats.len()];
            let received = now - year + (k as i64 * year / n as i64);
            let (status, deadline, closed) = match k % 100 {
                0..=89 => (
                    "closed",
                    format!("{}", received + 86_400_000),
                    format!("{}", received + 40_000_000),
                ),
                90..=92 => ("pending", "NULL".into(), "NULL".into()),
                93..=94 => ("accepted", "NULL".into(), "NULL".into()),
                95..=97 => (
                    "dispatched",
                    format!("{}", received + 4 * 3_600_000),
                    "NULL".into(),
                ),
                _ => (
                    "rectified",
                    format!("{}", received + 86_400_000),
                    "NULL".into(),
                ),
            };
            values.push(format!(
                "('b{k}', 'B{k:07}', 'h', {cat}, {office}, {community}, {street}, '', '{status}', \
                 {received}, {received}, {received}, {deadline}, {closed}, {closed})",
                cat = cat.0,
                street = street.0,
            ));
        }
        let sql = format!(
            "INSERT INTO reports (client_uuid, tracking_code, content_hash, category_id, \
                 office_id, community_id, street_id, description, status, created_on_device, \
                 received_at, updated_at, deadline_at, closed_at, rectified_at) VALUES {}",
            values.join(", ")
        );
        sqlx::query(&sql).execute(&mut *tx).await?;
        i += batch;
    }
    tx.commit().await?;
    // The kept figures, as the server rebuilds them after a bulk load.
    app::reports::db::figures::rebuild(db).await?;
    // Planner statistics, as a database that has been running a while would have.
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    Ok(())
}
