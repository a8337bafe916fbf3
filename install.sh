#!/usr/bin/env bash
# Installs the `blue` executable.
#
#   ./install.sh                     download the release asset for this OS/arch, verify its sha256, install it
#   ./install.sh --version 0.1.0     a specific release (or BLUE_VERSION=0.1.0)
#   ./install.sh --from-source       build this checkout with Bun (installed from the npm registry if missing)
#
# Environment: BLUE_INSTALL_DIR (default $HOME/.local/bin), BLUE_VERSION, BLUE_DOWNLOAD_URL (release base URL).
# Every failure is one `error: ...` line on stderr, a non-zero exit, and no partial install.
set -euo pipefail

BUN_VERSION=1.4.5
FALLBACK_VERSION=0.1.0
DEFAULT_DOWNLOAD_URL=https://github.com/blue-realm/blue/releases/download

die() { printf 'error: %s\n' "$1" >&2; exit "${2:-1}"; }
say() { printf '%s\n' "$1"; }

usage() {
  cat <<'EOF'
Usage: install.sh [--version X] [--from-source] [--help]

  --version X      install release X (default: $BLUE_VERSION, else the checkout's package.json version)
  --from-source    build the checkout this script lives in instead of downloading a release
  -h, --help       show this help

Environment:
  BLUE_INSTALL_DIR   where to put `blue` (default: $HOME/.local/bin)
  BLUE_VERSION       release to install when --version is not given
  BLUE_DOWNLOAD_URL  release base URL (default: https://github.com/blue-realm/blue/releases/download)
EOF
}

# --- arguments -------------------------------------------------------------------------------------------
from_source=0
version="${BLUE_VERSION:-}"
version_flag=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --from-source) from_source=1 ;;
    --version)
      if [ $# -lt 2 ] || [ -z "$2" ]; then die "--version needs a value, e.g. --version 0.1.0" 64; fi
      version="$2"; version_flag=1; shift ;;
    --version=*)
      version="${1#--version=}"; version_flag=1
      [ -n "$version" ] || die "--version needs a value, e.g. --version 0.1.0" 64 ;;
    *) die "unknown argument: $1 (see --help)" 64 ;;
  esac
  shift
done
if [ "$from_source" = 1 ] && [ "$version_flag" = 1 ]; then die "--version and --from-source cannot be combined" 64; fi
[ -n "${HOME:-}" ] || [ -n "${BLUE_INSTALL_DIR:-}" ] || die "HOME is not set; set BLUE_INSTALL_DIR to choose where to install"

script_dir=""
if [ -n "${BASH_SOURCE[0]:-}" ] && [ -f "${BASH_SOURCE[0]}" ]; then
  script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fi

install_dir="${BLUE_INSTALL_DIR:-$HOME/.local/bin}"
case "$install_dir" in /*) ;; *) install_dir="$PWD/$install_dir" ;; esac
install_dir="${install_dir%/}"

# --- temp space, removed on any exit ---------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/blue-install.XXXXXX")" || die "could not create a temp directory"
staged=""
cleanup() {
  rm -rf "$work"
  if [ -n "$staged" ]; then rm -f "$staged"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command with its output in a log; on failure keeps the log and ends with one error line.
run_logged() {
  local what="$1"; shift
  local log="$work/step.log"
  if ! "$@" >"$log" 2>&1; then
    local kept
    kept="$(mktemp "${TMPDIR:-/tmp}/blue-install-log.XXXXXX")" && cp "$log" "$kept" || kept="(unavailable)"
    die "$what failed (output in $kept)"
  fi
}

# --- from source -----------------------------------------------------------------------------------------
ensure_bun() {
  command -v bun >/dev/null 2>&1 && return 0
  command -v npm >/dev/null 2>&1 || die "bun is not installed and npm is not available to install it"
  say "installing bun@${BUN_VERSION} from the npm registry"
  if npm install -g "bun@${BUN_VERSION}" >"$work/npm.log" 2>&1; then
    if ! command -v bun >/dev/null 2>&1; then
      PATH="$(npm prefix -g)/bin:$PATH"
      say "bun installed to $(npm prefix -g)/bin, which is not on your PATH; add it to use bun yourself"
    fi
  else
    [ -n "${HOME:-}" ] || die "npm install -g bun@${BUN_VERSION} failed and HOME is not set for a local install"
    local tools="$HOME/.blue/tools/bun"
    run_logged "npm install --prefix $tools bun@${BUN_VERSION}" npm install --prefix "$tools" "bun@${BUN_VERSION}"
    PATH="$tools/node_modules/.bin:$PATH"
    say "bun installed to $tools/node_modules/.bin; add it to your PATH: export PATH=\"$tools/node_modules/.bin:\$PATH\""
  fi
  export PATH
  command -v bun >/dev/null 2>&1 || die "installed bun@${BUN_VERSION} but cannot find it on PATH"
}

build_from_source() {
  if [ -z "$script_dir" ] || [ ! -f "$script_dir/build.ts" ] || [ ! -f "$script_dir/package.json" ]; then
    die "--from-source needs a blue checkout next to install.sh (build.ts and package.json not found)"
  fi
  ensure_bun
  cd "$script_dir"
  say "building blue from $script_dir with bun $(bun --version)"
  run_logged "bun install --frozen-lockfile" bun install --frozen-lockfile
  run_logged "bun run build.ts" bun run build.ts
  [ -f dist/blue ] || die "bun run build.ts did not produce dist/blue"
  cp dist/blue "$work/blue"
}

# --- download --------------------------------------------------------------------------------------------
detect_asset() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) die "unsupported operating system: $(uname -s) (blue ships for Linux and macOS)" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "unsupported architecture: $(uname -m) (blue ships for x86_64 and arm64)" ;;
  esac
  # An x64 shell under Rosetta on Apple silicon: the native build is the right one.
  if [ "$os" = darwin ] && [ "$arch" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
    arch=arm64
  fi
  printf 'blue-%s-%s' "$os" "$arch"
}

fetch() { # url dest
  if command -v curl >/dev/null 2>&1; then
    local err
    err="$(curl -fsSL --retry 2 -o "$2" "$1" 2>&1)" || die "could not download $1: $(printf '%s' "${err#curl: }" | head -n 1)"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" 2>/dev/null || die "could not download $1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{print $1}'
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | awk '{print $1}'
  else
    die "neither sha256sum nor shasum is installed; cannot verify the download"
  fi
}

download_release() {
  if [ -z "$version" ]; then
    if [ -n "$script_dir" ] && [ -f "$script_dir/package.json" ]; then
      version="$(sed -n 's/^[[:space:]]*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$script_dir/package.json" | head -n 1)"
    fi
    version="${version:-$FALLBACK_VERSION}"
  fi
  version="${version#v}"
  local asset base url expected actual
  asset="$(detect_asset)"
  base="${BLUE_DOWNLOAD_URL:-$DEFAULT_DOWNLOAD_URL}"
  url="${base%/}/v${version}/${asset}"
  say "downloading $url"
  fetch "$url" "$work/blue"
  fetch "$url.sha256" "$work/blue.sha256"
  expected="$(awk 'NR == 1 {print tolower($1)}' "$work/blue.sha256")"
  printf '%s' "$expected" | grep -Eq '^[0-9a-f]{64}$' || die "malformed checksum file $url.sha256"
  actual="$(sha256_of "$work/blue")"
  [ "$expected" = "$actual" ] || die "checksum mismatch for $asset (expected $expected, got $actual)"
}

# --- main ------------------------------------------------------------------------------------------------
if [ "$from_source" = 1 ]; then build_from_source; else download_release; fi

mkdir -p "$install_dir" 2>/dev/null || die "cannot create install directory $install_dir"
staged="$install_dir/.blue.install.$$"
cp "$work/blue" "$staged" 2>/dev/null || die "cannot write to $install_dir"
chmod 755 "$staged"
"$staged" --version >/dev/null 2>&1 || die "the new blue binary does not run on this machine (blue --version failed)"
mv -f "$staged" "$install_dir/blue" || die "cannot replace $install_dir/blue"
staged=""

installed="$("$install_dir/blue" --version 2>/dev/null)" || die "$install_dir/blue --version failed after install"
installed="${installed#blue }"
say "✓ Installed blue ${installed} to ${install_dir}/blue"
case ":$PATH:" in
  *":$install_dir:"*) ;;
  *) say "$install_dir is not on your PATH; add it with: export PATH=\"$install_dir:\$PATH\"" ;;
esac
