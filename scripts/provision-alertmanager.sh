#!/usr/bin/env bash
# The real Alertmanager for src/sinks/alertmanager tests: Debian's prometheus-alertmanager
# (/usr/bin/prometheus-alertmanager). Idempotent; the tests start their own instance on 127.0.0.1.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
apt_ensure alertmanager 'test -x /usr/bin/prometheus-alertmanager' prometheus-alertmanager
