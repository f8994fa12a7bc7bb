#!/usr/bin/env bash
# The real syslog senders for the syslog tests: util-linux `logger` with --octet-count (Debian
# package bsdutils; src/sources/syslog) and rsyslog (imfile → omfwd, RFC 5424 octet-counted TCP;
# test/interop/rsyslog.test.ts, which starts its own rsyslogd in the foreground with its own
# config). rsyslog's system service is never started (scripts/lib/apt.sh). Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
apt_ensure syslog "logger --help 2>&1 | grep -q -- '--octet-count'" bsdutils
apt_ensure rsyslog "command -v rsyslogd" rsyslog
