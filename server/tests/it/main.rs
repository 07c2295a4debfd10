//! The integration tests: one binary (linking the whole app once instead of once per area),
//! a module per area. Each test starts the real router on a random port with a fresh
//! database ([`common::spawn_app`]): SQLite by default, PostgreSQL with
//! `TEST_DATABASE=postgres` (`make test` runs both).

// A failed unwrap is a failed test here (clippy.toml allows them inside #[test] functions,
// which these helpers are not).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod admin;
mod bodies;
mod chaos;
mod escalation;
mod exports;
mod figures;
mod foundation;
mod grids;
mod honours;
mod instances;
mod layering;
mod limits;
mod migrate;
mod open311;
mod pwa;
mod reports;
mod s3;
mod staff;
mod stats;
mod supervision;
