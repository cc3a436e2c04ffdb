#!/usr/bin/env bash
# Installs Debian's Chromium for the gateway app's browser tests (apps/gateway/test/*browser*,
# upload-page*: playwright-core with executablePath /usr/bin/chromium), idempotently.
#   chromium.sh install    install when missing (root or passwordless sudo, apt-get)
#   chromium.sh check      exit 0 when /usr/bin/chromium is installed
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"
apt_cli "${1:-}" chromium
