import { describe, expect, it } from 'vitest';
import { errorCode as code } from '../../../test/harness/errors.js';
import { fixtureGroups, loadSessions, row } from '../../../test/fixtures/hdfs/sessions.js';
import { IsolationForest, averagePathLength, isolationForestFromJSON } from './index.js';

const s = loadSessions();
const { novelAnomalies, modalNormal } = fixtureGroups(s);


describe('averagePathLength', () => {
  it('follows c(n) = 2H(n-1) - 2(n-1)/n with c(1) = 0 and c(2) = 1', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    const h = Math.log(255) + 0.5772156649015329;
    expect(averagePathLength(256)).toBeCloseTo(2 * h - (2 * 255) / 256, 12);
  });
});

describe('IsolationForest on HDFS sessions (unsupervised fit, labels unused)', () => {
  const model = new IsolationForest({ seed: 7 });
  model.fit(s.X);
  const scores = model.score(s.X);

  it('scores novel anomalous sessions above its threshold and the usual normal session below', () => {
    expect(novelAnomalies.length).toBeGreaterThan(5);
    for (const i of novelAnomalies) expect(scores[i]).toBeGreaterThan(model.threshold);
    expect(scores[modalNormal]).toBeLessThan(model.threshold);
    const normalsAbove = s.anomalous.filter((a, i) => !a && scores[i] > model.threshold).length;
    expect(normalsAbove).toBeLessThan(0.1 * s.anomalous.filter((a) => !a).length);
  });

  it('keeps scores in (0, 1] and records training statistics', () => {
    for (const v of scores) expect(v > 0 && v <= 1).toBe(true);
    const stats = model.trainingStats!;
    expect(stats.rows).toBe(s.X.rows);
    expect(stats.p99).toBeGreaterThanOrEqual(stats.p50);
  });

  it('attributes the path shortening to features so that it sums to c(psi) - E[h]', () => {
    const i = novelAnomalies[0];
    const x = row(s.X, i);
    const parts = model.explain(x);
    expect(parts).toHaveLength(s.X.cols);
    for (let k = 1; k < parts.length; k++) expect(parts[k - 1].contribution).toBeGreaterThanOrEqual(parts[k].contribution);
    const total = parts.reduce((a, p) => a + p.contribution, 0);
    const eh = -Math.log2(scores[i]) * averagePathLength(256);
    expect(total).toBeCloseTo(averagePathLength(256) - eh, 9);
    expect(parts[0].contribution).toBeGreaterThan(0);
    // The top feature is one where this session differs from the training median.
    expect(parts[0].observed).not.toBe(parts[0].expected);
  });

  it('round-trips through JSON with identical scores', () => {
    const copy = isolationForestFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(copy.score(s.X))).toEqual(Array.from(scores));
    expect(copy.threshold).toBe(model.threshold);
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const again = new IsolationForest({ seed: 7 });
    again.fit(s.X);
    expect(Array.from(again.score(s.X))).toEqual(Array.from(scores));
    const other = new IsolationForest({ seed: 8 });
    other.fit(s.X);
    expect(Array.from(other.score(s.X))).not.toEqual(Array.from(scores));
  });

  it('uses the (1 - contamination) training quantile as threshold when asked', () => {
    const m = new IsolationForest({ seed: 7, contamination: 0.05 });
    m.fit(s.X);
    const above = Array.from(m.score(s.X)).filter((v) => v > m.threshold).length;
    expect(above).toBeLessThanOrEqual(Math.ceil(0.05 * s.X.rows));
  });
});

describe('IsolationForest artifacts and errors', () => {
  const model = new IsolationForest({ n_trees: 5, seed: 1 });
  model.fit(s.X);
  const art = JSON.parse(JSON.stringify(model.toJSON()));

  it('rejects a newer version', () => {
    expect(code(() => isolationForestFromJSON({ ...art, version: art.version + 1 }))).toBe('ANOMALOG_ERR_SNAPSHOT_VERSION');
  });

  it('rejects malformed artifacts', () => {
    expect(code(() => isolationForestFromJSON(null))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(code(() => isolationForestFromJSON({ ...art, kind: 'pca' }))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    const badChild = structuredClone(art);
    const split = badChild.params.feature.findIndex((f: number) => f >= 0);
    badChild.params.left[split] = 0;
    expect(code(() => isolationForestFromJSON(badChild))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    const short = structuredClone(art);
    short.params.size.pop();
    expect(code(() => isolationForestFromJSON(short))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
  });

  it('rejects bad options, unfitted use and wrong widths', () => {
    expect(code(() => new IsolationForest({ n_trees: 0 }))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(code(() => new IsolationForest().score(s.X))).toBe('ANOMALOG_ERR_MODEL_INVALID');
    expect(code(() => model.score({ rows: 1, cols: 3, data: new Float64Array(3) }))).toBe('ANOMALOG_ERR_MODEL_INVALID');
  });
});
