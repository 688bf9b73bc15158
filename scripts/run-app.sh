#!/usr/bin/env bash
# Builds and opens the desktop app. With no workstation yet in the data directory, it
# sets up a demo clinic (sign in as admin / demo-clinic-2026). Installs what is missing,
# poppler (document previews) and CUPS with a PDF printer included.
# Usage: scripts/run-app.sh            (data in ~/.local/share/clinic)
#        CLINIC_DATA_DIR=/some/dir scripts/run-app.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_apt_packages build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev \
  poppler-utils cups printer-driver-cups-pdf
# Printing goes through CUPS; with no printer of its own the machine gets the cups-pdf
# queue "PDF", which writes each job to /var/spool/cups-pdf/<user>. Not fatal: the app
# previews and saves PDFs without it.
( ensure_cups_pdf_queue ) || log "printing is unavailable until CUPS runs (see /var/log/cups/error_log); Save as PDF still works"
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
