/**
 * @module cli/demo
 * `anomalog demo`: four simulated services (nginx, a JSON API, a database, syslog auth) with
 * scripted incidents, streamed through the real service — store, detectors, API and dashboard on
 * one port. The first thing a newcomer runs.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Command } from 'commander';
import { type Env, processEnv } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { AnomalogError } from '../core/errors.js';
import { demoConfigSchema, type DemoOptions } from '../demo/config.js';
import { type Demo, startDemo } from '../demo/runner.js';
import type { ScheduledIncident } from '../demo/scenario.js';
import { SOURCE_PREFIX } from '../demo/runner.js';
import { stderrLogger } from './serve.js';
import { parseSpeed } from './speed.js';

interface DemoFlags {
  seed: string;
  speed: string;
  duration?: string;
  port: string;
  host: string;
  dataDir?: string;
  history: string;
  incidents: boolean;
  open: boolean;
}

export function registerDemo(program: Command, version: string): void {
  program
    .command('demo')
    .description('Simulate four services with scripted incidents and watch anomalog catch them live (dashboard + API).')
    .option('--seed <n>', 'seed of the simulated traffic: the same seed gives the same lines', '1')
    .option('--speed <factor>', "simulated seconds per real second once live ('1', '10x')", '1')
    .option('--duration <time>', 'stop after this much simulated time once live (90s, 10m, 1h; default: until Ctrl-C)')
    .option('-p, --port <port>', 'HTTP port of the dashboard and API (0 = any free port)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where the store lives (default: a new temporary directory, printed)')
    .option('--history <minutes>', 'minutes of normal traffic sent first, so the detectors learn normal', '10')
    .option('--no-incidents', 'normal traffic only (a baseline: how quiet is anomalog on healthy logs?)')
    .option('--no-open', 'do not open the dashboard in a browser')
    .addHelpText(
      'after',
      `
Services (one source each, in their real formats, auto-detected by the service):
  demo:web   nginx combined access log     demo:api   JSON lines (pino)
  demo:db    logfmt (PostgreSQL statements) demo:auth  syslog, RFC 5424 + RFC 3164 (sshd)

Incidents, every 5 minutes of simulated time (the first 15 s after going live):
  api   an error never logged before      → novelty
  auth  password-guessing burst           → rate (spike)
  db    a warning rising in steps         → rate (spike)
  db    one query ~40x slower             → params
  web   nginx goes silent for 50 s        → rate (silence)

Examples:
  anomalog demo                          # dashboard at http://127.0.0.1:8080/
  anomalog demo --speed 10 --duration 5m # one full incident cycle in 30 s
  anomalog demo --port 0 --no-open       # any free port, no browser
  anomalog demo --no-incidents --speed 20 --duration 10m   # how many false alarms on healthy traffic?
  curl -s 'localhost:8080/api/anomalies?source=demo:db' | jq '.anomalies[].title'`,
    )
    .action(async (flags: DemoFlags) => {
      await runDemoCommand(flags, version);
    });
}

async function runDemoCommand(flags: DemoFlags, version: string): Promise<void> {
  const out = (s: string) => process.stderr.write(`${s}\n`);
  let dashboard = '';
  const reused = flags.dataDir !== undefined && existsSync(join(flags.dataDir, 'anomalog.db'));
  const demo = await startDemo(
    checkedOptions({
      seed: intFlag('--seed', flags.seed),
      speed: parseSpeed(flags.speed),
      duration_seconds: flags.duration === undefined ? undefined : parseDuration(flags.duration),
      port: intFlag('--port', flags.port),
      host: flags.host,
      data_dir: flags.dataDir,
      history_minutes: numberFlag('--history', flags.history),
      incidents: flags.incidents,
    }),
    {
      clock: systemClock,
      logger: stderrLogger('warn'),
      version,
      onLive: ({ historyLines, realMs }) =>
        out(`anomalog demo: learned from ${historyLines.toLocaleString('en-US')} lines of history in ${(realMs / 1000).toFixed(1)} s; live now${flags.incidents ? ', first incident in 15 s of simulated time' : ' (no incidents)'}. Ctrl-C stops.`),
      onIncident: (s) => out(incidentLine(s, dashboard)),
    },
  );
  dashboard = `${demo.url}/`;
  out(`anomalog demo: dashboard ${dashboard}  (API ${demo.url}/api/anomalies, live feed ${demo.url}/api/stream)`);
  out(`anomalog demo: data in ${demo.dataDir}; seed ${demo.config.seed}, speed ${demo.config.speed}x; sending ${demo.config.history_minutes} minutes of normal history first…`);
  if (reused) out(`anomalog demo: warning: ${demo.dataDir} holds the state of an earlier run; this run's history may overlap it (expect spurious rate anomalies). Use a new --data-dir for a clean demo.`);
  if (flags.open) openBrowser(dashboard, out);
  const stopWatching = watchAnomalies(demo, out);
  const stop = () => void demo.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const st = await demo.done;
    out(`anomalog demo: stopped after ${st.seconds.toLocaleString('en-US')} simulated seconds; ${Object.entries(st.lines).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')} lines. Store kept in ${demo.dataDir}.`);
  } finally {
    stopWatching();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** One line per incident: when (simulated, after going live), what, which detector should see it, where to look. */
export function incidentLine(s: ScheduledIncident, dashboard: string): string {
  const at = s.incident.at;
  const when = `${Math.floor(at / 60)}:${String(at % 60).padStart(2, '0')}`;
  const source = `${SOURCE_PREFIX}:${s.incident.service}`;
  return `[cycle ${s.cycle + 1} +${when}] ${s.incident.service}: ${s.incident.describe(s.cycle)} → expect ${s.incident.detector} on ${source}; look at ${dashboard} or ${dashboard}api/anomalies?source=${source}&detector=${s.incident.detector}`;
}

/** Prints each new anomaly once (polls the store; the ids seen are capped). */
function watchAnomalies(demo: Demo, out: (s: string) => void): () => void {
  const seen = new Set<string>();
  const timer = setInterval(() => {
    let page;
    try {
      page = demo.service.store.queryAnomalies({ since: demo.historyStart, limit: 50 });
    } catch {
      return; // the store is closing
    }
    for (const a of page.anomalies.reverse()) {
      if (seen.has(a.id)) continue;
      if (seen.size >= 10_000) seen.clear();
      seen.add(a.id);
      out(`  ↳ ${a.detector.padEnd(7)} ${a.severity.padEnd(8)} ${a.title.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200)}`);
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The command that opens a URL in a browser here, or undefined: only on a terminal, never in CI, and
 * on Linux only with a display and `xdg-open` on the PATH.
 */
export function browserCommand(env: Env, isTTY: boolean, platform: NodeJS.Platform): string | undefined {
  if (!isTTY || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) return undefined;
  if (platform === 'darwin') return 'open';
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return undefined;
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, 'xdg-open'), constants.X_OK);
      return 'xdg-open';
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function openBrowser(url: string, out: (s: string) => void): void {
  const cmd = browserCommand(processEnv(), process.stdout.isTTY === true && process.stderr.isTTY === true, process.platform);
  if (cmd === undefined) return;
  try {
    const child = spawn(cmd, [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => out(`anomalog demo: could not open a browser; open ${url} yourself.`));
    child.unref();
  } catch {
    out(`anomalog demo: could not open a browser; open ${url} yourself.`);
  }
}

/** Service logs: warnings and errors only (the demo's own lines are the interesting output). */
const FLAG_OF: Record<string, string> = { seed: '--seed', speed: '--speed', duration_seconds: '--duration', port: '--port', host: '--host', data_dir: '--data-dir', history_minutes: '--history' };

/** Out-of-range flag values are usage errors that name the flag (the schema names the option key). */
function checkedOptions(o: DemoOptions): DemoOptions {
  const r = demoConfigSchema.safeParse(o);
  if (r.success) return o;
  const issues = r.error.issues.map((i) => `${FLAG_OF[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
  throw usage(`Invalid option: ${issues.join('; ')}.`);
}

function usage(msg: string): AnomalogError {
  return new AnomalogError('ANOMALOG_ERR_CLI_USAGE', msg);
}

function numberFlag(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw usage(`${name} must be a number, got '${v}'.`);
  return n;
}

function intFlag(name: string, v: string): number {
  const n = numberFlag(name, v);
  if (!Number.isInteger(n) || n < 0) throw usage(`${name} must be a whole number ≥ 0, got '${v}'.`);
  return n;
}

/** `90`, `90s`, `10m`, `1.5h` → seconds. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/i.exec(v.trim());
  if (!m || !(Number(m[1]) > 0)) throw usage(`--duration must look like 90s, 10m or 1h, got '${v}'.`);
  const unit = (m[2] ?? 's').toLowerCase();
  return Number(m[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
}
