/**
 * @module bench/models-quality-check
 * Parity check, not the product benchmark (that is `npm run bench:models`): each model with
 * default options and its own threshold, HDFS_100k count vectors, both protocols (unsupervised:
 * fit on the whole train split, labels unused; semi-supervised: fit on its normal sessions),
 * scored on the test split; scikit-learn's IsolationForest and OneClassSVM (defaults) in the same
 * run when bench/peers/.venv exists. Labels are used only to compute the metrics.
 * Usage: npx tsx bench/models-quality-check.ts [--data PATH]
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadSessions, selectRows } from '../test/fixtures/hdfs/sessions.js';
import { createModel, loadLibsvmWasm } from '../src/models/index.js';

const args = process.argv.slice(2);
const at = args.indexOf('--data');
const path = at >= 0 ? args[at + 1] : new URL('../../shared/datasets/hdfs/HDFS_100k.sessions.csv', import.meta.url).pathname;
const s = loadSessions(path);
const protocols = {
  unsupervised: selectRows(s.X, (i) => s.splits[i] === 'train'),
  'semi-supervised': selectRows(s.X, (i) => s.splits[i] === 'train' && !s.anomalous[i]),
};
const test = selectRows(s.X, (i) => s.splits[i] === 'test');
const y = s.splits.flatMap((sp, i) => (sp === 'test' ? [s.anomalous[i]] : []));

function rocAuc(scores: Float64Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (!y[order[k]]) continue;
      rankSum += mid;
      pos++;
    }
    i = j + 1;
  }
  const neg = order.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

const engine = await loadLibsvmWasm();
console.log('| protocol | model | precision | recall | F1 | ROC-AUC |');
console.log('|---|---|---|---|---|---|');
for (const [protocol, X] of Object.entries(protocols)) {
  for (const kind of ['if', 'pca', 'ae', 'ocsvm'] as const) {
    const m = createModel(kind, undefined, { svmEngine: engine });
    m.fit(X);
    const sc = m.score(test);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    sc.forEach((v, i) => {
      const p = v > m.threshold;
      if (p && y[i]) tp++;
      else if (p) fp++;
      else if (y[i]) fn++;
    });
    const f1 = (2 * tp) / (2 * tp + fp + fn);
    console.log(`| ${protocol} | ${kind} | ${(tp / (tp + fp) || 0).toFixed(3)} | ${(tp / (tp + fn)).toFixed(3)} | ${f1.toFixed(3)} | ${rocAuc(sc).toFixed(3)} |`);
  }
}

const python = new URL('./peers/.venv/bin/python', import.meta.url).pathname;
if (existsSync(python)) {
  const script = `
import sys, numpy as np, sklearn
from sklearn.ensemble import IsolationForest
from sklearn.svm import OneClassSVM
from sklearn.metrics import precision_score, recall_score, f1_score, roc_auc_score
rows, sp, y = [], [], []
for line in open(sys.argv[1]).read().strip().split("\\n")[1:]:
    f = line.strip().split(","); v = np.zeros(19)
    for t in f[4].split():
        k = int(t[1:]) - 1
        if 0 <= k < 19: v[k] += 1
    rows.append(v); sp.append(f[1]); y.append(f[2] == "Anomaly")
X, sp, y = np.array(rows), np.array(sp), np.array(y)
te, yt = X[sp == "test"], y[sp == "test"]
for name, Xf in [("unsupervised", X[sp == "train"]), ("semi-supervised", X[(sp == "train") & ~y])]:
    for kind, m, score in [("if", IsolationForest(random_state=1), "score_samples"), ("ocsvm", OneClassSVM(), "decision_function")]:
        m.fit(Xf); p = m.predict(te) == -1; s = -getattr(m, score)(te)
        print("| %s | %s [scikit-learn %s] | %.3f | %.3f | %.3f | %.3f |" % (name, kind, sklearn.__version__, precision_score(yt, p, zero_division=0), recall_score(yt, p), f1_score(yt, p), roc_auc_score(yt, s)))
`;
  const res = spawnSync(python, ['-c', script, path], { encoding: 'utf8' });
  process.stdout.write(res.status === 0 ? res.stdout : `scikit-learn check failed: ${res.stderr}\n`);
}
