//! The kept figures (issue 13): after a random history of submissions, staff actions,
//! residents' answers, time passing with the escalation rules' sweep and the supervisor's
//! 催办 through the real endpoints, every kept figure equals a recount from scratch, and a
//! rebuild from scratch gives the same figures again. Both databases.

use crate::common::*;
use crate::staff::{act, feedback, rectify};
use app::domain::{Millis, OfficeId};
use app::reports::db::figures;

/// A small deterministic generator (the history is the same on every run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[tokio::test]
async fn kept_figures_equal_a_recount_after_a_random_history() {
    let app = spawn_app_with(&[
        ("REPORT_RATE_LIMIT", "1000/600"),
        ("LOOKUP_RATE_LIMIT", "1000/600"),
    ])
    .await;
    let admin = app.login("admin").await;
    let dudao = app.login("dudao").await;
    crate::escalation::set_rules(&app).await;
    let taihao = app
        .scalar("SELECT id FROM offices WHERE name = '太昊路办事处'")
        .await;
    let huaihe = app
        .scalar("SELECT id FROM offices WHERE name = '淮河路办事处'")
        .await;
    // Streets of two offices.
    let streets = ["韩营一巷", "陈营前街", "康楼中街"];
    let mut rng = Lcg(20_261_204);
    let mut reports: Vec<(i64, String)> = Vec::new();
    let (mut done, mut refused_calls, mut swept_steps) = (0, 0, 0);
    for step in 0..240u8 {
        if reports.is_empty() || rng.below(6) == 0 {
            let street = streets[rng.below(streets.len())];
            let r = app
                .submit_street_report(street, "exposed_garbage", "13800138000", "巷口积水", step)
                .await;
            reports.push(r);
            continue;
        }
        // A report still in play, mostly (a rejected one is done with).
        let mut pick = reports[rng.below(reports.len())].clone();
        for _ in 0..3 {
            let st = app
                .scalar(&format!(
                    "SELECT COUNT(*) FROM reports WHERE id = {} AND status = 'rejected'",
                    pick.0
                ))
                .await;
            if st == 0 {
                break;
            }
            pick = reports[rng.below(reports.len())].clone();
        }
        let (id, code) = pick;
        let a = Some(admin.as_str());
        let (status_before, office): (String, i64) =
            sqlx::query_as("SELECT status, office_id FROM reports WHERE id = $1")
                .bind(id)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        let other_office = if office == taihao { huaihe } else { taihao }.to_string();
        // Mostly a step that fits the report's status; one time in five any step at all.
        let fitting: &[usize] = match status_before.as_str() {
            "pending" => &[0, 0, 0, 5, 6],
            "accepted" => &[2, 6],
            "dispatched" => &[3, 3, 10, 11],
            "rectified" => &[4, 7],
            "closed" => &[8, 9, 9, 9],
            _ => &[0, 8],
        };
        let step_kind = if rng.below(5) == 0 {
            rng.below(12)
        } else {
            fitting[rng.below(fitting.len())]
        };
        let res = match step_kind {
            0 | 1 => act(&app, a, id, "accept", &[]).await,
            2 => {
                let hours = (1 + rng.below(72)).to_string();
                act(
                    &app,
                    a,
                    id,
                    "dispatch",
                    &[("unit", "韩营居委会"), ("deadline_hours", &hours)],
                )
                .await
            }
            3 => rectify(&app, a, id, 1).await,
            4 => act(&app, a, id, "close", &[]).await,
            5 => act(&app, a, id, "reject", &[("note", "不属于背街小巷")]).await,
            6 => act(&app, a, id, "transfer", &[("transfer_to", &other_office)]).await,
            7 => act(&app, a, id, "send_back", &[("note", "整改不到位")]).await,
            8 => feedback(&app, &code, "unsatisfied", true).await,
            // Hours pass and the rules' sweep steps what is due (催办, 督办, 提级).
            10 => {
                app.clock.advance((1 + rng.below(30)) as i64 * 3_600_000);
                let steps = app::supervision::escalation::sweep(&app.db, app.clock.now())
                    .await
                    .unwrap();
                swept_steps += steps;
                continue;
            }
            11 => crate::escalation::press(&app, Some(&dudao), id, "").await,
            // Which of the two does not draw from the generator (the history stays the same).
            _ if id % 2 == 0 => feedback(&app, &code, "satisfied", false).await,
            _ => feedback(&app, &code, "basic", false).await,
        };
        let status = res.status().as_u16();
        if res.status().is_success() {
            done += 1;
        } else {
            assert!((400..500).contains(&status), "{status}");
            refused_calls += 1;
        }
    }
    // The history is a real mix: most reports moved, and some calls were refused (they
    // must have changed nothing).
    eprintln!(
        "{} reports, {done} actions done, {refused_calls} refused",
        reports.len()
    );
    assert!(done >= 40, "{done} actions done");
    assert!(refused_calls >= 5, "{refused_calls} refused");
    let closings = app
        .scalar("SELECT COUNT(*) FROM report_events WHERE action = 'close'")
        .await;
    assert!(closings >= 5, "{closings} closings");
    let closed = app
        .scalar("SELECT COUNT(*) FROM reports WHERE status = 'closed'")
        .await;
    assert!(closed >= 1, "{closed} closed now");
    let reopened = app
        .scalar("SELECT COUNT(*) FROM report_events WHERE action = 'resident_reopen'")
        .await;
    assert!(reopened >= 1, "{reopened} reopened by residents");
    let answered = app
        .scalar(
            "SELECT COUNT(*) FROM report_events \
             WHERE action IN ('resident_satisfied', 'resident_basic')",
        )
        .await;
    assert!(answered >= 1, "{answered} 满意 or 基本满意");

    assert!(swept_steps >= 3, "{swept_steps} steps of the rules");
    let pressed = app
        .scalar("SELECT COUNT(*) FROM report_events WHERE action = 'press'")
        .await;
    assert!(pressed >= 1, "{pressed} presses by hand");

    check(&app).await;
    figures::rebuild(&app.db).await.unwrap();
    check(&app).await;
}

/// Every kept figure against the recount, for each office and the district.
async fn check(app: &TestApp) {
    let db = &app.db;
    let offices: Vec<(i64,)> = sqlx::query_as("SELECT id FROM offices")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let today = app.clock.now().cst_day();
    let scopes = offices
        .iter()
        .map(|(id,)| Some(OfficeId(*id)))
        .chain([None]);
    for scope in scopes {
        assert_eq!(
            figures::counts(db, scope).await.unwrap(),
            figures::recount_counts(db, scope).await.unwrap(),
            "counts of {scope:?}"
        );
        // Far in the future every dispatched report is overdue.
        let later = Millis(Millis::now().0 + 1000 * 86_400_000);
        let dispatched = figures::recount_counts(db, scope)
            .await
            .unwrap()
            .into_iter()
            .find(|(s, _)| s.code() == "dispatched")
            .unwrap()
            .1;
        assert_eq!(
            figures::overdue(db, scope, later).await.unwrap(),
            dispatched
        );
        assert_eq!(figures::overdue(db, scope, Millis(0)).await.unwrap(), 0);
        let now = app.clock.now();
        assert_eq!(
            figures::overdue(db, scope, now).await.unwrap(),
            figures::recount_overdue(db, scope, now).await.unwrap(),
            "overdue in {scope:?}"
        );
        assert_eq!(
            figures::levels(db, scope).await.unwrap(),
            figures::recount_levels(db, scope).await.unwrap(),
            "escalation levels in {scope:?}"
        );
        for (from, until) in [
            (None, today + 1),
            (Some(today - 29), today + 1),
            (Some(today), today + 1),
            (Some(today - 10), today),
        ] {
            let kept = figures::record(db, scope, from, until).await.unwrap();
            let (recount, exact_median) = figures::recount_record(db, scope, from, until)
                .await
                .unwrap();
            let without_median = |r: &app::reports::record::OfficeRecord| {
                (
                    r.received,
                    r.closed,
                    r.closed_in_period,
                    r.closed_on_time,
                    r.reopened_by_residents,
                    r.satisfied,
                    r.basically_satisfied,
                )
            };
            assert_eq!(
                without_median(&kept),
                without_median(&recount),
                "{scope:?} {from:?}..{until}"
            );
            match (kept.median_close_ms, exact_median) {
                (None, None) => {}
                (Some(m), Some(exact)) => {
                    let err = kept.median_error_ms.unwrap();
                    assert!((m - exact).abs() <= err, "median {m} vs {exact} ± {err}");
                }
                other => panic!("median {other:?}"),
            }
        }
    }
}

/// `server synthetic`: a year of reports in every status, with events, photos that are
/// served, overdue and reopened ones; the figures rebuilt after the load equal a recount;
/// a real submission still gets a fresh id afterwards (PostgreSQL's identity moved on).
#[tokio::test]
async fn synthetic_year_has_every_status_and_consistent_figures() {
    use app::domain::{ReportStatus, TrackingCode};
    let app = spawn_app_with(&[("REPORT_RATE_LIMIT", "1000/600")]).await;
    let store = app::storage::PhotoStore::new(app.data_dir.path());
    let indexes_before = index_names(&app).await;
    assert!(indexes_before.len() >= 8, "{indexes_before:?}");
    let filled = app::reports::db::synthetic::fill(&app.db, &store, 3000, Millis::now(), 7)
        .await
        .unwrap();
    assert_eq!(filled.reports, 3000);
    // The indexes set aside during the load are all back.
    assert_eq!(index_names(&app).await, indexes_before);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 3000);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM report_events").await,
        filled.events
    );
    assert!(filled.events > 3 * 3000, "{} events", filled.events);
    assert!(filled.photos >= 3000);
    // Every status a report can be in (a transfer leaves it 待受理 in the other office, so
    // `transferred` is never stored).
    for st in ReportStatus::ALL
        .iter()
        .filter(|s| **s != ReportStatus::Transferred)
    {
        let n = app
            .scalar_for("SELECT COUNT(*) FROM reports WHERE status = $1", st.code())
            .await;
        assert!(n > 0, "no {} reports", st.code());
    }
    let overdue = figures::overdue(&app.db, None, Millis::now())
        .await
        .unwrap();
    assert!(overdue > 0, "some are past their deadline");
    assert!(
        app.scalar("SELECT COUNT(*) FROM reports WHERE reopen_count > 0")
            .await
            > 0
    );
    assert!(
        app.scalar("SELECT COUNT(*) FROM reports WHERE transferred_from IS NOT NULL")
            .await
            > 0
    );
    check(&app).await;

    // A synthetic report is public by its code, and its photo is served.
    let code: (String,) =
        sqlx::query_as("SELECT tracking_code FROM reports WHERE status = 'closed' LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let code = TrackingCode::parse(&code.0).unwrap();
    let public = app::reports::db::public_report(&app.db, &code)
        .await
        .unwrap()
        .expect("found by its code");
    let photo = public.photos.first().expect("a photo");
    let res = app.client.get(app.url(&photo.url())).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .get(app.url(&photo.thumb_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Only into a database without reports.
    let again = app::reports::db::synthetic::fill(&app.db, &store, 10, Millis::now(), 7).await;
    assert!(matches!(again, Err(app::error::AppError::Conflict(_))));
    // A resident's report afterwards gets the next id.
    let (id, _) = app
        .submit_street_report("韩营一巷", "exposed_garbage", "13800138000", "新的问题", 9)
        .await;
    assert_eq!(id, 3001);
    check(&app).await;
}

/// The names of the indexes on the report tables, sorted.
async fn index_names(app: &TestApp) -> Vec<String> {
    let sql = if backend() == "postgres" {
        "SELECT CAST(indexname AS TEXT) FROM pg_indexes WHERE schemaname = current_schema() \
         AND tablename IN ('reports', 'report_events', 'report_photos') ORDER BY 1"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'index' \
         AND tbl_name IN ('reports', 'report_events', 'report_photos') ORDER BY 1"
    };
    sqlx::query_as::<_, (String,)>(sql)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(n,)| n)
        .collect()
}
