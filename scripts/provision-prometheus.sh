#!/usr/bin/env bash
# Provisions the real Prometheus used by src/telemetry tests: the server (`prometheus`) and
# `promtool`, both from Debian's `prometheus` package. Idempotent: does nothing when both are on
# PATH. The package's system service is NOT started: the tests start their own Prometheus on
# 127.0.0.1 with a free port and a temporary data directory.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  echo "provision-prometheus: $(prometheus --version 2>&1 | head -n1) already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "provision-prometheus: prometheus/promtool are missing and apt-get is not available; install Prometheus 2.x (server and promtool) on PATH" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Keep the package's postinst from starting the service (invoke-rc.d honours policy-rc.d: 101 =
# action forbidden). An existing policy-rc.d is left as it is; one we add is removed afterwards.
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  trap '$SUDO rm -f "$POLICY"' EXIT
fi

$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus
prometheus --version 2>&1 | head -n1
promtool --version 2>&1 | head -n1
