import { describe, expect, it } from 'vitest';
import { errorCode as code } from '../../../test/harness/errors.js';
import { fixtureGroups, loadSessions, row, selectRows } from '../../../test/fixtures/hdfs/sessions.js';
import { Rng } from '../random.js';
import { Autoencoder, DenseNetwork, autoencoderFromJSON } from './index.js';

const s = loadSessions();
const normal = selectRows(s.X, (i) => !s.anomalous[i]);
const { novelAnomalies, modalNormal } = fixtureGroups(s);


describe('DenseNetwork', () => {
  it('computes gradients that match finite differences', () => {
    const net = new DenseNetwork([3, 4, 2, 3], 'tanh');
    net.initialize(new Rng(3));
    const x = Float32Array.from([0.5, -1, 0.25, 1, 0.1, -0.3]);
    const loss = (): number => {
      const out = net.forward(x, 2);
      let e = 0;
      for (let i = 0; i < 6; i++) e += (out[i] - x[i]) ** 2;
      return e / 6;
    };
    const h = 1e-3;
    for (const [l, i] of [[0, 1], [1, 2], [2, 3]]) {
      const w = net.W[l];
      const before = w[i];
      w[i] = before + h;
      const up = loss();
      w[i] = before - h;
      const down = loss();
      w[i] = before;
      const numeric = (up - down) / (2 * h);
      net.computeGradients(x, 2);
      expect(net.weightGradient(l)[i]).toBeCloseTo(numeric, 3);
      expect(Math.abs(numeric)).toBeGreaterThan(1e-4);
    }
  });

  it('lowers the reconstruction loss when trained', () => {
    const net = new DenseNetwork([4, 8, 2, 8, 4], 'relu');
    net.initialize(new Rng(5));
    const x = Float32Array.from([1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1]);
    const adam = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    const first = net.trainBatch(x, 4, adam);
    let last = first;
    for (let i = 0; i < 300; i++) last = net.trainBatch(x, 4, adam);
    expect(last).toBeLessThan(first / 4);
  });
});

describe('Autoencoder on HDFS sessions (semi-supervised: fit on normal sessions)', () => {
  const model = new Autoencoder({ seed: 11 });
  model.fit(normal);
  const scores = model.score(s.X);

  it('scores novel anomalous sessions above its threshold and the usual normal session below', () => {
    expect(novelAnomalies.length).toBeGreaterThan(5);
    for (const i of novelAnomalies) expect(scores[i]).toBeGreaterThan(model.threshold);
    expect(scores[modalNormal]).toBeLessThan(model.threshold);
  });

  it('stops early on the validation split and records how it trained', () => {
    const log = model.trainingLog!;
    expect(log.validationRows).toBe(Math.floor(normal.rows * 0.1));
    expect(log.trainRows + log.validationRows).toBe(normal.rows);
    expect(log.bestEpoch).toBeLessThanOrEqual(log.epochs);
    expect(log.epochs).toBeLessThan(100);
    expect(log.epochs - log.bestEpoch).toBe(5);
  });

  it('explains the score as per-feature reconstruction error', () => {
    const i = novelAnomalies[0];
    const x = row(s.X, i);
    const parts = model.explain(x);
    const total = parts.reduce((a, p) => a + p.contribution, 0);
    expect(total).toBeCloseTo(scores[i], 4);
    for (let k = 1; k < parts.length; k++) expect(parts[k - 1].contribution).toBeGreaterThanOrEqual(parts[k].contribution);
    expect(Math.abs(parts[0].observed - parts[0].expected)).toBeGreaterThan(0.1);
  });

  it('round-trips through JSON with identical scores', () => {
    const copy = autoencoderFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(copy.score(s.X))).toEqual(Array.from(scores));
    expect(copy.threshold).toBe(model.threshold);
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const again = new Autoencoder({ seed: 11 });
    again.fit(normal);
    expect(Array.from(again.score(s.X))).toEqual(Array.from(scores));
    const other = new Autoencoder({ seed: 12 });
    other.fit(normal);
    expect(Array.from(other.score(s.X))).not.toEqual(Array.from(scores));
  });

  it('rejects newer versions, malformed artifacts and bad options', () => {
    const art = JSON.parse(JSON.stringify(model.toJSON()));
    expect(code(() => autoencoderFromJSON({ ...art, version: 2 }))).toBe('ANOMALOG_ERR_SNAPSHOT_VERSION');
    const bad = structuredClone(art);
    bad.params.weights[1].pop();
    expect(code(() => autoencoderFromJSON(bad))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(code(() => autoencoderFromJSON({ ...art, params: { ...art.params, sizes: [19, 4, 18] } }))).toBe(
      'ANOMALOG_ERR_SNAPSHOT_INVALID',
    );
    expect(code(() => new Autoencoder({ activation: 'sigmoid' as 'tanh' }))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(code(() => new Autoencoder().score(s.X))).toBe('ANOMALOG_ERR_MODEL_INVALID');
    expect(code(() => model.score({ rows: 1, cols: 2, data: new Float64Array(2) }))).toBe('ANOMALOG_ERR_MODEL_INVALID');
  });
});
