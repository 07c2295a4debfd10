//! The body policy (server/src/body.rs): every route has a most it may receive, refused with
//! 413 in the route's own voice before the body is read; Open311 checks its key before a
//! photo; bodies share a memory budget, past which a request waits and then gets 503; and a
//! flood of hostile bodies leaves the real server binary's memory within its budget.

use crate::common::{ServerProcess, TestApp, free_port, spawn_app, spawn_app_with};
use app::error::{AppError, strings as err_text};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An answer read off a raw connection.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Reads one answer (its head, then `Content-Length` bytes of body) off `conn`.
async fn read_answer(conn: &mut TcpStream) -> Answer {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = conn.read(&mut chunk).await.expect("read the answer");
        assert!(
            n > 0,
            "closed before an answer: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut answer = Answer {
        status: head[9..12].parse().expect("status"),
        head,
        body: String::new(),
    };
    let length: usize = answer
        .header("content-length")
        .map_or(0, |v| v.parse().expect("length"));
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = conn.read(&mut chunk).await.expect("read the body");
        assert!(n > 0, "closed inside the body");
        body.extend_from_slice(&chunk[..n]);
    }
    answer.body = String::from_utf8_lossy(&body).to_string();
    answer
}

/// Sends a request's head declaring a body of `declared` bytes and only the first `sent` of
/// them, then waits for the answer without sending more: an answer comes only if the server
/// decided without the rest of the body.
async fn answer_before_the_body(
    app: &TestApp,
    method_path: &str,
    headers: &[(&str, &str)],
    declared: u64,
    sent: &[u8],
) -> Answer {
    let mut conn = TcpStream::connect(app.addr).await.unwrap();
    let mut head = format!("{method_path} HTTP/1.1\r\nHost: {}\r\n", app.addr);
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {declared}\r\n\r\n"));
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(sent).await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), read_answer(&mut conn))
        .await
        .unwrap_or_else(|_| panic!("{method_path}: no answer without the rest of the body"))
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");
const JSON: (&str, &str) = ("Accept", "application/json");

fn app_error(a: &Answer) -> AppError {
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("not an AppError ({e}): {a:?}"))
}

#[tokio::test]
async fn every_route_refuses_a_body_over_its_most_before_reading_it() {
    let app = spawn_app().await;
    let multipart = ("Content-Type", "multipart/form-data; boundary=XYZ");

    // Server functions' forms: the login (100 MB) and the phone's 我的上报 (800 MB).
    for (path, declared) in [
        ("/api/staff/login", 100_000_000),
        ("/api/reports/mine", 800_000_000),
    ] {
        let a = answer_before_the_body(
            &app,
            &format!("POST {path}"),
            &[FORM, JSON],
            declared,
            b"a=",
        )
        .await;
        assert_eq!(a.status, 413, "{path}: {a:?}");
        assert_eq!(
            app_error(&a),
            AppError::PayloadTooLarge(err_text::BODY_TOO_LARGE.into()),
            "{path}"
        );
    }

    // A resident's upload: 3 photos of 5 MiB and 1 MiB are its most.
    let a = answer_before_the_body(
        &app,
        "POST /api/reports/submit",
        &[multipart],
        17 << 20,
        b"--XYZ",
    )
    .await;
    assert_eq!(a.status, 413, "{a:?}");
    assert!(matches!(app_error(&a), AppError::PayloadTooLarge(m) if m.contains("照片")));

    // Open311: its own error list, in the format the suffix asks for.
    let a = answer_before_the_body(
        &app,
        "POST /open311/v2/requests.xml",
        &[multipart],
        50 << 20,
        b"",
    )
    .await;
    assert_eq!(a.status, 413, "{a:?}");
    assert!(
        a.body.contains("<errors><error><code>413</code>"),
        "{}",
        a.body
    );
    let a = answer_before_the_body(
        &app,
        "POST /open311/v2/requests.json",
        &[FORM],
        100_000,
        b"",
    )
    .await;
    assert_eq!(a.status, 413, "{a:?}");
    let list: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(list[0]["code"], 413, "{}", a.body);

    // A page does not take bodies either.
    let a = answer_before_the_body(&app, "GET /stats", &[], 1 << 20, b"").await;
    assert_eq!(a.status, 413, "{a:?}");

    // Just under the most is let through to the function (which finds no such account).
    let mut body = "username=nobody&password=".to_string();
    body.push_str(&"p".repeat(60 * 1024 - body.len()));
    let res = app
        .client
        .post(app.url("/api/staff/login"))
        .header("content-type", FORM.1)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 413);
}

#[tokio::test]
async fn a_browsers_form_post_goes_back_to_its_page_with_the_message() {
    let app = spawn_app().await;
    let referer = format!("http://{}/staff/login", app.addr);
    let a = answer_before_the_body(
        &app,
        "POST /api/staff/login",
        &[
            FORM,
            ("Accept", "text/html,application/xhtml+xml"),
            ("Referer", &referer),
        ],
        100_000_000,
        b"username=",
    )
    .await;
    assert_eq!(a.status, 303, "{a:?}");
    let location = a.header("location").expect("a redirect").to_string();
    assert!(location.starts_with("/staff/login?err="), "{location}");
    let page = app.client.get(app.url(&location)).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(
        page.contains(err_text::BODY_TOO_LARGE),
        "the page shows the message"
    );
}

/// A body sent in chunks, without a length, of `total` bytes, as fast as it goes; the answer.
async fn chunked(app: &TestApp, method_path: &str, content_type: &str, total: usize) -> Answer {
    let mut conn = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "{method_path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nAccept: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n",
        app.addr
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let (mut reader, mut writer) = conn.into_split();
    let sender = tokio::spawn(async move {
        let chunk = vec![b'a'; 16 * 1024];
        let mut sent = 0;
        while sent < total {
            let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            if writer.write_all(&frame).await.is_err() {
                break;
            }
            sent += chunk.len();
        }
        let _ = writer.write_all(b"0\r\n\r\n").await;
        writer
    });
    let mut buf = Vec::new();
    let mut piece = [0u8; 8192];
    let answer = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let n = reader.read(&mut piece).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&piece[..n]);
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..i]).to_string();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .map_or(0, |v| v.parse().unwrap());
                if buf.len() >= i + 4 + len {
                    return Answer {
                        status: head[9..12].parse().unwrap(),
                        body: String::from_utf8_lossy(&buf[i + 4..i + 4 + len]).to_string(),
                        head,
                    };
                }
            }
        }
        panic!("no answer: {:?}", String::from_utf8_lossy(&buf));
    })
    .await
    .expect("an answer in time");
    sender.abort();
    answer
}

#[tokio::test]
async fn a_body_without_a_length_is_counted_as_it_streams() {
    let app = spawn_app().await;
    let a = chunked(&app, "POST /api/staff/login", FORM.1, 10 << 20).await;
    assert_eq!(a.status, 413, "{a:?}");
    assert_eq!(
        app_error(&a),
        AppError::PayloadTooLarge(err_text::BODY_TOO_LARGE.into())
    );
    let a = chunked(&app, "POST /open311/v2/requests.json", FORM.1, 10 << 20).await;
    assert_eq!(a.status, 413, "{a:?}");
    assert!(a.body.starts_with("[{\"code\":413"), "{}", a.body);
    let a = chunked(
        &app,
        "POST /api/reports/submit",
        "multipart/form-data; boundary=XYZ",
        40 << 20,
    )
    .await;
    assert_eq!(a.status, 413, "{a:?}");
    // The server is none the worse.
    let res = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn open311_checks_the_key_before_it_reads_a_photo() {
    let app = spawn_app().await;
    let multipart = ("Content-Type", "multipart/form-data; boundary=XYZ");
    // A key in the query string: refused before a byte of the body.
    let a = answer_before_the_body(
        &app,
        "POST /open311/v2/requests.xml?api_key=not-a-key",
        &[multipart],
        4_500_000,
        b"",
    )
    .await;
    assert_eq!(a.status, 403, "{a:?}");
    assert!(a.body.contains("<code>403</code>"), "{}", a.body);

    // A key part before the photo: refused before the photo is read.
    let start = "--XYZ\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\nnot-a-key\r\n\
                 --XYZ\r\nContent-Disposition: form-data; name=\"media\"; filename=\"p.jpg\"\r\n\
                 Content-Type: image/jpeg\r\n\r\n\u{ff}";
    let a = answer_before_the_body(
        &app,
        "POST /open311/v2/requests.json",
        &[multipart],
        4_500_000,
        start.as_bytes(),
    )
    .await;
    assert_eq!(a.status, 403, "{a:?}");
    assert!(a.body.starts_with("[{\"code\":403"), "{}", a.body);

    // The photo first and no key at all: read (within the limits), then refused, and
    // nothing stored.
    let form = reqwest::multipart::Form::new()
        .part(
            "media",
            reqwest::multipart::Part::bytes(crate::common::small_jpeg(3)).file_name("p.jpg"),
        )
        .text("service_code", "exposed_garbage")
        .text("address_string", "韩营一巷");
    let res = app
        .post_multipart("/open311/v2/requests.json", None, form)
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM report_photos").await, 0);

    // A good key in the query string works like one in the body.
    let key = crate::open311::issue_key(&app, "测试客户端").await;
    let form = reqwest::multipart::Form::new()
        .text("service_code", "exposed_garbage")
        .text("address_string", "韩营一巷")
        .part(
            "media",
            reqwest::multipart::Part::bytes(crate::common::small_jpeg(4)).file_name("p.jpg"),
        );
    let res = app
        .post_multipart(
            &format!("/open311/v2/requests.json?api_key={key}"),
            None,
            form,
        )
        .await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM report_photos").await, 1);
}

#[tokio::test]
async fn past_the_memory_budget_a_request_waits_then_gets_503() {
    let app = spawn_app_with(&[("BODY_MEMORY_BUDGET", "1048576"), ("BODY_BUDGET_WAIT", "1")]).await;
    // An upload that declares the whole budget and sends a little of it: it holds the room.
    let mut holder = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/reports/submit HTTP/1.1\r\nHost: {}\r\n\
         Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 1048576\r\n\r\n--XYZ\r\n",
        app.addr
    );
    holder.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let login = |accept: &'static str| {
        app.client
            .post(app.url("/api/staff/login"))
            .header("accept", accept)
            .form(&[("username", "taihao"), ("password", "wrong-password")])
            .send()
    };
    let res = login("application/json").await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    assert_eq!(res.json::<AppError>().await.unwrap(), AppError::Unavailable);
    // Open311 says it in its own shape.
    let res = app
        .client
        .post(app.url("/open311/v2/requests.xml"))
        .form(&[("service_code", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    assert!(res.text().await.unwrap().contains("<code>503</code>"));

    // Once the holder is gone, the room is back.
    drop(holder);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let res = login("application/json").await.unwrap();
    let err = res.json::<AppError>().await.unwrap();
    assert!(
        matches!(err, AppError::BadRequest(_)),
        "a wrong password, answered: {err:?}"
    );
}

/// The kernel's high-water mark of the process's resident memory, in MB.
fn peak_rss_mb(pid: u32) -> u64 {
    status_kb(pid, "VmHWM:") / 1024
}

fn rss_mb(pid: u32) -> u64 {
    status_kb(pid, "VmRSS:") / 1024
}

fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a memory figure")
}

/// The three floods of issue 28, against the server binary on SQLite with the demo seed:
/// 300 unauthenticated Open311 posts of 4.5 MB at once; a 100 MB login form; an 800 MB
/// 我的上报. Its peak memory stays under 200 MB and it answers throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn floods_of_hostile_bodies_leave_the_server_under_its_memory_budget() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = ServerProcess {
        port,
        env: [
            ("DATA_DIR", dir.path().display().to_string()),
            ("BIND_ADDR", format!("127.0.0.1:{port}")),
            ("SEED_DEMO", "true".into()),
            ("LEPTOS_OUTPUT_NAME", "jiexiang".into()),
            (
                "LEPTOS_SITE_ROOT",
                dir.path().join("site").display().to_string(),
            ),
            ("LEPTOS_HASH_FILES", "false".into()),
            ("RUST_LOG", "warn".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        child: None,
        log: dir.path().join("server.log"),
    };
    server.start();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    server.wait_healthy(&client).await;
    let pid = server.child.as_ref().unwrap().id();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = rss_mb(pid);

    // 300 multipart posts of 4.5 MB with no key, all at once.
    let photo = bytes::Bytes::from(vec![0xabu8; 4_500_000]);
    let mut posts = Vec::new();
    for _ in 0..300 {
        let (client, url) = (client.clone(), server.url("/open311/v2/requests.json"));
        let photo = reqwest::Body::from(photo.clone());
        posts.push(tokio::spawn(async move {
            let form = reqwest::multipart::Form::new()
                .text("service_code", "exposed_garbage")
                .part(
                    "media",
                    reqwest::multipart::Part::stream(photo).file_name("p.jpg"),
                );
            match client.post(url).multipart(form).send().await {
                Ok(res) => res.status().as_u16(),
                Err(_) => 0,
            }
        }));
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for p in posts {
        *statuses.entry(p.await.unwrap()).or_default() += 1;
    }
    // Refused for the key, or (waiting too long for room) told to come back: never let in.
    assert!(
        statuses.keys().all(|s| [403, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(
        statuses.get(&403).copied().unwrap_or(0) >= 100,
        "{statuses:?}"
    );

    // A 100 MB login form and an 800 MB 我的上报, sent as fast as the server takes them.
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    for (path, size) in [
        ("/api/staff/login", 100u64 << 20),
        ("/api/reports/mine", 800u64 << 20),
    ] {
        let mut conn = TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {}\r\n\
             Content-Length: {size}\r\n\r\n",
            FORM.1
        );
        conn.write_all(head.as_bytes()).await.unwrap();
        let (mut reader, mut writer) = conn.into_split();
        let sender = tokio::spawn(async move {
            let chunk = vec![b'a'; 1 << 20];
            for _ in 0..size >> 20 {
                if writer.write_all(&chunk).await.is_err() {
                    break;
                }
            }
        });
        let mut head = vec![0u8; 12];
        tokio::time::timeout(Duration::from_secs(30), reader.read_exact(&mut head))
            .await
            .expect("an answer in time")
            .expect("an answer");
        assert_eq!(&head[9..12], b"413", "{path}");
        sender.abort();
    }

    let res = client.get(server.url("/api/health")).send().await.unwrap();
    assert_eq!(res.status(), 200, "still answering");
    let peak = peak_rss_mb(pid);
    eprintln!(
        "server RSS: idle {idle} MB after the demo seed, peak {peak} MB through the floods; \
         the 300 posts answered {statuses:?}"
    );
    assert!(peak < 200, "peak RSS {peak} MB");
    assert!(
        idle <= 50,
        "idle RSS {idle} MB after a start with the demo seed"
    );
}
