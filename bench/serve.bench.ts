/**
 * @module bench/serve.bench
 * Sustained ingest into the real service (`buildService` in a child process, so its peak RSS is its
 * own) with the default detector set on (novelty, rate, params, watch: default configs), over
 * (a) HTTP NDJSON (`POST /ingest`, batches of 1000 lines, 4 concurrent loopback clients) and
 * (b) file tail (a writer appending to one file per system in a temp dir, `poll_interval_ms` 50).
 *
 * Lines: the raw lines of the 12 Loghub 2k systems (../shared/datasets/loghub; the few lines of
 * test/fixtures/logs/loghub-samples when the dataset is absent — the report says which), one source
 * per system, cycled. Every ~50 ms a scripted novel line (a real line of the system + `ERROR` and 12
 * unique words: a never-seen error once the source has settled, which novelty promises to report) is
 * written, to a source that got at least 2,000 known lines since its previous one (closer, they are a
 * flood: one finding by design); its latency is write time → the anomaly on the SSE feed (`/api/stream`).
 * Each path: a closed-loop max run, then offered rates stepped down (HTTP) or up (file) to find the
 * highest rate whose p99 latency stays under 250 ms. Baselines in the same run: `LogParser` alone
 * over the same lines (one parser per system, as the service has one per source), and the whole
 * pipeline in-process without I/O (`Engine` with the default detectors and a SQLite store).
 *
 * Usage: npm run bench:serve [-- --quick] [--only http|file_tail] [--dataset DIR] [--json FILE] [--cpu-prof DIR] [--checkpoint-ms N] [--engine-threads N] [--clients N] [--batch LINES]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LOGHUB_DIR } from '../src/eval/loghub.js';
import { engineThreads } from '../src/topology/engine-thread.js';
import { parseOnly, pipelineOnly } from './serve/baselines.js';
import { type Corpus, letters, loadCorpus, novelLine, watchFeed } from './serve/corpus.js';

const self = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const flag = (name: string): boolean => process.argv.includes(name);
const quick = flag('--quick');
const SLO_MS = 250;
const BATCH = Number(arg('--batch') ?? 1000);
const CLIENTS = Number(arg('--clients') ?? 4);
// About 120 latency samples per 6 s step (with every 200 ms, 28: their p99 was simply the maximum).
const NOVEL_EVERY_MS = 50;
/**
 * A source gets its next novel line only after this many known lines since its last one: twice
 * novelty's discovery half-life (1,000 events), as the 4 clients' batches may arrive out of order.
 * Closer together, never-seen errors of one source are a flood — one finding by design — and the
 * bench would time the product's grouping, not its latency (the case when a slow step sends few
 * lines per source).
 */
const NOVEL_MIN_KNOWN = 2000;
/** Known lines per service URL + system since its last novel line (a new service starts from zero). */
const knownSinceNovel = new Map<string, number>();

// ---------------------------------------------------------------- the service (child mode)

async function child(configFile: string): Promise<void> {
  const { validate } = await import('../src/config/load.js');
  const { serveConfigSchema } = await import('../src/config/schema.js');
  const { systemClock } = await import('../src/core/clock.js');
  const { silentLogger } = await import('../src/core/component.js');
  const { buildService } = await import('../src/topology/build.js');
  const config = validate(JSON.parse(readFileSync(configFile, 'utf8')), serveConfigSchema) as never;
  const svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 'bench' });
  const { url } = await svc.start();
  // Stalls of the service's main thread (HTTP, file reads, API): what a slow SQLite write or GC costs ingest.
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await svc.stop();
  loop.disable();
  const loopDelayMs = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
  process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, stats: svc.engine.stats, loopDelayMs })}\n`);
}

interface Service {
  proc: ChildProcess;
  url: string;
  lines: AsyncIterator<string>;
}

async function startService(config: object, dir: string): Promise<Service> {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  // --cpu-prof DIR: the service child writes a V8 CPU profile there (node --cpu-prof) when it stops.
  const prof = arg('--cpu-prof');
  const proc = spawn(process.execPath, [...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []), '--import', 'tsx', self, '--child', file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('The service child exited before listening.');
  return { proc, url: (JSON.parse(first.value) as { url: string }).url, lines };
}

interface ServiceEnd {
  maxRssKiB: number;
  stats: Record<string, number>;
  loopDelayMs: { p99: number; max: number };
}

async function stopService(s: Service): Promise<ServiceEnd> {
  s.proc.kill('SIGTERM');
  const last = await s.lines.next();
  return JSON.parse(last.value as string) as ServiceEnd;
}

// ---------------------------------------------------------------- measurement

interface RunResult {
  path: string;
  mode: string;
  offered?: number;
  lines: number;
  seconds: number;
  linesPerSec: number;
  novel: number;
  found: number;
  p50?: number;
  p99?: number;
  /** CPU of this (the load-generating) process during the run, in cores: shows whether the client was the limit. */
  clientCores: number;
}

/** Cores this process used since `from` over `secs` seconds of wall time. */
const cores = (from: NodeJS.CpuUsage, secs: number): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6 / secs;
};

const pct = (xs: number[], p: number): number | undefined => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** `warmup`: a warm-up run (sources still in novelty's warm-up: misses expected, not reported). */
async function latencies(sent: Map<string, number>, seen: Map<string, number>, warmup: boolean, grace = 1500): Promise<number[]> {
  const end = performance.now() + grace;
  while (performance.now() < end && [...sent.keys()].some((k) => !seen.has(k))) await new Promise((r) => setTimeout(r, 25));
  const missed = [...sent.keys()].filter((k) => !seen.has(k));
  if (missed.length > 0 && !warmup) console.error(`  novel lines never flagged within ${grace} ms of the run's end: ${missed.join(', ')}`);
  const out: number[] = [];
  // A marker never seen within the grace period counts as the grace period (over the SLO either way).
  for (const [k, t] of sent) out.push((seen.get(k) ?? t + grace + 1000) - t);
  return out;
}

function post(url: string, source: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/ingest?source=${source}`, { method: 'POST', headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve((JSON.parse(data) as { accepted?: number }).accepted ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** HTTP: CLIENTS loops for `seconds`; `rate` (lines/s, all clients) paces them, undefined = as fast as answered. */
async function httpRun(url: string, corpus: Corpus, seconds: number, rate: number | undefined, k0: number, warmup = false): Promise<RunResult & { nextK: number }> {
  const seen = new Map<string, number>();
  const feed = watchFeed(url, seen);
  await new Promise((r) => setTimeout(r, 100));
  const sent = new Map<string, number>();
  let k = k0;
  let lastNovel = performance.now();
  let total = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const perClient = rate === undefined ? 0 : (BATCH * 1000 * CLIENTS) / rate; // ms between one client's batches
  const cpu0 = process.cpuUsage();
  const cursors = corpus.systems.map(() => 0);
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      let n = 0;
      for (let b = 0; performance.now() < end && b < 100_000; b++) {
        const si = (c + b * CLIENTS) % corpus.systems.length;
        const sys = corpus.systems[si];
        const lines: string[] = [];
        const now = performance.now();
        let marker: string | undefined;
        // The novel line first in its batch (a last line could wait on multi-line joining's idle timeout).
        const key = `${url} ${sys.name}`;
        const since = knownSinceNovel.get(key) ?? 0;
        if (now - lastNovel >= NOVEL_EVERY_MS && now > t0 + 300 && since >= NOVEL_MIN_KNOWN) {
          lastNovel = now;
          marker = letters(k);
          lines.push(novelLine(sys.lines[k % sys.lines.length], k++));
        }
        while (lines.length < BATCH) lines.push(sys.lines[cursors[si]++ % sys.lines.length]);
        knownSinceNovel.set(key, (marker ? 0 : since) + lines.length - (marker ? 1 : 0));
        const body = lines.join('\n') + '\n';
        if (marker) sent.set(marker, performance.now());
        const accepted = await post(url, sys.name, body); // (not `total += await …`: clients interleave)
        total += accepted;
        n++;
        if (rate !== undefined) {
          const wait = t0 + n * perClient - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const clientCores = cores(cpu0, secs);
  const lat = await latencies(sent, seen, warmup);
  feed.close();
  return { path: 'http', mode: rate === undefined ? 'max (closed loop)' : 'paced', offered: rate, lines: total, seconds: secs, linesPerSec: total / secs, novel: sent.size, found: lat.filter((x) => x <= 1500).length, p50: pct(lat, 50), p99: pct(lat, 99), clientCores, nextK: k };
}

async function processed(url: string): Promise<number> {
  const h = (await (await fetch(`${url}/api/health`)).json()) as { pipeline: { records: number } };
  return h.pipeline.records;
}

/** File tail: appends `rate` lines/s (every 20 ms) round-robin over one file per system, for `seconds`. */
async function fileRun(url: string, dir: string, corpus: Corpus, seconds: number, rate: number, k0: number, warmup = false): Promise<RunResult & { nextK: number }> {
  const seen = new Map<string, number>();
  const feed = watchFeed(url, seen);
  await new Promise((r) => setTimeout(r, 100));
  const sent = new Map<string, number>();
  let k = k0;
  let lastNovel = performance.now();
  const cursors = corpus.systems.map(() => 0);
  const before = await processed(url);
  let written = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const end = t0 + seconds * 1000;
  // The last pass runs at or after `end`, so what is written matches the offered rate over the whole time.
  for (let tick = 1, last = false; !last && tick < 100_000; tick++) {
    last = performance.now() >= end;
    const due = Math.floor((rate * (performance.now() - t0)) / 1000) - written;
    for (let s = 0; s < corpus.systems.length && due > 0; s++) {
      const sys = corpus.systems[s];
      const n = Math.ceil(due / corpus.systems.length);
      let chunk = '';
      for (let i = 0; i < n; i++) chunk += `${sys.lines[cursors[s]++ % sys.lines.length]}\n`;
      const now = performance.now();
      let marker: string | undefined;
      const key = `${url} ${sys.name}`;
      const since = (knownSinceNovel.get(key) ?? 0) + n;
      knownSinceNovel.set(key, since);
      if (s === k % corpus.systems.length && now - lastNovel >= NOVEL_EVERY_MS && now > t0 + 300 && since >= NOVEL_MIN_KNOWN) {
        lastNovel = now;
        marker = letters(k);
        chunk += `${novelLine(sys.lines[k % sys.lines.length], k++)}\n`;
        knownSinceNovel.set(key, 0);
      }
      appendFileSync(join(dir, `${sys.name}.log`), chunk);
      if (marker) sent.set(marker, performance.now());
      written += n;
    }
    if (!last) await new Promise((r) => setTimeout(r, 20));
  }
  // Throughput: a step whose backlog is processed within the latency bound after the writes stop
  // kept up with what was written (lines written / write time); otherwise only what was processed
  // during the writes counts. (Counting only the latter under-reads a kept-up step by what is in flight.)
  const writeEnd = performance.now();
  const secs = (writeEnd - t0) / 1000;
  const during = (await processed(url)) - before;
  let done = during;
  while (done < written && performance.now() - writeEnd < SLO_MS) {
    await new Promise((r) => setTimeout(r, 10));
    done = (await processed(url)) - before;
  }
  const keptUp = done >= written;
  // One more line per file, as a live log goes on: a novel line written last would otherwise wait
  // for multi-line joining's idle timeout (its record could still get continuation lines).
  for (let s = 0; s < corpus.systems.length; s++) appendFileSync(join(dir, `${corpus.systems[s].name}.log`), `${corpus.systems[s].lines[cursors[s]++ % corpus.systems[s].lines.length]}\n`);
  const clientCores = cores(cpu0, secs);
  const lat = await latencies(sent, seen, warmup);
  feed.close();
  const lines = keptUp ? written : during;
  return { path: 'file_tail', mode: keptUp ? 'paced' : 'paced (fell behind)', offered: rate, lines, seconds: secs, linesPerSec: lines / secs, novel: sent.size, found: lat.filter((x) => x <= 1500).length, p50: pct(lat, 50), p99: pct(lat, 99), clientCores, nextK: k };
}

// ---------------------------------------------------------------- parent

const fmt = (x: number | undefined): string => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));

function row(r: RunResult): string {
  return `| ${r.path} | ${r.mode} | ${fmt(r.offered)} | ${fmt(r.lines)} | ${r.seconds.toFixed(1)} | ${fmt(r.linesPerSec)} | ${r.found}/${r.novel} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.clientCores.toFixed(2)} |`;
}

async function main(): Promise<void> {
  if (flag('--child')) return child(arg('--child')!);
  const corpus = loadCorpus(arg('--dataset') ?? join(root, DEFAULT_LOGHUB_DIR));
  const runSecs = quick ? 3 : 6;
  const tmp = mkdtempSync(join(tmpdir(), 'anomalog-serve-bench-'));
  const results: RunResult[] = [];
  const rss: Record<string, number> = {};
  const loop: Record<string, ServiceEnd['loopDelayMs']> = {};
  try {
    // Baseline first, in this process (the service children are idle then).
    const base = parseOnly(corpus, quick ? 200_000 : 600_000, BATCH);
    const baseAfter = parseOnly(corpus, quick ? 200_000 : 600_000, BATCH);
    const parseRate = Math.max(base.linesPerSec, baseAfter.linesPerSec);
    const pipeline = await pipelineOnly(corpus, quick ? 200_000 : 600_000, tmp, BATCH);

    // The default detector set (novelty, rate, params, watch), as `anomalog serve` runs it.
    const detectors = {};
    // --checkpoint-ms N: the service's pipeline.checkpoint_interval_ms (default: the schema's).
    // --engine-threads N: the service's pipeline.engine_threads (default: the schema's, auto).
    const pipelineCfg: { pipeline?: Record<string, unknown> } = {};
    if (arg('--checkpoint-ms')) pipelineCfg.pipeline = { checkpoint_interval_ms: Number(arg('--checkpoint-ms')) };
    if (arg('--engine-threads')) pipelineCfg.pipeline = { ...pipelineCfg.pipeline, engine_threads: Number(arg('--engine-threads')) };
    // --only http|file_tail: one path (the other's summary line then says "none of the steps").
    const only = arg('--only');
    // (a) HTTP NDJSON
    let k = 0;
    let svc: Service;
    if (only !== 'file_tail') {
      const httpDir = join(tmp, 'http');
      svc = await startService({ data_dir: join(httpDir, 'data'), server: { port: 0 }, sources: [{ type: 'http', max_body_bytes: 64 * 1024 * 1024 }], detectors, ...pipelineCfg }, tmp);
      // Warm-up: every source past its novelty warm-up (1000 events) before novel lines are measured.
      await httpRun(svc.url, corpus, 2, undefined, 1_000_000, true);
      const max = await httpRun(svc.url, corpus, runSecs, undefined, k);
      k = max.nextK;
      results.push(max);
      for (const f of [0.9, 0.75, 0.5, 0.25]) {
        const r = await httpRun(svc.url, corpus, runSecs, Math.round(max.linesPerSec * f), k);
        k = r.nextK;
        results.push(r);
      }
      const httpEnd = await stopService(svc);
      rss.http = httpEnd.maxRssKiB;
      loop.http = httpEnd.loopDelayMs;
      // Same-run baselines, closed loop: one engine worker thread, and the engine on the main thread.
      for (const [label, extra] of [
        ['http (1 engine thread)', { engine_threads: 1 }],
        ['http (engine on main thread)', { engine_thread: 'main' }],
      ] as const) {
        svc = await startService({ data_dir: join(tmp, label.replace(/\W+/g, '-'), 'data'), server: { port: 0 }, sources: [{ type: 'http', max_body_bytes: 64 * 1024 * 1024 }], detectors, pipeline: { ...(pipelineCfg.pipeline ?? {}), ...extra } }, tmp);
        await httpRun(svc.url, corpus, 2, undefined, 1_000_000, true);
        const one = await httpRun(svc.url, corpus, runSecs, undefined, k);
        k = one.nextK;
        results.push({ ...one, path: label });
        await stopService(svc);
      }
    }

    // (b) file tail
    if (only !== 'http') {
      const fileDir = join(tmp, 'files');
      rmSync(fileDir, { recursive: true, force: true });
      const { mkdirSync } = await import('node:fs');
      mkdirSync(fileDir, { recursive: true });
      for (const s of corpus.systems) writeFileSync(join(fileDir, `${s.name}.log`), '');
      svc = await startService({ data_dir: join(tmp, 'file-data'), server: { port: 0 }, sources: [{ type: 'file_tail', paths: [join(fileDir, '*.log')], poll_interval_ms: 50 }], detectors, ...pipelineCfg }, tmp);
      await fileRun(svc.url, fileDir, corpus, 2, 20_000, 2_000_000, true);
      for (const rate of quick ? [25_000, 100_000] : [50_000, 100_000, 200_000, 250_000, 300_000]) {
        const r = await fileRun(svc.url, fileDir, corpus, runSecs, rate, k);
        k = r.nextK;
        results.push(r);
        if ((r.p99 ?? Infinity) > 2 * SLO_MS && r.linesPerSec < 0.8 * rate) break;
      }
      const fileEnd = await stopService(svc);
      rss.file_tail = fileEnd.maxRssKiB;
      loop.file_tail = fileEnd.loopDelayMs;
    }

    console.log(`\nCorpus: ${corpus.origin}; one source per system, cycled; novel line (a never-seen error) every ~${NOVEL_EVERY_MS} ms, to a source with ≥ ${NOVEL_MIN_KNOWN} known lines since its last.`);
    console.log(`Machine: ${cpus().length}× ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; node ${process.versions.node}`);
    console.log(`Parse-only baseline (LogParser per system, same lines, this process): ${fmt(parseRate)} lines/s`);
    console.log(`Pipeline-only baseline (Engine: parse + default detectors + SQLite store, same batches, no I/O, this process): ${fmt(pipeline.linesPerSec)} lines/s`);
    const threads = engineThreads((pipelineCfg.pipeline?.engine_threads as number | undefined) ?? 'auto');
    console.log(`Engine worker threads of the service: ${threads} (pipeline.engine_threads${arg('--engine-threads') ? '' : ' auto'})`);
    console.log(`\nHTTP: ${CLIENTS} concurrent clients, ${BATCH} lines per request. "client cores": CPU of the load-generating process (this one) during the run.`);
    console.log('\n| path | mode | offered lines/s | lines | s | lines/s | novel seen | p50 ms | p99 ms | client cores |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of results) console.log(row(r));
    console.log(`\nPeak RSS of the service child (through tsx, ~40 MiB of it the TypeScript loader): HTTP ${((rss.http ?? 0) / 1024).toFixed(0)} MiB, file tail ${((rss.file_tail ?? 0) / 1024).toFixed(0)} MiB`);
    const ms = (d?: ServiceEnd['loopDelayMs']) => (d === undefined ? 'not run' : `p99 ${d.p99.toFixed(0)} ms, max ${d.max.toFixed(0)} ms`);
    console.log(`Event-loop delay of the service's main thread: HTTP ${ms(loop.http)}; file tail ${ms(loop.file_tail)}`);
    const worker = results.find((r) => r.path === 'http' && r.offered === undefined);
    const onMain = results.find((r) => r.path === 'http (engine on main thread)');
    const oneThread = results.find((r) => r.path === 'http (1 engine thread)');
    if (worker && onMain && oneThread) console.log(`HTTP closed loop vs the engine on the main thread (same run): ${threads} engine threads ${(worker.linesPerSec / onMain.linesPerSec).toFixed(2)}×, 1 engine thread ${(oneThread.linesPerSec / onMain.linesPerSec).toFixed(2)}×`);
    for (const p of ['http', 'file_tail']) {
      const ok = results.filter((r) => r.path === p && r.mode !== 'paced (fell behind)' && (r.p99 ?? Infinity) < SLO_MS && r.found === r.novel);
      const best = ok.sort((a, b) => b.linesPerSec - a.linesPerSec)[0];
      console.log(`${p}: sustained with p99 < ${SLO_MS} ms: ${best ? `${fmt(best.linesPerSec)} lines/s` : 'none of the steps'} — target ≥ 200,000 lines/s: ${best && best.linesPerSec >= 200_000 ? 'met' : 'NOT met'}; ${((100 * (best?.linesPerSec ?? 0)) / parseRate).toFixed(0)}% of parse-only, ${((100 * (best?.linesPerSec ?? 0)) / pipeline.linesPerSec).toFixed(0)}% of pipeline-only`);
    }
    const json = arg('--json');
    if (json) writeFileSync(json, JSON.stringify({ corpus: corpus.origin, parseRate, pipelineRate: pipeline.linesPerSec, results, rss, loop }, null, 1));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
