//! Photos in S3-compatible object storage (`PHOTO_STORE=s3`), over real HTTP against moto's
//! S3 server: submissions store both variants in the bucket and nothing on the local disk,
//! photos are served from the bucket, and the orphan sweep works there.

use crate::common::{s3_bucket, s3_keys, spawn_app_with};
use app::storage::{PhotoSha, PhotoVariant};
use sha2::Digest;

#[tokio::test]
async fn photos_of_a_submission_live_in_the_bucket_and_are_served_from_it() {
    let (bucket, env) = s3_bucket().await;
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(&env).await;
    let (id, _) = app
        .submit_street_report("韩营一巷", "exposed_garbage", "", "门口垃圾", 11)
        .await;
    let (sha,): (String,) = sqlx::query_as("SELECT sha256 FROM report_photos WHERE report_id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let keys = s3_keys(&bucket, "photos/").await;
    let prefix = &sha[..2];
    assert!(
        keys.contains(&format!("photos/{prefix}/{sha}.jpg"))
            && keys.contains(&format!("photos/{prefix}/{sha}.thumb.jpg")),
        "{keys:?}"
    );
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        !app.data_dir.path().join("photos").exists(),
        "nothing may go to the local folder"
    );

    // Served through the app from the bucket: the bytes are the content address.
    let res = app
        .client
        .get(app.url(&format!("/photos/{sha}.jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.bytes().await.unwrap();
    assert_eq!(hex::encode(sha2::Sha256::digest(&body)), sha);
    let thumb = app
        .client
        .get(app.url(&format!("/photos/{sha}/thumb.jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.status(), 200);
    assert!(thumb.bytes().await.unwrap().len() < body.len());

    // The same photo again is stored under the same keys, not twice.
    app.submit_street_report("韩营一巷", "exposed_garbage", "", "又有垃圾", 11)
        .await;
    assert_eq!(s3_keys(&bucket, "photos/").await.len(), 2);
}

#[tokio::test]
async fn the_sweep_removes_orphans_from_the_bucket_and_keeps_referenced_photos() {
    let (bucket, env) = s3_bucket().await;
    let envs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(&envs).await;
    app.submit_street_report("韩营一巷", "exposed_garbage", "", "门口垃圾", 12)
        .await;
    let (referenced,): (String,) = sqlx::query_as("SELECT sha256 FROM report_photos LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let get = |k: &str| {
        env.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let store = app::storage::PhotoStore::s3(&app::storage::S3Settings {
        bucket: bucket.clone(),
        endpoint: Some(get("S3_ENDPOINT")),
        region: "us-east-1".into(),
        access_key_id: "testing".into(),
        secret_access_key: "testing".into(),
        prefix: "photos".into(),
        virtual_hosted: false,
    })
    .unwrap();
    let orphan = PhotoSha::of(b"orphan in the bucket");
    store
        .put(&orphan, PhotoVariant::Full, b"orphan in the bucket")
        .await
        .unwrap();
    store
        .put(&orphan, PhotoVariant::Thumb, b"orphan thumb")
        .await
        .unwrap();
    assert_eq!(
        store
            .read(&orphan, PhotoVariant::Full)
            .await
            .unwrap()
            .as_deref(),
        Some(&b"orphan in the bucket"[..])
    );
    assert_eq!(s3_keys(&bucket, "photos/").await.len(), 4);
    // Young objects (younger than a day) stay, whoever stored them.
    app::storage::forget_in_use();
    let removed = app::photo_sweep::sweep(&app.db, &store, app::photo_sweep::MIN_AGE)
        .await
        .unwrap();
    assert_eq!(removed, 0);
    // Old enough (an age of zero stands in for a day here): the orphan goes, the
    // referenced photo stays and is still served.
    let removed = app::photo_sweep::sweep(&app.db, &store, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    let keys = s3_keys(&bucket, "photos/").await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys.iter().all(|k| k.contains(&referenced)), "{keys:?}");
    assert_eq!(store.read(&orphan, PhotoVariant::Full).await.unwrap(), None);
    let res = app
        .client
        .get(app.url(&format!("/photos/{referenced}.jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn an_unreachable_bucket_fails_the_submission_cleanly_and_stores_nothing() {
    let (_, mut env) = s3_bucket().await;
    for (k, v) in env.iter_mut() {
        if *k == "S3_BUCKET" {
            *v = "no-such-bucket-jx".into();
        }
    }
    let envs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(&envs).await;
    let street = app
        .scalar("SELECT id FROM streets WHERE name = '韩营一巷'")
        .await;
    let category = app
        .scalar("SELECT id FROM categories WHERE code = 'exposed_garbage'")
        .await;
    let draft = serde_json::json!({
        "report_id": uuid::Uuid::new_v4(),
        "category_id": category,
        "office_id": null,
        "street_id": street,
        "location": null,
        "description": "垃圾",
        "contact_phone": "",
        "created_on_device": 1_795_786_380_000_i64,
    });
    let form = reqwest::multipart::Form::new()
        .part(
            "report",
            reqwest::multipart::Part::text(draft.to_string())
                .mime_str("application/json")
                .unwrap(),
        )
        .part(
            "photo",
            reqwest::multipart::Part::bytes(crate::common::small_jpeg(13))
                .file_name("p.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let res = app.post_multipart("/api/reports/submit", None, form).await;
    // Unavailable, not broken: the phone's queue keeps the report and tries again.
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 0);
}
