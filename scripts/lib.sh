# Shared by run-app.sh and run-tests.sh: install what is missing, nothing more.
# Sourced, not executed.

# Packages a fresh Debian 12 / Ubuntu 22.04+ machine needs to build and test everything.
CLINIC_APT_PACKAGES=(
  build-essential pkg-config libssl-dev curl
  libwebkit2gtk-4.1-dev
  xvfb xdotool imagemagick webkit2gtk-driver poppler-utils jq curl
  postgresql
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
