#!/usr/bin/env bash
# Lighthouse 12.8.2 (npm, Debian's Chromium) on the release site: mobile emulation and
# Lighthouse's default throttling (simulated slow 4G, 4× CPU slowdown). `/report` five times
# (its median: performance, TBT, LCP, accessibility), `/`, `/honours` and `/stats` three times
# each (median performance and accessibility). Prints a Markdown table; part of `make bench`
# (scripts/bench.sh), also runs on its own: scripts/bench/lighthouse.sh [runs-of-report]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
lh_dir=target/lighthouse
if [ ! -x "$lh_dir/node_modules/.bin/lighthouse" ]; then
    npm install --silent --no-audit --no-fund --prefix "$lh_dir" lighthouse@12.8.2 >/dev/null
fi
lh="$lh_dir/node_modules/.bin/lighthouse"
[ -f target/release/server ] && [ -d target/site/pkg ] || ./scripts/build-release.sh
work="$(mktemp -d)"
port=3192
DATA_DIR="$work" BIND_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_ENV=PROD \
    LEPTOS_HASH_FILES=true RUST_LOG=warn SEED_DEMO=true SEED_DEMO_HONOURS=true \
    ./target/release/server >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
    sleep 0.2
done

run() { # path, index -> prints "perf tbt_ms lcp_ms a11y"
    local json="$work/lh-$(echo "$1" | tr '/' '_')-$2.json"
    CHROME_PATH=/usr/bin/chromium "$lh" "http://127.0.0.1:$port$1" --quiet \
        --only-categories=performance,accessibility --form-factor=mobile \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
        --output=json --output-path="$json" >/dev/null 2>&1
    python3 - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c, a = r["categories"], r["audits"]
print(round(c["performance"]["score"] * 100), round(a["total-blocking-time"]["numericValue"]),
      round(a["largest-contentful-paint"]["numericValue"]), round(c["accessibility"]["score"] * 100))
PY
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "| page | runs | performance (median, min–max) | TBT ms (median) | LCP ms (median) | accessibility |"
echo "|---|---|---|---|---|---|"
for page in /report / /honours /stats; do
    n=3
    [ "$page" = /report ] && n="$runs"
    : >"$work/rows"
    for i in $(seq 1 "$n"); do run "$page" "$i" >>"$work/rows"; done
    perf=$(cut -d' ' -f1 "$work/rows" | median)
    lo=$(cut -d' ' -f1 "$work/rows" | sort -n | head -1)
    hi=$(cut -d' ' -f1 "$work/rows" | sort -n | tail -1)
    tbt=$(cut -d' ' -f2 "$work/rows" | median)
    lcp=$(cut -d' ' -f3 "$work/rows" | median)
    a11y=$(cut -d' ' -f4 "$work/rows" | sort -n | head -1)
    echo "| \`$page\` | $n | $perf ($lo–$hi) | $tbt | $lcp | $a11y |"
done
