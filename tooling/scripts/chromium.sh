#!/usr/bin/env bash
# Installs Debian's Chromium for the upload page's browser tests (apps/gateway/test/upload-page*.test.ts,
# driven by playwright-core with executablePath /usr/bin/chromium), idempotently, like py-clients.sh.
#   chromium.sh install    install when missing (root or passwordless sudo, apt-get)
#   chromium.sh check      exit 0 when /usr/bin/chromium is installed
set -euo pipefail
PKGS=(chromium)
BIN=/usr/bin/chromium
log() { printf '[chromium] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n -E "$@"
  else die "need root (or passwordless sudo) to run: $*"; fi
}
missing_pkgs() {
  local p
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qx 'install ok installed' || printf '%s ' "$p"
  done
}
case "${1:-}" in
  check) [[ -z $(missing_pkgs) && -x $BIN ]] ;;
  install)
    [[ -z $(missing_pkgs) && -x $BIN ]] && { log "already installed: $($BIN --version 2>/dev/null || echo chromium)"; exit 0; }
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${PKGS[*]} by hand"
    apt=(apt-get -y -q -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    log "installing: ${PKGS[*]}"
    if ! as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "${PKGS[@]}" </dev/null >&2; then
      log "install failed with the current package lists: apt-get update and retry once"
      as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" update </dev/null >&2 || log "apt-get update reported errors (continuing)"
      as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "${PKGS[@]}" </dev/null >&2 || die "apt-get install failed"
    fi
    [[ -z $(missing_pkgs) && -x $BIN ]] || die "still missing after install: ${PKGS[*]}"
    log "installed: $($BIN --version 2>/dev/null || echo chromium)"
    ;;
  *) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
