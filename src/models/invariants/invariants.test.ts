import { describe, expect, it } from 'vitest';
import { errorCode as code } from '../../../test/harness/errors.js';
import { loadSessions, row } from '../../../test/fixtures/hdfs/sessions.js';
import { matrixFromRows } from '../artifact.js';
import { coefficientVectors, Invariants, invariantsFromJSON } from './index.js';

/** Sessions of open (col 0) → read ×1..3 (col 1) → close (col 0's twin, col 2); every 7th also logs a retry (col 3) and a second close for it. */
function sessions(n: number, breakEvery = 0): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const opens = 1 + (i % 2);
    const retry = i % 7 === 0 ? 1 : 0;
    const closes = opens + retry - (breakEvery && i % breakEvery === 0 ? 1 : 0);
    out.push([opens, 1 + (i % 3), closes, retry, 0.5 * (i % 4)]);
  }
  return out;
}

const text = (m: Invariants) => m.invariants.map((v) => `${v.cols.join(',')}:${v.coefs.join(',')}`);

describe('mined invariants (Lou et al. 2010)', () => {
  it('finds count(open) + count(retry) = count(close), not relations with an idle or non-count column', () => {
    const m = new Invariants();
    m.fit(matrixFromRows(sessions(300)));
    // Column 4 holds shares (0.5 steps): never part of a relation. open = close fails (retries), the triple holds.
    expect(text(m)).toEqual(['0,2,3:1,-1,1']);
    expect(m.threshold).toBe(0.5);
  });

  it('accepts a relation broken in under 2 % of the training sessions, rejects one broken in 5 %', () => {
    const few = new Invariants();
    few.fit(matrixFromRows(sessions(300, 60))); // 5 of 300 broken: 1.7 %
    expect(text(few)).toEqual(['0,2,3:1,-1,1']);
    const many = new Invariants();
    many.fit(matrixFromRows(sessions(300, 20))); // 15 of 300: 5 %
    expect(text(many)).toEqual([]);
    const lax = new Invariants({ min_hold: 0.9 });
    lax.fit(matrixFromRows(sessions(300, 20)));
    expect(text(lax)).toEqual(['0,2,3:1,-1,1']);
  });

  it('scores the number of broken relations and says which, with both sides', () => {
    const m = new Invariants();
    m.fit(matrixFromRows(sessions(300)));
    const X = matrixFromRows([
      [3, 2, 3, 0, 0],
      [3, 1, 2, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(Array.from(m.score(X))).toEqual([0, 1, 0]);
    const v = m.violations([3, 1, 2, 0, 0]);
    expect(v).toHaveLength(1);
    expect([v[0].left, v[0].right]).toEqual([3, 2]);
    const e = m.explain(Float64Array.from([3, 1, 2, 0, 0]));
    expect(e.map((c) => [c.index, c.observed, c.expected])).toEqual([
      [0, 3, 2],
      [2, 2, 3],
      [3, 0, -1],
    ]);
  });

  it('enumerates mixed-sign, gcd-1 coefficient vectors, smallest first', () => {
    expect(coefficientVectors(2, 3).map((v) => v.join(','))).toEqual(['1,-1', '1,-2', '2,-1', '1,-3', '3,-1', '2,-3', '3,-2']);
    const three = coefficientVectors(3, 2);
    expect(three[0]).toEqual([1, 1, -1]);
    for (const v of three) {
      expect(v[0]).toBeGreaterThan(0);
      expect(v.some((c) => c < 0)).toBe(true);
    }
  });

  it('on HDFS sessions (unsupervised, labels unused): finds the block-lifecycle equalities; breaking one flags the session', () => {
    const s = loadSessions();
    const m = new Invariants();
    m.fit(s.X);
    // T2 addStoredBlock, T3 PacketResponder terminating, T4 Received block (columns 1–3) are equal in a
    // healthy block's life (one per replica): the equalities tie them together.
    const equalities = m.invariants.filter((v) => v.cols.length === 2 && v.cols.every((c) => c >= 1 && c <= 3) && v.coefs.join() === '1,-1');
    expect(equalities).toHaveLength(2);
    const healthy = [3, 3, 3, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(m.score(matrixFromRows([healthy]))[0]).toBe(0);
    // Four replicas stored, three acknowledged.
    expect(m.score(matrixFromRows([[3, 4, 3, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]))[0]).toBeGreaterThan(0);
    const sc = m.score(s.X);
    const flagged = (want: boolean) => s.anomalous.filter((a, i) => a === want && sc[i] > m.threshold).length;
    // 20 anomalous sessions (6 %, more than the 2 % a relation may break: fewer relations pass), 300 normal ones.
    expect(flagged(true)).toBeGreaterThanOrEqual(5);
    expect(flagged(false)).toBeLessThanOrEqual(3);
  });

  it('round-trips its artifact and rejects malformed or newer ones', () => {
    const m = new Invariants();
    m.fit(matrixFromRows(sessions(300)));
    const back = invariantsFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    const X = matrixFromRows([[3, 1, 2, 0, 0], [2, 1, 2, 0, 0]]);
    expect(Array.from(back.score(X))).toEqual(Array.from(m.score(X)));
    const a = m.toJSON();
    expect(code(() => invariantsFromJSON({ ...a, version: 2 }))).toBe('ANOMALOG_ERR_SNAPSHOT_VERSION');
    expect(code(() => invariantsFromJSON({ ...a, params: { ...a.params, invariants: [{ cols: [0, 9], coefs: [1, -1], hold: 1, active: 3 }] } }))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
    expect(code(() => new Invariants({ min_hold: 0.3 }))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(code(() => new Invariants().score(X))).toBe('ANOMALOG_ERR_MODEL_INVALID');
    expect(row(X, 0)).toHaveLength(5);
  });
});
