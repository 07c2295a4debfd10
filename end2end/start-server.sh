#!/usr/bin/env bash
# Starts the server for the end-to-end tests on a fresh SQLite database.
set -euo pipefail
port="${1:-3100}"
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$(mktemp -d -t jiexiang-e2e-XXXXXX)"
export DATA_DIR="$data"
export BIND_ADDR="127.0.0.1:${port}"
export LEPTOS_SITE_ROOT="$root/target/site"
export LEPTOS_ENV=PROD
# cargo-leptos hashed the /pkg names (hash-files in Cargo.toml) and wrote them to
# target/release/hash.txt; named by its absolute path, so that any build of the server reads it.
export LEPTOS_HASH_FILES=true
export LEPTOS_HASH_FILE_NAME="$root/target/release/hash.txt"
export RUST_LOG="${RUST_LOG:-warn}"
# The demo offices, streets and accounts (the binary's default is none).
export SEED_DEMO=true
# Every test's "resident" comes from 127.0.0.1, like a whole town behind one carrier NAT:
# the per-address look-up budget is tested in the Rust tests, not spent here.
export LOOKUP_RATE_LIMIT=100000/600
# The tests read the server's counts (POST /api/site_summary) right after each upload.
export PUBLIC_CACHE_SECS=0
# The release server (`make run`'s), or the one E2E_SERVER names: `make test` runs the tests
# against the debug server its Rust tests built, beside the release wasm (scripts/test.sh).
exec "${E2E_SERVER:-$root/target/release/server}"
