/**
 * @module bench/memory.bench
 * Memory of the whole service as a user runs it (the built CLI, `anomalog serve --config` with one
 * `http` source, defaults otherwise), under the three loads of issue 17's targets:
 *   hostile — 20 single-line bodies of ~9.9 MB (unique words) through every ingest route in turn
 *             (plain and NDJSON /ingest, NDJSON to a new source, _bulk, Loki JSON and protobuf, OTLP JSON and protobuf, HEC
 *             event and raw): peak RSS, longest stored template, truncations counted;
 *   normal  — 1,000,000 Loghub raw lines (the 12 systems' 2k files cycled) posted as text/plain in 10
 *             bodies of 100,000 on 2 keep-alive connections: peak RSS and lines/s;
 *   unique  — 1,000,000 random unique lines (six random words) in the same shape: peak RSS, lines/s
 *             against normal's in the same run, stored anomalies, `/api/anomalies` time.
 * Each load gets its own fresh service. Peak RSS is the kernel's high-water mark of the process
 * (VmHWM: every thread, sampled or not); the timeline is VmRSS every 100 ms. After each load the
 * service's own breakdown (`/api/health` → `memory`: heap, external and array buffers per thread)
 * is printed, to say where the memory goes.
 *
 * The bodies of `normal` are ~12.5 MB (Loghub lines average 125 bytes), above the default
 * `max_body_bytes` of 10 MiB, so this bench sets 16 MiB for that source; nothing else is configured.
 *
 * Usage: npm run build && npm run bench:memory [-- --only hostile|normal|unique] [--routes NAME,…] [--heaps] [--lines N] [--engine-heap-mb N] [--engine-young-mb N] [--dataset DIR] [--json FILE] [--cli OTHER/bin/anomalog.js] [--node-args "--cpu-prof --cpu-prof-dir=/tmp/prof"]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { DEFAULT_LOGHUB_DIR } from '../src/eval/loghub.js';
import { lokiProtobuf, otlpProtobuf } from '../test/harness/loki-push.js';
import { option, ROOT } from './built-cli.js';
import { loadCorpus } from './serve/corpus.js';
import { uniqueLines } from './unique-lines.js';

const only = option('--only', '');
// --cli FILE: another build's bin/anomalog.js (e.g. a checkout of the previous commit) for an A/B in one run.
const CLI = option('--cli', join(ROOT, 'bin/anomalog.js'));
const LINES = Number(option('--lines', '1000000'));
// --engine-heap-mb N: pipeline.engine_heap_mb for every load (default: the service's own).
const ENGINE_HEAP_MB = option('--engine-heap-mb', '');
// --engine-young-mb N: pipeline.engine_young_mb for every load (default: the service's own).
const ENGINE_YOUNG_MB = option('--engine-young-mb', '');
// --node-args "…": Node options for the service (e.g. `--cpu-prof --cpu-prof-dir=DIR`: a profile per
// thread, written when the service stops; NODE_OPTIONS refuses --cpu-prof).
const NODE_ARGS = option('--node-args', '').split(' ').filter(Boolean);
// --sources N: the flood's bodies go to N sources in turn (`?source=<load>-<k>`), so that with several
// engine threads each owns some (the fleet board's waits between threads show); default 1.
const SOURCES = Number(option('--sources', '1'));
// --engine-threads N: pipeline.engine_threads (default: the service's own, one per core up to 4).
const ENGINE_THREADS = option('--engine-threads', '');
// --routes a,b: only the hostile routes whose names contain one of these (default: every route).
const ROUTE_FILTER = option('--routes', '').split(',').filter(Boolean);
const HEAPS = process.argv.includes('--heaps');
const BODIES = 10;
const CONNECTIONS = 2;

interface Service {
  proc: ChildProcess;
  url: string;
  dir: string;
  timeline: { t: number; rssMiB: number }[];
  stopSampler(): void;
}

function procStatus(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function start(source: Record<string, unknown> = {}): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-membench-'));
  const config = { data_dir: join(dir, 'data'), server: { host: '127.0.0.1', port: 0 }, sources: [{ type: 'http', ...source }], pipeline: { ...(ENGINE_HEAP_MB ? { engine_heap_mb: Number(ENGINE_HEAP_MB) } : {}), ...(ENGINE_THREADS ? { engine_threads: Number(ENGINE_THREADS) } : {}), ...(ENGINE_YOUNG_MB ? { engine_young_mb: Number(ENGINE_YOUNG_MB) } : {}) } };
  writeFileSync(join(dir, 'anomalog.json'), JSON.stringify(config));
  const proc = spawn(process.execPath, [...NODE_ARGS, CLI, 'serve', '--config', join(dir, 'anomalog.json')], { cwd: dir, stdio: ['ignore', 'pipe', process.env.BENCH_STDERR ? 'inherit' : 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /https?:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) resolve(m[0]);
    };
    proc.stdout?.on('data', seen);
    proc.stderr?.on('data', seen);
    proc.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out.slice(-400)}`)));
  });
  proc.stdout?.resume();
  proc.stderr?.resume();
  const t0 = performance.now();
  const timeline: Service['timeline'] = [];
  const timer = setInterval(() => timeline.push({ t: (performance.now() - t0) / 1000, rssMiB: procStatus(proc.pid ?? 0, 'VmRSS') }), 100);
  return { proc, url, dir, timeline, stopSampler: () => clearInterval(timer) };
}

async function stop(s: Service): Promise<void> {
  s.stopSampler();
  const exited = new Promise((resolve) => s.proc.once('exit', resolve));
  s.proc.kill('SIGTERM');
  await exited;
  rmSync(s.dir, { recursive: true, force: true });
}

function post(agent: Agent, url: string, body: Buffer | Uint8Array | string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function getJson(url: string): Promise<{ ms: number; body: Record<string, unknown> }> {
  const t = performance.now();
  const text = await new Promise<string>((resolve, reject) =>
    request(url, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (b += c));
      res.on('end', () => resolve(b));
    })
      .on('error', reject)
      .end(),
  );
  return { ms: performance.now() - t, body: JSON.parse(text) as Record<string, unknown> };
}

/** xorshift32: the same words every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** One line of ~`bytes` lowercase words of 6–10 letters (no two alike in practice). */
function hugeLine(bytes: number, r: () => number): string {
  const b = Buffer.allocUnsafe(bytes);
  let i = 0;
  while (i < bytes) {
    const n = 6 + Math.floor(r() * 5);
    for (let k = 0; k < n && i < bytes; k++) b[i++] = 97 + Math.floor(r() * 26);
    if (i < bytes) b[i++] = 32;
  }
  return b.toString('latin1');
}

async function memory(url: string): Promise<unknown> {
  const h = await getJson(`${url}/api/health`);
  return h.body.memory ?? '(no memory section in /api/health)';
}

interface Memory {
  rss: number;
  arrayBuffers: number;
  threads: { thread: string; heapUsed: number; heapTotal: number; external: number }[];
}

/**
 * The service's own breakdown (`/api/health` → `memory`) every 250 ms while a load runs: per thread,
 * the largest heap seen (MiB), and the breakdown at the sample with the highest RSS.
 */
function watchHeaps(url: string): { stop(): unknown } {
  const max: Record<string, { heapUsed: number; heapTotal: number; external: number }> = {};
  let atPeak: Memory | undefined;
  let on = true;
  const mib = (x: number) => Math.round(x / 2 ** 20);
  void (async () => {
    while (on) {
      try {
        const m = (await getJson(`${url}/api/health`)).body.memory as Memory | undefined;
        if (m) {
          if (!atPeak || m.rss > atPeak.rss) atPeak = m;
          for (const t of m.threads) {
            const x = (max[t.thread] ??= { heapUsed: 0, heapTotal: 0, external: 0 });
            x.heapUsed = Math.max(x.heapUsed, mib(t.heapUsed));
            x.heapTotal = Math.max(x.heapTotal, mib(t.heapTotal));
            x.external = Math.max(x.external, mib(t.external));
          }
        }
      } catch {
        // a busy service answers late: the next sample
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    stop: () => {
      on = false;
      const peak = atPeak && { rssMiB: mib(atPeak.rss), arrayBuffersMiB: mib(atPeak.arrayBuffers), threads: atPeak.threads.map((t) => `${t.thread} used ${mib(t.heapUsed)} / heap ${mib(t.heapTotal)} / ext ${mib(t.external)}`) };
      return { maxPerThreadMiB: max, atHighestSampledRss: peak };
    },
  };
}

/**
 * CPU seconds of each thread of the service (/proc/PID/task/TID/stat: utime + stime), busiest first:
 * a figure the other processes on a shared machine change far less than wall time. The engine
 * thread is the busiest under a flood; its CPU per line bounds the throughput a quiet core would give.
 */
function threadCpu(pid: number): { tid: string; name: string; cpuS: number }[] {
  const tick = 100; // USER_HZ on Linux
  const out: { tid: string; name: string; cpuS: number }[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const f = stat.slice(close + 2).split(' ');
      out.push({ tid, name: stat.slice(stat.indexOf('(') + 1, close), cpuS: (Number(f[11]) + Number(f[12])) / tick });
    }
  } catch {
    // the service is gone: no figures
  }
  return out.sort((a, b) => b.cpuS - a.cpuS);
}

function peakOf(s: Service): number {
  return procStatus(s.proc.pid ?? 0, 'VmHWM');
}

/** Every ingest route, each given one huge line. */
const ROUTES: { name: string; path: string; body(line: string): { data: Buffer | Uint8Array | string; headers: Record<string, string> } }[] = [
  { name: 'ingest text', path: '/ingest?source=hostile', body: (l) => ({ data: `${l}\n`, headers: { 'content-type': 'text/plain' } }) },
  { name: 'ingest ndjson', path: '/ingest?source=hostile', body: (l) => ({ data: `${JSON.stringify({ message: l })}\n`, headers: { 'content-type': 'application/x-ndjson' } }) },
  // The same objects to a source of their own: its format is detected on them (JSON objects), where the
  // route above reaches a source already read as text (issue 17: the engine's JSON path).
  { name: 'ingest ndjson, new source', path: '/ingest?source=hostile-json', body: (l) => ({ data: `${JSON.stringify({ message: l })}\n`, headers: { 'content-type': 'application/x-ndjson' } }) },
  { name: '_bulk', path: '/hostile/_bulk', body: (l) => ({ data: `{"index":{}}\n${JSON.stringify({ message: l })}\n`, headers: { 'content-type': 'application/x-ndjson' } }) },
  { name: 'loki json', path: '/loki/api/v1/push', body: (l) => ({ data: JSON.stringify({ streams: [{ stream: { job: 'hostile' }, values: [[`${Date.now()}000000`, l]] }] }), headers: { 'content-type': 'application/json' } }) },
  { name: 'loki protobuf', path: '/loki/api/v1/push', body: (l) => ({ data: lokiProtobuf([{ labels: '{job="hostile"}', entries: [{ s: Math.floor(Date.now() / 1000), ns: 0, line: l }] }]), headers: { 'content-type': 'application/x-protobuf' } }) },
  { name: 'otlp json', path: '/v1/logs', body: (l) => ({ data: JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hostile' } }] }, scopeLogs: [{ logRecords: [{ body: { stringValue: l } }] }] }] }), headers: { 'content-type': 'application/json' } }) },
  { name: 'otlp protobuf', path: '/v1/logs', body: (l) => ({ data: otlpProtobuf('hostile', [{ timeNs: Date.now() * 1e6, body: l }]), headers: { 'content-type': 'application/x-protobuf' } }) },
  { name: 'hec event', path: '/services/collector/event', body: (l) => ({ data: JSON.stringify({ event: l, source: 'hostile' }), headers: {} }) },
  { name: 'hec raw', path: '/services/collector/raw?channel=0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba&source=hostile', body: (l) => ({ data: l, headers: {} }) },
];

async function hostile(): Promise<Record<string, unknown>> {
  const s = await start();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const r = rng(11);
  const codes: Record<string, number[]> = {};
  const t0 = performance.now();
  // --heaps: each thread's largest heap while the routes run (the per-route lines show it only between
  // routes); off by default, since asking /api/health 4 times a second costs the main thread too.
  const heaps = HEAPS ? watchHeaps(s.url) : undefined;
  for (const route of ROUTES) {
    if (ROUTE_FILTER.length > 0 && !ROUTE_FILTER.some((f) => route.name.includes(f))) continue;
    const got: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { data, headers } = route.body(hugeLine(9_900_000, r));
      // gzip every other body: the inflating path is an ingest path too.
      const gz = i % 2 === 1 && !(data instanceof Uint8Array && route.name.startsWith('loki'));
      const res = await post(agent, s.url + route.path, gz ? gzipSync(data) : data, gz ? { ...headers, 'content-encoding': 'gzip' } : headers);
      got.push(res.status);
    }
    codes[route.name] = [...new Set(got)];
    const m = (await memory(s.url)) as Memory;
    const heaps = Array.isArray(m.threads) ? m.threads.map((t) => `${t.thread} ${Math.round(t.heapTotal / 2 ** 20)}`).join(', ') : '';
    process.stderr.write(`  hostile ${route.name}: codes ${codes[route.name].join(',')}, RSS ${procStatus(s.proc.pid ?? 0, 'VmRSS').toFixed(0)} MiB, peak ${peakOf(s).toFixed(0)} MiB (heaps MiB: ${heaps}; buffers ${Math.round(m.arrayBuffers / 2 ** 20)})\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const during = heaps?.stop();
  await new Promise((res) => setTimeout(res, 1000));
  const t = await getJson(`${s.url}/api/templates?limit=1000`);
  const items = ((t.body.templates ?? t.body.items ?? []) as Record<string, unknown>[]).flatMap((x) => Object.values(x).filter((v): v is string => typeof v === 'string'));
  const longest = Math.max(0, ...items.map((v) => Buffer.byteLength(v)));
  const health = await getJson(`${s.url}/api/health`);
  const out = { load: 'hostile', bodies: 20 * Object.keys(codes).length, seconds, peakRssMiB: peakOf(s), longestStoredTemplateBytes: longest, codes, sources: health.body.sources, heapsDuring: during, memory: await memory(s.url) };
  agent.destroy();
  await stop(s);
  return out;
}

/** `lines` in BODIES text/plain bodies, posted on CONNECTIONS keep-alive connections. */
async function flood(name: string, lines: string[], source: Record<string, unknown>): Promise<Record<string, unknown>> {
  const per = Math.ceil(lines.length / BODIES);
  const bodies: Buffer[] = [];
  for (let b = 0; b < BODIES; b++) bodies.push(Buffer.from(`${lines.slice(b * per, (b + 1) * per).join('\n')}\n`));
  const s = await start(source);
  const rssBefore = procStatus(s.proc.pid ?? 0, 'VmRSS');
  const agents = Array.from({ length: CONNECTIONS }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  const codes: number[] = [];
  const cpu0 = new Map(threadCpu(s.proc.pid ?? 0).map((t) => [t.tid, t.cpuS]));
  const t0 = performance.now();
  const heaps = watchHeaps(s.url);
  let next = 0;
  await Promise.all(
    agents.map(async (agent) => {
      while (next < bodies.length) {
        const k = next;
        const body = bodies[next++];
        const to = SOURCES > 1 ? `${name}-${k % SOURCES}` : name;
        for (;;) {
          const res = await post(agent, `${s.url}/ingest?source=${to}`, body, { 'content-type': 'text/plain' });
          codes.push(res.status);
          if (res.status !== 429) break;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const peakRssMiB = peakOf(s);
  const mem = heaps.stop();
  // CPU of the flood per thread (the 3 busiest), and µs per line of the busiest.
  const cpu = threadCpu(s.proc.pid ?? 0)
    .map((t) => ({ ...t, cpuS: t.cpuS - (cpu0.get(t.tid) ?? 0) }))
    .sort((a, b) => b.cpuS - a.cpuS)
    .slice(0, 3);
  await new Promise((res) => setTimeout(res, 1500));
  const api = await getJson(`${s.url}/api/anomalies?limit=50`);
  const health = await getJson(`${s.url}/api/health`);
  const anomalies = (health.body.anomalies ?? {}) as Record<string, unknown>;
  // Rows of the templates table (bounded by the miners' caps since issue 17's fix, not one per line).
  const templates = await getJson(`${s.url}/api/templates?limit=1`);
  const out = {
    load: name,
    lines: lines.length,
    bodyMiB: Math.max(...bodies.map((b) => b.length)) / 2 ** 20,
    seconds,
    linesPerSecond: Math.round(lines.length / seconds),
    rssBeforeMiB: rssBefore,
    peakRssMiB,
    anomaliesStored: anomalies.stored ?? anomalies.total,
    apiAnomaliesMs: Math.round(api.ms),
    templateRows: templates.body.total,
    threadCpuS: cpu.map((t) => `${t.name} ${t.cpuS.toFixed(1)}`).join(', '),
    busiestThreadUsPerLine: cpu.length > 0 ? Number(((cpu[0].cpuS * 1e6) / lines.length).toFixed(2)) : undefined,
    codes: [...new Set(codes)],
    memory: mem,
    timeline: s.timeline.filter((_, i) => i % 10 === 0).map((p) => `${p.t.toFixed(0)}s:${p.rssMiB.toFixed(0)}`).join(' '),
  };
  for (const a of agents) a.destroy();
  await stop(s);
  return out;
}

async function main(): Promise<void> {
  const results: Record<string, unknown>[] = [];
  const log = (r: Record<string, unknown>) => {
    results.push(r);
    console.log(JSON.stringify(r, null, 1));
  };
  console.log(`bench:memory (${CLI}), load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, node ${process.version}`);
  if (only === '' || only === 'hostile') log(await hostile());
  const source = { max_body_bytes: 16 * 2 ** 20 };
  let normalRate: number | undefined;
  if (only === '' || only === 'normal' || only === 'unique') {
    const corpus = loadCorpus(option('--dataset', DEFAULT_LOGHUB_DIR));
    console.log(`corpus: ${corpus.origin}`);
    const cycled = new Array<string>(LINES);
    const sys = corpus.systems;
    for (let i = 0; i < LINES; i++) {
      const s = sys[i % sys.length];
      cycled[i] = s.lines[Math.floor(i / sys.length) % s.lines.length];
    }
    const r = await flood('normal', cycled, source);
    normalRate = r.linesPerSecond as number;
    log(r);
  }
  if (only === '' || only === 'unique') {
    const r = await flood('unique', uniqueLines(LINES, rng(7)), source);
    log({ ...r, ofNormalThroughput: normalRate ? Number(((r.linesPerSecond as number) / normalRate).toFixed(2)) : undefined });
  }
  const file = option('--json', '');
  if (file) writeFileSync(file, JSON.stringify(results, null, 1));
}

await main();
