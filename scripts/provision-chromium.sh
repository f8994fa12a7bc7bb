#!/usr/bin/env bash
# Provisions the real browser used by the web UI test (test/e2e/ui.test.ts): Debian's Chromium at
# /usr/bin/chromium, driven by playwright-core. Never downloads a browser from anywhere else.
# Idempotent: does nothing when /usr/bin/chromium exists. Works as root (no sudo needed) or with sudo.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "provision-chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n1) already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "provision-chromium: /usr/bin/chromium is missing and apt-get is not available; install Debian's chromium package" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
/usr/bin/chromium --version
