/**
 * @module bench/invariants-stream
 * `npx tsx bench/invariants-stream.bench.ts`: the streaming `invariants` detector on real session
 * structure. HDFS_100k (Loghub; Xu et al. SOSP 2009) holds block sessions as template sequences
 * without times, so each session is replayed as events — its template ids and texts
 * (HDFS_100k.templates.csv), its block id in the message, one event per second, sessions one after
 * the other in file order (train split, then test), 10 minutes apart so the 5-minute inactivity
 * closes each — through `createInvariants({ key_regex: '(blk_-?\\d+)' })` with every other option
 * at its default. The detector learns online (labels unused): sessions closed before its warm-up are
 * not judged. Labels (per block) are used for the metrics only; the batch `--model invariants` row
 * (fitted on the train split, scored on the test split) is from the same run.
 * Then the label-free check behind the detector's `warmup_sessions`: relations mined from the first n
 * training sessions, against those mined from all of them.
 * Usage: npx tsx bench/invariants-stream.bench.ts [--dataset DIR]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogEvent } from '../src/core/event.js';
import { createInvariants } from '../src/detectors/invariants/index.js';
import { SequenceDetector } from '../src/detectors/model/detector.js';
import { COUNT_FEATURES } from '../src/detectors/model/detector.js';
import { loadSequences, selectSplit } from '../src/features/sequences.js';
import { Vectorizer } from '../src/features/vectorize.js';
import { Invariants } from '../src/models/invariants/index.js';

const args = process.argv.slice(2);
const i = args.indexOf('--dataset');
const root = fileURLToPath(new URL('..', import.meta.url));
const dataset = i >= 0 ? args[i + 1] : join(root, '../shared/datasets');
const file = join(dataset, 'hdfs/HDFS_100k.sessions.csv');
const texts = new Map<number, string>();
for (const l of readFileSync(join(dataset, 'hdfs/HDFS_100k.templates.csv'), 'utf8').split(/\r?\n/).slice(1)) {
  const m = /^T(\d+),(.*),\d+$/.exec(l);
  if (m) texts.set(Number(m[1]), m[2]);
}
const all = loadSequences(file);
const labels = all.labels as Int8Array;
const splits = all.splits as string[];

const d = createInvariants({ key_regex: '(blk_-?\\d+)' });
const flagged = new Set<string>();
const t0 = performance.now();
let events = 0;
let ts = Date.UTC(2008, 10, 9);
const batch: LogEvent[] = [];
const flush = () => {
  for (const a of d.observe(batch)) if (a.sessionKey) flagged.add(a.sessionKey);
  batch.length = 0;
};
for (const s of all.sequences) {
  for (const t of s.templates) {
    const template = texts.get(t) ?? `T${t}`;
    const message = template.replace('<*>', s.key);
    batch.push({ ts, source: 'hdfs', level: 'info', message, raw: message, templateId: t, template, params: [] });
    ts += 1000;
    events++;
  }
  ts += 600_000;
  if (batch.length >= 1024) flush();
}
flush();
for (const a of d.tick(ts + 3_600_000)) if (a.sessionKey) flagged.add(a.sessionKey);
for (const a of d.tick(ts + 7_200_000)) if (a.sessionKey) flagged.add(a.sessionKey);
const ms = performance.now() - t0;

function score(keep: (k: number) => boolean) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let normal = 0;
  all.sequences.forEach((s, k) => {
    if (!keep(k)) return;
    const y = labels[k] === 1;
    const f = flagged.has(s.key);
    if (!y) normal++;
    if (f && y) tp++;
    else if (f) fp++;
    else if (y) fn++;
  });
  const p = tp / Math.max(1, tp + fp);
  const r = tp / Math.max(1, tp + fn);
  return { tp, fp, fn, p, r, f1: p + r > 0 ? (2 * p * r) / (p + r) : 0, faPer1000: (1000 * fp) / Math.max(1, normal) };
}
const warm = 200; // the detector's default warm-up (sessions)
const rows = [
  ['streaming, every session after the warm-up', score((k) => k >= warm)],
  ['streaming, test split', score((k) => splits[k] === 'test')],
] as const;
const train = selectSplit(all, 'train');
const test = selectSplit(all, 'test');
const batchRes = SequenceDetector.train(train.sequences, { model: 'invariants' }).detect(test.sequences);
let tp = 0;
let fp = 0;
let fn = 0;
batchRes.forEach((r, k) => {
  const y = (test.labels as Int8Array)[k] === 1;
  if (r.anomalous && y) tp++;
  else if (r.anomalous) fp++;
  else if (y) fn++;
});
const bp = tp / Math.max(1, tp + fp);
const br = tp / Math.max(1, tp + fn);
const f3 = (x: number) => x.toFixed(3);
const out = ['| run | TP | FP | FN | P | R | F1 | false alarms per 1,000 normal sessions |', '|---|---|---|---|---|---|---|---|'];
for (const [name, m] of rows) out.push(`| ${name} | ${m.tp} | ${m.fp} | ${m.fn} | ${f3(m.p)} | ${f3(m.r)} | ${f3(m.f1)} | ${m.faPer1000.toFixed(2)} |`);
out.push(`| batch \`--model invariants\` (train split → test split, threshold auto) | ${tp} | ${fp} | ${fn} | ${f3(bp)} | ${f3(br)} | ${f3(bp + br > 0 ? (2 * bp * br) / (bp + br) : 0)} | — |`);
out.push('', `${all.sequences.length} sessions, ${events} events in ${ms.toFixed(0)} ms (${((events / ms) * 1000).toFixed(0)} events/s on a shared machine); relations at the end: ${d.stats().relations}.`);
// Label-free check behind `warmup_sessions`: relations mined from the first n training sessions against those from all.
const v = Vectorizer.fit(train.sequences, COUNT_FEATURES);
const X = v.transform(train.sequences);
const fitOn = (n: number) => {
  const m = new Invariants();
  m.fit({ rows: n, cols: X.cols, data: X.data.slice(0, n * X.cols) });
  return m;
};
const whole = fitOn(X.rows);
out.push('', '| training sessions mined | relations | training sessions (of all) breaking one | same span as all? |', '|---|---|---|---|');
for (const n of [50, 100, 200, 500, 2000, X.rows]) {
  const m = fitOn(n);
  const breaking = m.score(X).filter((x) => x > 0).length;
  // Same span: every relation of each set holds wherever the other set's relations all hold, checked on the training rows.
  const agree = Array.from(m.score(X)).every((x, r) => (x > 0) === (whole.score({ rows: 1, cols: X.cols, data: X.data.subarray(r * X.cols, (r + 1) * X.cols) })[0] > 0));
  out.push(`| ${n} | ${m.invariants.length} | ${breaking} (${((100 * breaking) / X.rows).toFixed(2)} %) | ${agree ? 'same sessions flagged' : 'differs'} |`);
}
process.stdout.write(out.join('\n') + '\n');
