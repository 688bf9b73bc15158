#!/usr/bin/env bash
# Crashes lose nothing: kills the CLI writer, the sync client and the sync server with
# SIGKILL at random points, and after every kill checks that the workstation opens,
# `clinic check` and `clinic audit verify` pass, and every record the writer printed
# (acknowledged) is still there. At the end it syncs once more and checks the server:
# no change id twice, every record and audit event there exactly once, nothing left
# pending or refused.
#
# Usage: scripts/crash-test.sh [KILLS]      (default 100; run-tests.sh uses a few)
# Needs CLINIC_TEST_DATABASE_URL (a PostgreSQL role that may create databases).
# Binaries: $CLINIC_BIN and $SYNC_SERVER_BIN, else $CARGO_TARGET_DIR/debug (built if
# missing). CRASH_SEED (default 1) seeds the delays, so a run replays.
set -euo pipefail
cd "$(dirname "$0")/.."

kills=${1:-100}
seed=${CRASH_SEED:-1}
RANDOM=$seed
: "${CLINIC_TEST_DATABASE_URL:?set CLINIC_TEST_DATABASE_URL (scripts/run-tests.sh does)}"

target=${CARGO_TARGET_DIR:-target}
clinic=${CLINIC_BIN:-$target/debug/clinic}
server=${SYNC_SERVER_BIN:-$target/debug/sync-server}
if [ ! -x "$clinic" ] || [ ! -x "$server" ]; then
  cargo build -p clinic-cli -p sync-server --locked
fi

work=$(mktemp -d)
db="clinic_crash_$$_$(date +%s)"
export CLINIC_DATABASE_URL="${CLINIC_TEST_DATABASE_URL%/*}/$db"
server_pid=
cleanup() {
  [ -n "$server_pid" ] && { kill -9 "$server_pid" && wait "$server_pid"; } 2>/dev/null || true
  psql -q "$CLINIC_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

problems=0
problem() {
  echo "crash test: PROBLEM after kill $round ($kind, ${delay_ms:-0} ms, seed $seed): $*" >&2
  problems=$((problems + 1))
}

# The receptionist writes and syncs (a user pushes their own changes and the device's
# audit events; another user's wait for that user's sync); the administrator checks.
admin_password='seven brass harbour keys'
export CLINIC_DATA_DIR=$work/ws CLINIC_USER=desk CLINIC_PASSWORD='eleven quiet lanterns'
admin() { CLINIC_USER=admin CLINIC_PASSWORD=$admin_password "$clinic" "$@"; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_server() {
  "$server" serve --listen "127.0.0.1:$port" --insecure-plain-http >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "crash test: the sync server did not start; see its log:" >&2
  cat "$work/server.log" >&2
  exit 1
}

# A workstation with a receptionist (who writes) that syncs with a fresh server.
psql -q "$CLINIC_TEST_DATABASE_URL" -c "CREATE DATABASE $db"
"$server" migrate >/dev/null
admin init --clinic-name 'Crash Test Clinic' --admin-user admin >/dev/null
CLINIC_NEW_PASSWORD=$CLINIC_PASSWORD admin user add --username desk --role receptionist >/dev/null
start_server
code=$("$server" enroll --branch BR01 2>/dev/null | awk '{print $NF}')
admin sync join --server "http://127.0.0.1:$port" --code "$code" >/dev/null
admin sync now >/dev/null

acked=$work/acked.txt # record numbers the writer printed, i.e. committed
: >"$acked"
next=0                # index of the next generated patient
writer_kills=0 sync_kills=0 server_kills=0 interrupted=0

# Runs the writer unkilled (to give a push something to carry) or in the background.
write_patients() {
  "$clinic" patient add-demo --count "$1" --seed "$seed" --from "$next" >"$work/writer.out" 2>"$work/writer.err"
}
note_acknowledged() {
  local printed
  printed=$(grep -ac '^Registered ' "$work/writer.out" || true)
  grep -a '^Registered ' "$work/writer.out" | sed 's/^Registered \([^:]*\):.*/\1/' >>"$acked" || true
  next=$((next + printed))
}
random_delay() { # milliseconds in [$1, $2)
  delay_ms=$(($1 + RANDOM % ($2 - $1)))
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
}

# After every kill: the workstation opens, its pages and audit chain verify (against
# the server's acknowledged head too), and no acknowledged record is missing.
verify_workstation() {
  admin check >"$work/check.out" 2>&1 || problem "clinic check failed: $(cat "$work/check.out")"
  admin audit verify >"$work/audit.out" 2>&1 || problem "audit verify failed: $(cat "$work/audit.out")"
  grep -q 'agrees with the sync server' "$work/audit.out" \
    || problem "audit verify did not compare with the server: $(cat "$work/audit.out")"
  if admin patient list >"$work/list.out" 2>"$work/list.err"; then
    awk '{print $1}' "$work/list.out" | sort >"$work/listed.txt"
    sort "$acked" | comm -23 - "$work/listed.txt" >"$work/missing.txt"
    [ -s "$work/missing.txt" ] && problem "acknowledged records missing: $(tr '\n' ' ' <"$work/missing.txt")"
    [ "$(sort -u "$work/listed.txt" | wc -l)" -eq "$(wc -l <"$work/listed.txt")" ] \
      || problem "a record number is listed twice"
  else
    problem "patient list failed: $(cat "$work/list.err")"
  fi
}

started=$(date +%s)
for round in $(seq 1 "$kills"); do
  case $((round % 5)) in
    1 | 3) kind=writer ;;
    2 | 4) kind=sync ;;
    0) kind=server ;;
  esac
  case $kind in
    writer)
      # A simple command, not a function: $! must be the clinic process itself.
      "$clinic" patient add-demo --count 1000000 --seed "$seed" --from "$next" >"$work/writer.out" 2>"$work/writer.err" &
      pid=$!
      random_delay 200 2500
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      note_acknowledged
      writer_kills=$((writer_kills + 1))
      ;;
    sync)
      "$clinic" sync now >"$work/sync.out" 2>&1 &
      pid=$!
      random_delay 50 1500
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      sync_kills=$((sync_kills + 1))
      ;;
    server)
      # Something to push, then the server dies under the push and comes back on the
      # same port; the workstation's next sync must carry on without applying twice.
      write_patients 300 || problem "writing before the server kill failed: $(cat "$work/writer.err")"
      note_acknowledged
      "$clinic" sync now >"$work/sync.out" 2>&1 &
      pid=$!
      random_delay 300 1300
      kill -9 "$server_pid" 2>/dev/null || true
      wait "$server_pid" 2>/dev/null || true
      # It may finish first, or fail as offline: both are fine; count the second.
      wait "$pid" 2>/dev/null || interrupted=$((interrupted + 1))
      start_server
      "$clinic" sync now >"$work/sync.out" 2>&1 || problem "sync after the server restart failed: $(cat "$work/sync.out")"
      server_kills=$((server_kills + 1))
      ;;
  esac
  verify_workstation
done

# The end: one more sync, then the server holds each change once, every record once,
# and each device's audit chain without gap or repeat, as far as the workstation says
# it acknowledged; nothing is left pending (but the status command's own sign-in) or
# refused.
round=final kind=final delay_ms=0
"$clinic" sync now >"$work/sync.out" 2>&1 || problem "final sync failed: $(cat "$work/sync.out")"
"$clinic" sync status >"$work/status.out" 2>&1 || problem "sync status failed: $(cat "$work/status.out")"
grep -Eq '^Pending changes: +1$' "$work/status.out" \
  || problem "changes left pending after the final sync (1 is sync status's own sign-in): $(grep Pending "$work/status.out")"
grep -Eq '^Refused changes: +0$' "$work/status.out" || problem "refused changes: $(grep Refused "$work/status.out")"
grep -Eq '^Conflicts: +0$' "$work/status.out" || problem "sync conflicts: $(grep Conflicts "$work/status.out")"

sql() { psql -X -q -At "$CLINIC_DATABASE_URL" -c "$1"; }
dup_changes=$(sql "SELECT count(*) - count(DISTINCT change_id) FROM change_log")
[ "$dup_changes" = 0 ] || problem "$dup_changes change ids are in the server's change_log twice"
# Per device: events held, their highest number and the acknowledged head must agree.
sql "SELECT r.device, r.events, r.top, coalesce(h.seq, 0)
     FROM (SELECT fields->>'device_id' AS device, count(*) AS events,
                  max((fields->>'device_seq')::bigint) AS top
           FROM row_state WHERE table_name = 'audit_log' GROUP BY 1) r
     LEFT JOIN audit_heads h ON h.device_id::text = r.device" >"$work/server-audit.txt"
while IFS='|' read -r device events top head; do
  [ "$events" = "$top" ] && [ "$top" = "$head" ] \
    || problem "device $device: the server holds $events audit events numbered up to $top, head $head"
done <"$work/server-audit.txt"
# This workstation's own chain: what the server holds is what audit verify says it
# acknowledged, and everything since is the two sign-ins after the final sync (sync
# status's and audit verify's).
admin audit verify >"$work/audit.out" 2>&1 || problem "final audit verify failed: $(cat "$work/audit.out")"
ws_events=$(sed -n 's/^Audit log intact: \([0-9]*\) events from 1 devices.*/\1/p' "$work/audit.out")
acked_head=$(sed -n 's/.*holds this device.s events up to #\([0-9]*\)\./\1/p' "$work/audit.out")
server_events=$(awk -F'|' '{n += $2} END {print n + 0}' "$work/server-audit.txt")
[ -n "$ws_events" ] && [ "$acked_head" = "$server_events" ] && [ "$ws_events" = $((server_events + 2)) ] \
  || problem "audit events: workstation ${ws_events:-?} (server acknowledged #${acked_head:-?}), server $server_events; expected the server to hold all but the 2 sign-ins since the final sync: $(cat "$work/audit.out")"

server_patients=$(sql "SELECT count(*) FROM row_state WHERE table_name = 'patients'")
admin patient list >"$work/list.out"
ws_patients=$(wc -l <"$work/list.out")
[ "$server_patients" = "$ws_patients" ] \
  || problem "the server holds $server_patients patients, the workstation $ws_patients"

total=$((writer_kills + sync_kills + server_kills))
echo "crash test: $total kills ($writer_kills writer, $sync_kills sync, $server_kills server, $interrupted of them under a sync), $(wc -l <"$acked") acknowledged records kept, $server_patients on the server, $problems problems in $(($(date +%s) - started)) s (seed $seed)"
[ "$problems" = 0 ] || {
  echo "crash test: FAILED with $problems problems (replay with CRASH_SEED=$seed scripts/crash-test.sh $kills)" >&2
  exit 1
}
