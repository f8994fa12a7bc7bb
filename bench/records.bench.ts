/**
 * @module bench/records
 * Record extraction throughput: line splitting, multi-line joining and each Loghub header layout,
 * against a bare `indexOf(10)` pass over the same bytes measured in the same run (the ceiling).
 *
 * Usage: `npx tsx bench/records.bench.ts [--lines N] [--dataset DIR]` (default 300,000 lines per
 * measurement, best of 3, DIR = ../shared/datasets/loghub). Data: Loghub (Zhu et al., ISSRE 2023).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LineSplitter } from '../src/parsers/lines/line-splitter.js';
import { HeaderPatternFormat } from '../src/parsers/formats/header-pattern.js';
import { PlainFormat } from '../src/parsers/formats/plain.js';
import { MultilineJoiner } from '../src/parsers/multiline/multiline.js';

const CHUNK = 64 * 1024;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i !== -1 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const target = Number(arg('--lines', '300000'));
const dir = resolve(arg('--dataset', join(import.meta.dirname, '../../shared/datasets/loghub')));
const settings = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as {
  systems: Record<string, { log_file: string; log_format: string }>;
};

/** The file repeated until it holds at least `target` lines (each copy ends with a newline). */
function corpus(file: string): { data: Buffer; lines: number } {
  let one = readFileSync(file);
  if (one[one.length - 1] !== 10) one = Buffer.concat([one, Buffer.from('\n')]);
  let per = 0;
  for (let i = one.indexOf(10); i !== -1; i = one.indexOf(10, i + 1)) per++;
  const copies = Math.max(1, Math.ceil(target / per));
  return { data: Buffer.concat(new Array<Buffer>(copies).fill(one)), lines: per * copies };
}

/** Best of 3 runs (the first one also warms the JIT up). */
function time(fn: () => number): { secs: number; n: number } {
  let best = { secs: Infinity, n: 0 };
  for (let r = 0; r < 3; r++) {
    const one = once(fn);
    if (one.secs < best.secs) best = one;
  }
  return best;
}

function once(fn: () => number): { secs: number; n: number } {
  const t0 = performance.now();
  const n = fn();
  return { secs: (performance.now() - t0) / 1000, n };
}

function bare(data: Buffer): number {
  let n = 0;
  for (let off = 0; off < data.length; off += CHUNK) {
    const c = data.subarray(off, off + CHUNK);
    for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) n++;
  }
  return n;
}

function split(data: Buffer, each?: (text: string, line: number) => void): number {
  const s = new LineSplitter();
  let n = 0;
  for (let off = 0; off < data.length; off += CHUNK) {
    const lines = s.push(data.subarray(off, off + CHUNK));
    if (each) for (const l of lines) each(l.text, l.line);
    n += lines.length;
  }
  return n + s.end().length;
}

const rate = (r: { secs: number; n: number }): string => `${(r.n / r.secs / 1e6).toFixed(2)} M lines/s`;
const rows: string[][] = [];
const all = corpus(join(dir, settings.systems.HDFS.log_file));
rows.push(['bare indexOf(10) (ceiling)', 'HDFS', rate(time(() => bare(all.data)))]);
rows.push(['LineSplitter', 'HDFS', rate(time(() => split(all.data)))]);
const plain = new PlainFormat();
rows.push(['LineSplitter + plain', 'HDFS', rate(time(() => split(all.data, (t, l) => plain.extract(t, l, 0, 'b'))))]);
rows.push([
  'LineSplitter + multiline (rules)',
  'HDFS',
  rate(
    time(() => {
      const j = new MultilineJoiner();
      const s = new LineSplitter();
      let n = 0;
      for (let off = 0; off < all.data.length; off += CHUNK) n += j.push(s.push(all.data.subarray(off, off + CHUNK))).length;
      return n + j.push(s.end()).length + j.flush().length;
    }),
  ),
]);
for (const [system, s] of Object.entries(settings.systems)) {
  const c = corpus(join(dir, s.log_file));
  const f = new HeaderPatternFormat(s.log_format);
  const base = time(() => bare(c.data));
  const r = time(() => split(c.data, (t, l) => f.extract(t, l, 0, system)));
  rows.push(['LineSplitter + header layout', system, `${rate(r)}  (bare ${rate(base)}, unmatched ${f.stats.unmatched / 3})`]);
}
console.log(`records.bench: ${target.toLocaleString()} lines per row, node ${process.version}`);
for (const r of rows) console.log(`${r[0].padEnd(34)} ${r[1].padEnd(12)} ${r[2]}`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
