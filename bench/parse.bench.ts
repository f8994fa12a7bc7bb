/**
 * @module bench/parse.bench
 * Parse + mine throughput: anomalog vs Drain3 vs a bare line split, on the same file, in one run.
 *
 * Corpus: ≥ 1,000,000 lines cycled from the Content column of the 12 Loghub 2k systems (24,000 distinct
 * messages; written once to bench/.data/, gitignored). Each engine runs in its own child process (so each
 * peak RSS is its own), pinned to one CPU with `taskset` when available:
 * - split: a bare chunked read + split on LF in Node: the ceiling for anything that reads this file;
 * - anomalog: the product's read path (LineSplitter over 1 MiB chunks: one flat string per line, BOM,
 *   CRLF, UTF-8 and long-line handling), then `TemplateMiner.add(line)` (masking + template mining);
 * - anomalog pipeline: the same LineSplitter read, then `LogParser` with its defaults (format auto-detection,
 *   multi-line joining, record extraction, masking, mining): `anomalog parse` minus the output;
 * - drain3: bench/peers/drain3_bench.py (PyPI drain3, bench/peers/drain3.ini) reading the same file.
 *
 * Whole-process rows time a process from spawn to exit, start-up included, as a user runs it:
 * - anomalog templates: the built CLI, `node bin/anomalog.js templates --format '<Content>' --json FILE`
 *   (stdout discarded; dist/ is rebuilt first when a source file is newer than it);
 * - anomalog templates zero-config: the same without `--format` (format detection and layout inference);
 * - drain3 whole process: `python bench/peers/drain3_bench.py FILE` (interpreter start-up and imports included).
 * Their peak RSS and CPU seconds (user + system) come from /usr/bin/time when it is installed: on a
 * shared machine CPU time is far steadier than wall time, so the zero-config ratio is shown for both.
 *
 * Usage: npm run bench:parse [-- --quick] [--lines N] [--repeat N] [--vary] [--no-drain3] [--no-pipeline] [--no-pin]
 *        [--no-whole] [--whole-only] [--cpu N] [--dataset DIR] [--json FILE]
 * --no-whole: skip the whole-process rows. --whole-only: only the whole-process rows (more rounds in less time).
 * --repeat N: N interleaved rounds of all engines; each engine's best run is reported (median too).
 * --quick: 100,000 lines. --vary: after the first cycle, rotate every digit by the cycle number, so
 * repeated messages differ in their numbers (defeats exact-line caches, keeps the templates).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { TemplateMiner } from '../src/parsers/drain/index.js';
import { LineSplitter, type RawLine } from '../src/parsers/lines/index.js';
import { LogParser } from '../src/parsers/pipeline.js';
import { DEFAULT_LOGHUB_DIR, loadLoghub } from '../src/eval/loghub.js';
import { ensurePeersVenv, PEERS_DIR } from './peers-venv.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const self = fileURLToPath(import.meta.url);

interface EngineResult {
  engine: string;
  lines: number;
  seconds: number;
  lines_per_sec: number;
  max_rss_kib: number;
  /** Whole-process rows: CPU seconds (user + system) from /usr/bin/time; the least over the runs. */
  cpu_s?: number;
  clusters?: number;
  version?: string;
  median_lines_per_sec?: number;
  note?: string;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string): boolean => process.argv.includes(name);

// ---------------------------------------------------------------- corpus

async function buildCorpus(dataset: string, lines: number, vary: boolean): Promise<string> {
  const dir = `${here}.data`;
  const file = `${dir}/loghub-content-${lines}${vary ? '-vary' : ''}.txt`;
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const systems = await loadLoghub({ datasetDir: dataset });
  const pool: string[] = [];
  for (const s of systems) for (const l of s.corrected) pool.push(l.content.replace(/[\r\n]/g, ' '));
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  let buf: string[] = [];
  for (let i = 0; i < lines; i++) {
    const cycle = Math.floor(i / pool.length);
    let line = pool[i % pool.length];
    if (vary && cycle > 0) line = line.replace(/\d/g, (d) => String((Number(d) + cycle) % 10));
    buf.push(line);
    if (buf.length === 50_000) {
      writeFileSync(fd, buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length > 0) writeFileSync(fd, buf.join('\n') + '\n');
  closeSync(fd);
  renameSync(tmp, file);
  return file;
}

// ---------------------------------------------------------------- workers (child processes)

/** What `anomalog parse` reads with: the product's LineSplitter over 1 MiB chunks (one flat string per line). */
function readLinesWithSplitter(file: string, onBatch: (lines: RawLine[]) => void): number {
  const fd = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(1 << 20);
  const splitter = new LineSplitter();
  let total = 0;
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    const lines = splitter.push(chunk.subarray(0, n));
    total += lines.length;
    onBatch(lines);
  }
  const last = splitter.end();
  total += last.length;
  onBatch(last);
  closeSync(fd);
  return total;
}

/** Bare chunked reader: calls `onBatch` with the complete lines of each 1 MiB chunk. */
function readLines(file: string, onBatch: (lines: string[]) => void): number {
  const fd = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(1 << 20);
  let carry = Buffer.alloc(0);
  let total = 0;
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    const last = data.lastIndexOf(10);
    if (last < 0) {
      carry = Buffer.from(data);
      continue;
    }
    const lines = data.toString('utf8', 0, last).split('\n');
    total += lines.length;
    onBatch(lines);
    carry = Buffer.from(data.subarray(last + 1));
  }
  closeSync(fd);
  if (carry.length > 0) {
    total++;
    onBatch([carry.toString('utf8')]);
  }
  return total;
}

function runWorker(kind: string, file: string): EngineResult {
  let sink = 0;
  let clusters: number | undefined;
  const t0 = performance.now();
  let lines: number;
  if (kind === 'split') {
    lines = readLines(file, (batch) => {
      for (let i = 0; i < batch.length; i++) sink += batch[i].length;
    });
  } else if (kind === 'pipeline') {
    // What `anomalog parse FILE` does per line, minus output: format auto-detection, multi-line joining,
    // record extraction, masking and mining (LogParser with its defaults).
    const parser = new LogParser({ source: 'bench' });
    lines = readLinesWithSplitter(file, (batch) => {
      sink += parser.pushLines(batch, 0).length;
    });
    sink += parser.flush(0).length;
    clusters = parser.miner.stats.clusters;
  } else {
    // The product's read path (LineSplitter) feeding the miner: masking + template mining per line.
    const miner = new TemplateMiner();
    lines = readLinesWithSplitter(file, (batch) => {
      for (let i = 0; i < batch.length; i++) sink += miner.add(batch[i].text).templateId;
    });
    clusters = miner.stats.clusters;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (sink === -1) console.error('unreachable');
  return {
    engine: kind === 'split' ? 'split (ceiling)' : kind === 'pipeline' ? 'anomalog pipeline' : 'anomalog',
    lines,
    seconds,
    lines_per_sec: lines / seconds,
    max_rss_kib: process.resourceUsage().maxRSS,
    clusters,
    version: `node ${process.versions.node}`,
  };
}

// ---------------------------------------------------------------- parent

function pinPrefix(): string[] {
  if (flag('--no-pin') || !existsSync('/usr/bin/taskset')) return [];
  return ['/usr/bin/taskset', '-c', arg('--cpu') ?? '0'];
}

function runChild(cmd: string[]): EngineResult {
  const [exe, ...args] = [...pinPrefix(), ...cmd];
  const r = spawnSync(exe, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited with ${r.status}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as EngineResult;
}

/**
 * Node workers run from a plain-JS bundle of this file (esbuild, which tsx already ships), so the
 * TypeScript loader's own memory (~40 MiB) is not counted in their peak RSS; without esbuild they fall
 * back to `node --import tsx` and the report says so.
 */
async function workerCommand(): Promise<{ cmd: string[]; note?: string }> {
  // Rebuilt every run from the current sources, in a folder of this run's own: node_modules/ may be
  // shared by several checkouts (worktrees), whose runs would overwrite one another's bundle.
  const out = `${mkdtempSync(`${tmpdir()}/anomalog-parse-bench-`)}/parse-bench.bundle.mjs`;
  process.on('exit', () => rmSync(dirname(out), { recursive: true, force: true }));
  try {
    const esbuild = (await import('esbuild')) as { build(o: object): Promise<unknown> };
    await esbuild.build({ entryPoints: [self], outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
    return { cmd: [process.execPath, out] };
  } catch {
    return { cmd: [process.execPath, '--import', 'tsx', self], note: 'run through tsx: peak RSS includes ~40 MiB of TypeScript loader' };
  }
}

function nodeWorker(base: { cmd: string[]; note?: string }, kind: string, file: string): EngineResult {
  const r = runChild([...base.cmd, '--worker', kind, file]);
  return base.note ? { ...r, note: base.note } : r;
}

// ---------------------------------------------------------------- whole process (spawn → exit)

const root = fileURLToPath(new URL('..', import.meta.url));

/** Newest modification time under a folder (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/ when it is missing or older than src/ (the whole-process rows run the built CLI). */
function ensureBuilt(): void {
  const bin = `${root}dist/cli/bin.js`;
  if (existsSync(bin) && statSync(bin).mtimeMs >= newest(`${root}src`)) return;
  console.error('Building dist/ (tsc -p tsconfig.build.json) for the whole-process rows.');
  const r = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tsc failed');
}

/**
 * Times one process from spawn to exit (wall clock, start-up included); stdout is discarded. Peak RSS
 * from /usr/bin/time when installed (0 otherwise).
 */
function wholeProcess(engine: string, cmd: string[], lines: number, version: string): EngineResult {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const rssFile = `${tmpdir()}/anomalog-bench-rss-${process.pid}.txt`;
  const full = [...pinPrefix(), ...(timeBin ? [timeBin, '-f', '%M %U %S', '-o', rssFile] : []), ...cmd];
  const t0 = performance.now();
  const r = spawnSync(full[0], full.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited with ${r.status}`);
  let rss = 0;
  let cpu: number | undefined;
  if (timeBin) {
    const [m, u, sys] = (readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
    rss = m;
    cpu = u + sys;
    rmSync(rssFile, { force: true });
  }
  return { engine, lines, seconds, lines_per_sec: lines / seconds, max_rss_kib: rss, cpu_s: cpu, version };
}

const WHOLE_TEMPLATES = 'anomalog templates, whole process';
const WHOLE_ZERO = 'anomalog templates zero-config, whole process';
const WHOLE_DRAIN3 = 'drain3, whole process';

function wholeRuns(file: string, lines: number, python: string | null, drain3Version: string | undefined): EngineResult[] {
  const cli = [process.execPath, `${root}bin/anomalog.js`, 'templates'];
  const node = `node ${process.versions.node}`;
  const out = [
    wholeProcess(WHOLE_TEMPLATES, [...cli, '--format', '<Content>', '--json', file], lines, node),
    wholeProcess(WHOLE_ZERO, [...cli, '--json', file], lines, node),
  ];
  if (python) out.push(wholeProcess(WHOLE_DRAIN3, [python, `${PEERS_DIR}drain3_bench.py`, file], lines, drain3Version ?? 'drain3'));
  return out;
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Per engine: the fastest run, with the median rate of all its runs and the largest peak RSS. */
function bestOf(runs: EngineResult[]): EngineResult[] {
  const engines = [...new Set(runs.map((r) => r.engine))];
  return engines.map((e) => {
    const mine = runs.filter((r) => r.engine === e).sort((a, b) => b.lines_per_sec - a.lines_per_sec);
    const median = mine[Math.floor(mine.length / 2)].lines_per_sec;
    const maxRss = Math.max(...mine.map((r) => r.max_rss_kib));
    const cpus = mine.map((r) => r.cpu_s).filter((c): c is number => c !== undefined);
    const cpu = cpus.length > 0 ? Math.min(...cpus) : undefined;
    return { ...mine[0], max_rss_kib: maxRss, cpu_s: cpu, median_lines_per_sec: mine.length > 1 ? median : undefined };
  });
}

function report(results: EngineResult[], file: string, runs: EngineResult[]): void {
  console.log(`\nCorpus: ${file}`);
  console.log(`Machine: ${cpus().length}× ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('\n| engine | lines | seconds | lines/s | CPU s | peak RSS (MiB) | templates |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const rss = (r.max_rss_kib / 1024).toFixed(0);
    const med = r.median_lines_per_sec === undefined ? '' : ` (${fmt(r.median_lines_per_sec)})`;
    const cpu = r.cpu_s === undefined ? '–' : r.cpu_s.toFixed(2);
    console.log(`| ${r.engine} | ${fmt(r.lines)} | ${r.seconds.toFixed(2)} | ${fmt(r.lines_per_sec)}${med} | ${cpu} | ${rss} | ${r.clusters ?? '–'} |`);
  }
  for (const r of results) if (r.note) console.log(`(${r.engine}: ${r.note})`);
  const a = results.find((r) => r.engine === 'anomalog');
  const d = results.find((r) => r.engine === 'drain3');
  const s = results.find((r) => r.engine.startsWith('split'));
  if (a && s) console.log(`\nanomalog / split ceiling: ${((100 * a.lines_per_sec) / s.lines_per_sec).toFixed(1)}% of the bare read+split rate`);
  if (a) console.log(`anomalog ≥ 1,000,000 lines/s: ${a.lines_per_sec >= 1e6 ? 'yes' : 'NO'} (${fmt(a.lines_per_sec)})`);
  if (a && d) {
    const ratio = a.lines_per_sec / d.lines_per_sec;
    console.log(`anomalog / Drain3: ${ratio.toFixed(1)}× (target ≥ 20×: ${ratio >= 20 ? 'yes' : 'NO'})`);
  }
  const wt = results.find((r) => r.engine === WHOLE_TEMPLATES);
  const wz = results.find((r) => r.engine === WHOLE_ZERO);
  const wd = results.find((r) => r.engine === WHOLE_DRAIN3);
  if (wt) console.log(`whole process (templates --format '<Content>') ≥ 1,000,000 lines/s: ${wt.lines_per_sec >= 1e6 ? 'yes' : 'NO'} (${fmt(wt.lines_per_sec)})`);
  if (wt && wz) {
    const extra = (100 * (wz.seconds - wt.seconds)) / wt.seconds;
    console.log(`zero-config costs ${extra.toFixed(1)}% more than the layout, whole process (target ≤ 15%: ${extra <= 15 ? 'yes' : 'NO'})`);
    // Paired: each round runs the two back to back, so a load spike mostly hits both; the median of the
    // per-round ratios is steadier than best-to-best on a shared machine (bests can come from different loads).
    const layoutRuns = runs.filter((r) => r.engine === WHOLE_TEMPLATES);
    const zeroRuns = runs.filter((r) => r.engine === WHOLE_ZERO);
    const pairs = layoutRuns.slice(0, zeroRuns.length).map((r, i) => (100 * (zeroRuns[i].seconds - r.seconds)) / r.seconds);
    if (pairs.length > 1) {
      const sorted = [...pairs].sort((x, y) => x - y);
      const med = sorted[Math.floor(sorted.length / 2)];
      console.log(`zero-config costs ${med.toFixed(1)}% more, median of ${pairs.length} paired rounds (${pairs.map((x) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}%`).join(', ')}) (target ≤ 15%: ${med <= 15 ? 'yes' : 'NO'})`);
    }
    if (wt.cpu_s !== undefined && wz.cpu_s !== undefined) {
      const cpuExtra = (100 * (wz.cpu_s - wt.cpu_s)) / wt.cpu_s;
      console.log(`zero-config costs ${cpuExtra.toFixed(1)}% more CPU time (user + system, least of the runs) than the layout (target ≤ 15%: ${cpuExtra <= 15 ? 'yes' : 'NO'})`);
    }
  }
  if (wt && wd) {
    const ratio = wt.lines_per_sec / wd.lines_per_sec;
    console.log(`whole process, anomalog templates / Drain3: ${ratio.toFixed(1)}× (target ≥ 20×: ${ratio >= 20 ? 'yes' : 'NO'})`);
  }
}

async function main(): Promise<void> {
  if (flag('--worker')) {
    const kind = arg('--worker')!;
    const file = process.argv[process.argv.indexOf('--worker') + 2];
    console.log(JSON.stringify(runWorker(kind, file)));
    return;
  }
  const lines = Number(arg('--lines') ?? (flag('--quick') ? 100_000 : 1_000_000));
  const dataset = arg('--dataset') ?? DEFAULT_LOGHUB_DIR;
  const file = await buildCorpus(dataset, lines, flag('--vary'));
  const repeat = Math.max(1, Number(arg('--repeat') ?? 1));
  const runs: EngineResult[] = [];
  const worker = await workerCommand();
  const python = flag('--no-drain3') ? null : ensurePeersVenv();
  const whole = !flag('--no-whole');
  if (whole) ensureBuilt();
  // Engines interleaved, `repeat` rounds: load spikes on a shared machine hit all of them alike.
  for (let round = 0; round < repeat; round++) {
    const inLoop = !flag('--whole-only');
    if (inLoop) runs.push(nodeWorker(worker, 'split', file));
    if (inLoop) runs.push(nodeWorker(worker, 'anomalog', file));
    if (inLoop && !flag('--no-pipeline')) runs.push(nodeWorker(worker, 'pipeline', file));
    let drain3Version: string | undefined;
    if (python && inLoop) {
      const r = runChild([python, `${PEERS_DIR}drain3_bench.py`, file]);
      drain3Version = `drain3 ${r.version}`;
      runs.push({ ...r, version: drain3Version });
    }
    if (whole) runs.push(...wholeRuns(file, lines, python, drain3Version));
  }
  const results = bestOf(runs);
  if (repeat > 1) console.log(`\nBest of ${repeat} interleaved rounds per engine (median lines/s in brackets).`);
  report(results, file, runs);
  const json = arg('--json');
  if (json) writeFileSync(json, JSON.stringify({ file, lines, repeat, results, runs }, null, 1));
}

await main();
