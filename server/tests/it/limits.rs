//! Rate limits across instances: on PostgreSQL (several instances behind a load balancer)
//! two servers on one database share every limit — submissions, look-ups, the Open311 API —
//! so a client gets the limit once, not once per instance; on SQLite (one instance) each
//! counts in its own memory, as the README says.

use crate::common::{TestApp, backend, spawn_app_with};

const LIMITS: [(&str, &str); 3] = [
    ("REPORT_RATE_LIMIT", "3/600"),
    ("LOOKUP_RATE_LIMIT", "10/600"),
    ("OPEN311_RATE_LIMIT", "4/600"),
];

/// A submission's status: the limit is checked before the body is read, so an empty form
/// is enough (400 when let through, 429 when not).
async fn submit_status(app: &TestApp) -> u16 {
    let form = reqwest::multipart::Form::new().text("nothing", "");
    app.post_multipart("/api/reports/submit", None, form)
        .await
        .status()
        .as_u16()
}

/// A 查询码 that matches nothing costs 5 look-up units (404), or is refused (429).
async fn miss_status(app: &TestApp) -> u16 {
    app.post_form("/api/reports/track", None, &[("code", "ZZZZ2222".into())])
        .await
        .status()
        .as_u16()
}

async fn open311_status(app: &TestApp) -> u16 {
    let res = app
        .client
        .get(app.url("/open311/v2/services.json"))
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

#[tokio::test]
async fn two_instances_share_their_limits_on_postgresql_and_not_on_sqlite() {
    let a = spawn_app_with(&LIMITS).await;
    let mut env = LIMITS.to_vec();
    env.push(("DATABASE_URL", a.database_url.as_str()));
    env.push(("SEED_DEMO", "false"));
    let b = spawn_app_with(&env).await;
    let shared = backend() == "postgres";

    // Submissions: two on one instance, one on the other, and the budget of 3 is spent.
    assert_eq!(submit_status(&a).await, 400);
    assert_eq!(submit_status(&a).await, 400);
    assert_eq!(submit_status(&b).await, 400);
    let next = if shared { 429 } else { 400 };
    assert_eq!(
        submit_status(&b).await,
        next,
        "the 4th submission, on the other instance"
    );
    assert_eq!(
        submit_status(&a).await,
        next,
        "and on the first (its own 3rd on SQLite)"
    );
    assert_eq!(submit_status(&a).await, 429, "past the limit either way");

    // Look-ups: two misses (5 units each) on one instance spend the 10 for both.
    assert_eq!(miss_status(&a).await, 404);
    assert_eq!(miss_status(&a).await, 404);
    assert_eq!(miss_status(&b).await, if shared { 429 } else { 404 });

    // Open311: 2 + 2 calls, then neither instance answers.
    for app in [&a, &a, &b, &b] {
        assert_eq!(open311_status(app).await, 200);
    }
    assert_eq!(open311_status(&a).await, if shared { 429 } else { 200 });
    if shared {
        assert_eq!(open311_status(&b).await, 429);
        let rows = a.scalar("SELECT COUNT(*) FROM rate_counts").await;
        assert!(rows >= 3, "one row per scope and client: {rows}");
    }
}
