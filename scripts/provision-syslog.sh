#!/usr/bin/env bash
# Provisions the real syslog sender used by src/sources/syslog tests: util-linux `logger`
# (Debian package bsdutils). Idempotent: does nothing when `logger` already supports --octet-count.
set -euo pipefail
if command -v logger >/dev/null 2>&1 && logger --help 2>&1 | grep -q -- '--octet-count'; then
  echo "provision-syslog: $(logger --version 2>&1 | head -n1) already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "provision-syslog: util-linux logger (with --octet-count) is missing and apt-get is not available; install util-linux's logger (Debian/Ubuntu: bsdutils)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends bsdutils
logger --version
