#!/usr/bin/env bash
# Installs the Python S3 clients the gateway interop tests drive (Debian's awscli, s3cmd and
# python3-boto3, used as /usr/bin/aws, /usr/bin/s3cmd and /usr/bin/python3; and the dependencies of minio-py,
# which is vendored in tooling/clients/minio-py because PyPI is unreachable), and openssl
# (/usr/bin/openssl, for the throwaway certificates of the HTTPS tests), idempotently.
#   py-clients.sh install    install when missing (root or passwordless sudo, apt-get)
#   py-clients.sh check      exit 0 when all are installed
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"
apt_cli "${1:-}" awscli s3cmd python3-boto3 openssl \
  python3-urllib3 python3-certifi python3-argon2 python3-pycryptodome python3-typing-extensions
