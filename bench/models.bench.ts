/**
 * @module bench/models
 * `npm run bench:models`: anomalog's Isolation Forest, One-Class SVM and PCA against
 * scikit-learn's on the **same feature matrices**, in the same run, on HDFS_100k (Loghub):
 * both protocols (unsupervised: fit on the whole train split; semi-supervised: fit on its normal
 * sessions), scored on the test split. Two feature sets: `counts` (template counts only, the
 * classic loglizer input) and `anomalog` (the product's default vectorizer: counts, unknown
 * templates, unseen transitions, extras, standard scaling). Thresholds are label-free: each
 * model's own (IF 0.5, OCSVM 0, PCA Q-statistic α = 0.001) and the same contamination quantile
 * of the training scores for both sides. Labels are used only for the metrics.
 * Matrices go to bench/.data/models/ (gitignored) as raw float64 for the Python peer.
 * Usage: npx tsx bench/models.bench.ts [--data CSV] [--repeats N] [--quick] [--no-peers] [--json FILE]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Matrix, Model } from '../src/core/model.js';
import { detectionMetrics, rocAuc } from '../src/eval/detect-metrics.js';
import { loadSequences, selectSplit, subset } from '../src/features/sequences.js';
import { Vectorizer, type VectorizerOptions } from '../src/features/vectorize.js';
import { quantile } from '../src/models/threshold/index.js';
import { createModel, loadLibsvmWasm, type ModelKind } from '../src/models/index.js';
import { ensurePeersVenv, PEERS_DIR } from './peers-venv.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const dataPath = opt('--data', fileURLToPath(new URL('../../shared/datasets/hdfs/HDFS_100k.sessions.csv', import.meta.url)));
const repeats = Number(opt('--repeats', quick ? '1' : '3'));
const CONTAMINATION = 0.03;
const MODELS: ModelKind[] = ['if', 'ocsvm', 'pca'];
const FEATURE_SETS: Record<string, Partial<VectorizerOptions>> = {
  counts: { bigrams: 'off', extras: false, markov: false, scaling: 'none' },
  anomalog: {},
};
const outDir = fileURLToPath(new URL('./.data/models/', import.meta.url));

interface Result {
  features: string;
  protocol: string;
  model: string;
  engine: string;
  fitMs: number;
  scoreMs: number;
  rocAuc: number;
  own: { precision: number; recall: number; f1: number };
  contamination: { precision: number; recall: number; f1: number };
  runs: number;
}

function writeMatrix(name: string, m: Matrix): void {
  writeFileSync(outDir + name, new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const all = loadSequences(dataPath);
  const train = selectSplit(all, 'train');
  const test = selectSplit(all, 'test');
  const y = Float64Array.from(test.labels as Int8Array);
  writeFileSync(outDir + 'y_test.f64', new Uint8Array(y.buffer));
  const normal: number[] = [];
  (train.labels as Int8Array).forEach((l, i) => l === 0 && normal.push(i));
  const protocols = { unsupervised: train.sequences, 'semi-supervised': subset(train, normal).sequences };
  const svmEngine = await loadLibsvmWasm();
  const jobs = [];
  const ours: Result[] = [];
  for (const [features, fopts] of Object.entries(FEATURE_SETS)) {
    for (const [protocol, fitSeqs] of Object.entries(protocols)) {
      const v = Vectorizer.fit(fitSeqs, fopts);
      const Xf = v.transform(fitSeqs);
      const Xt = v.transform(test.sequences);
      const tag = `${features}-${protocol}`;
      writeMatrix(`${tag}-fit.f64`, Xf);
      writeMatrix(`${tag}-test.f64`, Xt);
      jobs.push({ features, protocol, fit: `${tag}-fit.f64`, test: `${tag}-test.f64`, fitRows: Xf.rows, testRows: Xt.rows, cols: Xf.cols, models: MODELS });
      for (const kind of MODELS) {
        const runs = kind === 'ocsvm' ? 1 : repeats;
        const fits: number[] = [];
        const scores: number[] = [];
        let model: Model | null = null;
        let s: Float64Array = new Float64Array(0);
        for (let r = 0; r < runs; r++) {
          model = createModel(kind, undefined, { svmEngine });
          const t0 = performance.now();
          model.fit(Xf);
          const t1 = performance.now();
          s = model.score(Xt);
          fits.push(t1 - t0);
          scores.push(performance.now() - t1);
        }
        const m = model as Model & { threshold: number };
        const train = m.score(Xf);
        const cont = quantile(train, 1 - CONTAMINATION);
        const pick = (t: number) => {
          const r = detectionMetrics(y, s, Array.from(s, (x) => x > t));
          return { precision: r.precision, recall: r.recall, f1: r.f1 };
        };
        ours.push({ features, protocol, model: kind, engine: 'anomalog', fitMs: median(fits), scoreMs: median(scores), rocAuc: rocAuc(y, s), own: pick(m.threshold), contamination: pick(cont), runs });
        console.error(`anomalog ${tag} ${kind}: F1 own ${ours[ours.length - 1].own.f1.toFixed(3)} (${(median(fits) + median(scores)).toFixed(0)} ms)`);
      }
    }
  }
  writeFileSync(outDir + 'manifest.json', JSON.stringify({ jobs, labels: 'y_test.f64', contamination: CONTAMINATION, repeats }, null, 2));
  let peers: Result[] = [];
  if (!args.includes('--no-peers')) {
    const python = ensurePeersVenv('sklearn');
    const r = spawnSync(python, [PEERS_DIR + 'sklearn_models.py', outDir], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`scikit-learn peer failed:\n${r.stderr}`);
    peers = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Result);
  }
  print(ours, peers);
  const jsonOut = opt('--json', '');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), data: dataPath, ours, peers }, null, 2));
}

function print(ours: Result[], peers: Result[]): void {
  const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(3));
  const ms = (r: Result | undefined) => (r ? (r.fitMs + r.scoreMs).toFixed(0) : '—');
  const sk = peers[0]?.engine ?? 'scikit-learn (not run)';
  console.log(`HDFS_100k test split (${ours.length ? 'anomalog' : ''} vs ${sk}); F1 with each model's own threshold / with the ${CONTAMINATION} contamination quantile; ROC-AUC; fit+score ms (median of ${repeats}, OCSVM 1 run).`);
  console.log('| features | protocol | model | F1 own (ours / sk) | F1 contamination (ours / sk) | ROC-AUC (ours / sk) | fit+score ms (ours / sk) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const o of ours) {
    const p = peers.find((x) => x.features === o.features && x.protocol === o.protocol && x.model === o.model);
    console.log(
      `| ${o.features} | ${o.protocol} | ${o.model} | ${f(o.own.f1)} / ${f(p?.own.f1)} | ${f(o.contamination.f1)} / ${f(p?.contamination.f1)} | ${f(o.rocAuc)} / ${f(p?.rocAuc)} | ${ms(o)} / ${ms(p)} |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
