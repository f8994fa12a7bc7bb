import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { errorCode as code } from '../../../test/harness/errors.js';
import { fixtureGroups, loadSessions, row, selectRows } from '../../../test/fixtures/hdfs/sessions.js';
import { OneClassSvm, oneClassSvmFromJSON, parseModelText, resolveGamma } from './index.js';

const s = loadSessions();
const normal = selectRows(s.X, (i) => !s.anomalous[i]);
const { novelAnomalies, modalNormal } = fixtureGroups(s);


describe('OneClassSvm on HDFS sessions (semi-supervised: fit on normal sessions)', () => {
  const model = new OneClassSvm({ nu: 0.1 });
  model.fit(normal);
  const scores = model.score(s.X);

  it('scores novel anomalous sessions above its threshold and the usual normal session below', () => {
    expect(novelAnomalies.length).toBeGreaterThan(5);
    for (const i of novelAnomalies) expect(scores[i]).toBeGreaterThan(model.threshold);
    expect(scores[modalNormal]).toBeLessThanOrEqual(model.threshold);
  });

  it('honours the nu-property: at most about nu of the training rows lie outside', () => {
    const trainScores = model.score(normal);
    const outside = trainScores.filter((v) => v > model.threshold).length;
    expect(outside / normal.rows).toBeLessThanOrEqual(0.1 + 0.02);
  });

  it('agrees with libsvm-js own ±1 predictions wherever |f| exceeds the tolerance', () => {
    const require = createRequire(import.meta.url);
    const SVM = require('libsvm-js/asm.js');
    const gamma = resolveGamma('scale', normal);
    const svm = new SVM({ type: SVM.SVM_TYPES.ONE_CLASS, kernel: SVM.KERNEL_TYPES.RBF, nu: 0.1, gamma, quiet: true });
    const rows = Array.from({ length: normal.rows }, (_, i) => Array.from(row(normal, i)));
    svm.train(rows, rows.map(() => 1));
    const all = Array.from({ length: s.X.rows }, (_, i) => Array.from(row(s.X, i)));
    const labels: number[] = svm.predict(all);
    svm.free();
    const f = model.decisionFunction(s.X);
    let compared = 0;
    for (let i = 0; i < f.length; i++) {
      if (Math.abs(f[i]) <= model.options.tolerance) continue;
      compared++;
      expect(labels[i]).toBe(f[i] > 0 ? 1 : -1);
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('computes gamma "scale" as 1 / (d * Var(X))', () => {
    const X = { rows: 2, cols: 2, data: Float64Array.from([0, 2, 4, 6]) };
    expect(resolveGamma('scale', X)).toBeCloseTo(1 / (2 * 5), 12);
    expect(resolveGamma('auto', X)).toBe(0.5);
  });

  it('explains with the features that deviate from the nearby support vectors', () => {
    const i = novelAnomalies[0];
    const parts = model.explain(row(s.X, i));
    expect(parts).toHaveLength(s.X.cols);
    for (let k = 1; k < parts.length; k++) expect(parts[k - 1].contribution).toBeGreaterThanOrEqual(parts[k].contribution);
    expect(parts[0].contribution).toBeGreaterThan(0);
    expect(parts[0].observed).not.toBeCloseTo(parts[0].expected, 3);
    // A training row identical to a support vector deviates from nothing.
    const onSv = model.explain(row(s.X, modalNormal));
    expect(onSv[0].contribution).toBeLessThan(parts[0].contribution);
  });

  it('round-trips through JSON with identical scores', () => {
    const copy = oneClassSvmFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(copy.score(s.X))).toEqual(Array.from(scores));
  });

  it('is deterministic', () => {
    const again = new OneClassSvm({ nu: 0.1 });
    again.fit(normal);
    expect(Array.from(again.score(s.X))).toEqual(Array.from(scores));
  });

  it('rejects newer versions, malformed artifacts and bad options', () => {
    const art = JSON.parse(JSON.stringify(model.toJSON()));
    expect(code(() => oneClassSvmFromJSON({ ...art, version: 9 }))).toBe('ANOMALOG_ERR_SNAPSHOT_VERSION');
    const bad = structuredClone(art);
    bad.params.coefficients.push(1);
    expect(code(() => oneClassSvmFromJSON(bad))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(code(() => oneClassSvmFromJSON({ ...art, params: { ...art.params, gamma: -1 } }))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(code(() => new OneClassSvm({ nu: 0 }))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(code(() => new OneClassSvm().score(s.X))).toBe('ANOMALOG_ERR_MODEL_INVALID');
  });
});

describe('parseModelText', () => {
  it('reads libsvm model files, including sparse rows', () => {
    const m = parseModelText('svm_type one_class\nkernel_type rbf\ngamma 0.5\nrho 1.25\nSV\n0.5 1:2 3:4\n1 2:-1\n', 3);
    expect(m.rho).toBe(1.25);
    expect(Array.from(m.coef)).toEqual([0.5, 1]);
    expect(Array.from(m.sv)).toEqual([2, 0, 4, 0, -1, 0]);
    expect(code(() => parseModelText('svm_type c_svc\nrho 1\nSV\n', 3))).toBe('ANOMALOG_ERR_MODEL_INVALID');
  });
});
