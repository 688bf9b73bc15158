#!/usr/bin/env bash
# Runs every test: formatting, lints, the crate boundaries, UI checks and unit tests,
# Rust unit and integration tests (with a real PostgreSQL and a real CUPS queue, cups-pdf),
# a short crash test (SIGKILL at random points, scripts/crash-test.sh), and the app's
# window under Xvfb. Installs whatever is missing first. Usage: scripts/run-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_apt_packages "${CLINIC_APT_PACKAGES[@]}"
ensure_rust
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy || true

# PostgreSQL: start the cluster and make a test role that may create databases.
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  log "starting PostgreSQL"
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    as_root pg_createcluster 15 main
    cluster="15 main"
  fi
  as_root pg_ctlcluster $cluster start
fi
pg_port=$(pg_lsclusters -h | awk '$4 == "online" {print $3; exit}')
as_root su postgres -c "psql -q -p $pg_port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'clinic_test'\"" | grep -q 1 \
  || as_root su postgres -c "psql -q -p $pg_port -c \"CREATE ROLE clinic_test LOGIN SUPERUSER PASSWORD 'clinic_test'\""
export CLINIC_TEST_DATABASE_URL="postgres://clinic_test:clinic_test@127.0.0.1:$pg_port/postgres"

# CUPS with the cups-pdf printer: the print tests send a job and read the PDF it writes.
ensure_cups_pdf_queue

# The independent FHIR validator the FHIR export's tests run.
ensure_fhir_validator

results=$(mktemp)
trap 'rm -f "$results"' EXIT

build_ui
log "checking the user interface (svelte-check, vitest)"
(cd ui && npm run --silent check && npm run --silent test -- --reporter=default --reporter=json --outputFile="$results.vitest.json")
ui_passed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["numPassedTests"])' "$results.vitest.json")
rm -f "$results.vitest.json"

log "cargo fmt --check"
cargo fmt --all -- --check

log "checking crate boundaries"
scripts/check-boundaries.sh

log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "cargo test"
cargo test --workspace --locked 2>&1 | tee "$results"
rust_passed=$(awk '/^test result: ok\./ {sum += $4} END {print sum + 0}' "$results")

log "crash test: SIGKILL the writer, the sync client and the server (scripts/crash-test.sh 12)"
# The same binaries the tests ran (cargo test builds them only when a test asks).
cargo build -p clinic-cli -p sync-server --locked
CLINIC_BIN="$CARGO_TARGET_DIR/debug/clinic" SYNC_SERVER_BIN="$CARGO_TARGET_DIR/debug/sync-server" \
  scripts/crash-test.sh 12

log "building the desktop app and checking its window under Xvfb"
cargo build -p clinic-desktop --locked
app="$CARGO_TARGET_DIR/debug/clinic-desktop"
scripts/screenshot-login.sh "$app" "$CARGO_TARGET_DIR/screenshots/login.png"

log "end-to-end: the real app driven through tauri-driver and WebKitWebDriver"
driver_root="$HOME/.cache/tauri-driver"
if [ ! -x "$driver_root/bin/tauri-driver" ]; then
  log "installing tauri-driver from crates.io (once)"
  cargo install tauri-driver --locked --root "$driver_root"
fi
TAURI_DRIVER="$driver_root/bin/tauri-driver" scripts/e2e-webdriver.sh "$app"

log "end-to-end: every main screen under Xvfb, with screenshots"
scripts/e2e-screens.sh "$app" "$CARGO_TARGET_DIR/screenshots"

log "all tests passed"
# The three window checks and the crash test count as one test each.
echo "summary: $((rust_passed + ui_passed + 4)) passed, 0 failed"
