/**
 * @module test/harness/prometheus
 * The real Prometheus for telemetry tests: finds `prometheus`/`promtool` (provisioned by
 * scripts/provision-prometheus.sh), starts a private server on 127.0.0.1 with a free port, a
 * temporary TSDB and a scrape config, queries its HTTP API; and parses the text exposition format.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { until } from './until.js';
import { requireComponent } from './ci.js';

export const PROVISION_PROMETHEUS = 'scripts/provision-prometheus.sh';

/** The absolute path of `name` on PATH (or /usr/bin), or null. */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const d of dirs) {
    const p = join(d, name);
    if (d !== '' && existsSync(p) && spawnSync(p, ['--version'], { encoding: 'utf8' }).status === 0) return p;
  }
  return null;
}

/**
 * Whether `name` is there; when it is not, under CI (`requireComponent`, harness/ci.ts) a failing test says so, elsewhere a
 * warning names the provisioning script (the caller then skips).
 */
export function requireBinary(name: 'prometheus' | 'promtool'): string | null {
  const path = findBinary(name);
  if (path !== null) return path;
  requireComponent(false, name, `\`${name}\` is missing: run ${PROVISION_PROMETHEUS} (Debian package prometheus).`);
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  url: string;
  /** Instant query through `/api/v1/query`: the vector result. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** `GET <path>` of the Prometheus HTTP API, parsed. */
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `target` (`host:port`) every second (rules evaluated every second too); resolves once it is ready. */
export async function startPrometheus(binary: string, target: string, opts: { job?: string; ruleFiles?: string[] } = {}): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-prometheus-'));
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  const rules = opts.ruleFiles?.length ? ['rule_files:', ...opts.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : [];
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      ...rules,
      'scrape_configs:',
      `  - job_name: ${opts.job ?? 'anomalog'}`,
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn(binary, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => {
    if (log.length < 20_000) log += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('Prometheus to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`Prometheus exited (${child.exitCode}): ${log}`);
      const ok = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
      return ok ? true : undefined;
    }, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`Query ${promql} failed: ${body.error ?? res.status}`);
      return body.data.result;
    },
    async api<T>(path: string) {
      return (await (await fetch(`${url}${path}`)).json()) as T;
    },
    stop,
  };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of a text exposition (label values unescaped); `# TYPE` lines give each family's type. */
export function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      types.set(name, type);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`Not an exposition line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[2]) for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, types };
}

/** The value of the one sample `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 1) throw new Error(`${hits.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return hits[0]?.value;
}

/** Every PromQL expression of docs/grafana/anomalog-dashboard.json. */
export function dashboardExprs(): string[] {
  const dash = JSON.parse(readFileSync(new URL('../../docs/grafana/anomalog-dashboard.json', import.meta.url), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
  return dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}
