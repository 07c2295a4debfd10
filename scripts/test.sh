#!/usr/bin/env bash
# Everything CI checks: format, lints (server and wasm), Rust tests on SQLite and on
# PostgreSQL, the release build of the browser side, and the Playwright tests in Debian's
# Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
# A one-off build (CI) gains nothing from incremental artefacts but their disk space.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

# Each step's wall time, printed at the end.
times=()
current=""
started=$SECONDS
step_start=$SECONDS
step() {
  if [ -n "$current" ]; then times+=("$(printf '%5d s  %s' $((SECONDS - step_start)) "$current")"); fi
  current="$*"
  step_start=$SECONDS
  if [ -n "$current" ]; then printf '\n==> %s\n' "$current"; fi
}

step "cargo fmt --check, leptosfmt --check (view! macros)"
cargo fmt --all -- --check
leptosfmt --check --quiet app/src

step "clippy (server side, all targets)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (browser side: app with hydrate, wasm32)"
cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "build the Rust tests"
cargo test --workspace --no-run

step "Rust tests on SQLite and, alongside, the integration tests on PostgreSQL"
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
# Drop the databases earlier runs left behind.
psql "$pg_url" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'jx_test_%'" \
  | while read -r db; do psql "$pg_url" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done
# The tests mostly wait on their databases, so the two runs share the cores well. The
# PostgreSQL run's output is kept apart and shown whole when it ends.
pg_log="target/test-postgres.log"
# `--workspace` as above, so the test binaries just built are the ones run (`-p server` alone
# unifies features differently and compiled every test again); `--test '*'`: the integration
# tests, the ones that touch a database.
TEST_DATABASE=postgres TEST_POSTGRES_URL="$pg_url" cargo test --workspace --test '*' >"$pg_log" 2>&1 &
pg_run=$!
sqlite_rc=0
TEST_DATABASE=sqlite cargo test --workspace || sqlite_rc=$?
pg_rc=0
wait "$pg_run" || pg_rc=$?
printf '\n==> Rust integration tests on PostgreSQL (output)\n'
cat "$pg_log"
if [ "$sqlite_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ]; then
  echo "Rust tests failed: SQLite exit $sqlite_rc, PostgreSQL exit $pg_rc" >&2
  exit 1
fi

# The browser gets what a deploy serves: the release wasm, js and css, precompressed, their
# names hashed. The server under them is the debug build the Rust tests above already made:
# building the release server too took 10–11 of CI's 38 minutes, for tests that look at
# pages, not at the server's speed (`make run` and `make bench` build it in release).
step "release build of the browser side (wasm, js, css; precompressed)"
cargo leptos build --release --frontend-only --precompress

step "end-to-end tests (Playwright, Debian Chromium, phone viewport)"
(cd end2end && E2E_SERVER="$PWD/../target/debug/server" npx playwright test)

step ""
printf '\n==> wall time per step\n'
printf '%s\n' "${times[@]}"
printf '%5d s  in all\n' $((SECONDS - started))
