import { describe, expect, it } from 'vitest';
import { autoThreshold, isTiedTail, QuantileThreshold, SpotThreshold } from './index.js';
import { rng } from '../../../test/harness/rng.js';

/** HDFS-like scores: a few large tie groups (identical sessions), a small anomalous tail of tie groups. */
function tiedScores(): Float64Array {
  const groups: [number, number][] = [
    [0.003, 5058], [0.09, 210], [0.337, 760], [1.03, 195], [1.45, 1], [8.48, 19], [26.3, 50], [33.1, 47], [53.7, 1], [80.6, 1], [321, 1], [1038, 1], [1198, 1],
  ];
  const out: number[] = [];
  for (const [v, n] of groups) for (let i = 0; i < n; i++) out.push(v);
  return Float64Array.from(out);
}

describe('auto threshold', () => {
  it('uses the contamination quantile when the tail is a handful of tied values, and flags the outlying groups', () => {
    const s = tiedScores();
    expect(isTiedTail(s, 0.98)).toBe(true);
    const th = autoThreshold(s);
    expect(th).toBeInstanceOf(QuantileThreshold);
    // SPOT on the same scores flags (almost) nothing: it extrapolates beyond the largest tie groups.
    const spot = SpotThreshold.fit(s, { q: 1e-3, level: 0.98 });
    const flagged = (f: (x: number) => boolean) => s.filter(f).length;
    expect(flagged((x) => spot.isAnomalous(x))).toBeLessThan(10);
    // auto flags every group above the 1.03 tie group (which straddles the 0.97 quantile) and no tied normal bulk.
    expect(flagged((x) => th.isAnomalous(x))).toBe(1 + 19 + 50 + 47 + 5);
    expect(th.isAnomalous(1.03)).toBe(false);
  });

  it('uses SPOT when the tail is continuous', () => {
    const r = rng(3);
    const s = Float64Array.from({ length: 5000 }, () => -Math.log(1 - r()));
    const th = autoThreshold(s);
    expect(th).toBeInstanceOf(SpotThreshold);
    expect(th.threshold).toBeCloseTo(SpotThreshold.fit(s, { q: 1e-3, level: 0.98 }).threshold, 9);
  });

  it('keeps SPOT on a short untied tail (small training set): threshold at the largest training score', () => {
    const s = Float64Array.from({ length: 300 }, (_, i) => i);
    expect(isTiedTail(s, 0.98)).toBe(false);
    expect(autoThreshold(s).threshold).toBe(299);
  });

  it('flags nothing in training when every score is equal', () => {
    const s = new Float64Array(100).fill(2);
    const th = autoThreshold(s);
    expect(s.some((x) => th.isAnomalous(x))).toBe(false);
    expect(th.isAnomalous(2.5)).toBe(true);
  });
});
