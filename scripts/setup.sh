#!/usr/bin/env bash
# Installs whatever this machine lacks to build, run and test 街巷随手拍. Every step is
# skipped when already present, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

want_tests="${1:-}"   # "test": also what the tests need (Chromium, PostgreSQL)
step() { printf '\n==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# Both tools are built from crates.io. They only drive the build, and their output does not
# depend on how well they are optimised, so they are built unoptimised: cargo-leptos took 28 min
# on 2 cores with its own profile (fat LTO, one codegen unit), 14.6 min without the LTO and
# 5.0 min at opt-level 0. The crates that do the precompression (brotli, gzip) stay optimised,
# since they run over every asset on each release build. The project's own profiles are
# untouched: these settings apply to the two installs only.
quick_install=(env CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false cargo)
for crate in brotli brotli-decompressor alloc-no-stdlib alloc-stdlib libflate libflate_lz77 \
  adler32 crc32fast dary_heap rle-decode-fast; do
  quick_install+=(--config "profile.release.package.$crate.opt-level=3")
done

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock exactly.
wb_version="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  step "cargo install wasm-bindgen-cli $wb_version"
  # No --locked: its lockfile pins a yanked crate.
  "${quick_install[@]}" install wasm-bindgen-cli --version "$wb_version" --force
fi

leptos_version="0.3.11"
if ! cargo leptos --version 2>/dev/null | grep -q "$leptos_version"; then
  step "cargo install cargo-leptos $leptos_version (no_downloads: it uses the tools on PATH)"
  "${quick_install[@]}" install cargo-leptos --version "$leptos_version" --locked --ignore-rust-version \
    --features no_downloads --force
fi

# leptosfmt formats the view! macros (rustfmt leaves them alone); test.sh checks it, and
# `make run` does not need it.
leptosfmt_version="0.1.33"
if [ "$want_tests" = "test" ] && ! leptosfmt --version 2>/dev/null | grep -q "$leptosfmt_version"; then
  step "cargo install leptosfmt $leptosfmt_version"
  "${quick_install[@]}" install leptosfmt --version "$leptosfmt_version" --locked --force
fi

# npm packages from the lockfile: Playwright and binaryen (wasm-opt; Debian's is too old).
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  step "npm ci (end2end)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

if [ "$want_tests" = "test" ]; then
  if [ ! -x /usr/bin/chromium ]; then
    step "apt-get install chromium"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
  # The Open311 clients from PyPI the integration tests drive, pinned by hash.
  py_reqs=server/tests/open311/requirements.txt
  py_dir=target/open311-py
  if [ ! -f "$py_dir/.installed" ] || [ "$py_reqs" -nt "$py_dir/.installed" ]; then
    step "pip install the Open311 clients (georeport, civicbot) into $py_dir"
    rm -rf "$py_dir"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --require-hashes \
      --target "$py_dir" -r "$py_reqs"
    touch "$py_dir/.installed"
  fi
  # moto's S3-compatible server for the object-storage tests, pinned by hash; the tests start
  # it (server/tests/it/common.rs) on a port of the checkout's own when nothing answers there.
  s3_reqs=server/tests/s3/requirements.txt
  s3_dir=target/moto-py
  if [ ! -f "$s3_dir/.installed" ] || [ "$s3_reqs" -nt "$s3_dir/.installed" ]; then
    step "pip install moto (an S3-compatible server) into $s3_dir"
    rm -rf "$s3_dir"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --require-hashes \
      --target "$s3_dir" -r "$s3_reqs"
    touch "$s3_dir/.installed"
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    step "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
