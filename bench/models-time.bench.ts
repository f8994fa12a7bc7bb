/**
 * @module bench/models-time
 * Fit+score wall time of each model on the full HDFS_100k template-count matrix (7,940 × 19),
 * default options, fit on all sessions (unsupervised protocol), scored on the same matrix.
 * Usage: npx tsx bench/models-time.bench.ts [--repeats N] [--data PATH] [--no-peers]
 * Reports the median and the best of N runs after one untimed warm-up (default 7; One-Class SVM and the
 * autoencoder run once). When bench/peers/.venv exists (bench/peers/setup.sh), scikit-learn's
 * IsolationForest, PCA and OneClassSVM are timed in the same run on the same matrix as baseline.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadSessions } from '../test/fixtures/hdfs/sessions.js';
import { Autoencoder, IsolationForest, OneClassSvm, Pca, loadLibsvmAsm, loadLibsvmWasm } from '../src/models/index.js';
import type { Matrix, Model } from '../src/core/model.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const repeats = Number(opt('--repeats', '7'));
const path = opt('--data', new URL('../../shared/datasets/hdfs/HDFS_100k.sessions.csv', import.meta.url).pathname);

interface Row {
  model: string;
  runs: number;
  fitMs: number;
  scoreMs: number;
  totalMs: number;
  /** Fastest single fit+score run (robust to load from other jobs on a shared machine). */
  bestMs: number;
  note: string;
}

function time(make: () => Model, X: Matrix, runs: number, note: (m: Model) => string): Omit<Row, 'model'> {
  if (runs > 1) {
    const warm = make();
    warm.fit(X);
    warm.score(X);
  }
  const fits: number[] = [];
  const scores: number[] = [];
  let last: Model | null = null;
  for (let r = 0; r < runs; r++) {
    const m = make();
    const t0 = performance.now();
    m.fit(X);
    const t1 = performance.now();
    m.score(X);
    const t2 = performance.now();
    fits.push(t1 - t0);
    scores.push(t2 - t1);
    last = m;
  }
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const fitMs = med(fits);
  const scoreMs = med(scores);
  const bestMs = Math.min(...fits.map((f, i) => f + scores[i]));
  return { runs, fitMs, scoreMs, totalMs: fitMs + scoreMs, bestMs, note: last ? note(last) : '' };
}

const data = loadSessions(path);
const X = data.X;
const wasm = await loadLibsvmWasm();
const asm = loadLibsvmAsm();
const rows: Row[] = [];
rows.push({ model: 'if (100 trees, psi 256)', ...time(() => new IsolationForest({ seed: 1 }), X, repeats, () => '') });
rows.push({
  model: 'pca (variance 0.95)',
  ...time(() => new Pca(), X, repeats, (m) => `k=${(m as Pca).components}`),
});
for (const engine of [wasm, asm]) {
  rows.push({
    model: `ocsvm (nu 0.5, gamma scale, libsvm ${engine.name})`,
    ...time(() => new OneClassSvm({}, engine), X, 1, (m) => {
      const p = (m as OneClassSvm).toJSON().params;
      return `libsvm SVs=${p.libsvmSupportVectors}, distinct=${p.coefficients.length}`;
    }),
  });
}
rows.push({
  model: 'ae (19-32-8-32-19 tanh, batch 64)',
  ...time(() => new Autoencoder({ seed: 1 }), X, 1, (m) => {
    const log = (m as Autoencoder).trainingLog!;
    return `epochs=${log.epochs} (best ${log.bestEpoch}), train rows=${log.trainRows}`;
  }),
});

rows.push(...sklearnRows(path, repeats));

console.log(`# models fit+score on ${path.split('/').pop()} (${X.rows} x ${X.cols}), node ${process.version}`);
console.log('| model | runs | fit ms (median) | score ms (median) | fit+score ms (median) | fit+score ms (best) | note |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const cells = [r.model, r.runs, r.fitMs.toFixed(1), r.scoreMs.toFixed(1), r.totalMs.toFixed(1), r.bestMs.toFixed(1), r.note];
  console.log(`| ${cells.join(' | ')} |`);
}

/** The same measurement for scikit-learn's peers (median of `runs` after a warm-up), if the venv exists. */
function sklearnRows(csv: string, runs: number): Row[] {
  const python = new URL('./peers/.venv/bin/python', import.meta.url).pathname;
  if (args.includes('--no-peers') || !existsSync(python)) return [];
  const script = `
import sys, time, json, numpy as np, sklearn
from sklearn.ensemble import IsolationForest
from sklearn.decomposition import PCA
from sklearn.svm import OneClassSVM
rows = []
for line in open(sys.argv[1]).read().strip().split("\\n")[1:]:
    v = np.zeros(19)
    for t in line.split(",")[4].split():
        k = int(t[1:]) - 1
        if 0 <= k < 19: v[k] += 1
    rows.append(v)
X = np.array(rows)
runs = int(sys.argv[2])
def pca_fit_score(X):
    m = PCA(n_components=0.95, svd_solver="full").fit(X)
    return m
def pca_score(m, X):
    r = X - m.inverse_transform(m.transform(X))
    return (r * r).sum(axis=1)
def bench(name, fit, score, n):
    fits, scores = [], []
    for r in range(n + (1 if n > 1 else 0)):
        t0 = time.perf_counter(); m = fit(); t1 = time.perf_counter(); score(m); t2 = time.perf_counter()
        if n > 1 and r == 0: continue
        fits.append((t1 - t0) * 1e3); scores.append((t2 - t1) * 1e3)
    best = min(f + s for f, s in zip(fits, scores))
    fits.sort(); scores.sort()
    print(json.dumps({"model": name + " [scikit-learn " + sklearn.__version__ + "]", "runs": n, "fitMs": fits[len(fits)//2], "scoreMs": scores[len(scores)//2], "bestMs": best}))
bench("if (100 trees, max_samples 256)", lambda: IsolationForest(random_state=1).fit(X), lambda m: m.score_samples(X), runs)
bench("pca (n_components 0.95, SPE)", lambda: pca_fit_score(X), lambda m: pca_score(m, X), runs)
bench("ocsvm (nu 0.5, gamma scale)", lambda: OneClassSVM().fit(X), lambda m: m.decision_function(X), 1)
`;
  const res = spawnSync(python, ['-c', script, csv, String(runs)], { encoding: 'utf8' });
  if (res.status !== 0) {
    console.error(`scikit-learn baseline failed: ${res.stderr}`);
    return [];
  }
  return res.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const r = JSON.parse(line) as Omit<Row, 'totalMs' | 'note'>;
      return { ...r, totalMs: r.fitMs + r.scoreMs, note: 'baseline, same run' };
    });
}
