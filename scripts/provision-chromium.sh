#!/usr/bin/env bash
# The real browser for the web UI test (test/e2e/ui.test.ts): Debian's Chromium at /usr/bin/chromium,
# driven by playwright-core. Never downloads a browser from anywhere else. Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
apt_ensure chromium 'test -x /usr/bin/chromium' chromium
