//! Fault drills with the real components (issue 28): the database restarted and stopped under
//! a submission load, the photo bucket unreachable during uploads, SQLite's disk full, and a
//! thousand slow clients holding connections. Each drives submissions the way the phone's
//! queue sends them (the same report id again after a network error, 408, 429 or 5xx,
//! waiting for `Retry-After`), then checks that nothing was lost, nothing doubled and no
//! answer was a 500.

use crate::common::{TestApp, backend, small_jpeg, spawn_app_with};
use std::collections::BTreeMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a load saw: every status answered (0: no answer) and each report's 查询码.
#[derive(Default)]
struct Seen {
    statuses: Mutex<BTreeMap<u16, usize>>,
    receipts: Mutex<BTreeMap<uuid::Uuid, String>>,
    /// Answers 503 without a `Retry-After`.
    bare_503: Mutex<usize>,
    /// The longest a report took from its first try to its receipt.
    slowest: Mutex<Duration>,
}

impl Seen {
    fn count(&self, status: u16) -> usize {
        self.statuses
            .lock()
            .unwrap()
            .get(&status)
            .copied()
            .unwrap_or(0)
    }
}

/// A resident's report on 韩营一巷 with one photo of its own.
fn report_form(id: uuid::Uuid, street: i64, category: i64, n: usize) -> reqwest::multipart::Form {
    use reqwest::multipart::{Form, Part};
    let draft = serde_json::json!({
        "report_id": id,
        "category_id": category,
        "office_id": null,
        "street_id": street,
        "location": null,
        "description": format!("第{n}号：门口有垃圾"),
        "contact_phone": "",
        "created_on_device": 1_795_786_380_000_i64,
    });
    let mut photo = small_jpeg((n % 251) as u8);
    // A different photo for each report (the comment bytes differ).
    photo.splice(
        2..2,
        [
            [0xff, 0xfe, 0x00, 0x06].as_slice(),
            &(n as u32).to_be_bytes(),
        ]
        .concat(),
    );
    Form::new()
        .part(
            "report",
            Part::text(draft.to_string())
                .mime_str("application/json")
                .unwrap(),
        )
        .part(
            "photo",
            Part::bytes(photo)
                .file_name("p.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        )
}

/// Sends `total` reports from `clients` concurrent clients to `url`, each until the server
/// gives its receipt, as the phone's queue does, each client pausing `pace` between its
/// reports (so that the load lasts through the faults); gives up on a report after
/// `patience`.
async fn load(
    url: String,
    (street, category): (i64, i64),
    clients: usize,
    total: usize,
    pace: Duration,
    patience: Duration,
) -> Arc<Seen> {
    let seen = Arc::new(Seen::default());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (seen, client, url) = (seen.clone(), client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            for n in (c..total).step_by(clients) {
                let id = uuid::Uuid::new_v4();
                let started = Instant::now();
                loop {
                    assert!(
                        started.elapsed() < patience,
                        "report {n} not received after {patience:?}"
                    );
                    let res = client
                        .post(&url)
                        .multipart(report_form(id, street, category, n))
                        .send()
                        .await;
                    let (status, retry_after, body) = match res {
                        Ok(res) => {
                            let status = res.status().as_u16();
                            let retry_after = res
                                .headers()
                                .get("retry-after")
                                .and_then(|v| v.to_str().ok())
                                .and_then(|v| v.parse::<u64>().ok());
                            (status, retry_after, res.text().await.unwrap_or_default())
                        }
                        Err(_) => (0, None, String::new()),
                    };
                    *seen.statuses.lock().unwrap().entry(status).or_default() += 1;
                    if std::env::var_os("CHAOS_TRACE").is_some() {
                        eprintln!("TRACE report {n} try at {:?}: {status}", started.elapsed());
                    }
                    if status == 503 && retry_after.is_none() {
                        *seen.bare_503.lock().unwrap() += 1;
                    }
                    if status == 200 {
                        let receipt: app::reports::Receipt = serde_json::from_str(&body).unwrap();
                        assert_eq!(receipt.report_id, id);
                        seen.receipts
                            .lock()
                            .unwrap()
                            .insert(id, receipt.tracking_code.to_string());
                        let took = started.elapsed();
                        let mut slowest = seen.slowest.lock().unwrap();
                        *slowest = (*slowest).max(took);
                        break;
                    }
                    assert!(
                        matches!(status, 0 | 408 | 429 | 500..=599),
                        "report {n}: {status} is not one to retry: {body}"
                    );
                    // The queue waits for Retry-After (shortened here) or backs off.
                    let wait = retry_after.map_or(300, |s| (s * 1000).min(1500));
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                tokio::time::sleep(pace).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    seen
}

/// Every receipt names one report with its photo, and there is nothing else.
async fn nothing_lost_nothing_doubled(app: &TestApp, seen: &Seen, total: usize) {
    let receipts = seen.receipts.lock().unwrap().clone();
    assert_eq!(receipts.len(), total, "a receipt for every report");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM reports").await,
        total as i64,
        "one row per report"
    );
    for (id, code) in &receipts {
        let (stored,): (String,) =
            sqlx::query_as("SELECT tracking_code FROM reports WHERE client_uuid = $1")
                .bind(id.to_string())
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        assert_eq!(&stored, code, "the receipt's code is the stored one");
    }
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM reports r WHERE NOT EXISTS \
             (SELECT 1 FROM report_photos p WHERE p.report_id = r.id)"
        )
        .await,
        0,
        "no report without its photo"
    );
    assert_eq!(
        seen.count(500),
        0,
        "no 500 among {:?}",
        seen.statuses.lock().unwrap()
    );
    assert_eq!(
        *seen.bare_503.lock().unwrap(),
        0,
        "every 503 says when to come back"
    );
}

/// A PostgreSQL cluster of the test's own (its own data directory and port), so that it can be
/// restarted and stopped without touching the databases of the other tests.
struct PrivatePostgres {
    dir: tempfile::TempDir,
    port: u16,
    bin: std::path::PathBuf,
}

impl PrivatePostgres {
    fn bin_dir() -> std::path::PathBuf {
        let root = std::path::Path::new("/usr/lib/postgresql");
        let mut versions: Vec<_> = std::fs::read_dir(root)
            .expect("PostgreSQL's programs under /usr/lib/postgresql")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        versions.sort();
        versions.pop().expect("a PostgreSQL version").join("bin")
    }

    /// Runs one of PostgreSQL's programs as the `postgres` account (they refuse root).
    fn run(&self, program: &str, args: &[&str]) {
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join(program))
            .args(args)
            .output()
            .expect("runuser");
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("chown")
            .args(["postgres:postgres", &dir.path().display().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "chown the cluster's directory");
        let pg = Self {
            port: crate::common::free_port(),
            bin: Self::bin_dir(),
            dir,
        };
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        pg.start();
        pg
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn ctl(&self, action: &str) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
            self.port,
            self.dir.path().display()
        );
        let data = self.data();
        let log = self.dir.path().join("log").display().to_string();
        let mut args = vec!["-D", &data, "-l", &log, "-w", "-m", "fast"];
        if action != "stop" {
            args.extend(["-o", &options]);
        }
        args.push(action);
        self.run("pg_ctl", &args);
    }

    fn start(&self) {
        self.ctl("start");
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
    }
}

async fn street_and_category(app: &TestApp) -> (i64, i64) {
    (
        app.scalar("SELECT id FROM streets WHERE name = '韩营一巷'")
            .await,
        app.scalar("SELECT id FROM categories WHERE code = 'exposed_garbage'")
            .await,
    )
}

/// PostgreSQL restarted 1 s into a load of 300 submissions from 8 clients, then stopped for
/// 16 s: a submission waits up to 12 s for connections, then fails with 503 and
/// `Retry-After` (never 500); the phones send them again, and every report is there once
/// with its photo.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgresql_restarted_and_stopped_under_load_loses_nothing() {
    if backend() != "postgres" {
        eprintln!("a PostgreSQL drill: runs with TEST_DATABASE=postgres");
        return;
    }
    let pg = Arc::new(PrivatePostgres::new());
    let app = spawn_app_with(&[
        ("DATABASE_URL", pg.url().as_str()),
        ("REPORT_RATE_LIMIT", "100000/60"),
    ])
    .await;
    let place = street_and_category(&app).await;
    let faults = {
        let pg = pg.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let p = pg.clone();
            tokio::task::spawn_blocking(move || p.ctl("restart"))
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_secs(2)).await;
            let p = pg.clone();
            tokio::task::spawn_blocking(move || p.ctl("stop"))
                .await
                .unwrap();
            // Longer than a request waits for a connection (2 s for the shared rate limit,
            // then 10 s): some get 503.
            tokio::time::sleep(Duration::from_secs(16)).await;
            let p = pg.clone();
            tokio::task::spawn_blocking(move || p.start())
                .await
                .unwrap();
        })
    };
    let seen = load(
        app.url("/api/reports/submit"),
        place,
        8,
        300,
        Duration::from_millis(150),
        Duration::from_secs(120),
    )
    .await;
    faults.await.unwrap();
    eprintln!(
        "PostgreSQL drill: {:?}, the slowest report took {:?}",
        seen.statuses.lock().unwrap(),
        seen.slowest.lock().unwrap()
    );
    assert!(
        seen.count(503) > 0,
        "the outage was seen: {:?}",
        seen.statuses.lock().unwrap()
    );
    nothing_lost_nothing_doubled(&app, &seen, 300).await;
}

/// A TCP relay to `target` that can be switched off (connections refused, the ones open cut)
/// and on again: an S3 server that goes away and comes back with its data.
struct Relay {
    port: u16,
    target: std::net::SocketAddr,
    running: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Relay {
    async fn new(target: std::net::SocketAddr) -> Arc<Self> {
        let relay = Arc::new(Self {
            port: crate::common::free_port(),
            target,
            running: Mutex::new(None),
        });
        relay.on().await;
        relay
    }

    async fn on(&self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .unwrap();
        let target = self.target;
        let task = tokio::spawn(async move {
            let mut open = tokio::task::JoinSet::new();
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                open.spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        *self.running.lock().unwrap() = Some(task);
    }

    /// Stops listening and cuts every open connection (the JoinSet aborts them on drop).
    fn off(&self) {
        if let Some(task) = self.running.lock().unwrap().take() {
            task.abort();
        }
    }
}

/// The S3 server unreachable for 8 s in the middle of 120 submissions: no report without
/// its photos, no photo the database names missing from the bucket, the phones retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_bucket_unreachable_during_uploads_loses_nothing() {
    let (bucket, mut s3) = crate::common::s3_bucket().await;
    let endpoint = crate::common::s3_endpoint().await;
    let target: std::net::SocketAddr = endpoint
        .trim_start_matches("http://")
        .parse()
        .expect("the S3 endpoint's address");
    let relay = Relay::new(target).await;
    for (k, v) in s3.iter_mut() {
        if *k == "S3_ENDPOINT" {
            *v = format!("http://127.0.0.1:{}", relay.port);
        }
    }
    let mut env: Vec<(&str, &str)> = s3.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.push(("REPORT_RATE_LIMIT", "100000/60"));
    let app = spawn_app_with(&env).await;
    let place = street_and_category(&app).await;
    let faults = {
        let relay = relay.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            relay.off();
            tokio::time::sleep(Duration::from_secs(8)).await;
            relay.on().await;
        })
    };
    let seen = load(
        app.url("/api/reports/submit"),
        place,
        6,
        120,
        Duration::from_millis(100),
        Duration::from_secs(120),
    )
    .await;
    faults.await.unwrap();
    let slowest = *seen.slowest.lock().unwrap();
    eprintln!(
        "S3 drill: {:?}, the slowest report took {slowest:?}",
        seen.statuses.lock().unwrap()
    );
    assert!(
        seen.count(503) > 0 || slowest > Duration::from_secs(3),
        "the outage was seen by the load"
    );
    nothing_lost_nothing_doubled(&app, &seen, 120).await;
    // Every photo the database names is in the bucket.
    let keys: std::collections::HashSet<String> = crate::common::s3_keys(&bucket, "photos/")
        .await
        .into_iter()
        .collect();
    let shas: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT sha256 FROM report_photos")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert!(!shas.is_empty());
    for (sha,) in shas {
        let key = format!("photos/{}/{sha}.jpg", &sha[..2]);
        assert!(keys.contains(&key), "{key} is missing from the bucket");
    }
}

/// SQLite and the photos on a 24 MB disk that fills up: submissions get 503 (never 500),
/// nothing is stored half, the database stays sound, and once space is freed the same
/// server takes the reports the phones send again, with no restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_refuses_with_503_and_recovers_by_itself() {
    if backend() == "postgres" {
        eprintln!("a SQLite drill: runs with TEST_DATABASE=sqlite");
        return;
    }
    let mount = tempfile::tempdir().unwrap();
    let dir = mount.path().display().to_string();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=24m", "tmpfs", &dir])
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        // Mounting needs root, which `make test` has on the machines it runs on.
        eprintln!("cannot mount a small disk here (not root?): the drill did not run");
        return;
    }
    struct Unmount(String);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(dir.clone());
    let url = format!("sqlite://{dir}/jx.db?mode=rwc");
    let app = spawn_app_with(&[
        ("DATABASE_URL", url.as_str()),
        ("DATA_DIR", dir.as_str()),
        ("REPORT_RATE_LIMIT", "100000/60"),
    ])
    .await;
    let place = street_and_category(&app).await;
    // Fill the disk to its last few hundred KB.
    let filler = mount.path().join("filler");
    let free = || {
        let out = Command::new("df")
            .args(["--output=avail", "-B1", &dir])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse::<u64>().ok())
            .unwrap()
    };
    let fill = free().saturating_sub(300 * 1024);
    std::fs::write(&filler, vec![0u8; fill as usize]).unwrap();

    let freed = {
        let filler = filler.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(4)).await;
            std::fs::remove_file(&filler).unwrap();
        })
    };
    let seen = load(
        app.url("/api/reports/submit"),
        place,
        4,
        60,
        Duration::from_millis(50),
        Duration::from_secs(60),
    )
    .await;
    freed.await.unwrap();
    eprintln!("full disk drill: {:?}", seen.statuses.lock().unwrap());
    assert!(
        seen.count(503) > 0,
        "the full disk was seen: {:?}",
        seen.statuses.lock().unwrap()
    );
    nothing_lost_nothing_doubled(&app, &seen, 60).await;
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    drop(app);
}

/// A thousand connections that send their request headers a byte every 2 s (slowloris):
/// each is closed when the header deadline passes, and meanwhile a resident's pages and the
/// health check answer within 500 ms.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_slow_clients_do_not_keep_others_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(&[("HEADER_READ_TIMEOUT", "4")]).await;
    let mut slow = Vec::new();
    for _ in 0..1000 {
        let mut conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        conn.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(tokio::spawn(async move {
            let started = Instant::now();
            let mut buf = [0u8; 256];
            loop {
                tokio::select! {
                    read = conn.read(&mut buf) => {
                        // The server closed it (or answered 408 and closed).
                        if matches!(read, Ok(0) | Err(_)) {
                            return started.elapsed();
                        }
                    }
                    () = tokio::time::sleep(Duration::from_secs(2)) => {
                        if conn.write_all(b"X").await.is_err() {
                            return started.elapsed();
                        }
                    }
                }
            }
        }));
    }
    let mut worst = Duration::ZERO;
    for _ in 0..20 {
        for path in ["/api/health", "/report", "/track"] {
            let started = Instant::now();
            let res = app.client.get(app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            res.bytes().await.unwrap();
            worst = worst.max(started.elapsed());
        }
    }
    let mut held = Duration::ZERO;
    for s in slow {
        let held_for = tokio::time::timeout(Duration::from_secs(20), s)
            .await
            .expect("the server closes a slow client")
            .unwrap();
        held = held.max(held_for);
    }
    eprintln!(
        "slowloris: slowest page {worst:?} beside 1,000 slow clients, each held at most {held:?}"
    );
    assert!(worst < Duration::from_millis(500), "slowest page {worst:?}");
    assert!(
        held < Duration::from_secs(8),
        "a slow client held for {held:?}"
    );
}
