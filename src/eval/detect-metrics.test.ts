import { describe, expect, it } from 'vitest';
import { confusion, detectionMetrics, prf, rocAuc } from './detect-metrics.js';

describe('detection metrics', () => {
  it('computes precision, recall and F1 of a small case worked by hand', () => {
    // labels:    1 1 1 0 0 0 0
    // predicted: 1 1 0 1 0 0 0  → tp 2, fn 1, fp 1, tn 3
    const c = confusion([1, 1, 1, 0, 0, 0, 0], [1, 1, 0, 1, 0, 0, 0]);
    expect(c).toEqual({ tp: 2, fp: 1, tn: 3, fn: 1 });
    const m = prf(c);
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.recall).toBeCloseTo(2 / 3);
    expect(m.f1).toBeCloseTo(2 / 3);
  });

  it('skips rows with an unknown label and returns 0 on empty denominators', () => {
    expect(confusion([1, -1, 0], [true, true, false])).toEqual({ tp: 1, fp: 0, tn: 1, fn: 0 });
    expect(prf({ tp: 0, fp: 0, tn: 5, fn: 2 })).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('computes ROC-AUC with ties counted one half', () => {
    // Pairs (pos, neg): pos scores 0.9, 0.5; neg scores 0.5, 0.1.
    // (0.9>0.5)=1, (0.9>0.1)=1, (0.5=0.5)=0.5, (0.5>0.1)=1 → 3.5 / 4.
    expect(rocAuc([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1])).toBeCloseTo(0.875);
    expect(rocAuc([1, 0, 1, 0], [1, 1, 1, 1])).toBeCloseTo(0.5);
    expect(rocAuc([0, 0, 1], [3, 2, 1])).toBeCloseTo(0);
    expect(Number.isNaN(rocAuc([0, 0], [1, 2]))).toBe(true);
  });

  it('bundles everything', () => {
    const m = detectionMetrics([1, 0, 0, 1], [0.8, 0.1, 0.4, 0.3], [1, 0, 0, 0]);
    expect(m.tp).toBe(1);
    expect(m.recall).toBeCloseTo(0.5);
    expect(m.rocAuc).toBeCloseTo(0.75);
  });
});
