#!/usr/bin/env bash
# One single-node Apache Kafka broker (KRaft, combined broker+controller) on 127.0.0.1, from the jars
# scripts/provision-kafka.sh fetched. Used by the tests (test/harness/kafka.ts) and by
# `provision-kafka.sh --start`. Small heap and serial GC: about 200 MB RSS, starts in about 3 s.
#
#   kafka-broker.sh start DIR PORT [CONTROLLER_PORT]   # formats DIR/data once, starts, waits for PORT
#   kafka-broker.sh stop DIR                            # stops the broker started in DIR (its pid file)
#
# Prints nothing but errors; the broker's own output is in DIR/broker.out.
set -euo pipefail
KAFKA_VERSION=4.4.0
HOME_DIR="${ANOMALOG_KAFKA_HOME:-${HOME}/.cache/anomalog/kafka-${KAFKA_VERSION}}"
LIB="$HOME_DIR/lib"
JAVA_OPTS=(-Xmx128m -Xms64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxMetaspaceSize=96m -Djava.awt.headless=true)

cmd="${1:-}"
dir="${2:-}"
[ -n "$dir" ] || { echo "usage: kafka-broker.sh start DIR PORT [CONTROLLER_PORT] | stop DIR" >&2; exit 2; }

if [ "$cmd" = "stop" ]; then
  if [ -f "$dir/broker.pid" ]; then
    pid="$(cat "$dir/broker.pid")"
    # Only the process this script started (its pid file), and only if it is still a Kafka broker.
    if kill -0 "$pid" 2>/dev/null && grep -q kafka.Kafka "/proc/$pid/cmdline" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$dir/broker.pid"
  fi
  exit 0
fi

[ "$cmd" = "start" ] || { echo "kafka-broker.sh: unknown command $cmd" >&2; exit 2; }
port="${3:?PORT}"
ctl="${4:-$((port + 1))}"
compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null || { echo "kafka-broker.sh: no Kafka jars in $LIB: run scripts/provision-kafka.sh" >&2; exit 1; }
mkdir -p "$dir"
if [ -f "$dir/broker.pid" ] && kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null; then
  echo "kafka-broker.sh: a broker already runs from $dir (pid $(cat "$dir/broker.pid"))" >&2
  exit 0
fi
cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${ctl}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${ctl}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dir}/data
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=2000
log.cleaner.dedupe.buffer.size=16777216
num.network.threads=2
num.io.threads=2
background.threads=2
EOF
cat >"$dir/log4j2.yaml" <<'EOF'
Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        Pattern: '%d %p %c{1} %m%n'
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
EOF
run_java() { java "${JAVA_OPTS[@]}" "-Dlog4j2.configurationFile=$dir/log4j2.yaml" -cp "$LIB/*" "$@"; }
if [ ! -f "$dir/data/meta.properties" ]; then
  uuid="$(run_java kafka.tools.StorageTool random-uuid | tail -n1)"
  run_java kafka.tools.StorageTool format -t "$uuid" -c "$dir/server.properties" >"$dir/format.out" 2>&1 ||
    { echo "kafka-broker.sh: storage format failed: $(tail -n3 "$dir/format.out")" >&2; exit 1; }
fi
nohup java "${JAVA_OPTS[@]}" "-Dlog4j2.configurationFile=$dir/log4j2.yaml" -cp "$LIB/*" kafka.Kafka "$dir/server.properties" \
  >"$dir/broker.out" 2>&1 </dev/null &
echo $! >"$dir/broker.pid"
for _ in $(seq 1 300); do
  if ! kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null; then
    echo "kafka-broker.sh: the broker exited: $(tail -n5 "$dir/broker.out")" >&2
    exit 1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then exit 0; fi
  sleep 0.2
done
echo "kafka-broker.sh: the broker did not listen on 127.0.0.1:${port} within 60 s" >&2
exit 1
