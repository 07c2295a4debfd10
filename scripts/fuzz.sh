#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets) for FUZZ_SECONDS each (default 600), one
# after the other, each on its working corpus fuzz/corpus/<target>, grown from the committed
# seeds in fuzz/seeds/<target>. Crash inputs are written to fuzz/artifacts/<target>/; keep
# the ones worth a test in fuzz/regressions/<target>/, which are replayed here first.
# Not part of `make test`.
#
#   make fuzz                                  # all targets, 10 minutes each
#   FUZZ_SECONDS=60 scripts/fuzz.sh photo domain
#
# Only stable Rust is needed: RUSTC_BOOTSTRAP=1 lets it take cargo-fuzz's nightly flags
# (the -Z options of its coverage instrumentation).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export RUSTC_BOOTSTRAP=1

seconds="${FUZZ_SECONDS:-600}"
step() { printf '\n==> %s\n' "$*"; }

cargo_fuzz_version="0.13.2"
if ! cargo fuzz --version 2>/dev/null | grep -q "$cargo_fuzz_version"; then
  step "cargo install cargo-fuzz $cargo_fuzz_version"
  cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked --force
fi

cd fuzz
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

# Release, without a sanitizer: the code fuzzed is safe Rust, so what fuzzing can find here is
# a panic, an abort, unbounded memory (-rss_limit_mb) or a hang (-timeout).
# AddressSanitizer would add nothing to that but a build twice as long and a third of the
# executions per second. FUZZ_SANITIZER=address turns it back on.
sanitizer=(--sanitizer "${FUZZ_SANITIZER:-none}")
step "cargo fuzz build ${*:-(all targets)}"
if [ "$#" -gt 0 ]; then
  for t in "${targets[@]}"; do cargo fuzz build "${sanitizer[@]}" "$t"; done
else
  cargo fuzz build "${sanitizer[@]}"
fi

# The multipart target keeps its SQLite database and photos here.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/jiexiang-fuzz.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export JIEXIANG_FUZZ_TMP="$tmp"

failed=()
summary=()
for t in "${targets[@]}"; do
  case "$t" in
    photo | import_xlsx) max_len=$((2 * 1024 * 1024)) ;;
    *) max_len=65536 ;;
  esac
  flags=(-rss_limit_mb=2048 -max_len="$max_len" -timeout=30 -print_final_stats=1)
  mkdir -p "corpus/$t" "artifacts/$t"

  if compgen -G "regressions/$t/*" >/dev/null; then
    step "$t: replaying regressions/$t"
    if ! cargo fuzz run "${sanitizer[@]}" "$t" regressions/"$t"/* -- "${flags[@]}" -runs=1 \
        >"artifacts/$t/regressions.log" 2>&1; then
      echo "a saved regression still fails: see fuzz/artifacts/$t/regressions.log"
      failed+=("$t (regression)")
    fi
  fi

  [ -d "seeds/$t" ] && cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
  step "$t: fuzzing for ${seconds}s (max_len $max_len)"
  log="artifacts/$t/fuzz.log"
  status=0
  cargo fuzz run "${sanitizer[@]}" "$t" "corpus/$t" -- "${flags[@]}" -max_total_time="$seconds" \
    >"$log" 2>&1 || status=$?
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n1)"
  rate="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n1)"
  line="$t: ${execs:-?} executions, ${rate:-?}/s, corpus $(ls "corpus/$t" | wc -l) files"
  if [ "$status" -ne 0 ]; then
    line+=" — FAILED (exit $status), see fuzz/$log and fuzz/artifacts/$t/"
    grep -m1 -E '^(==[0-9]+==ERROR|thread .* panicked)' "$log" || true
    failed+=("$t")
  fi
  echo "$line"
  summary+=("$line")
done

step "summary"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]}"
  exit 1
fi
