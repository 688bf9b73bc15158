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

# Features are layered inside the core: a feature uses only the session plumbing and the
# features below it (ARCHITECTURE.md, "Layers"). Each line: a feature's file and the core
# modules of the other features it may use; any other `crate::<feature>` is refused.
core=crates/clinic-core/src
features="identity patients doctors appointments schedule sync backup backup_schedule rekey demo"
layer() {
  local file=$1; shift
  local allowed=" $* "
  for used in $(grep -oE 'crate::[a-z_]+' "$core/$file.rs" | sed 's/crate:://' | sort -u); do
    case " $features " in *" $used "*) ;; *) continue ;; esac
    [ "$used" = "$file" ] && continue
    case "$allowed" in
      *" $used "*) ;;
      *) echo "layer broken: $file uses crate::$used; it may use only: $*" >&2; fail=1 ;;
    esac
  done
}
# front desk: below everything clinical; appointments build on doctors on schedules
layer schedule
layer patients
layer doctors schedule
layer appointments doctors schedule
# workstation-wide features above the front desk
layer demo patients doctors appointments schedule identity
layer backup sync
layer backup_schedule backup
layer identity
[ "$fail" -eq 0 ] && echo "crate boundaries hold: tauri only in clinic-desktop, axum only in sync-server; core features use only the layers below them"
exit "$fail"
