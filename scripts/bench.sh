#!/usr/bin/env bash
# `make bench`: the benchmarks at a million reports, on this machine, written into
# BENCHMARKS.md between the `bench:begin` and `bench:end` markers (the rest of the file is
# kept). Not part of `make test`: it takes about 25 minutes on 2 cores.
#
# For SQLite and for PostgreSQL (127.0.0.1:5432, a database `jx_bench` made afresh):
#   1. `server synthetic --reports $BENCH_REPORTS` (default 1,000,000) into an empty database,
#      timed with its peak RSS, then `--findings $BENCH_FINDINGS` (default 100,000);
#   2. the release server with `PUBLIC_CACHE_SECS=0` (every view computes its figures), and
#      scripts/bench/pages.py: every page, one client, beside a no-database baseline;
#   3. the release server with its default cache, and wrk: `/stats` with 50 connections;
#   4. the offices' exports (scripts/bench/exports.py): about 100,000 rows and the whole
#      database, CSV and XLSX, with the server's peak RSS;
#   5. submissions through the real endpoint with wrk (scripts/bench/submit.lua): three
#      ≈150 KB phone-made photos each, 16 connections, beside the same load with three tiny
#      photos (everything but the photo work); then 100 connections on a fresh start, with the
#      server's peak RSS.
# Before the backends: examples/photo_bench, the server's work on one photo, pass-through
# against re-encode in the same run; examples/grid_bench, 10,000 单元网格 of 200 positions:
# point in polygon through the index beside a scan of every grid, and the import's steps.
# After the backends, the resident's side in Chromium: Lighthouse 12.8.2 on `/report` (five
# runs), `/`, `/honours`, `/stats` (scripts/bench/lighthouse.sh), and the offline queue's
# drain time on loopback and on a throttled 1.6 Mbit/s link (`cd end2end && npm run bench`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

reports="${BENCH_REPORTS:-1000000}"
findings="${BENCH_FINDINGS:-100000}"
pg_admin="${BENCH_POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_url="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/jx_bench}"
work="$(mktemp -d)"
out="$work/section.md"
server=./target/release/server
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { sudo_if() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }; sudo_if apt-get install -y wrk; }
command -v psql >/dev/null
cargo build --release -p server --bin server --example photo_bench --example grid_bench
mkdir -p "$work/photos"
BENCH_WRITE_PHOTOS="$work/photos" ./target/release/examples/photo_bench
cp fuzz/seeds/photo/small.jpg "$work/photos/tiny.jpg"

start_server() { # port, cache seconds, database url, data dir
    PUBLIC_CACHE_SECS="$2" SEED_DEMO=true BIND_ADDR="127.0.0.1:$1" DATABASE_URL="$3" \
        REPORT_RATE_LIMIT=1000000/60 \
        DATA_DIR="$4" RUST_LOG=warn "$server" >"$work/server-$1.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$1/api/health" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "server on $1 did not start" >&2
    cat "$work/server-$1.log" >&2
    return 1
}
stop_servers() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    pids=()
}

commit="$(git rev-parse --short HEAD)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
{
    echo "Written by \`make bench\` (scripts/bench.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit;"
    echo "machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/{print $2}') GiB."
    echo
    echo "### One photo on the server"
    echo
    echo "\`cargo run --release -p server --example photo_bench\` (a 1600×1200 baseline JPEG as the"
    echo "phone sends it, with an EXIF segment):"
    echo
    ./target/release/examples/photo_bench
    echo
    echo "### 单元网格 at a district's size"
    echo
    echo "\`cargo run --release -p server --example grid_bench\` (a lattice of wavy grids; the"
    echo "baseline tests every grid's box and rings):"
    echo
    ./target/release/examples/grid_bench
    echo
} >"$out"

# wrk's summary of a submission run as one line.
submit_line() { # wrk output
    echo "$(echo "$1" | awk '/Requests\/sec/{print $2}') reports/s, p50 $(echo "$1" | awk '$1=="50%"{print $2}'),"
    echo "p90 $(echo "$1" | awk '$1=="90%"{print $2}'), p95 $(echo "$1" | awk '$1=="p95"{print $2}'),"
    echo "p99 $(echo "$1" | awk '$1=="99%"{print $2}');"
    echo "$(echo "$1" | grep '^submitted'); $(echo "$1" | grep -o 'timeout [0-9]*' || echo 'timeout 0')."
}

run_backend() { # name, url, port
    local name="$1" url="$2" port="$3" data="$work/data-$1"
    mkdir -p "$data"
    /usr/bin/time -v env DATABASE_URL="$url" DATA_DIR="$data" RUST_LOG=warn \
        "$server" synthetic --reports "$reports" >"$work/fill-$name.log" 2>&1
    /usr/bin/time -v env DATABASE_URL="$url" DATA_DIR="$data" RUST_LOG=warn \
        "$server" synthetic --findings "$findings" >"$work/findings-$name.log" 2>&1
    local wall rss line fline fwall
    fline="$(grep '^wrote' "$work/findings-$name.log")"
    fwall="$(grep 'Elapsed (wall clock)' "$work/findings-$name.log" | awk '{print $NF}')"
    line="$(grep '^wrote' "$work/fill-$name.log")"
    wall="$(grep 'Elapsed (wall clock)' "$work/fill-$name.log" | awk '{print $NF}')"
    rss="$(grep 'Maximum resident' "$work/fill-$name.log" | awk '{print $NF}')"
    {
        echo "### $name"
        echo
        echo "\`server synthetic --reports $reports\`: $line; wall $wall, peak RSS $((rss / 1024)) MB."
        echo
        echo "\`server synthetic --findings $findings\` (the 督导 rounds and findings): $fline; wall $fwall."
        echo
        echo "\`scripts/bench/pages.py http://127.0.0.1:$port 41\` against the release server with"
        echo "\`PUBLIC_CACHE_SECS=0\`:"
        echo
    } >>"$out"
    start_server "$port" 0 "$url" "$data"
    python3 scripts/bench/pages.py "http://127.0.0.1:$port" 41 >>"$out"
    stop_servers
    start_server "$port" 30 "$url" "$data"
    local w
    w="$(wrk -t2 -c50 -d15s --latency "http://127.0.0.1:$port/stats")"
    stop_servers
    start_server "$port" 30 "$url" "$data"
    {
        echo
        echo "Exports, \`scripts/bench/exports.py http://127.0.0.1:$port SERVER_PID\` (fresh start):"
        echo
        python3 scripts/bench/exports.py "http://127.0.0.1:$port" "${pids[-1]}"
    } >>"$out"
    stop_servers
    local ph="$work/photos" s tiny s100 hwm
    start_server "$port" 30 "$url" "$data"
    s="$(wrk -t2 -c16 -d20s --latency -s scripts/bench/submit.lua "http://127.0.0.1:$port" \
        -- "$ph/p1.jpg" "$ph/p2.jpg" "$ph/p3.jpg" 1 1)"
    tiny="$(wrk -t2 -c16 -d10s --latency -s scripts/bench/submit.lua "http://127.0.0.1:$port" \
        -- "$ph/tiny.jpg" "$ph/tiny.jpg" "$ph/tiny.jpg" 1 1)"
    stop_servers
    start_server "$port" 30 "$url" "$data"
    s100="$(wrk -t2 -c100 -d15s --latency --timeout 30s -s scripts/bench/submit.lua \
        "http://127.0.0.1:$port" -- "$ph/p1.jpg" "$ph/p2.jpg" "$ph/p3.jpg" 1 1)"
    hwm="$(awk '/VmHWM/{print $2}' "/proc/${pids[-1]}/status")"
    stop_servers
    {
        echo
        echo "\`wrk -t2 -c50 -d15s --latency http://127.0.0.1:$port/stats\` (default 30 s cache):"
        echo "p50 $(echo "$w" | awk '$1=="50%"{print $2}'), p90 $(echo "$w" | awk '$1=="90%"{print $2}'),"
        echo "p99 $(echo "$w" | awk '$1=="99%"{print $2}'), $(echo "$w" | awk '/Requests\/sec/{print $2}') requests/s."
        echo
        echo "Submissions, \`wrk -t2 -c16 -d20s --latency -s scripts/bench/submit.lua URL -- p1.jpg p2.jpg p3.jpg 1 1\`"
        echo "(three ≈150 KB photos each): $(submit_line "$s")"
        echo
        echo "Baseline, the same with three 742-byte photos: $(submit_line "$tiny")"
        echo
        echo "100 connections (\`-c100 -d15s --timeout 30s\`, fresh start): $(submit_line "$s100")"
        echo "Server peak RSS (VmHWM): $((hwm / 1024)) MB."
        echo
    } >>"$out"
}

run_backend SQLite "sqlite://$work/bench.db?mode=rwc" 3190
psql "$pg_admin" -q -c "DROP DATABASE IF EXISTS jx_bench" -c "CREATE DATABASE jx_bench"
run_backend PostgreSQL "$pg_url" 3191
psql "$pg_admin" -q -c "DROP DATABASE IF EXISTS jx_bench"

[ -d target/site/pkg ] || ./scripts/build-release.sh
{
    echo "### Lighthouse 12.8.2, mobile (simulated slow 4G, 4× CPU slowdown)"
    echo
    echo "\`scripts/bench/lighthouse.sh 5\` (the release site on a fresh demo database; Debian's Chromium):"
    echo
    scripts/bench/lighthouse.sh 5
    echo
    echo "### Offline queue drain (20 reports × 3 photos queued offline, then online)"
    echo
    echo "\`cd end2end && npm run bench\`:"
    echo
    echo '```'
    (cd end2end && npm run bench 2>&1) | grep -E '^(drain|  online|  first|  share)' || true
    echo '```'
    echo
} >>"$out"

python3 - "$out" <<'EOF'
import sys, re
section = open(sys.argv[1]).read()
path = "BENCHMARKS.md"
text = open(path).read()
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    text = head + begin + "\n" + section + end + tail
else:
    text = text.rstrip() + "\n\n## `make bench`\n\n" + begin + "\n" + section + end + "\n"
open(path, "w").write(text)
EOF
echo "BENCHMARKS.md updated"
