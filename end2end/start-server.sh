#!/usr/bin/env bash
# Starts the release server for the end-to-end tests on a fresh SQLite database.
set -euo pipefail
port="${1:-3100}"
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$(mktemp -d -t jiexiang-e2e-XXXXXX)"
export DATA_DIR="$data"
export BIND_ADDR="127.0.0.1:${port}"
export LEPTOS_SITE_ROOT="$root/target/site"
export LEPTOS_ENV=PROD
# cargo-leptos hashed the /pkg names (hash-files in Cargo.toml); the server reads them from
# target/release/hash.txt.
export LEPTOS_HASH_FILES=true
export RUST_LOG="${RUST_LOG:-warn}"
# The demo offices, streets and accounts (the binary's default is none).
export SEED_DEMO=true
# Every test's "resident" comes from 127.0.0.1, like a whole town behind one carrier NAT:
# the per-address look-up budget is tested in the Rust tests, not spent here.
export LOOKUP_RATE_LIMIT=100000/600
# The tests read the server's counts (POST /api/site_summary) right after each upload.
export PUBLIC_CACHE_SECS=0
exec "$root/target/release/server"
