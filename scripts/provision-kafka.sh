#!/usr/bin/env bash
# The real Apache Kafka broker for the distributed-mode tests (src/sources/kafka, `anomalog worker`):
# fetches org.apache.kafka:kafka_2.13 (+ its runtime dependencies and a log4j2 binding) from Maven
# Central with `mvn` into a cache, once. Idempotent and fast when cached. Tests start their own
# single-node KRaft broker on 127.0.0.1 from these jars (test/harness/kafka.ts → scripts/kafka-broker.sh).
#
#   bash scripts/provision-kafka.sh           # fetch (cached in $ANOMALOG_KAFKA_HOME)
#   bash scripts/provision-kafka.sh --start   # … and start a broker for development on 127.0.0.1:9092
#   bash scripts/stop-kafka.sh                # stop that broker
#
# ANOMALOG_KAFKA_HOME (default ~/.cache/anomalog/kafka-4.4.0) holds pom.xml and lib/*.jar.
set -euo pipefail
KAFKA_VERSION=4.4.0
LOG4J_VERSION=2.25.5
# slf4j 2 for the log4j2 binding (a dependency would otherwise bring slf4j-api 1.7, which finds no binding).
SLF4J_VERSION=2.0.17
HOME_DIR="${ANOMALOG_KAFKA_HOME:-${HOME}/.cache/anomalog/kafka-${KAFKA_VERSION}}"
LIB="$HOME_DIR/lib"
here="$(cd "$(dirname "$0")" && pwd)"

source "$here/lib/apt.sh"
apt_ensure kafka-java 'command -v java' openjdk-17-jre-headless

if compgen -G "$LIB/kafka_2.13-${KAFKA_VERSION}.jar" >/dev/null && [ -f "$HOME_DIR/.complete" ]; then
  echo "provision-kafka: already fetched ($LIB)"
else
  apt_ensure kafka-maven 'command -v mvn' maven
  mkdir -p "$HOME_DIR"
  rm -rf "$LIB" "$HOME_DIR/.complete"
  # The broker (kafka_2.13 pulls kafka-server, -raft, -storage, -metadata, the clients) and
  # kafka-tools (topics, console producer/consumer for debugging); log4j2 as the slf4j binding.
  cat >"$HOME_DIR/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>anomalog</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>${SLF4J_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>${LOG4J_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${LOG4J_VERSION}</version></dependency>
  </dependencies>
</project>
EOF
  echo "provision-kafka: fetching Kafka ${KAFKA_VERSION} with mvn into $LIB"
  (cd "$HOME_DIR" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$LIB")
  compgen -G "$LIB/kafka_2.13-${KAFKA_VERSION}.jar" >/dev/null || { echo "provision-kafka: mvn ran but $LIB has no kafka_2.13 jar" >&2; exit 1; }
  touch "$HOME_DIR/.complete"
  echo "provision-kafka: fetched $(ls "$LIB" | wc -l) jars"
fi

if [ "${1:-}" = "--start" ]; then
  dir="${ANOMALOG_KAFKA_DIR:-${HOME_DIR}/dev-broker}"
  port="${ANOMALOG_KAFKA_PORT:-9092}"
  ANOMALOG_KAFKA_HOME="$HOME_DIR" bash "$here/kafka-broker.sh" start "$dir" "$port"
fi
