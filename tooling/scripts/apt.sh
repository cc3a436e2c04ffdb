#!/usr/bin/env bash
# Debian packages the test suite drives, installed idempotently with apt-get (root, or passwordless
# sudo). Sourced by rgw.sh, py-clients.sh and chromium.sh for its functions; run directly:
#   apt.sh install PKG...   install the missing ones
#   apt.sh check PKG...     exit 0 when all are installed

# Runs a command as root (directly, or through passwordless sudo).
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n -E "$@"
  else printf 'apt.sh: need root (or passwordless sudo) to run: %s\n' "$*" >&2; return 1; fi
}

# Prints the packages of the arguments that are not installed (space-separated; nothing when all are).
missing_pkgs() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qx 'install ok installed' || printf '%s ' "$p"
  done
}

# Installs the packages of the arguments that are missing. The package lists are updated first
# only when they do not know a package, and once more when an install fails with them.
apt_install() {
  local missing
  missing=$(missing_pkgs "$@")
  [[ -z $missing ]] && return 0
  command -v apt-get >/dev/null 2>&1 || { printf 'apt.sh: apt-get not found: install %s by hand\n' "$*" >&2; return 1; }
  local apt=(apt-get -y -q -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  local updated=0
  if ! apt-cache show "$@" >/dev/null 2>&1; then
    printf 'apt.sh: package lists do not know all of %s: apt-get update\n' "$*" >&2
    as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" update </dev/null >&2 || printf 'apt.sh: apt-get update reported errors (continuing)\n' >&2
    updated=1
  fi
  printf 'apt.sh: installing %s\n' "$missing" >&2
  # shellcheck disable=SC2086 # $missing is a space-separated list of package names
  if ! as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends $missing </dev/null >&2; then
    [[ $updated -eq 1 ]] && return 1
    printf 'apt.sh: install failed with the current package lists: apt-get update and retry once\n' >&2
    as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" update </dev/null >&2 || printf 'apt.sh: apt-get update reported errors (continuing)\n' >&2
    # shellcheck disable=SC2086
    as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends $missing </dev/null >&2 || return 1
  fi
  missing=$(missing_pkgs "$@")
  [[ -z $missing ]] || { printf 'apt.sh: still missing after install: %s\n' "$missing" >&2; return 1; }
}

# The `install PKG...` / `check PKG...` command line of a wrapper script (or of this file).
apt_cli() {
  local cmd=${1:-}
  shift || true
  case "$cmd" in
    check) [[ -z $(missing_pkgs "$@") ]] ;;
    install)
      if [[ -z $(missing_pkgs "$@") ]]; then printf 'apt.sh: already installed: %s\n' "$*" >&2; return 0; fi
      apt_install "$@" && printf 'apt.sh: installed: %s\n' "$*" >&2
      ;;
    *) printf 'usage: %s install|check\n' "$0" >&2; return 2 ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  apt_cli "$@"
fi
