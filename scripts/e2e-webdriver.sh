#!/usr/bin/env bash
# End-to-end test of the desktop app through WebDriver: tauri-driver in front of
# WebKitGTK's WebKitWebDriver, on a virtual X display, spoken to with curl (no client
# library to install). First sets up an empty workstation through the first-run screen
# (a refused password, the recovery code, the home page). Then, on a demo workstation,
# signs in as the demo receptionist, searches patients, registers a
# new one and checks that a refused value comes back next to its field; then signs in as
# a doctor, finds the booking notification and marks it read; then as the administrator,
# archives a record, adds a user (a weak password refused next to its field), finds the
# new user in the audit log and verifies its chain, adds a doctor with weekly hours,
# merges a duplicate patient and undoes it; the new nurse sees no administration; last,
# the administrator sets a one-minute idle lock and an untouched session locks itself.
#
# Usage: scripts/e2e-webdriver.sh PATH/TO/clinic-desktop
#   TAURI_DRIVER      the tauri-driver binary (default: on PATH, else
#                     ~/.cache/tauri-driver/bin/tauri-driver; install it with
#                     `cargo install tauri-driver --locked --root ~/.cache/tauri-driver`)
#   E2E_PORT          tauri-driver's port (default 4444; WebKitWebDriver gets the next one)
#   E2E_TIMEOUT       seconds each wait may take (default 30)
#
# Needs the Debian packages webkit2gtk-driver (WebKitWebDriver), xvfb, curl and jq.
# Screenshots are taken by scripts/e2e-screens.sh instead: WebKitWebDriver's screenshot
# command never answered under Xvfb here.
#
# Timing mode (scripts/bench-app.sh uses it): with E2E_BENCH_OUT=FILE it opens the
# workstation in E2E_DATA_DIR instead of a fresh demo, signs in as E2E_USER with
# E2E_PASSWORD, and times the app's own commands from inside its window (search for each
# of the JSON array E2E_QUERIES_JSON, and today's appointments; E2E_ROUNDS rounds after a
# warm-up round), writing the milliseconds to FILE as JSON.
set -euo pipefail

die() {
  printf 'e2e-webdriver: %s\n' "$*" >&2
  exit 1
}

inside_xvfb() {
  local app=$1 work=$2 driver=$3 port=$4 timeout=$5
  wd="http://127.0.0.1:$port"
  # Global, not local: the EXIT trap reads them after this function has returned.
  sid=""
  driver_pid=""

  cleanup() {
    if [ -n "$sid" ]; then curl -s --max-time 10 -X DELETE "$wd/session/$sid" >/dev/null 2>&1 || true; fi
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
  fail() {
    printf 'e2e-webdriver: FAILED: %s\n' "$*" >&2
    printf -- '--- tauri-driver log (last 20 lines) ---\n' >&2
    tail -n 20 "$work/driver.log" >&2 2>/dev/null || true
    cleanup
    exit 1
  }
  trap cleanup EXIT
  step() { printf 'e2e-webdriver: %s\n' "$*"; }

  # One WebDriver request; fails the test on a WebDriver error. Prints the JSON "value".
  request() {
    local method=$1 path=$2 body=${3:-} out
    if [ -n "$body" ]; then
      out=$(curl -s --max-time "$timeout" -X "$method" "$wd$path" -H 'Content-Type: application/json' -d "$body") ||
        fail "$method $path: no answer within ${timeout}s"
    else
      out=$(curl -s --max-time "$timeout" -X "$method" "$wd$path") || fail "$method $path: no answer within ${timeout}s"
    fi
    if [ "$(jq -r '.value.error? // empty' <<<"$out")" != "" ]; then
      printf '%s' "$out" | jq -c '.value' >&2
      return 1
    fi
    jq -c '.value' <<<"$out"
  }
  # Element ids matching a locator ("css selector" or "xpath"), one a line.
  elements() {
    request POST "/session/$sid/elements" "$(jq -nc --arg u "$1" --arg v "$2" '{using: $u, value: $v}')" |
      jq -r '.[] | to_entries[0].value'
  }
  # Waits for the first element matching the locator (and, if given, whose text contains
  # $3); prints its id.
  wait_for() {
    local using=$1 value=$2 text=${3:-} deadline id
    deadline=$(($(date +%s) + timeout))
    while :; do
      for id in $(elements "$using" "$value" 2>/dev/null || true); do
        if [ -z "$text" ] || text_of "$id" 2>/dev/null | grep -qF -- "$text"; then
          printf '%s\n' "$id"
          return 0
        fi
      done
      [ "$(date +%s)" -le "$deadline" ] || fail "timed out after ${timeout}s waiting for $value${text:+ containing \"$text\"}"
      sleep 0.2
    done
  }
  text_of() { request GET "/session/$sid/element/$1/text" | jq -r '.'; }
  # Types $2 into element $1; with a third argument "enter", presses Enter after it.
  type_into() {
    local body
    body=$(jq -nc --arg t "$2" --arg enter "${3:-}" '{text: ($t + (if $enter == "enter" then "\ue007" else "" end))}')
    request POST "/session/$sid/element/$1/value" "$body" >/dev/null || fail "typing into $1"
  }
  click() { request POST "/session/$sid/element/$1/click" '{}' >/dev/null || fail "clicking $1"; }
  css() { wait_for 'css selector' "$@"; }
  xpath() { wait_for xpath "$@"; }

  # The app inherits tauri-driver's environment: a fresh demo workstation (or, timing,
  # the given one).
  local data_dir=$work/data demo=1
  if [ -n "${E2E_BENCH_OUT:-}" ]; then
    data_dir=${E2E_DATA_DIR:?E2E_DATA_DIR: the workstation to time}
    demo=0
  fi
  CLINIC_DATA_DIR="$data_dir" CLINIC_DEMO=$demo GDK_BACKEND=x11 \
    WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 \
    LIBGL_ALWAYS_SOFTWARE=1 NO_AT_BRIDGE=1 \
    setsid "$driver" --port "$port" --native-port "$((port + 1))" >"$work/driver.log" 2>&1 &
  driver_pid=$!
  local deadline=$(($(date +%s) + timeout))
  until curl -s "$wd/status" >/dev/null 2>&1; do
    kill -0 "$driver_pid" 2>/dev/null || fail "tauri-driver exited"
    [ "$(date +%s)" -le "$deadline" ] || fail "tauri-driver did not answer on port $port"
    sleep 0.2
  done

  if [ -n "${E2E_BENCH_OUT:-}" ]; then
    step "starting the app"
    sid=$(request POST /session "$(jq -nc --arg app "$app" '{capabilities: {alwaysMatch: {"tauri:options": {application: $app}}}}')" |
      jq -r '.sessionId') || fail "could not start a session"
    time_commands
    return 0
  fi

  step "first-run set-up on an empty workstation"
  sid=$(request POST /session "$(jq -nc --arg app "$app" --arg dir "$work/fresh" \
    '{capabilities: {alwaysMatch: {"tauri:options": {application: $app, args: ["--data-dir", $dir, "--no-demo"]}}}}')" |
    jq -r '.sessionId') || fail "could not start a session on an empty workstation"
  css h1 'Set up this workstation' >/dev/null
  type_into "$(css '#setup-clinic-name')" "Lakeside Family Clinic"
  type_into "$(css '#setup-username')" boss
  type_into "$(css '#setup-password')" "short"
  type_into "$(css '#setup-confirm')" "short" enter
  css '#setup-password-error' '10 characters' >/dev/null
  request POST "/session/$sid/element/$(css '#setup-password')/clear" '{}' >/dev/null || fail "clearing the password"
  request POST "/session/$sid/element/$(css '#setup-confirm')/clear" '{}' >/dev/null || fail "clearing the password"
  type_into "$(css '#setup-password')" "lakeside opening day"
  type_into "$(css '#setup-confirm')" "lakeside opening day" enter
  css h1 'Your recovery code' >/dev/null
  click "$(css 'input[type=checkbox]')"
  click "$(xpath "//button[normalize-space()='Continue']")"
  css h1 'Today at' >/dev/null
  [ -f "$work/fresh/keys.json" ] && [ -f "$work/fresh/clinic.db" ] || fail "set-up left no workstation in $work/fresh"
  request DELETE "/session/$sid" >/dev/null || fail "closing the first app"
  sid=""

  step "starting the app"
  sid=$(request POST /session "$(jq -nc --arg app "$app" '{capabilities: {alwaysMatch: {"tauri:options": {application: $app}}}}')" |
    jq -r '.sessionId') || fail "could not start a session"

  step "signing in as the demo receptionist"
  type_into "$(css '#login-username')" frontdesk
  type_into "$(css '#login-password')" demo-clinic-2026 enter
  css h1 'Today at Riverside' >/dev/null

  step "searching with / and as you type"
  type_into "$(css body)" /
  type_into "$(css '#patient-search')" ann
  css '[role=option] .name' 'Chebet, Annette' >/dev/null
  local names
  names=$(for id in $(elements 'css selector' '[role=option] .name'); do text_of "$id"; done)
  grep -qF 'Kamau, Anna' <<<"$names" || fail "the search for 'ann' did not list Anna Kamau: $names"
  grep -qF 'Wambui, Anne' <<<"$names" || fail "the search for 'ann' did not list Anne Wambui: $names"

  step "registering a new patient"
  click "$(xpath "//nav//button[normalize-space()='New patient']")"
  type_into "$(css '#pf-given_name')" Zawadi
  type_into "$(css '#pf-family_name')" Otieno
  type_into "$(css '#pf-date_of_birth')" 1990-04-12
  click "$(css '#pf-sex option[value=female]')"
  type_into "$(css '#pf-phone')" "0700 111 222" enter
  css h1 'Zawadi Otieno' >/dev/null
  local mrn
  mrn=$(text_of "$(css '.eyebrow code')")
  [[ "$mrn" == BR01-* ]] || fail "the new record has no branch-prefixed number: '$mrn'"
  step "registered $mrn"
  [ -z "$(elements xpath "//button[starts-with(normalize-space(), 'Archive')]")" ] ||
    fail "a receptionist is offered Archive, which the policy does not allow"

  step "a refused value is shown next to its field"
  click "$(xpath "//nav//button[normalize-space()='New patient']")"
  type_into "$(css '#pf-given_name')" Baraka
  type_into "$(css '#pf-family_name')" Mutiso
  type_into "$(css '#pf-date_of_birth')" 3000-01-01
  click "$(css '#pf-sex option[value=male]')"
  type_into "$(css '#pf-phone')" "" enter
  css '#pf-date_of_birth-error' 'future' >/dev/null

  step "searching finds the new patient"
  click "$(xpath "//nav//button[normalize-space()='Patients']")"
  type_into "$(css '#patient-search')" "zawadi otie"
  css '[role=option] .name' 'Otieno, Zawadi' >/dev/null

  # The demo books today's remaining slots; in the clinic's last hour of the day there
  # may be too few left to work with, so that step says so instead of failing.
  local minutes_left
  minutes_left=$(( (24 * 60) - $(TZ=Africa/Nairobi date +%H | sed 's/^0//') * 60 - $(TZ=Africa/Nairobi date +%M | sed 's/^0//') ))
  if [ "$minutes_left" -lt 60 ]; then
    step "the check-in queue: SKIPPED, only $minutes_left minutes of the clinic's day are left to book"
  else
  step "the check-in queue: check one patient in, cancel another"
  click "$(xpath "//nav//button[normalize-space()='Check-in']")"
  css 'table.appointments .status' >/dev/null
  count() { elements xpath "//table[contains(@class,'appointments')]//span[contains(concat(' ', @class, ' '), ' status ') and normalize-space()='$1']" | wc -l; }
  wait_count() {
    local label=$1 want=$2 deadline=$(($(date +%s) + timeout))
    until [ "$(count "$label")" -eq "$want" ]; do
      [ "$(date +%s)" -le "$deadline" ] || fail "expected $want rows '$label', found $(count "$label")"
      sleep 0.2
    done
  }
  local booked checked cancelled
  booked=$(count Booked)
  checked=$(count 'Checked in')
  cancelled=$(count Cancelled)
  [ "$booked" -ge 2 ] || fail "the demo queue should have at least two bookings to work with ($booked)"
  click "$(xpath "(//table[contains(@class,'appointments')]//button[normalize-space()='Check in'])[1]")"
  wait_count 'Checked in' $((checked + 1))
  click "$(xpath "(//table[contains(@class,'appointments')]//button[normalize-space()='Cancel…'])[1]")"
  type_into "$(css '#queue-cancel-reason')" "Patient phoned: cannot come" enter
  wait_count Cancelled $((cancelled + 1))
  wait_count Booked $((booked - 2))
  fi

  step "a doctor is told of bookings and marks the notice read"
  click "$(xpath "//button[normalize-space()='Sign out']")"
  local user_field
  user_field=$(css '#login-username')
  request POST "/session/$sid/element/$user_field/clear" '{}' >/dev/null || fail "clearing the user name"
  type_into "$user_field" dr.wanjiru
  type_into "$(css '#login-password')" demo-clinic-2026 enter
  css h1 'Today at Riverside' >/dev/null
  click "$(css 'button.bell')"
  css '#notifications-panel li.unread' 'New appointment' >/dev/null
  local before after
  before=$(elements 'css selector' '#notifications-panel li.unread' | wc -l)
  click "$(xpath "//aside[@id='notifications-panel']//button[normalize-space()='Mark as read']")"
  deadline=$(($(date +%s) + timeout))
  while :; do
    after=$(elements 'css selector' '#notifications-panel li.unread' | wc -l)
    [ "$after" -lt "$before" ] && break
    [ "$(date +%s)" -le "$deadline" ] || fail "marking a notification read did not change the unread list ($before)"
    sleep 0.2
  done

  step "an administrator archives the new record"
  click "$(xpath "//button[normalize-space()='Sign out']")"
  user_field=$(css '#login-username')
  request POST "/session/$sid/element/$user_field/clear" '{}' >/dev/null || fail "clearing the user name"
  type_into "$user_field" admin
  type_into "$(css '#login-password')" demo-clinic-2026 enter
  css h1 'Today at Riverside' >/dev/null
  click "$(xpath "//nav//button[normalize-space()='Patients']")"
  local search_box
  search_box=$(css '#patient-search')
  type_into "$search_box" "zawadi otieno"
  css '[role=option] .name' 'Otieno, Zawadi' >/dev/null
  type_into "$search_box" "" enter
  css h1 'Zawadi Otieno' >/dev/null
  click "$(xpath "//button[starts-with(normalize-space(), 'Archive')]")"
  type_into "$(css '#archive-reason')" "" enter
  css '#archive-error' '' >/dev/null
  type_into "$(css '#archive-reason')" "Registered twice by mistake" enter
  css '.archived' 'archived' >/dev/null

  step "an administrator adds a user: a weak password is refused next to its field"
  click "$(xpath "//nav//button[normalize-space()='Administration']")"
  css '[role=tab][aria-selected=true]' 'Users and roles' >/dev/null
  type_into "$(css '#new-username')" amina.n
  click "$(css '#new-role option[value=nurse]')"
  type_into "$(css '#new-password')" short
  type_into "$(css '#new-confirm')" short enter
  css '#new-password-error' '10 characters' >/dev/null
  request POST "/session/$sid/element/$(css '#new-password')/clear" '{}' >/dev/null || fail "clearing the password"
  request POST "/session/$sid/element/$(css '#new-confirm')/clear" '{}' >/dev/null || fail "clearing the password"
  type_into "$(css '#new-password')" "ward seven nights"
  type_into "$(css '#new-confirm')" "ward seven nights" enter
  css '[role=status]' 'Added amina.n' >/dev/null
  xpath "//table[contains(@class,'data')]//td[.//strong[normalize-space()='amina.n']]" >/dev/null

  step "the audit log lists the new user and its chain verifies"
  click "$(xpath "//button[@role='tab' and normalize-space()='Audit log']")"
  type_into "$(css '#audit-action')" user.create enter
  xpath "//table[contains(@class,'data')]//td[contains(normalize-space(), 'username: amina.n')]" >/dev/null
  click "$(xpath "//button[normalize-space()='Verify the chain']")"
  css '.verification.ok' 'intact' >/dev/null

  step "an administrator adds a doctor with weekly hours"
  click "$(xpath "//button[@role='tab' and normalize-space()='Users and roles']")"
  type_into "$(css '#new-username')" dr.otieno
  click "$(css '#new-role option[value=doctor]')"
  type_into "$(css '#new-password')" "skin deep clinic"
  type_into "$(css '#new-confirm')" "skin deep clinic" enter
  css '[role=status]' 'Added dr.otieno' >/dev/null
  click "$(xpath "//nav//button[normalize-space()='Doctors']")"
  type_into "$(css '#doctor-username')" dr.otieno
  type_into "$(css '#doctor-specialization')" Dermatology
  type_into "$(css '#doctor-licence')" de-501
  type_into "$(css '#doctor-fee')" "3,000" enter
  css '[role=status]' 'Added dr.otieno' >/dev/null
  click "$(xpath "//button[@aria-label='Open dr.otieno']")"
  css h1 'dr.otieno' >/dev/null
  css 'p.muted' 'DE-501' >/dev/null
  click "$(css '#hours-add')"
  click "$(xpath "//button[normalize-space()='Save weekly hours']")"
  css '[role=status]' 'Weekly hours saved' >/dev/null

  step "an administrator merges a duplicate record and undoes the merge"
  click "$(xpath "//nav//button[normalize-space()='Patients']")"
  search_box=$(css '#patient-search')
  type_into "$search_box" "wanjiku mwangi"
  css '[role=option] .name' 'Mwangi, Wanjiku' >/dev/null
  type_into "$search_box" "" enter
  css h1 'Wanjiku Mwangi' >/dev/null
  click "$(xpath "//button[normalize-space()='Merge a duplicate into this record…']")"
  type_into "$(css '#merge-search')" "amani njoroge"
  css '#merge-search-results [role=option] .name' 'Njoroge, Amani' >/dev/null
  type_into "$(css '#merge-search')" "" enter
  click "$(css '#merge-confirm')"
  css '[role=status]' 'Merged. Moved' >/dev/null
  click "$(xpath "(//ul[contains(@class,'history')]//button[normalize-space()='Open the other record'])[1]")"
  css h1 'Amani Njoroge' >/dev/null
  css '.archived' 'merged' >/dev/null
  click "$(xpath "//button[normalize-space()='Undo this merge']")"
  css '[role=status]' 'Merge undone' >/dev/null

  step "the new nurse signs in and sees no administration"
  click "$(xpath "//button[normalize-space()='Sign out']")"
  user_field=$(css '#login-username')
  request POST "/session/$sid/element/$user_field/clear" '{}' >/dev/null || fail "clearing the user name"
  type_into "$user_field" amina.n
  type_into "$(css '#login-password')" "ward seven nights" enter
  css h1 'Today at Riverside' >/dev/null
  [ -z "$(elements xpath "//nav//button[normalize-space()='Administration']")" ] ||
    fail "a nurse is offered Administration, which the policy does not allow"
  click "$(xpath "//nav//button[normalize-space()='Calendar']")"
  css 'h1' 'Calendar' >/dev/null

  step "an administrator sets a one-minute idle lock; an idle session locks itself"
  click "$(xpath "//button[normalize-space()='Sign out']")"
  user_field=$(css '#login-username')
  request POST "/session/$sid/element/$user_field/clear" '{}' >/dev/null || fail "clearing the user name"
  type_into "$user_field" admin
  type_into "$(css '#login-password')" demo-clinic-2026 enter
  css h1 'Today at Riverside' >/dev/null
  click "$(xpath "//nav//button[normalize-space()='Administration']")"
  click "$(xpath "//button[@role='tab' and normalize-space()='Sign-in settings']")"
  local idle_field
  idle_field=$(css '#idle-minutes')
  request POST "/session/$sid/element/$idle_field/clear" '{}' >/dev/null || fail "clearing the idle minutes"
  type_into "$idle_field" 1
  click "$(xpath "//button[normalize-space()='Save idle lock']")"
  css '[role=status]' '1 idle minute' >/dev/null
  click "$(xpath "//button[normalize-space()='Sign out']")"
  user_field=$(css '#login-username')
  request POST "/session/$sid/element/$user_field/clear" '{}' >/dev/null || fail "clearing the user name"
  type_into "$user_field" admin
  type_into "$(css '#login-password')" demo-clinic-2026 enter
  css h1 'Today at Riverside' >/dev/null
  # Nothing is typed or clicked from here: the UI's idle timer and the core's own idle
  # check lock the session after a minute.
  local saved_timeout=$timeout
  timeout=120
  css '#lock-title' 'Workstation locked' >/dev/null
  css '[role=status]' 'without activity' >/dev/null
  timeout=$saved_timeout
  type_into "$(css '#lock-password')" demo-clinic-2026 enter
  css h1 'Today at Riverside' >/dev/null

  step "passed"
}

# Timing mode: run inside inside_xvfb's session (see the header).
time_commands() {
  local started signed_in result
  step "signing in as $E2E_USER"
  type_into "$(css '#login-username')" "$E2E_USER"
  started=$(date +%s%N)
  type_into "$(css '#login-password')" "$E2E_PASSWORD" enter
  css h1 'Today' >/dev/null
  signed_in=$((($(date +%s%N) - started) / 1000000))
  request POST "/session/$sid/timeouts" '{"script": 900000}' >/dev/null || fail "setting the script time limit"
  step "timing the app's commands"
  # Through the same IPC the screens use: the shell, the core and the encrypted store.
  local script='
    const [queries, rounds] = arguments;
    const done = arguments[arguments.length - 1];
    const invoke = window.__TAURI_INTERNALS__.invoke;
    (async () => {
      const search = [], day = [], found = [], sync = [], notes = [];
      for (let r = 0; r <= rounds; r++) {
        for (const q of queries) {
          const t = performance.now();
          const hits = await invoke("search_patients", { text: q, limit: 25 });
          if (r > 0) { search.push(performance.now() - t); found.push(hits.length); }
        }
        let t = performance.now();
        await invoke("day_appointments", { day: null });
        if (r > 0) day.push(performance.now() - t);
        t = performance.now();
        await invoke("sync_status", {});
        if (r > 0) sync.push(performance.now() - t);
        t = performance.now();
        await invoke("notifications", { unread_only: true });
        if (r > 0) notes.push(performance.now() - t);
      }
      done({ search, day, found, sync, notes });
    })().catch((e) => done({ error: String((e && e.message) || JSON.stringify(e)) }));'
  result=$(request POST "/session/$sid/execute/async" \
    "$(jq -nc --arg s "$script" --argjson q "${E2E_QUERIES_JSON:-[\"kamau\"]}" --argjson r "${E2E_ROUNDS:-5}" '{script: $s, args: [$q, $r]}')") ||
    fail "the timing script did not finish"
  [ "$(jq -r '.error? // empty' <<<"$result")" = "" ] || fail "a command failed: $result"
  jq -n --argjson r "$result" --argjson signin "$signed_in" '$r + {sign_in_ms: $signin}' >"$E2E_BENCH_OUT"
  step "timed"
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
for tool in WebKitWebDriver xvfb-run curl jq setsid; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing (Debian packages: webkit2gtk-driver xvfb curl jq)"
done
port=${E2E_PORT:-4444}
timeout=${E2E_TIMEOUT:-30}
app=$(cd "$(dirname "$app")" && pwd)/$(basename "$app")
self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
work=$(mktemp -d "${TMPDIR:-/tmp}/clinic-webdriver.XXXXXX")
trap 'rm -rf "$work"' EXIT

xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  bash "$self" --inside-xvfb "$app" "$work" "$driver" "$port" "$timeout"
