#!/usr/bin/env bash
# Only src-tauri may depend on tauri and only sync-server on axum: the core and the
# protocol stay usable from the CLI, the server and tests without a GUI or web stack.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
check() {
  local crate=$1 allowed=$2
  # Workspace packages that depend on $crate, directly or not.
  local users
  users=$(cargo tree --workspace -e normal,build -i "$crate" --prefix none --format '{p}' 2>/dev/null \
            | awk '{print $1}' | sort -u \
            | grep -Fx -f <(cargo metadata --no-deps --format-version 1 \
                | python3 -c 'import json,sys; print("\n".join(p["name"] for p in json.load(sys.stdin)["packages"]))') || true)
  for user in $users; do
    if [ "$user" != "$allowed" ]; then
      echo "boundary broken: $user depends on $crate; only $allowed may" >&2
      fail=1
    fi
  done
}
check tauri clinic-desktop
check axum sync-server

# The core's modules are layered, lowest first, and none uses one above it (which also
# means no two use each other): scripts/check-layers.py holds the order.
python3 scripts/check-layers.py || fail=1
[ "$fail" -eq 0 ] && echo "crate boundaries hold: tauri only in clinic-desktop, axum only in sync-server"
exit "$fail"
