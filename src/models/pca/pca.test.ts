import { describe, expect, it } from 'vitest';
import { errorCode as code } from '../../../test/harness/errors.js';
import { fixtureGroups, loadSessions, row, selectRows } from '../../../test/fixtures/hdfs/sessions.js';
import { Pca, normalQuantile, pcaFromJSON, qStatisticThreshold } from './index.js';

const s = loadSessions();
const normal = selectRows(s.X, (i) => !s.anomalous[i]);
const { novelAnomalies, normalIdx } = fixtureGroups(s);


describe('Q-statistic', () => {
  it('uses the standard normal quantile', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
  });

  it('approximates the chi-square quantile for equal residual eigenvalues', () => {
    // Q = sum of 10 unit-variance squared normals ~ chi2(10); its 95% quantile is 18.307.
    const q = qStatisticThreshold(new Float64Array(10).fill(1), 0.05);
    expect(Math.abs(q - 18.307) / 18.307).toBeLessThan(0.01);
    expect(qStatisticThreshold(new Float64Array(10).fill(2), 0.05)).toBeCloseTo(2 * q, 9);
    expect(qStatisticThreshold(new Float64Array(3), 0.05)).toBe(0);
  });
});

describe('PCA residual on HDFS sessions', () => {
  it('semi-supervised: flags novel anomalous sessions and no normal session', () => {
    const m = new Pca();
    m.fit(normal);
    const sc = m.score(s.X);
    expect(novelAnomalies.length).toBeGreaterThan(5);
    for (const i of novelAnomalies) expect(sc[i]).toBeGreaterThan(m.threshold);
    for (const i of normalIdx) expect(sc[i]).toBeLessThanOrEqual(m.threshold);
  });

  it('unsupervised (labels unused): flags novel anomalies, keeps normal sessions below the Q limit', () => {
    for (const scale of [false, true]) {
      const m = new Pca({ scale });
      m.fit(s.X);
      const sc = m.score(s.X);
      const caught = novelAnomalies.filter((i) => sc[i] > m.threshold).length;
      expect(caught / novelAnomalies.length).toBeGreaterThan(0.7);
      expect(normalIdx.filter((i) => sc[i] > m.threshold)).toHaveLength(0);
    }
  });

  it('keeps the fewest components reaching the variance share, or the fixed number', () => {
    const m = new Pca({ variance: 0.95 });
    m.fit(s.X);
    const ev = m.toJSON().params.eigenvalues;
    const total = ev.reduce((a, b) => a + b, 0);
    const k = m.components;
    expect(ev.slice(0, k).reduce((a, b) => a + b, 0) / total).toBeGreaterThanOrEqual(0.95 - 1e-12);
    expect(ev.slice(0, k - 1).reduce((a, b) => a + b, 0) / total).toBeLessThan(0.95);
    const fixed = new Pca({ n_components: 3 });
    fixed.fit(s.X);
    expect(fixed.components).toBe(3);
  });

  it('explains the SPE as per-feature squared residuals', () => {
    const m = new Pca();
    m.fit(normal);
    const i = novelAnomalies[0];
    const x = row(s.X, i);
    const parts = m.explain(x);
    const total = parts.reduce((a, p) => a + p.contribution, 0);
    expect(total).toBeCloseTo(m.score({ rows: 1, cols: x.length, data: x })[0], 9);
    for (let k = 1; k < parts.length; k++) expect(parts[k - 1].contribution).toBeGreaterThanOrEqual(parts[k].contribution);
    const top = parts[0];
    expect(top.observed - top.expected).not.toBeCloseTo(0, 3);
  });

  it('round-trips through JSON with identical scores and threshold', () => {
    const m = new Pca({ scale: true });
    m.fit(s.X);
    const copy = pcaFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(Array.from(copy.score(s.X))).toEqual(Array.from(m.score(s.X)));
    expect(copy.threshold).toBe(m.threshold);
  });

  it('rejects newer versions, malformed artifacts and bad options', () => {
    const m = new Pca();
    m.fit(s.X);
    const art = JSON.parse(JSON.stringify(m.toJSON()));
    expect(code(() => pcaFromJSON({ ...art, version: 2 }))).toBe('ANOMALOG_ERR_SNAPSHOT_VERSION');
    expect(code(() => pcaFromJSON({ ...art, params: { ...art.params, basis: [1] } }))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(code(() => pcaFromJSON({ ...art, params: { ...art.params, extra: 1 } }))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(code(() => new Pca({ variance: 2 }))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(code(() => new Pca({ n_components: 40 }).fit(s.X))).toBe('ANOMALOG_ERR_MODEL_INVALID');
    expect(code(() => new Pca().score(s.X))).toBe('ANOMALOG_ERR_MODEL_INVALID');
  });
});
