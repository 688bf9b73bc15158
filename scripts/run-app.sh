#!/usr/bin/env bash
# Builds and opens the desktop app. With no workstation yet in the data directory, it
# sets up a demo clinic (sign in as admin / demo-clinic-2026). Installs what is missing.
# Usage: scripts/run-app.sh            (data in ~/.local/share/clinic)
#        CLINIC_DATA_DIR=/some/dir scripts/run-app.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_apt_packages build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev
ensure_rust
build_ui
log "building the desktop app (release; the first build takes several minutes)"
cargo build --release -p clinic-desktop --locked

app="$CARGO_TARGET_DIR/release/clinic-desktop"
export CLINIC_DEMO="${CLINIC_DEMO:-1}"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  log "no graphical display here: starting the app inside a virtual one (xvfb-run) instead"
  ensure_apt_packages xvfb
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$app"
fi
exec "$app"
