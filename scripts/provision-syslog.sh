#!/usr/bin/env bash
# The real syslog sender for src/sources/syslog tests: util-linux `logger` with --octet-count
# (Debian package bsdutils). Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
apt_ensure syslog "logger --help 2>&1 | grep -q -- '--octet-count'" bsdutils
