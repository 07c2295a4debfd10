//! `server user …`: accounts from the command line (the first admin on a real deployment,
//! password resets). Passwords are read from standard input (one line), never from the
//! command line, where other users of the machine could see them.
//!
//! ```text
//! server user add <username> --name <显示名> --role admin|staff [--office <办事处名或编号>]
//! server user passwd <username>
//! server user disable <username> | enable <username>
//! server user list
//! ```

use crate::config::Config;
use crate::database;
use anyhow::{Context, Result, bail};
use app::db::Db;
use app::domain::OfficeId;
use app::session::Role;
use app::session::auth;
use std::io::BufRead;

pub const USAGE: &str = "usage:
  server user add <username> --name <display name> --role admin|staff [--office <office name or id>]
  server user passwd <username>
  server user disable <username>
  server user enable <username>
  server user list
The password is read from standard input (one line).
  server synthetic [--reports <N>] [--findings <M>] [--seed <S>]
Fills the configured database (DATABASE_URL; the photos go to the configured store) with N synthetic reports
and/or M synthetic 督导 findings (in rounds of twenty, with their steps and escalations) over the last
year; adds the demo areas, accounts and grids first when there are none. Where there are grids, every
report gets a point inside one and its grid.
  server migrate-to <postgres://user@host/db>
Copies the configured SQLite database (DATABASE_URL) into that PostgreSQL database and the photos
under DATA_DIR/photos into the configured store (PHOTO_STORE=s3 and S3_*), then verifies both; stop
the server first. Can be run again after an interruption: it completes the copy.";

/// `server migrate-to <postgres-url>`: SQLite and the photo folder to PostgreSQL and the
/// configured photo store (`crate::migrate`).
pub async fn migrate_to(config: &Config, args: &[String]) -> Result<()> {
    let [target] = args else { bail!("{USAGE}") };
    crate::migrate::migrate_to(
        config,
        target,
        &crate::migrate::Options::default(),
        &mut std::io::stdout(),
    )
    .await
    .map(|_| ())
}

/// `server synthetic [--reports N] [--findings M] [--seed S]`: a database of size for
/// benchmarks and trials (reports into a database without reports, findings into one without
/// findings).
pub async fn synthetic(config: &Config, args: &[String]) -> Result<()> {
    let count = |name: &str| -> Result<Option<u64>> {
        option(args, name)?
            .map(|v| {
                v.replace('_', "")
                    .parse()
                    .with_context(|| format!("{name} must be a whole number"))
            })
            .transpose()
    };
    let (reports, findings) = (count("--reports")?, count("--findings")?);
    anyhow::ensure!(reports.is_some() || findings.is_some(), USAGE);
    let seed: u64 = match option(args, "--seed")? {
        Some(s) => s.parse().context("--seed must be a whole number")?,
        None => 2026,
    };
    let db = database::connect(&config.database_url, config.database_max_connections).await?;
    database::migrate(&db).await?;
    if app::areas::seed::seed_demo(&db).await? {
        println!("added the demo offices, communities, streets and categories");
    }
    if app::session::seed::seed_demo_users(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        println!("added the demo accounts (README: demo only)");
    }
    if app::areas::seed::seed_demo_grids(&db, app::domain::Millis::now())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        println!("added the demo grids (the reports get points inside them)");
    }
    let now = app::domain::Millis::now();
    if let Some(n) = reports {
        let store = config.photo_store()?;
        let started = std::time::Instant::now();
        let filled = app::reports::db::synthetic::fill(&db, &store, n, now, seed)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "wrote {} reports, {} events, {} photo rows in {:.1} s",
            filled.reports,
            filled.events,
            filled.photos,
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(n) = findings {
        let started = std::time::Instant::now();
        let (rounds, findings, events) = app::supervision::synthetic::fill(&db, n, now, seed)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "wrote {rounds} inspection rounds, {findings} findings, {events} finding events in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Runs a `user` subcommand; `args` are the words after `user`.
pub async fn user(config: &Config, args: &[String]) -> Result<()> {
    let db = database::connect(&config.database_url, config.database_max_connections).await?;
    database::migrate(&db).await?;
    let mut stdin = std::io::stdin().lock();
    run(&db, args, &mut stdin, &mut std::io::stdout()).await
}

/// The subcommand itself, with its input and output given (tests drive it).
pub async fn run(
    db: &Db,
    args: &[String],
    input: &mut dyn BufRead,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let (cmd, rest) = args.split_first().context(USAGE)?;
    match cmd.as_str() {
        "add" => {
            let (username, opts) = rest.split_first().context(USAGE)?;
            let name = option(opts, "--name")?.context("--name is required")?;
            let role = match option(opts, "--role")?.as_deref() {
                Some("admin") => Role::Admin,
                Some("staff") => Role::Staff,
                _ => bail!("--role must be admin or staff"),
            };
            let office = match option(opts, "--office")? {
                Some(o) => Some(office_id(db, &o).await?),
                None => None,
            };
            let password = read_password(input)?;
            let id = auth::create_user(db, username, &name, &password, role, office)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            writeln!(out, "created user {username} (id {})", id.0)?;
        }
        "passwd" => {
            let username = rest.first().context(USAGE)?;
            let password = read_password(input)?;
            auth::reset_password(db, username, &password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            writeln!(
                out,
                "password of {username} changed; its sessions were ended"
            )?;
        }
        "disable" | "enable" => {
            let username = rest.first().context(USAGE)?;
            let id = auth::user_id(db, username)
                .await?
                .with_context(|| format!("no user {username}"))?;
            auth::set_active(db, id, cmd == "enable")
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            writeln!(out, "{username} {cmd}d")?;
        }
        "list" => {
            for u in auth::list_users(db).await? {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.display_name,
                    u.role.code(),
                    u.office_name.unwrap_or_else(|| "-".into()),
                    if u.active { "active" } else { "disabled" }
                )?;
            }
        }
        _ => bail!("{USAGE}"),
    }
    Ok(())
}

fn option(opts: &[String], name: &str) -> Result<Option<String>> {
    match opts.iter().position(|o| o == name) {
        Some(i) => Ok(Some(
            opts.get(i + 1)
                .with_context(|| format!("{name} needs a value"))?
                .clone(),
        )),
        None => Ok(None),
    }
}

async fn office_id(db: &Db, name_or_id: &str) -> Result<OfficeId> {
    app::areas::db::find_office(db, name_or_id)
        .await?
        .with_context(|| format!("no office {name_or_id}"))
}

fn read_password(input: &mut dyn BufRead) -> Result<String> {
    let mut line = String::new();
    input.read_line(&mut line).context("reading the password")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}
