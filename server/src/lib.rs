//! The 街巷随手拍 server: configuration, database, router. `main.rs` only wires these up.

pub mod config;
pub mod database;
pub mod startup;
pub mod telemetry;
