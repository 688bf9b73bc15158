#!/usr/bin/env bash
# Drives the built desktop app through the front desk's main screens on a virtual X
# display and saves a screenshot of each: sign-in, home (signed in as the demo
# receptionist), patient search with results, a patient's record, the registration form
# with the duplicate warning, the booking flow (held slot, then booked), the check-in
# queue, the lock screen, a doctor's notifications; then the administrator's users, audit
# log, sign-in settings, branches (one added), the letterhead, a doctor's weekly hours and
# the week's calendar; the second-factor set-up with its QR code; then the clinical
# screens: the doctor's day, a visit's note with the comparison of its two versions, vitals
# with their trend plots, the ICD-10-CM search, a chart, a scanned letter in the viewer, an
# issued prescription in the print dialog and the prescribing form with an interaction
# warning; and the administrator's access history.
#
# Usage: scripts/e2e-screens.sh PATH/TO/clinic-desktop [OUT_DIR]
#   OUT_DIR defaults to docs/screenshots. CLINIC_SCREENSHOT_TIMEOUT (seconds, default 60)
#   bounds each wait.
#
# The app runs in demo mode (CLINIC_DEMO=1) with a fresh temporary data directory. Input
# is typed with xdotool into the webview; the app prints "clinic-desktop: screen shown:
# <name>" after painting each screen, and every step waits for its line, so a screen that
# never appears fails the script with the app's logs instead of capturing the wrong thing.
set -euo pipefail

die() {
  printf 'e2e-screens: %s\n' "$*" >&2
  exit 1
}

inside_xvfb() {
  local app=$1 out_dir=$2 work=$3 timeout=$4
  local stdout_log="$work/app.stdout" stderr_log="$work/app.stderr"
  app_pid=""
  window=""
  failure_png="${TMPDIR:-/tmp}/e2e-screens-failure.png"

  stop_app() {
    if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
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

  fail() {
    printf 'e2e-screens: %s\n' "$*" >&2
    # What the window showed when it went wrong, outside the work directory (deleted).
    if [ -n "$window" ] && import -window "$window" "$failure_png" 2>/dev/null; then
      printf 'e2e-screens: the window at that moment: %s\n' "$failure_png" >&2
    fi
    printf -- '--- app stdout (last 30 lines) ---\n' >&2
    tail -n 30 "$stdout_log" >&2 2>/dev/null || true
    printf -- '--- app stderr (last 30 lines) ---\n' >&2
    tail -n 30 "$stderr_log" >&2 2>/dev/null || true
    stop_app
    exit 1
  }

  trap stop_app EXIT
  trap 'fail "interrupted"' INT TERM

  # Waits until the app has printed "screen shown: $1" more often than $2 times.
  shown_count() { grep -c "screen shown: $1\$" "$stdout_log" 2>/dev/null || true; }
  wait_screen() {
    local screen=$1 before=${2:-0} deadline
    deadline=$(($(date +%s) + timeout))
    while [ "$(shown_count "$screen")" -le "$before" ]; do
      kill -0 "$app_pid" 2>/dev/null || fail "the app exited before the $screen screen was shown"
      [ "$(date +%s)" -le "$deadline" ] || fail "timed out after ${timeout}s waiting for the $screen screen"
      sleep 0.1
    done
  }

  capture() {
    local name=$1 png="$out_dir/$1.png" tmp colours=0
    tmp="$work/$name.png"
    # One more frame for the X server to receive the last paint.
    sleep 0.7
    import -window "$window" "$tmp" 2>/dev/null || fail "could not capture the window for $name"
    colours=$(identify -format '%k' "$tmp" 2>/dev/null || echo 0)
    [[ "$colours" =~ ^[0-9]+$ ]] && [ "$colours" -gt 20 ] || fail "the $name screenshot looks blank ($colours colours)"
    mv -f "$tmp" "$png"
    printf 'e2e-screens: wrote %s (%s colours)\n' "$png" "$colours"
  }

  type_text() { xdotool type --window "$window" --delay 25 -- "$1"; }
  key() { xdotool key --window "$window" --delay 60 "$@"; }
  # Clicks a point of the window (CSS pixels; the window is 1100x720 and not scaled).
  click() { xdotool mousemove --window "$window" "$1" "$2" click 1; }
  # Scrolls the page back to the top with the mouse wheel (the header tabs are clicked).
  # Wheel up to the top, then let the page settle: a click during the scroll can be lost.
  scroll_to_top() {
    xdotool mousemove --window "$window" 550 400 click --repeat 25 --delay 20 4
    sleep 0.5
  }
  # Clicks (x, y) until the app reports the $1 screen (again, if a busy machine lost it).
  click_to() {
    local screen=$1 before deadline
    before=$(shown_count "$screen")
    for _ in 1 2 3; do
      click "$2" "$3"
      deadline=$(($(date +%s) + 10))
      while [ "$(shown_count "$screen")" -le "$before" ] && [ "$(date +%s)" -le "$deadline" ]; do
        sleep 0.1
      done
      [ "$(shown_count "$screen")" -le "$before" ] || return 0
    done
    fail "clicking at ($2, $3) never showed the $screen screen"
  }

  local data_dir="$work/data" n
  mkdir -p "$data_dir"
  env -u WAYLAND_DISPLAY \
    CLINIC_DATA_DIR="$data_dir" CLINIC_DEMO=1 GDK_BACKEND=x11 \
    WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 \
    LIBGL_ALWAYS_SOFTWARE=1 NO_AT_BRIDGE=1 \
    setsid "$app" >"$stdout_log" 2>"$stderr_log" </dev/null &
  app_pid=$!

  wait_screen login
  local deadline=$(($(date +%s) + timeout))
  while [ -z "$window" ]; do
    window=$(xdotool search --onlyvisible --name '^Clinic$' 2>/dev/null | head -n 1 || true)
    [ "$(date +%s)" -le "$deadline" ] || fail "no visible window named 'Clinic'"
    [ -n "$window" ] || sleep 0.2
  done
  # No window manager: give the window the keyboard directly.
  xdotool windowfocus --sync "$window" 2>/dev/null || xdotool windowfocus "$window"
  capture login

  # Sign in as the demo receptionist (the user name field has the focus).
  type_text frontdesk
  key Tab
  type_text demo-clinic-2026
  key Return
  wait_screen home
  capture home

  # "/" opens patient search; type as a receptionist would.
  key slash
  wait_screen patients
  type_text ann
  wait_screen patient-results
  capture patient-search

  # Arrow down to the second result, Enter opens the record.
  key Down Return
  wait_screen patient
  capture patient

  # Ctrl+N: register someone already on file (a demo patient) to get the duplicate warning.
  key ctrl+n
  wait_screen register
  type_text Amani
  key Tab
  type_text Njoroge
  key Tab
  type_text 1985-03-14
  key Tab
  # A focused <select> takes the first letter of an option.
  type_text m
  key Tab
  type_text "0712 345 678"
  key Return
  wait_screen duplicates
  capture register-duplicate

  # The warning has the focus: Tab to "Open this record", whose page focuses "Book".
  key Tab Return
  wait_screen patient 1
  key Return
  wait_screen booking
  # The specialization list has the focus: a letter picks "General practice".
  type_text g
  sleep 1
  # Tab to the first doctor's Choose button; choosing focuses the first free time. Take
  # the second one: the demo booked this patient at the first free time of the day.
  key Tab Return
  sleep 1
  key Tab Return
  sleep 0.5
  type_text "Blood pressure review"
  key Return
  wait_screen booking-held
  capture booking-held
  # Confirm has the focus.
  key Return
  wait_screen booking-done
  capture booking-done

  # The check-in queue (its tab in the header): today's bookings, the new one included.
  click 495 74
  wait_screen queue
  capture queue

  # Ctrl+L locks: the lock screen asks the same user for the password only, and unlocking
  # opens the workspace again.
  key ctrl+l
  wait_screen lock
  capture lock
  type_text demo-clinic-2026
  key Return
  wait_screen home 1

  # Sign out (header, top right) and sign in as the doctor just booked: the booking is
  # among the doctor's notifications (header button).
  click 1033 27
  wait_screen login 1
  type_text dr.wanjiru
  key Tab
  type_text demo-clinic-2026
  key Return
  wait_screen home 2
  click 660 27
  wait_screen notifications
  capture notifications

  # The administrator's screens: users, the audit log (chain verified), sign-in settings
  # (the second factor turned on for receptionists), branches (one added), a doctor's
  # weekly hours, the week's calendar. Header tabs for an administrator: Home, Patients,
  # Appointments, Calendar (433), Pharmacy, Billing, Conflicts, Doctors (868),
  # Administration (1004); section tabs at y=221.
  click 1033 27
  wait_screen login 2
  type_text admin
  key Tab
  type_text demo-clinic-2026
  key Return
  wait_screen home 3
  click 1004 74
  wait_screen admin-users
  capture admin-users
  click 424 221
  wait_screen admin-audit
  click 971 318
  wait_screen audit-verified
  capture admin-audit
  click 280 221
  wait_screen admin-settings
  # Tab from the section tab: minutes, Save, then the roles; Space ticks Receptionist,
  # then past the other three roles to Save.
  key Tab Tab Tab Tab Tab Tab space Tab Tab Tab Tab Return
  wait_screen totp-rules-saved
  capture admin-settings
  scroll_to_top
  # Branches is the last section tab: click Sign-in settings to focus the tab list (it is
  # already shown, so nothing reloads), End opens Branches. Tab to its code field, add a
  # branch; the list then shows it beside the demo's own.
  click 280 221
  key End
  wait_screen admin-branches
  key Tab
  type_text BR02
  key Tab
  type_text Westside
  key Return
  wait_screen branch-added
  capture admin-branches
  scroll_to_top
  # The letterhead is the section before Branches: click Sign-in settings to focus the tab
  # list, End then Left. Tab to the address (Enter starts its second line), the phone and
  # the registration numbers, past the paper size to Save.
  n=$(shown_count admin-settings)
  click 280 221
  wait_screen admin-settings "$n"
  n=$(shown_count admin-branches)
  key End
  wait_screen admin-branches "$n"
  key Left
  wait_screen admin-letterhead
  key Tab
  type_text "Plot 12, Riverside Drive"
  key Return
  type_text "P.O. Box 4410-00100, Nairobi"
  key Tab
  type_text "+254 20 765 4321"
  key Tab
  type_text "Facility reg. no. KMPDC/F/1234"
  key Tab Tab Return
  wait_screen letterhead-saved
  scroll_to_top
  capture letterhead
  # This workstation: its sync, the group's workstations and the scheduled backups.
  click 572 221
  wait_screen admin-backup
  # Wheel down to the scheduled backups below the sync state, then let the page settle.
  xdotool mousemove --window "$window" 550 400 click --repeat 6 --delay 20 5
  sleep 0.5
  capture admin-workstation
  scroll_to_top
  click_to doctors 868 74
  # "Open" on the second doctor (Dr Peter Kamau).
  click 1016 374
  wait_screen doctor
  key Page_Down
  capture doctor-schedule
  scroll_to_top
  click_to calendar-week 433 74
  capture calendar-week

  # The receptionist must now set up a second factor: the set-up link as a QR code.
  click 1033 27
  wait_screen login 3
  type_text frontdesk
  key Tab
  type_text demo-clinic-2026
  key Return
  wait_screen home 4
  click 133 351
  wait_screen totp-qr
  capture totp-qr

  # The clinical screens, by keyboard. Each step notes how often its screen was shown so
  # far and waits for one more showing (search results, saves and panels show more than
  # once). The doctor: Ctrl+D opens the day, whose first row has the focus.
  scroll_to_top
  click 1033 27
  wait_screen login 4
  type_text dr.wanjiru
  key Tab
  type_text demo-clinic-2026
  key Return
  wait_screen home 5
  n=$(shown_count day)
  key ctrl+d
  wait_screen day "$n"
  capture doctor-day

  # Enter opens the visit with the focus in the note's first section: a SOAP note saved
  # (Ctrl+S), the plan changed and saved again; the history compares the two versions.
  n=$(shown_count visit)
  key Return
  wait_screen visit "$n"
  type_text "Thirsty and tired for a month, passing water often."
  key Tab
  type_text "Looks well. Random glucose 14.2 mmol/L."
  key Tab
  type_text "Probable type 2 diabetes."
  key Tab
  type_text "HbA1c. Diet advice."
  n=$(shown_count note-saved)
  key ctrl+s
  wait_screen note-saved "$n"
  type_text " Review in 2 weeks."
  n=$(shown_count note-history)
  key ctrl+s
  wait_screen note-history "$n"
  # Wheel down to the versions and their side-by-side comparison.
  xdotool mousemove --window "$window" 550 400 click --repeat 10 --delay 20 5
  sleep 0.5
  capture visit-note-history
  scroll_to_top

  # Alt+2: vitals, the first field focused; Enter saves; the trends are below the form.
  n=$(shown_count vitals)
  key alt+2
  wait_screen vitals "$n"
  type_text 150
  key Tab
  type_text 95
  key Tab
  type_text 88
  key Tab
  type_text 37.9
  key Tab
  type_text 18
  key Tab
  type_text 97
  key Tab
  type_text 88.5
  n=$(shown_count vitals-saved)
  key Return
  wait_screen vitals-saved "$n"
  xdotool mousemove --window "$window" 550 400 click --repeat 8 --delay 20 5
  sleep 0.5
  capture vitals-plots
  scroll_to_top

  # Alt+3: diagnoses, the search focused; words in any order find the ICD-10-CM codes.
  n=$(shown_count diagnoses)
  key alt+3
  wait_screen diagnoses "$n"
  n=$(shown_count diagnosis-results)
  type_text "diabetes type 2"
  wait_screen diagnosis-results "$n"
  capture diagnosis-search

  # Ctrl+K searches patients from anywhere; the record's "Open chart" has the focus.
  n=$(shown_count patients)
  key ctrl+k
  wait_screen patients "$n"
  n=$(shown_count patient-results)
  type_text "amani njoroge"
  wait_screen patient-results "$n"
  n=$(shown_count patient)
  key Return
  wait_screen patient "$n"
  n=$(shown_count chart)
  key Return
  wait_screen chart "$n"
  capture chart

  # Alt+5: attachments, the newest one's "View" focused; Enter shows the scanned letter
  # (a PDF page drawn by pdftoppm) inside the window.
  n=$(shown_count attachments)
  key alt+5
  wait_screen attachments "$n"
  n=$(shown_count attachment-view)
  key Return
  wait_screen attachment-view "$n"
  capture attachment-viewer
  scroll_to_top

  # Alt+6: prescriptions, "New prescription" focused. Tab to the newest prescription's
  # Open (the demo issued it), Enter shows it with Close focused; Shift+Tab to Print…,
  # Enter opens the print dialog with the page's preview. Escape gives the focus back to
  # Print…, Tab and Enter close the prescription and focus "New prescription" again.
  n=$(shown_count prescriptions)
  key alt+6
  wait_screen prescriptions "$n"
  n=$(shown_count prescription-detail)
  key Tab Return
  wait_screen prescription-detail "$n"
  n=$(shown_count print-preview)
  key shift+Tab Return
  wait_screen print-preview "$n"
  capture print-preview
  key Escape
  sleep 0.3
  key Tab Return
  sleep 0.5

  # Enter on "New prescription" opens the form, Enter in the
  # follow-up field starts the draft with the drug search focused. Two drugs the ONC table
  # says interact, each found as typed (Enter chooses), strength, dose, frequency and days
  # typed (form and route come from the catalogue), Enter adds; the checks then show the serious interaction and the Override.
  n=$(shown_count prescribing)
  key Return
  wait_screen prescribing "$n"
  key Tab
  key Return
  for drug in "simva|20 mg|1 tablet|nocte|30" "clarith|500 mg|1 tablet|bd|7"; do
    IFS='|' read -r search strength dose frequency days <<<"$drug"
    n=$(shown_count drug-results)
    type_text "$search"
    wait_screen drug-results "$n"
    key Return
    sleep 0.3
    type_text "$strength"
    # Form and route come filled in from the catalogue (one of each for these drugs).
    key Tab Tab Tab
    type_text "$dose"
    key Tab
    type_text "$frequency"
    key Tab
    type_text "$days"
    n=$(shown_count prescription-checked)
    key Return
    wait_screen prescription-checked "$n"
  done
  xdotool mousemove --window "$window" 550 400 click --repeat 6 --delay 20 5
  sleep 0.5
  capture prescribing
  scroll_to_top

  # The administrator sees who opened the record (the doctor's reads just now).
  scroll_to_top
  click 1033 27
  wait_screen login 5
  type_text admin
  key Tab
  type_text demo-clinic-2026
  key Return
  wait_screen home 6
  n=$(shown_count patients)
  key ctrl+k
  wait_screen patients "$n"
  n=$(shown_count patient-results)
  type_text "amani njoroge"
  wait_screen patient-results "$n"
  n=$(shown_count patient)
  key Return
  wait_screen patient "$n"
  n=$(shown_count access-history)
  key Return
  wait_screen access-history "$n"
  capture access-history

  stop_app
}

if [ "${1:-}" = "--inside-xvfb" ]; then
  shift
  inside_xvfb "$@"
  exit 0
fi

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 PATH/TO/clinic-desktop [OUT_DIR]"
timeout="${CLINIC_SCREENSHOT_TIMEOUT:-60}"
[[ "$timeout" =~ ^[0-9]+$ ]] || die "CLINIC_SCREENSHOT_TIMEOUT must be a whole number of seconds"
app=$1
out_dir="${2:-docs/screenshots}"
[ -x "$app" ] || die "no executable app at '$app' (build it with: cargo build -p clinic-desktop)"
for tool in xvfb-run xdotool import identify setsid; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' is missing (Debian packages: xvfb xdotool imagemagick util-linux)"
done
app=$(cd "$(dirname "$app")" && pwd)/$(basename "$app")
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
work=$(mktemp -d "${TMPDIR:-/tmp}/clinic-e2e.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  bash "$self" --inside-xvfb "$app" "$out_dir" "$work" "$timeout"
