/**
 * @module bench/bgl-peers
 * `npx tsx bench/bgl-peers.bench.ts`: issue 14's BGL batch target — our default model against
 * scikit-learn on the same windows and the same split:
 * - BGL_20k (Loghub) 1 h windows, time-ordered 60/40 (bench/bgl-split.ts);
 * - **ours**: the built CLI as a user types it, `anomalog train FILE --format '<BGL layout>' --window 1h`
 *   (no `--model`, no threshold flag) then `anomalog detect FILE --model m.json --json --all`;
 * - **scikit-learn** (bench/peers/sklearn_windows.py, from bench/peers/.venv): IsolationForest,
 *   OneClassSVM (nu 0.5 and 0.1), PCA residual with the Q-statistic, LocalOutlierFactor (novelty),
 *   each with its own threshold and with the 0.03 training quantile, on the windows' template counts
 *   (the vocabulary of the training windows plus one column counting unseen templates; raw and log1p,
 *   standardised on the training windows). The windows are made in-process by the functions `train`
 *   and `detect` run (parse with the BGL layout, one template miner carried from train to test,
 *   1 h windows on event time), so they are the CLI's windows.
 * Labels (a window holds an alert line) are used for the metrics only. Build the CLI first
 * (`npx tsc -p tsconfig.build.json`). Usage: npx tsx bench/bgl-peers.bench.ts [--dataset DIR]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFiles } from '../src/cli/model-input.js';
import { collectWindows } from '../src/detectors/model/events.js';
import { COUNT_FEATURES } from '../src/detectors/model/detector.js';
import { Vectorizer } from '../src/features/vectorize.js';
import { BGL_LAYOUT, writeBglSplit } from './bgl-split.js';
import { cli, option, ROOT } from './built-cli.js';
import { ensurePeersVenv, PEERS_DIR } from './peers-venv.js';

const root = ROOT;
const dataset = option('--dataset', join(root, '../shared/datasets'));
const out = join(root, 'bench/.data/bgl-peers');
const HOUR = 3_600_000;
const split = writeBglSplit(dataset, out, HOUR);

interface Prf {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

function prf(y: number[], flagged: boolean[]): Prf {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  y.forEach((v, i) => {
    if (flagged[i] && v === 1) tp++;
    else if (flagged[i]) fp++;
    else if (v === 1) fn++;
  });
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  return { tp, fp, fn, precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

// Ours, as a user runs it.
const art = join(out, 'default.json');
cli(['train', split.trainFile, '--format', BGL_LAYOUT, '--window', '1h', '-o', art]);
const ours: { y: number[]; flagged: boolean[] } = { y: [], flagged: [] };
for (const line of cli(['detect', split.testFile, '--model', art, '--json', '--all']).split('\n')) {
  if (!line) continue;
  const d = JSON.parse(line) as { window?: { start: number }; anomalous: boolean };
  const y = d.window ? split.testLabels.get(d.window.start) : undefined;
  if (y === undefined) continue;
  ours.y.push(y);
  ours.flagged.push(d.anomalous);
}

// The same windows for the peers.
const parseOpts = { format: BGL_LAYOUT, multiline: true, maxLineBytes: 1 << 20, similarity: 0.7, mask: [] };
const trainParsed = await parseFiles([split.trainFile], parseOpts);
const trainWindows = await collectWindows(trainParsed.batches, { mode: 'time', size_ms: HOUR });
const testParsed = await parseFiles([split.testFile], parseOpts, trainParsed.minerState);
const testWindows = (await collectWindows(testParsed.batches, { mode: 'time', size_ms: HOUR })).filter((w) => split.testLabels.has(w.window.start));
const v = Vectorizer.fit(trainWindows, COUNT_FEATURES);
const Xf = v.transform(trainWindows);
const Xt = v.transform(testWindows);
const yt = testWindows.map((w) => split.testLabels.get(w.window.start) as number);
writeFileSync(join(out, 'fit.f64'), Buffer.from(Xf.data.buffer));
writeFileSync(join(out, 'test.f64'), Buffer.from(Xt.data.buffer));
writeFileSync(join(out, 'labels.f64'), Buffer.from(Float64Array.from(yt).buffer));
writeFileSync(join(out, 'manifest.json'), JSON.stringify({ fitRows: Xf.rows, testRows: Xt.rows, cols: Xf.cols, contamination: 0.03 }));

const python = ensurePeersVenv('sklearn');
const r = spawnSync(python, [join(PEERS_DIR, 'sklearn_windows.py'), out], { encoding: 'utf8', maxBuffer: 1 << 26 });
if (r.status !== 0) throw new Error(`sklearn_windows.py failed: ${r.stderr}`);
const peers = r.stdout
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { model: string; features: string; rule: string; precision: number; recall: number; f1: number; tp: number; fp: number; fn: number; rocAuc: number; engine: string });

const f3 = (x: number) => x.toFixed(3);
const o = prf(ours.y, ours.flagged);
const lines = [
  `BGL_20k 1 h windows, time-ordered 60/40: ${trainWindows.length} training windows, ${ours.y.length} test windows scored by the CLI (${ours.y.filter((x) => x === 1).length} anomalous), ${Xt.rows} in the peers' matrix; ${Xf.cols} columns (${v.vocabulary.size} training templates + unseen).`,
  '',
  '| detector | features | threshold | TP | FP | FN | P | R | F1 | ROC-AUC |',
  '|---|---|---|---|---|---|---|---|---|---|',
  `| **anomalog default** (\`train\` with no \`--model\`: ae + \`--novelty severe\`, threshold auto) | its own | auto | ${o.tp} | ${o.fp} | ${o.fn} | ${f3(o.precision)} | ${f3(o.recall)} | ${f3(o.f1)} | — |`,
];
for (const p of peers) lines.push(`| ${p.engine} ${p.model} | ${p.features} | ${p.rule} | ${p.tp} | ${p.fp} | ${p.fn} | ${f3(p.precision)} | ${f3(p.recall)} | ${f3(p.f1)} | ${f3(p.rocAuc)} |`);
const best = peers.reduce((a, b) => (b.f1 > a.f1 ? b : a), peers[0]);
lines.push('', `Best scikit-learn row: ${best.model} (${best.features}, ${best.rule}) F1 ${f3(best.f1)}; anomalog default F1 ${f3(o.f1)}.`);
process.stdout.write(lines.join('\n') + '\n');
