/**
 * @module bench/file-tail
 * File tail source throughput and live latency, against a baseline measured in the same run:
 * the same file read with 1 MiB `read()` calls into a bare `LineSplitter` (the ceiling of any
 * tailer built on it). Live: a writer appends batches of lines to a tailed file; the delay from
 * each append to the emit of its last line gives p50/p99 (dominated by `poll_interval_ms`).
 *
 * Usage: `npx tsx bench/file-tail.bench.ts [--lines N] [--file LOG]` (default 400,000 lines built
 * by repeating ../shared/datasets/bgl/BGL_20k.log; Loghub, Zhu et al., ISSRE 2023).
 */
import { appendFileSync, mkdtempSync, openSync, closeSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter } from '../src/parsers/lines/line-splitter.js';
import { createFileTailSource } from '../src/sources/file-tail/index.js';
import type { CheckpointStore } from '../src/core/source.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i !== -1 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const target = Number(arg('--lines', '400000'));
const src = arg('--file', join(import.meta.dirname, '../../shared/datasets/bgl/BGL_20k.log'));

const dir = mkdtempSync(join(tmpdir(), 'anomalog-bench-tail-'));
const file = join(dir, 'big.log');
let one = readFileSync(src);
if (one[one.length - 1] !== 10) one = Buffer.concat([one, Buffer.from('\n')]);
let per = 0;
for (let i = one.indexOf(10); i !== -1; i = one.indexOf(10, i + 1)) per++;
const copies = Math.max(1, Math.ceil(target / per));
writeFileSync(file, Buffer.concat(new Array<Buffer>(copies).fill(one)));
const total = per * copies;

const noStore = (): CheckpointStore => {
  const m = new Map();
  return { load: (id) => m.get(id), save: (id, c) => void m.set(id, c) };
};

function baseline(): number {
  const t0 = performance.now();
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1024 * 1024);
  const s = new LineSplitter();
  let n = 0;
  let pos = 0;
  for (;;) {
    const got = readSync(fd, buf, 0, buf.length, pos);
    if (got === 0) break;
    pos += got;
    n += s.push(buf.subarray(0, got)).length;
  }
  n += s.end().length;
  closeSync(fd);
  if (n !== total) throw new Error(`baseline read ${n} lines, expected ${total}`);
  return (performance.now() - t0) / 1000;
}

async function tailAll(): Promise<number> {
  const source = createFileTailSource({ paths: [file] }, { checkpoints: noStore() });
  const ac = new AbortController();
  const t0 = performance.now();
  let n = 0;
  let secs = 0;
  await source.run(async (b) => {
    n += b.records.length;
    if (b.cursor) source.ack(b.cursor);
    if (n >= total) {
      secs = (performance.now() - t0) / 1000;
      ac.abort();
    }
  }, ac.signal);
  return secs;
}

async function live(pollMs: number): Promise<{ p50: number; p99: number }> {
  const f = join(dir, `live-${pollMs}.log`);
  writeFileSync(f, '');
  const source = createFileTailSource({ paths: [f], poll_interval_ms: pollMs }, { checkpoints: noStore() });
  const ac = new AbortController();
  const sentAt: number[] = [];
  const delays: number[] = [];
  let seen = 0;
  const done = source.run(async (b) => {
    for (let i = 0; i < b.records.length; i++) {
      const k = seen++;
      if (k % 100 === 99) delays.push(performance.now() - sentAt[(k - 99) / 100]);
    }
  }, ac.signal);
  for (let i = 0; i < 200; i++) {
    sentAt.push(performance.now());
    appendFileSync(f, one.subarray(0, one.indexOf(10, 0) + 1).toString().repeat(100));
    await new Promise((r) => setTimeout(r, 5));
  }
  while (seen < 200 * 100) await new Promise((r) => setTimeout(r, 5));
  ac.abort();
  await done;
  delays.sort((a, b) => a - b);
  return { p50: delays[Math.floor(delays.length * 0.5)], p99: delays[Math.floor(delays.length * 0.99)] };
}

try {
  const mb = readFileSync(file).length / 1e6;
  const rows: string[] = [];
  for (let run = 0; run < 3; run++) {
    const b = baseline();
    const t = await tailAll();
    rows.push(`run ${run + 1}: baseline read+split ${(total / b / 1e3).toFixed(0)}k lines/s, file_tail ${(total / t / 1e3).toFixed(0)}k lines/s (${((b / t) * 100).toFixed(0)}% of baseline)`);
  }
  console.log(`${total} lines, ${mb.toFixed(1)} MB (${copies} x ${src})`);
  for (const r of rows) console.log(r);
  for (const poll of [250, 20]) {
    const l = await live(poll);
    console.log(`live append→emit, poll_interval_ms ${poll}: p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
