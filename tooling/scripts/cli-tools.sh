#!/usr/bin/env bash
# Installs what the s3kit command line's tests and benchmarks drive beside it, idempotently:
# tmux (the terminal test: send-keys, capture-pane), rclone and awscli (the transfer benchmarks).
#   cli-tools.sh install    install when missing (root or passwordless sudo, apt-get)
#   cli-tools.sh check      exit 0 when all are installed
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"
apt_cli "${1:-}" tmux rclone awscli
