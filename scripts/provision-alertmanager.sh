#!/usr/bin/env bash
# Provisions the real Alertmanager used by src/sinks/alertmanager tests: the Debian package
# prometheus-alertmanager (binary /usr/bin/prometheus-alertmanager). Idempotent: does nothing when
# the binary is already there. Never starts the system service: the tests start their own
# instance on 127.0.0.1 with a temporary storage path.
set -euo pipefail
BIN=/usr/bin/prometheus-alertmanager
if [ -x "$BIN" ]; then
  echo "provision-alertmanager: $("$BIN" --version 2>&1 | head -n1) already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "provision-alertmanager: $BIN is missing and apt-get is not available; install Prometheus Alertmanager (Debian/Ubuntu: prometheus-alertmanager)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# Keep the package's service from being started during installation (policy-rc.d: 101 = action
# forbidden); an existing policy is left untouched.
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=""
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod +x "$POLICY"
  ADDED_POLICY=1
fi
cleanup() { if [ -n "$ADDED_POLICY" ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus-alertmanager
"$BIN" --version 2>&1 | head -n1
