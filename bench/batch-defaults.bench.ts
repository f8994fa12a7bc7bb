/**
 * @module bench/batch-defaults
 * `npx tsx bench/batch-defaults.bench.ts`: the batch defaults of issue 14, measured with the commands a
 * user types — `anomalog train … -o m.json` (no `--threshold`; no `--model` for the default row) then
 * `anomalog detect … --model m.json --json --all` — scored against the labels afterwards:
 * - HDFS_100k (Loghub; Xu et al., SOSP 2009): `--sequences … --split train` / `--split test`;
 * - BGL_20k (Loghub) 1 h windows, time-ordered 60/40 (bench/bgl-split.ts: lines sorted by their epoch
 *   seconds, label token stripped, the first 60 % of lines to a train file, the rest to a test file in
 *   bench/.data/batch/), then
 *   `train FILE --format '<BGL layout>' --window 1h [--model M]` and `detect FILE --model m.json`.
 *   A window is anomalous iff it holds an alert line; windows are scored as the CLI emits them.
 * Labels are used for the metrics only.
 * Runs the built CLI (bin/anomalog.js): build first (`npx tsc -p tsconfig.build.json`).
 * Usage: npx tsx bench/batch-defaults.bench.ts [--dataset DIR] [--models default,if,pca,ae,ocsvm,ensemble,invariants,next]
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BGL_LAYOUT, writeBglSplit } from './bgl-split.js';
import { cli, option, ROOT } from './built-cli.js';

const root = ROOT;
const dataset = option('--dataset', join(root, '../shared/datasets'));
const models = option('--models', 'default,if,pca,ae,ocsvm,ensemble,invariants,next').split(',');
const out = join(root, 'bench/.data/batch');
mkdirSync(out, { recursive: true });

interface Row {
  data: string;
  model: string;
  tp: number;
  fp: number;
  fn: number;
  flagged: number;
  total: number;
}

function score(data: string, model: string, detectOut: string, label: (d: { sessionKey: string; window?: { start: number } }) => number | undefined): Row {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let flagged = 0;
  let total = 0;
  for (const line of detectOut.split('\n')) {
    if (!line) continue;
    const d = JSON.parse(line) as { sessionKey: string; window?: { start: number }; anomalous: boolean };
    const y = label(d);
    if (y === undefined) continue;
    total++;
    if (d.anomalous) flagged++;
    if (d.anomalous && y === 1) tp++;
    else if (d.anomalous) fp++;
    else if (y === 1) fn++;
  }
  return { data, model, tp, fp, fn, flagged, total };
}

const modelFlag = (m: string) => (m === 'default' ? [] : ['--model', m]);
const rows: Row[] = [];

// HDFS_100k block sessions.
const sessions = join(dataset, 'hdfs/HDFS_100k.sessions.csv');
const hdfsLabel = new Map<string, number>();
for (const l of readFileSync(sessions, 'utf8').split('\n').slice(1)) {
  const c = l.split(',');
  if (c[1] === 'test') hdfsLabel.set(c[0], c[2] === 'Anomaly' ? 1 : 0);
}
for (const m of models) {
  const art = join(out, `hdfs-${m}.json`);
  cli(['train', '--sequences', sessions, '--split', 'train', ...modelFlag(m), '-o', art]);
  rows.push(score('HDFS_100k test', m, cli(['detect', '--sequences', sessions, '--split', 'test', '--model', art, '--json', '--all']), (d) => hdfsLabel.get(d.sessionKey)));
  process.stderr.write(`HDFS ${m} done\n`);
}

// BGL_20k, time-ordered 60/40 by lines (bench/bgl-split.ts).
const { trainFile, testFile, testLabels: bglLabel } = writeBglSplit(dataset, out);
for (const m of models) {
  const art = join(out, `bgl-${m}.json`);
  cli(['train', trainFile, '--format', BGL_LAYOUT, '--window', '1h', ...modelFlag(m), '-o', art]);
  rows.push(score('BGL_20k 1 h, 60/40', m, cli(['detect', testFile, '--model', art, '--json', '--all']), (d) => (d.window ? bglLabel.get(d.window.start) : undefined)));
  process.stderr.write(`BGL ${m} done\n`);
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const lines = ['| data | model (no threshold flag) | flagged / scored | TP | FP | FN | P | R | F1 |', '|---|---|---|---|---|---|---|---|---|'];
for (const r of rows) {
  const p = r.tp / Math.max(1, r.tp + r.fp);
  const rc = r.tp / Math.max(1, r.tp + r.fn);
  const f1 = p + rc > 0 ? (2 * p * rc) / (p + rc) : 0;
  const name = r.model === 'default' ? '**default** (no `--model`)' : `\`--model ${r.model}\``;
  lines.push(`| ${r.data} | ${name} | ${r.flagged} / ${r.total} | ${r.tp} | ${r.fp} | ${r.fn} | ${f3(p)} | ${f3(rc)} | ${f3(f1)} |`);
}
process.stdout.write(lines.join('\n') + '\n');
