#!/usr/bin/env bash
# How responsive the real desktop app stays with 1,000,000 patients: drives the release
# build through WebDriver (scripts/e2e-webdriver.sh in timing mode) on two workstations,
# the 2,000-patient one as the baseline and the 1,000,000-patient one, and times from
# inside the app's window the commands its screens call (search as you type, today's
# appointments, the sync line, unread notifications) and signing in. Prints a Markdown table with the ratios for
# BENCHMARKS.md. Not part of the test run: it needs the seeded workstations that
# `BENCH_PATIENTS=1000000 cargo bench -p clinic-core --bench frontdesk` (and
# `BENCH_PATIENTS=2000 …`) leave in ~/.cache/clinic-bench; signing in adds a few audit
# events to them.
#
# Usage: scripts/bench-app.sh [PATH/TO/release/clinic-desktop]
#   BENCH_ROUNDS   timed rounds after the warm-up round (default 5)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
app=${1:-$CARGO_TARGET_DIR/release/clinic-desktop}
if [ $# -eq 0 ]; then
  (cd "$root" && cargo build --release -p clinic-desktop)
fi
cache=$HOME/.cache/clinic-bench
small=$cache/search-2000
large=$cache/search-1000000
for dir in "$small" "$large"; do
  [ -f "$dir/keys.json" ] || {
    echo "bench-app: no seeded workstation in $dir; run BENCH_PATIENTS=$(basename "$dir" | cut -d- -f2) cargo bench -p clinic-core --bench frontdesk first" >&2
    exit 1
  }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/clinic-bench-app.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Typed the way a receptionist types: name parts in any order, a phone fragment, a birth
# date, accents left out, a typo.
queries='["kamau","jose alv","mwangi sa","otien","garcia em","0712","1985-","singh","wanjiku joy","garica"]'
for size in small large; do
  dir=$small
  [ "$size" = large ] && dir=$large
  E2E_BENCH_OUT=$work/$size.json E2E_DATA_DIR=$dir E2E_USER=desk \
    E2E_PASSWORD='benchmark front phrase' E2E_QUERIES_JSON=$queries \
    E2E_ROUNDS=${BENCH_ROUNDS:-5} E2E_TIMEOUT=120 \
    "$root/scripts/e2e-webdriver.sh" "$app" >&2
done

# Median and 95th percentile of a JSON array of milliseconds.
stat() {
  jq -r --arg k "$2" '.[$k] | sort | [.[(length / 2 | floor)], .[(length * 95 / 100 | floor)]] | map(. * 100 | round / 100) | @tsv' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
read -r s_med s_p95 < <(stat "$work/small.json" search)
read -r l_med l_p95 < <(stat "$work/large.json" search)
read -r sd_med sd_p95 < <(stat "$work/small.json" day)
read -r ld_med ld_p95 < <(stat "$work/large.json" day)
read -r ss_med _ < <(stat "$work/small.json" sync)
read -r ls_med _ < <(stat "$work/large.json" sync)
read -r sn_med _ < <(stat "$work/small.json" notes)
read -r ln_med _ < <(stat "$work/large.json" notes)
s_in=$(jq .sign_in_ms "$work/small.json")
l_in=$(jq .sign_in_ms "$work/large.json")
echo "| in the app's window | 2,000 patients (baseline) | 1,000,000 patients | ratio |"
echo "|---|---|---|---|"
echo "| search as you type, median | $s_med ms | $l_med ms | $(ratio "$l_med" "$s_med") |"
echo "| search as you type, p95 | $s_p95 ms | $l_p95 ms | $(ratio "$l_p95" "$s_p95") |"
echo "| today's appointments, median | $sd_med ms | $ld_med ms | $(ratio "$ld_med" "$sd_med") |"
echo "| the sync line (pending, refused, conflicts), median | $ss_med ms | $ls_med ms | $(ratio "$ls_med" "$ss_med") |"
echo "| unread notifications, median | $sn_med ms | $ln_med ms | $(ratio "$ln_med" "$sn_med") |"
echo "| sign in to home page painted (±0.2 s polling) | $s_in ms | $l_in ms | $(ratio "$l_in" "$s_in") |"
echo
echo "results per search (large): $(jq -c '.found | add' "$work/large.json") over $(jq -c '.found | length' "$work/large.json") searches"
