//! Builds the application: state, router, listener. Tests drive the same `router()`.

use crate::config::Config;
use crate::database;
use crate::{body, origin, photos, pwa};
use anyhow::{Context, Result};
use app::app::{App, shell};
use app::db::Db;
use app::open311::handlers as open311;
use app::state::{AppState, Settings};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::path::Path;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Connects, migrates, seeds (if asked) and assembles the state.
pub async fn build_state(config: &Config, leptos_options: LeptosOptions) -> Result<AppState> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
    let db = database::connect(&config.database_url, config.database_max_connections).await?;
    database::migrate(&db).await?;
    if app::reports::db::figures::rebuild_if_missing(&db).await? {
        tracing::info!("rebuilt the kept report figures from the reports");
    }
    if config.seed_demo && app::areas::seed::seed_demo(&db).await? {
        tracing::info!("seeded demo areas and categories");
    }
    if config.seed_demo && app::session::seed::seed_demo_users(&db).await? {
        tracing::info!("seeded the demo accounts (README: demo only)");
    }
    if config.seed_demo_honours && app::honours::seed::seed_demo_honours(&db).await? {
        tracing::info!("seeded demo honours");
    }
    if config.seed_demo_grids
        && app::areas::seed::seed_demo_grids(&db, app::domain::Millis::now()).await?
    {
        tracing::info!("seeded the demo grids");
    }
    // Loud, at every start, for as long as any account still has the published password.
    let demo = app::session::seed::accounts_with_demo_password(&db).await?;
    if !demo.is_empty() {
        tracing::warn!(
            accounts = %demo.join(", "),
            "DEMO ACCOUNTS WITH THE PUBLISHED PASSWORD EXIST: anyone can sign in as them. \
             On a real deployment change their passwords (`server user passwd NAME`) or \
             disable them (`server user disable NAME`)."
        );
    }
    let message_key = app::flash::load_or_create_key(&db)
        .await
        .context("reading the message key")?;
    Ok(AppState {
        leptos_options,
        clock: app::clock::Clock::default(),
        caches: Arc::new(app::cache::PublicCaches::new(config.public_cache)),
        limits: Arc::new(app::ratelimit::PublicLimits::new(
            &db,
            config.lookup_rate_limit,
            config.open311_rate_limit,
            config.trust_proxy,
        )),
        db,
        settings: Arc::new(Settings {
            photo_max_bytes: config.photo_max_bytes,
            trust_proxy: config.trust_proxy,
            cookie_secure: config.cookie_secure,
            message_key,
            photos: config.photo_store()?,
            ..Settings::new(config.data_dir.clone())
        }),
    })
}

/// The page routes, walked out of the app once per process.
///
/// Walking them sets a process-wide flag in Leptos that stops every resource from loading
/// until the walk ends (`SuppressResourceLoad`). A page rendering in that window would wait
/// forever for its data. One server starts once, but the tests start a server per test while
/// other tests' servers answer requests: they hung now and then until the walk happened once.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application. `config` supplies the limits enforced in front of the server
/// functions (the submission body size and the per-client rate limit).
pub fn router(state: AppState, config: &Config) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let bodies = body::BodyPolicy::new(config, &state.db, state.settings.message_key.clone());
    // With cargo-leptos file hashing the names change with the contents: cache them for a
    // year. Without it (tests, a plain `cargo build`), let the browser revalidate each time.
    let hashed = pwa::hashed_assets(&options);
    let pkg = Router::new()
        .fallback_service(
            ServeDir::new(Path::new(&*options.site_root).join(&*options.site_pkg_dir))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            move |res: &Response<_>| Some(pwa::pkg_cache_control(hashed, res.status())),
        ));
    Router::new()
        .route("/api/health", get(health))
        .route("/photos/{file}", get(photos::full))
        .route("/photos/{sha}/thumb.jpg", get(photos::thumb))
        .route("/staff/export/{file}", get(app::staff::export::download))
        .route("/api/grids.geojson", get(app::map::api::grids_geojson))
        .route(
            "/dudao/bulletin.xlsx",
            get(app::supervision::export::download),
        )
        .route(
            "/open311/v2/{file}",
            get(open311::get_top).post(open311::post_requests),
        )
        .route("/open311/v2/services/{file}", get(open311::get_service))
        .route("/open311/v2/requests/{file}", get(open311::get_request))
        .route("/open311/v2/tokens/{file}", get(open311::get_token))
        .merge(pwa::router(&options))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                // The request's slots, and the key that signs form messages (`app::flash`).
                let key = state.settings.message_key.clone();
                move || {
                    app::request::provide();
                    leptos::prelude::provide_context(key.clone());
                }
            },
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .nest_service(&format!("/{}", options.site_pkg_dir), pkg)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .layer(axum::middleware::map_response(
            crate::errors::server_fn_status,
        ))
        .layer(axum::middleware::from_fn_with_state(bodies, body::guard))
        .layer(axum::middleware::from_fn(origin::guard))
        .layer(axum::middleware::from_fn_with_state(
            config.timeouts,
            crate::serve::body_deadline,
        ))
        .layer(axum::middleware::map_response(security_headers))
        // Brotli 5: a third smaller HTML than the default level 4 for about the same CPU
        // (/report: 3,587 instead of 3,892 bytes); /pkg is precompressed at the maximum.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Precise(5)))
        .layer(TraceLayer::new_for_http())
}

/// Liveness and readiness in one: the sync engine on the phone also uses this to tell a
/// real connection from a captive portal, so it must answer JSON.
async fn health(State(db): State<Db>) -> impl IntoResponse {
    let db_ok = database::ping(&db).await;
    let backend = match db.backend {
        app::db::Backend::Sqlite => "sqlite",
        app::db::Backend::Postgres => "postgres",
    };
    let body = serde_json::json!({
        "status": if db_ok { "ok" } else { "unavailable" },
        "service": "jiexiang",
        "version": env!("CARGO_PKG_VERSION"),
        "database": backend,
    });
    let code = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, [(header::CACHE_CONTROL, "no-store")], Json(body))
}

/// For documents (and the service worker, whose script's CSP governs the worker), besides the
/// CSP with the page's nonce (`csp.rs`). A CSP on a stylesheet, script or wasm file does
/// nothing, and on the resident's first load it would cost about 2 KB of headers over a weak
/// signal.
const DOCUMENT_HEADERS: &[(&str, &str)] = &[
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    (
        "permissions-policy",
        "camera=(self), geolocation=(self), microphone=()",
    ),
];

async fn security_headers(mut res: Response) -> Response {
    let headers = res.headers_mut();
    headers
        .entry("x-content-type-options")
        .or_insert(HeaderValue::from_static("nosniff"));
    let is_document = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
        || headers.contains_key("service-worker-allowed");
    crate::csp::apply(headers, is_document);
    if is_document {
        for (name, value) in DOCUMENT_HEADERS {
            if !headers.contains_key(*name) {
                headers.insert(*name, HeaderValue::from_static(value));
            }
        }
    }
    res
}

/// Sweeps orphaned photo files ten minutes after the start, then daily.
pub fn spawn_photo_sweep(state: &AppState) {
    let db = state.db.clone();
    let store = state.settings.photo_store();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        loop {
            match app::photo_sweep::sweep(&db, &store, app::photo_sweep::MIN_AGE).await {
                Ok(n) => tracing::info!(removed = n, "photo sweep done"),
                Err(e) => tracing::warn!(error = %e, "photo sweep failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
        }
    });
}

/// Applies the escalation rules (催办 → 督办 → 提级) every minute. Every instance may run it:
/// each step is written only if the finding is still at the level it was read at.
pub fn spawn_escalation(state: &AppState) {
    let db = state.db.clone();
    let clock = state.clock.clone();
    tokio::spawn(async move {
        loop {
            match app::supervision::escalation::sweep(&db, clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(steps = n, "escalation applied"),
                Err(e) => tracing::warn!(error = %e, "escalation sweep failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    });
}

/// Places the reports that arrived before their 单元网格 existed: batch after batch while
/// there are any, then a look every minute (the grids may have changed).
pub fn spawn_grid_backfill(state: &AppState) {
    let db = state.db.clone();
    let slot = state.caches.slot::<app::areas::grids::GridIndexSlot>();
    tokio::spawn(async move {
        let mut placed = 0usize;
        loop {
            match app::reports::placement::step(&db, &slot, app::reports::placement::BATCH).await {
                Ok(step) if !step.done => {
                    placed += step.placed;
                    continue;
                }
                Ok(step) => {
                    placed += step.placed;
                    if placed > 0 {
                        tracing::info!(placed, "reports placed in their grids");
                        placed = 0;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "placing reports in grids failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    });
}

/// Serves until Ctrl-C or SIGTERM, then lets in-flight requests finish (within the
/// configured grace).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    config: &Config,
) -> Result<()> {
    crate::serve::serve(listener, router, config.timeouts, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
