#!/usr/bin/env bash
# Stops the development broker that `scripts/provision-kafka.sh --start` started (only that one: its pid file).
set -euo pipefail
HOME_DIR="${ANOMALOG_KAFKA_HOME:-${HOME}/.cache/anomalog/kafka-4.4.0}"
bash "$(dirname "$0")/kafka-broker.sh" stop "${ANOMALOG_KAFKA_DIR:-${HOME_DIR}/dev-broker}"
