//! The 街巷随手拍 server: configuration, database, router. `main.rs` only wires these up.

// Leptos view types nest deeply; the server is where they are all laid out.
#![recursion_limit = "256"]

pub mod body;
pub mod cli;
pub mod config;
pub mod csp;
pub mod database;
pub mod errors;
pub mod memory;
pub mod migrate;
pub mod origin;
pub mod photos;
pub mod pwa;
pub mod serve;
pub mod startup;
pub mod telemetry;
