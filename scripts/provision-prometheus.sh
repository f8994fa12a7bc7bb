#!/usr/bin/env bash
# The real Prometheus for src/telemetry tests: the server and promtool from Debian's `prometheus`
# package. Idempotent; the tests start their own Prometheus on 127.0.0.1 with a temporary data dir.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
apt_ensure prometheus 'command -v prometheus && command -v promtool' prometheus
