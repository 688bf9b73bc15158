#!/usr/bin/env bash
# Opens the built desktop app on a virtual X display (Xvfb), waits until the sign-in
# screen has been painted and its window is mapped, takes a screenshot and checks that it
# is not blank. Fails with a clear message if any step does not happen in time.
#
# Usage: scripts/screenshot-login.sh PATH/TO/clinic-desktop [OUT.png]
#   OUT.png defaults to docs/screenshots/login.png.
#   CLINIC_SCREENSHOT_SCREEN=setup captures the first-run set-up screen instead (no demo
#   mode, empty data directory; OUT.png then defaults to docs/screenshots/setup.png).
#   CLINIC_SCREENSHOT_TIMEOUT (seconds, default 60) bounds the wait for the screen.
#
# The app runs with a fresh temporary data directory; in the default (login) mode with
# CLINIC_DEMO=1, so it sets up "Demo Clinic" first and the sign-in screen shows the demo
# credentials. The app prints "clinic-desktop: screen shown: <screen>" once the UI has
# painted that screen; this script waits for that line and for the "Clinic" window.
set -euo pipefail

die() {
  printf 'screenshot-login: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------
# Inside Xvfb: everything below shares one DISPLAY.
# ---------------------------------------------------------------------------------------
inside_xvfb() {
  local app=$1 out=$2 work=$3 screen=$4 timeout=$5
  local stdout_log="$work/app.stdout" stderr_log="$work/app.stderr"
  # Global, not local: the EXIT trap reads it after this function has returned.
  app_pid=""

  stop_app() {
    if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
      # The app leads its own process group (setsid), which also holds WebKit's helper
      # processes: end the group, then make sure it is gone.
      kill -TERM -- "-$app_pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$app_pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL -- "-$app_pid" 2>/dev/null || true
      wait "$app_pid" 2>/dev/null || true
    fi
    app_pid=""
  }

  show_logs() {
    printf -- '--- app stdout (last 20 lines) ---\n' >&2
    tail -n 20 "$stdout_log" >&2 2>/dev/null || true
    printf -- '--- app stderr (last 30 lines) ---\n' >&2
    tail -n 30 "$stderr_log" >&2 2>/dev/null || true
  }

  fail() {
    printf 'screenshot-login: %s\n' "$*" >&2
    show_logs
    stop_app
    exit 1
  }

  trap stop_app EXIT
  trap 'fail "interrupted"' INT TERM

  local data_dir="$work/data"
  mkdir -p "$data_dir"

  # Xvfb has no GPU. WebKitGTK 2.50 on Debian 12 draws fine here without these, but its
  # accelerated compositing and DMA-BUF renderer are known to draw blank windows on some
  # virtual displays and drivers, so render in software to keep the check deterministic.
  # No accessibility bus exists here either.
  local -a env_vars=(
    "CLINIC_DATA_DIR=$data_dir"
    "GDK_BACKEND=x11"
    "WEBKIT_DISABLE_COMPOSITING_MODE=1"
    "WEBKIT_DISABLE_DMABUF_RENDERER=1"
    "LIBGL_ALWAYS_SOFTWARE=1"
    "NO_AT_BRIDGE=1"
  )
  if [ "$screen" = login ]; then
    env_vars+=("CLINIC_DEMO=1")
  fi

  local started
  started=$(date +%s.%N)
  env -u CLINIC_DEMO -u WAYLAND_DISPLAY "${env_vars[@]}" setsid "$app" >"$stdout_log" 2>"$stderr_log" </dev/null &
  app_pid=$!

  local deadline shown_at="" window=""
  deadline=$(awk -v s="$started" -v t="$timeout" 'BEGIN { printf "%.3f", s + t }')
  while :; do
    if ! kill -0 "$app_pid" 2>/dev/null; then
      local rc=0
      wait "$app_pid" || rc=$?
      app_pid=""
      fail "the app exited (status $rc) before the $screen screen was shown"
    fi
    if [ -z "$shown_at" ] && grep -q "screen shown: $screen\$" "$stdout_log"; then
      shown_at=$(date +%s.%N)
    fi
    if [ -n "$shown_at" ] && [ -z "$window" ]; then
      window=$(xdotool search --onlyvisible --name '^Clinic$' 2>/dev/null | head -n 1 || true)
    fi
    if [ -n "$shown_at" ] && [ -n "$window" ]; then
      break
    fi
    if awk -v now="$(date +%s.%N)" -v d="$deadline" 'BEGIN { exit !(now > d) }'; then
      if [ -z "$shown_at" ]; then
        fail "timed out after ${timeout}s: the app never printed 'screen shown: $screen'"
      fi
      fail "timed out after ${timeout}s: no visible window named 'Clinic' (xdotool search)"
    fi
    sleep 0.2
  done

  local elapsed
  elapsed=$(awk -v a="$started" -v b="$shown_at" 'BEGIN { printf "%.2f", b - a }')
  printf 'screenshot-login: %s screen shown %ss after launch (window id %s)\n' \
    "$screen" "$elapsed" "$window"

  # The UI reports after two animation frames; give the X server a moment to receive the
  # last frame before grabbing the screen.
  sleep 1
  local tmp_png="${out%.png}.tmp.png" colours=0 source
  # The app's window alone makes the better picture; with no window manager it has no
  # frame. Should grabbing the window give nothing, fall back to the whole screen.
  for source in "$window" root; do
    if import -window "$source" "$tmp_png" 2>/dev/null; then
      colours=$(identify -format '%k' "$tmp_png" 2>/dev/null || echo 0)
      [[ "$colours" =~ ^[0-9]+$ ]] || colours=0
      [ "$colours" -gt 20 ] && break
    fi
  done
  if [ "$colours" -le 20 ]; then
    rm -f "$tmp_png"
    fail "the screenshot looks blank ($colours unique colours; expected more than 20)"
  fi
  mv -f "$tmp_png" "$out"
  stop_app
  printf 'screenshot-login: wrote %s (%s unique colours)\n' "$out" "$colours"
}

if [ "${1:-}" = "--inside-xvfb" ]; then
  shift
  inside_xvfb "$@"
  exit 0
fi

# ---------------------------------------------------------------------------------------
# Outside: check the arguments and tools, then run the check above inside xvfb-run.
# ---------------------------------------------------------------------------------------
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 PATH/TO/clinic-desktop [OUT.png]"
screen="${CLINIC_SCREENSHOT_SCREEN:-login}"
case "$screen" in
  login | setup) ;;
  *) die "CLINIC_SCREENSHOT_SCREEN must be 'login' or 'setup', not '$screen'" ;;
esac
timeout="${CLINIC_SCREENSHOT_TIMEOUT:-60}"
[[ "$timeout" =~ ^[0-9]+$ ]] || die "CLINIC_SCREENSHOT_TIMEOUT must be a whole number of seconds"

app=$1
out="${2:-docs/screenshots/$screen.png}"
[ -x "$app" ] || die "no executable app at '$app' (build it with: cargo build -p clinic-desktop)"
case "$out" in
  *.png) ;;
  *) die "the output file must end in .png: '$out'" ;;
esac
for tool in xvfb-run xdotool import identify setsid awk; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' is missing (Debian packages: xvfb xdotool imagemagick util-linux gawk)"
done

app=$(cd "$(dirname "$app")" && pwd)/$(basename "$app")
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
work=$(mktemp -d "${TMPDIR:-/tmp}/clinic-screenshot.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# -a picks a free display number; the whole check runs inside so DISPLAY is shared.
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  bash "$self" --inside-xvfb "$app" "$out" "$work" "$screen" "$timeout"
