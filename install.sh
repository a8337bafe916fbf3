#!/bin/sh
# Installs the `blue` executable.
#
#   curl -fsSL https://raw.githubusercontent.com/blue-realm/blue/main/install.sh | sh
#   ./install.sh                     the newest release for this OS, CPU and libc, checked against SHA256SUMS
#   ./install.sh --version 0.2.0     that release (or BLUE_VERSION=0.2.0)
#   ./install.sh --from-source       build this checkout with Bun (installed from the npm registry if missing)
#
# POSIX sh (checked with `shellcheck -s sh` in the tests): it runs under dash, busybox ash and bash alike. Every
# failure is one `error: ...` line on stderr, a non-zero exit, and no partial install. Everything is inside
# main(), called on the last line, so a download cut short runs nothing.
set -eu

BUN_VERSION=1.4.5
REPO=blue-realm/blue
DEFAULT_DOWNLOAD_URL=https://github.com/blue-realm/blue/releases/download
RECEIPT=.blue-install

die() { printf 'error: %s\n' "$1" >&2; exit "${2:-1}"; }
say() { printf '%s\n' "$1"; }

usage() {
  cat <<'EOF'
Usage: install.sh [--version X] [--from-source] [--help]

  --version X      install release X (default: $BLUE_VERSION, else the newest release)
  --from-source    build the checkout this script lives in instead of downloading a release
  -h, --help       show this help

Environment:
  BLUE_INSTALL_DIR        where to put `blue` (default: $HOME/.local/bin)
  BLUE_VERSION            release to install when --version is not given
  BLUE_DOWNLOAD_URL       release base URL (default: https://github.com/blue-realm/blue/releases/download)
  BLUE_SKIP_ATTESTATION=1 do not run `gh attestation verify` even when gh is installed
  BLUE_LIBC=glibc|musl    which Linux build to take, instead of detecting it
EOF
}

# A path as a shell word, so the printed uninstall lines can be pasted whatever the path holds.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

is_version() { printf '%s' "$1" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$'; }

# --- temp space, removed on any exit ---------------------------------------------------------------------
work=""
staged=""
cleanup() {
  if [ -n "$work" ]; then rm -rf "$work"; fi
  if [ -n "$staged" ]; then rm -f "$staged"; fi
}

# Runs a command with its output in a log; on failure keeps the log and ends with one error line.
run_logged() {
  rl_what="$1"
  shift
  if ! "$@" >"$work/step.log" 2>&1; then
    rl_kept="$(mktemp "${TMPDIR:-/tmp}/blue-install-log.XXXXXX" 2>/dev/null)" && cp "$work/step.log" "$rl_kept" || rl_kept="(unavailable)"
    die "$rl_what failed (output in $rl_kept)"
  fi
}

# --- platform ----------------------------------------------------------------------------------------------
# musl (Alpine) or glibc: a glibc build does not start on musl. Debian's `musl` package puts a musl loader on a
# glibc system, so ldd's own answer comes first and the loader only decides when ldd says neither.
detect_libc() {
  case "${BLUE_LIBC:-}" in
    glibc | musl) printf '%s' "$BLUE_LIBC"; return 0 ;;
    "") ;;
    *) die "BLUE_LIBC must be glibc or musl, not '$BLUE_LIBC'" 64 ;;
  esac
  dl_ldd="$(ldd --version 2>&1 || true)"
  case "$dl_ldd" in
    *musl*) printf musl; return 0 ;;
    *GLIBC* | *"GNU libc"* | *glibc*) printf glibc; return 0 ;;
  esac
  for dl_loader in /lib/ld-musl-*.so.1; do
    if [ -e "$dl_loader" ]; then printf musl; return 0; fi
  done
  printf glibc
}

detect_asset() {
  case "$(uname -s)" in
    Linux) da_os=linux ;;
    Darwin) da_os=darwin ;;
    *) die "unsupported operating system: $(uname -s) (blue ships for Linux and macOS)" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) da_arch=x64 ;;
    aarch64 | arm64) da_arch=arm64 ;;
    *) die "unsupported architecture: $(uname -m) (blue ships for x86_64 and arm64)" ;;
  esac
  # An x64 shell under Rosetta on Apple silicon: the native build is the right one.
  if [ "$da_os" = darwin ] && [ "$da_arch" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
    da_arch=arm64
  fi
  da_suffix=""
  if [ "$da_os" = linux ]; then
    da_libc="$(detect_libc)"
    if [ "$da_libc" = musl ]; then da_suffix=-musl; fi
  fi
  printf 'blue-%s-%s%s' "$da_os" "$da_arch" "$da_suffix"
}

# --- download ----------------------------------------------------------------------------------------------
# A mirror's BLUE_DOWNLOAD_URL may carry a password (https://user:secret@host/...): it is used for the download
# but never printed and never written to the receipt, which says only where the release came from.
public_url() {
  printf '%s' "$1" | sed 's#^\([A-Za-z][A-Za-z0-9+.-]*://\)[^/@]*@#\1#'
}

fetch() { # url dest
  if command -v curl >/dev/null 2>&1; then
    f_err="$(curl -fsSL --retry 2 -o "$2" "$1" 2>&1)" || die "could not download $(public_url "$1"): $(printf '%s' "${f_err#curl: }" | sed 's#://[^/@ ]*@#://#g' | head -n 1)"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" 2>/dev/null || die "could not download $(public_url "$1")"
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

# The release contract (docs/releasing.md): version X at $base/vX/<asset>; the newest one's number in the VERSION
# asset of GitHub's and Forgejo's "latest" redirect, or of $base/latest/ on a mirror that lays one out.
latest_url() { # base asset
  case "$1" in
    */releases/download) printf '%s/latest/download/%s' "${1%/download}" "$2" ;;
    *) printf '%s/latest/%s' "$1" "$2" ;;
  esac
}

# gh checks the artifact attestation the release workflow made for these exact bytes; it is optional: without gh
# (or logged out) the SHA256SUMS check is what stands.
verify_attestation() { # file asset
  if [ "${BLUE_SKIP_ATTESTATION:-}" = 1 ]; then
    say "attestation: not checked (BLUE_SKIP_ATTESTATION=1)"
  elif ! command -v gh >/dev/null 2>&1; then
    say "attestation: not checked (gh is not installed; the SHA256SUMS check stands)"
  elif ! gh auth status >/dev/null 2>&1; then
    say "attestation: not checked (gh is not logged in; the SHA256SUMS check stands)"
  elif gh attestation verify "$1" --repo "$REPO" >"$work/gh.log" 2>&1; then
    say "✓ Verified the build attestation of $2 (gh attestation verify --repo $REPO)"
  else
    die "gh attestation verify found no valid attestation for $2 from $REPO: $(grep -v '^[[:space:]]*$' "$work/gh.log" | tail -n 1) (BLUE_SKIP_ATTESTATION=1 installs without this check)"
  fi
}

download_release() {
  asset="$(detect_asset)"
  base="${BLUE_DOWNLOAD_URL:-$DEFAULT_DOWNLOAD_URL}"
  base="${base%/}"
  if [ -z "$version" ]; then
    dr_url="$(latest_url "$base" VERSION)"
    fetch "$dr_url" "$work/VERSION"
    version="$(head -n 1 "$work/VERSION" | tr -d '\r[:space:]')"
    is_version "$version" || die "$(public_url "$dr_url") does not hold a release version (got '$(head -c 40 "$work/VERSION")')"
    say "newest release: $version"
  fi
  dr_dir="$base/v$version"
  say "downloading $(public_url "$dr_dir/$asset")"
  fetch "$dr_dir/$asset" "$work/$asset"
  fetch "$dr_dir/SHA256SUMS" "$work/SHA256SUMS"
  # sha256sum's format, "<hex>  <name>" (or "<hex> *<name>" in binary mode), one line per asset.
  dr_expected="$(awk -v a="$asset" '$2 == a || $2 == ("*" a) {print tolower($1)}' "$work/SHA256SUMS")"
  case "$dr_expected" in
    "") die "SHA256SUMS of v$version has no line for $asset" ;;
    *"
"*) die "SHA256SUMS of v$version has more than one line for $asset" ;;
  esac
  printf '%s' "$dr_expected" | grep -Eq '^[0-9a-f]{64}$' || die "malformed SHA256SUMS line for $asset in v$version"
  dr_actual="$(sha256_of "$work/$asset")"
  [ "$dr_expected" = "$dr_actual" ] || die "checksum mismatch for $asset (expected $dr_expected, got $dr_actual)"
  say "✓ Verified $asset against SHA256SUMS (sha256 $dr_actual)"
  verify_attestation "$work/$asset" "$asset"
  mv "$work/$asset" "$work/blue"
}

# --- from source -------------------------------------------------------------------------------------------
# bun_link: set when bun is not on the caller's PATH (a user-level npm prefix such as ~/.npm-global): the
# install dir, which the user puts on PATH for blue, then gets a `bun` link so the README's next command,
# `bun run test`, runs as written.
bun_link=""
ensure_bun() {
  if command -v bun >/dev/null 2>&1; then return 0; fi
  command -v npm >/dev/null 2>&1 || die "bun is not installed and npm is not available to install it"
  say "installing bun@${BUN_VERSION} from the npm registry"
  if npm install -g "bun@${BUN_VERSION}" >"$work/npm.log" 2>&1; then
    eb_bin="$(npm prefix -g)/bin"
    if ! command -v bun >/dev/null 2>&1; then
      PATH="$eb_bin:$PATH"
      bun_link="$eb_bin/bun"
    fi
  else
    [ -n "${HOME:-}" ] || die "npm install -g bun@${BUN_VERSION} failed and HOME is not set for a local install"
    eb_tools="$HOME/.blue/tools/bun"
    run_logged "npm install --prefix $eb_tools bun@${BUN_VERSION}" npm install --prefix "$eb_tools" "bun@${BUN_VERSION}"
    PATH="$eb_tools/node_modules/.bin:$PATH"
    bun_link="$eb_tools/node_modules/.bin/bun"
  fi
  export PATH
  command -v bun >/dev/null 2>&1 || die "installed bun@${BUN_VERSION} but cannot find it on PATH"
}

build_from_source() {
  if [ -z "$script_dir" ] || [ ! -f "$script_dir/build.ts" ] || [ ! -f "$script_dir/package.json" ]; then
    die "--from-source needs a blue checkout next to install.sh (build.ts and package.json not found)"
  fi
  # The receipt names the asset `blue upgrade` would fetch; a machine no release serves can still build.
  asset="$(detect_asset 2>/dev/null)" || asset=""
  base=""
  ensure_bun
  cd "$script_dir"
  say "building blue from $script_dir with bun $(bun --version)"
  run_logged "bun install --frozen-lockfile" bun install --frozen-lockfile
  run_logged "bun run build.ts" bun run build.ts
  [ -f dist/blue ] || die "bun run build.ts did not produce dist/blue"
  cp dist/blue "$work/blue"
}

# Puts `bun` beside `blue` when install.sh had to install it somewhere off PATH. A `bun` there that is not a
# link (someone's own) is left alone.
link_bun() {
  [ -n "$bun_link" ] || return 0
  if [ -e "$install_dir/bun" ] && [ ! -L "$install_dir/bun" ]; then
    say "note: $install_dir/bun exists and is not a link; bun itself is in $(dirname "$bun_link")"
    bun_link=""
    return 0
  fi
  ln -sf "$bun_link" "$install_dir/bun" || die "cannot link $install_dir/bun to $bun_link"
  say "✓ Linked bun ${BUN_VERSION} to ${install_dir}/bun (npm put it in $(dirname "$bun_link"), which is not on your PATH)"
}

write_receipt() {
  wr_tmp="$install_dir/$RECEIPT.tmp.$$"
  {
    printf 'installer=install.sh\n'
    printf 'version=%s\n' "$1"
    printf 'asset=%s\n' "$asset"
    printf 'base=%s\n' "$(public_url "$base")"
    printf 'installed_at=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$wr_tmp" || { rm -f "$wr_tmp"; die "cannot write $install_dir/$RECEIPT"; }
  mv -f "$wr_tmp" "$install_dir/$RECEIPT" || { rm -f "$wr_tmp"; die "cannot write $install_dir/$RECEIPT"; }
}

# --- main --------------------------------------------------------------------------------------------------
main() {
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
  version="${version#v}"
  if [ -n "$version" ] && ! is_version "$version"; then die "'$version' is not a release version, e.g. --version 0.1.0" 64; fi
  [ -n "${HOME:-}" ] || [ -n "${BLUE_INSTALL_DIR:-}" ] || die "HOME is not set; set BLUE_INSTALL_DIR to choose where to install"

  # Run as a file (./install.sh, sh install.sh), $0 is its path; piped into sh, it is the shell's name.
  script_dir=""
  case "$0" in
    *.sh) if [ -f "$0" ]; then script_dir="$(cd "$(dirname "$0")" && pwd)"; fi ;;
  esac

  install_dir="${BLUE_INSTALL_DIR:-$HOME/.local/bin}"
  case "$install_dir" in /*) ;; *) install_dir="$PWD/$install_dir" ;; esac
  install_dir="${install_dir%/}"

  work="$(mktemp -d "${TMPDIR:-/tmp}/blue-install.XXXXXX")" || die "could not create a temp directory"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

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
  if [ "$from_source" = 1 ]; then write_receipt "$installed"; else write_receipt "$version"; fi
  link_bun
  say "✓ Installed blue ${installed} to ${install_dir}/blue"
  say "  receipt: ${install_dir}/${RECEIPT} (lets \`blue upgrade\` replace this binary)"
  say "To uninstall (stop the daemon first: blue daemon stop):"
  if [ -n "$bun_link" ]; then
    say "  rm -f $(quote "$install_dir/blue") $(quote "$install_dir/$RECEIPT") $(quote "$install_dir/bun")"
  else
    say "  rm -f $(quote "$install_dir/blue") $(quote "$install_dir/$RECEIPT")"
  fi
  case ":$PATH:" in
    *":$install_dir:"*) ;;
    *) say "$install_dir is not on your PATH; add it with: export PATH=\"$install_dir:\$PATH\"" ;;
  esac
}

main "$@"
