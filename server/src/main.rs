use anyhow::Context;
use server::{cli, config::Config, pwa, startup, telemetry};

fn main() -> anyhow::Result<()> {
    // Before any thread exists (see memory.rs).
    server::memory::tune_allocator();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    telemetry::init();
    let config = Config::from_env()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => {}
        Some("user") => return cli::user(&config, &args[1..]).await,
        Some("synthetic") => return cli::synthetic(&config, &args[1..]).await,
        Some("migrate-to") => return cli::migrate_to(&config, &args[1..]).await,
        Some(_) => anyhow::bail!("{}", cli::USAGE),
    }
    let mut leptos_options = leptos::prelude::get_configuration(None)?.leptos_options;
    leptos_options.site_addr = config.bind_addr;
    // Leptos panics on the first page if hashing is on and the hash file is missing.
    if leptos_options.hash_files && !pwa::hashed_assets(&leptos_options) {
        leptos_options.hash_files = false;
    }
    let state = startup::build_state(&config, leptos_options).await?;
    let listener = tokio::net::TcpListener::bind(config.bind_addr)
        .await
        .with_context(|| format!("binding {}", config.bind_addr))?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    startup::spawn_photo_sweep(&state);
    startup::spawn_escalation(&state);
    startup::spawn_grid_backfill(&state);
    startup::serve(listener, startup::router(state, &config), &config).await
}
