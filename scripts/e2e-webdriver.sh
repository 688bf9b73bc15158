#!/usr/bin/env bash
# End-to-end flows of the desktop app through WebDriver: tauri-driver in front of
# WebKitGTK's WebKitWebDriver, on a virtual X display. This script only starts the display
# and the driver; the flows are TypeScript, one file each in ui/e2e/*.e2e.ts (first-run
# set-up, front desk, check-in queue, a doctor's notification, administration, doctors'
# schedules, patient records, the idle lock, the doctor's visit), run by Vitest one after
# another, each with a fresh data directory and its own app session, so one failing flow
# never hides the others. Prints each flow's result and exits non-zero if any failed.
#
# Usage: scripts/e2e-webdriver.sh PATH/TO/clinic-desktop
#   TAURI_DRIVER      the tauri-driver binary (default: on PATH, else
#                     ~/.cache/tauri-driver/bin/tauri-driver; install it with
#                     `cargo install tauri-driver --locked --root ~/.cache/tauri-driver`)
#   E2E_PORT          tauri-driver's port (default 4444; WebKitWebDriver gets the next one)
#   E2E_TIMEOUT       seconds each wait may take (default 30)
#   E2E_ARTIFACTS     where a failing flow's screenshot goes (default
#                     ${TMPDIR:-/tmp}/clinic-e2e-failures)
#   E2E_FLOWS         run only the flow files whose names contain this (Vitest's filter)
#   CLINIC_TEST_CUPS_PDF_QUEUE, CLINIC_TEST_CUPS_PDF_OUT
#                     the cups-pdf queue the prescribing flow prints on and the folder it
#                     writes PDFs to (`source scripts/lib.sh && ensure_cups_pdf_queue` sets
#                     both up and exports them; the flows and the app inherit them as is)
#
# Needs the Debian packages webkit2gtk-driver (WebKitWebDriver), xvfb and imagemagick,
# and ui/node_modules (scripts/run-tests.sh installs it; else `cd ui && npm ci`).
#
# Timing mode (scripts/bench-app.sh uses it): with E2E_BENCH_OUT=FILE it runs
# ui/e2e/timing.ts instead of the flows: it opens the workstation in E2E_DATA_DIR, signs
# in as E2E_USER with E2E_PASSWORD and times the app's own commands from inside its
# window (see that file), writing the milliseconds to FILE as JSON.
set -euo pipefail

die() {
  printf 'e2e-webdriver: %s\n' "$*" >&2
  exit 1
}

inside_xvfb() {
  local app=$1 work=$2 driver=$3 port=$4 ui=$5
  # Global, not local: the EXIT trap reads it after this function has returned.
  driver_pid=""

  stop_driver() {
    if [ -n "$driver_pid" ]; then
      # tauri-driver leads its own process group (setsid) with WebKitWebDriver and the
      # app in it: end the group, or WebKitWebDriver keeps its port after we are gone.
      kill -TERM -- "-$driver_pid" 2>/dev/null || true
      for _ in $(seq 1 30); do
        kill -0 "$driver_pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL -- "-$driver_pid" 2>/dev/null || true
      wait "$driver_pid" 2>/dev/null || true
      driver_pid=""
    fi
  }
  trap stop_driver EXIT
  driver_log() {
    printf -- '--- tauri-driver log (last 20 lines) ---\n' >&2
    tail -n 20 "$work/driver.log" >&2 2>/dev/null || true
  }

  # The app inherits tauri-driver's environment; each flow passes its own --data-dir.
  GDK_BACKEND=x11 WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 \
    LIBGL_ALWAYS_SOFTWARE=1 NO_AT_BRIDGE=1 \
    setsid "$driver" --port "$port" --native-port "$((port + 1))" >"$work/driver.log" 2>&1 &
  driver_pid=$!
  local deadline=$(($(date +%s) + 30))
  until curl -s "http://127.0.0.1:$port/status" >/dev/null 2>&1; do
    kill -0 "$driver_pid" 2>/dev/null || { driver_log; die "tauri-driver exited"; }
    [ "$(date +%s)" -le "$deadline" ] || { driver_log; die "tauri-driver did not answer on port $port"; }
    sleep 0.2
  done

  export E2E_APP=$app E2E_DRIVER_URL="http://127.0.0.1:$port"
  cd "$ui"
  if [ -n "${E2E_BENCH_OUT:-}" ]; then
    npx --no-install vite-node e2e/timing.ts || { driver_log; exit 1; }
    return 0
  fi

  local status=0 report="$work/flows.json"
  # shellcheck disable=SC2086 # E2E_FLOWS is a list of name filters on purpose.
  npx --no-install vitest run --config vitest.e2e.config.ts \
    --reporter=default --reporter=json --outputFile="$report" ${E2E_FLOWS:-} || status=$?

  # One line per flow, whatever Vitest's own output looked like above.
  if [ -s "$report" ]; then
    echo
    jq -r '.testResults[] | .name as $file | .assertionResults[] |
      "e2e-webdriver: \(if .status == "passed" then "PASS" else "FAIL" end)  \(.title)  (\($file | split("/") | last), \((.duration // 0) / 1000 | floor)s)"' "$report"
    jq -r '"e2e-webdriver: \(.numPassedTests) passed, \(.numFailedTests) failed, \(.numTotalTests) flows"' "$report"
    # A flow file that failed to load has no test results, only a message.
    jq -r '.testResults[] | select(.status == "failed" and (.assertionResults | length) == 0) |
      "e2e-webdriver: FAIL  \(.name | split("/") | last) did not run: \(.message)"' "$report"
  else
    echo "e2e-webdriver: Vitest wrote no report" >&2
    [ "$status" -ne 0 ] || status=1
  fi
  if [ "$status" -ne 0 ]; then
    driver_log
    exit "$status"
  fi
}

if [ "${1:-}" = "--inside-xvfb" ]; then
  shift
  inside_xvfb "$@"
  exit 0
fi

[ $# -eq 1 ] || die "usage: $0 PATH/TO/clinic-desktop"
app=$1
[ -x "$app" ] || die "no executable app at '$app' (build it with: cargo build -p clinic-desktop)"
driver=${TAURI_DRIVER:-$(command -v tauri-driver || echo "$HOME/.cache/tauri-driver/bin/tauri-driver")}
[ -x "$driver" ] || die "no tauri-driver at '$driver' (cargo install tauri-driver --locked --root ~/.cache/tauri-driver)"
for tool in WebKitWebDriver xvfb-run curl jq setsid npx; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing (Debian packages: webkit2gtk-driver xvfb curl jq npm)"
done
port=${E2E_PORT:-4444}
app=$(cd "$(dirname "$app")" && pwd)/$(basename "$app")
self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
ui=$(cd "$(dirname "$self")/../ui" && pwd)
[ -x "$ui/node_modules/.bin/vitest" ] || die "the UI's npm packages are not installed: run 'npm ci' in $ui (scripts/run-tests.sh does)"
export E2E_ARTIFACTS=${E2E_ARTIFACTS:-${TMPDIR:-/tmp}/clinic-e2e-failures}
work=$(mktemp -d "${TMPDIR:-/tmp}/clinic-webdriver.XXXXXX")
trap 'rm -rf "$work"' EXIT

xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  bash "$self" --inside-xvfb "$app" "$work" "$driver" "$port" "$ui"
