# Shared by run-app.sh and run-tests.sh: install what is missing, nothing more.
# Sourced, not executed.

# Packages a fresh Debian 12 / Ubuntu 22.04+ machine needs to build and test everything.
CLINIC_APT_PACKAGES=(
  build-essential pkg-config libssl-dev curl
  libwebkit2gtk-4.1-dev
  xvfb xdotool imagemagick webkit2gtk-driver poppler-utils zbar-tools jq curl
  postgresql
  cups printer-driver-cups-pdf
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# cups-pdf, a virtual printer that writes each job as a PDF, set up so that a print can be
# checked: CUPS started if it is not running, the queue made if the package could not
# make it (it skips that when CUPS was down at install time), and every user's jobs
# written to /var/spool/cups-pdf/<user> (Debian's default, ~/PDF, is not where a job
# from root or from CI lands predictably). Idempotent. Exports the queue's name and
# that folder for the print tests.
ensure_cups_pdf_queue() {
  local queue=PDF conf=/etc/cups/cups-pdf.conf
  # Single quotes: ${USER} is cups-pdf's own placeholder for the job's owner.
  local out_line='Out /var/spool/cups-pdf/${USER}'
  if ! LC_ALL=C lpstat -r 2>/dev/null | grep -q "scheduler is running"; then
    log "starting CUPS"
    if [ -d /run/systemd/system ]; then
      as_root systemctl start cups
    elif [ -x /etc/init.d/cups ]; then
      as_root /etc/init.d/cups start
    else
      as_root cupsd
    fi
    local tries=0
    until LC_ALL=C lpstat -r 2>/dev/null | grep -q "scheduler is running"; do
      tries=$((tries + 1))
      if [ "$tries" -gt 50 ]; then
        echo "CUPS did not start within 10 seconds: see /var/log/cups/error_log" >&2
        exit 1
      fi
      sleep 0.2
    done
  fi
  # cups-pdf reads its configuration for every job: no restart needed.
  if ! grep -qxF "$out_line" "$conf"; then
    log "cups-pdf: writing jobs to /var/spool/cups-pdf/<user>"
    if grep -q '^Out ' "$conf"; then
      as_root sed -i "s|^Out .*|$out_line|" "$conf"
    else
      echo "$out_line" | as_root tee -a "$conf" >/dev/null
    fi
  fi
  if ! LC_ALL=C lpstat -e | grep -qxF "$queue"; then
    log "adding the cups-pdf printer $queue"
    local ppd
    ppd=$(as_root lpinfo -m | awk '$1 ~ /cups-pdf\/CUPS-PDF_opt\.ppd$/ {print $1; exit}')
    if [ -z "$ppd" ]; then
      echo "the cups-pdf driver is missing (lpinfo -m lists no CUPS-PDF_opt.ppd): install printer-driver-cups-pdf" >&2
      exit 1
    fi
    # As the package's own set-up does, not shared on the network. lpadmin warns that
    # printer drivers are deprecated: cups-pdf has no driverless form.
    as_root lpadmin -p "$queue" -E -v cups-pdf:/ -m "$ppd" -o printer-is-shared=no
  fi
  # A queue stopped or rejecting after an earlier failed job would hold the tests' jobs.
  if LC_ALL=C lpstat -p "$queue" | grep -q disabled; then
    as_root cupsenable "$queue"
  fi
  if LC_ALL=C lpstat -a "$queue" | grep -q "not accepting"; then
    as_root cupsaccept "$queue"
  fi
  export CLINIC_TEST_CUPS_PDF_QUEUE="$queue"
  CLINIC_TEST_CUPS_PDF_OUT="/var/spool/cups-pdf/$(id -un)"
  export CLINIC_TEST_CUPS_PDF_OUT
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    if apt-cache show rustup >/dev/null 2>&1; then
      log "installing the Rust toolchain with rustup (from the distribution's packages)"
      ensure_apt_packages rustup
      rustup default stable
    else
      echo "Rust is missing and this distribution has no rustup package: install Rust 1.90 or newer with rustup (see rustup.rs), then run this again." >&2
      exit 1
    fi
  fi
}

# The independent FHIR validator the export's tests run (scripts/fhir-validate.py): a
# virtual environment with a pinned fhir.resources (its R4B models) and the fhir-core it
# was tested with. Reinstalls only when the pins change. Exports its python for the tests.
CLINIC_FHIR_PINS=("fhir.resources==8.3.0" "fhir-core==1.1.12")
ensure_fhir_validator() {
  local venv="$HOME/.cache/clinic-fhir-venv" stamp
  stamp="$venv/.clinic-pins"
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    # Debian leaves ensurepip out of python3: python3-venv brings it back.
    ensure_apt_packages python3-venv
  fi
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${CLINIC_FHIR_PINS[*]}" ]; then
    log "installing the FHIR validator (${CLINIC_FHIR_PINS[*]}) in $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${CLINIC_FHIR_PINS[@]}"
    printf '%s' "${CLINIC_FHIR_PINS[*]}" >"$stamp"
  fi
  export CLINIC_FHIR_PYTHON="$venv/bin/python"
}

# The front end builds with Node.js 18.19 or newer (Debian 12's own nodejs is 18.19).
ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then
    log "installing Node.js and npm from Debian's packages"
    ensure_apt_packages nodejs npm
  fi
  local version
  version=$(node -p 'process.versions.node')
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>18||(a==18&&b>=19)?0:1)'; then
    echo "Node.js $version is too old: the user interface needs 18.19 or newer" >&2
    exit 1
  fi
}

# Installs the front end's npm packages when package-lock.json changed, then builds it.
build_ui() {
  ensure_node
  local stamp=ui/node_modules/.clinic-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s ui/package-lock.json "$stamp"; then
    log "installing npm packages (npm ci)"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
    cp ui/package-lock.json "$stamp"
  fi
  log "building the user interface"
  (cd ui && npm run --silent build)
}

# Builds go to one target directory outside the clone, so repeated runs (and CI on the
# same machine) reuse earlier work.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/clinic-target}"
# CI builds a fresh clone each time: incremental caches would only fill the disk (they
# reached 12 GB here) without ever being reused.
if [ "${CI:-}" = true ]; then
  export CARGO_INCREMENTAL=0
fi
