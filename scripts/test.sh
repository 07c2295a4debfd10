#!/usr/bin/env bash
# Everything CI checks: format, lints (server and wasm), Rust tests on SQLite and on
# PostgreSQL, the release build, and the Playwright tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
step() { printf '\n==> %s\n' "$*"; }
# A one-off build (CI) gains nothing from incremental artefacts but their disk space.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server side, all targets)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (browser side: app with hydrate, wasm32)"
cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "Rust tests on SQLite"
TEST_DATABASE=sqlite cargo test --workspace

step "Rust integration tests on PostgreSQL"
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
# Drop the databases earlier runs left behind.
psql "$pg_url" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'jx_test_%'" \
  | while read -r db; do psql "$pg_url" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done
TEST_DATABASE=postgres TEST_POSTGRES_URL="$pg_url" cargo test -p server --tests

step "release build (server + wasm, precompressed)"
cargo leptos build --release --precompress

step "end-to-end tests (Playwright, Debian Chromium, phone viewport)"
(cd end2end && npx playwright test)
