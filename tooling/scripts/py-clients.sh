#!/usr/bin/env bash
# Installs the Python S3 clients the gateway interop tests drive (Debian's awscli and
# python3-boto3, used as /usr/bin/aws and /usr/bin/python3), idempotently, like rgw.sh install.
#   py-clients.sh install    install when missing (root or passwordless sudo, apt-get)
#   py-clients.sh check      exit 0 when both are installed
set -euo pipefail
PKGS=(awscli python3-boto3)
log() { printf '[py-clients] %s\n' "$*" >&2; }
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
  check) [[ -z $(missing_pkgs) ]] ;;
  install)
    [[ -z $(missing_pkgs) ]] && { log "already installed: ${PKGS[*]}"; exit 0; }
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${PKGS[*]} by hand"
    apt=(apt-get -y -q -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    log "installing: ${PKGS[*]}"
    if ! as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "${PKGS[@]}" </dev/null >&2; then
      log "install failed with the current package lists: apt-get update and retry once"
      as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" update </dev/null >&2 || log "apt-get update reported errors (continuing)"
      as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "${PKGS[@]}" </dev/null >&2 || die "apt-get install failed"
    fi
    [[ -z $(missing_pkgs) ]] || die "still missing after install: $(missing_pkgs)"
    log "installed: ${PKGS[*]}"
    ;;
  *) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
