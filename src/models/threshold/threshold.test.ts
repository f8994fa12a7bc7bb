import { describe, expect, it } from 'vitest';
import { fitGpd, QuantileThreshold, quantile, SpotThreshold, thresholdFromJSON } from './index.js';
import { rng } from '../../../test/harness/rng.js';


/** Pareto(α) samples: heavy tail, excesses over a high threshold are GPD with γ = 1/α. */
function pareto(n: number, alpha: number, seed: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.pow(1 - r(), -1 / alpha);
  return out;
}

function exponential(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = -Math.log(1 - r());
  return out;
}

function alarmRate(isAnomalous: (s: number) => boolean, xs: Float64Array): number {
  let k = 0;
  for (const x of xs) if (isAnomalous(x)) k++;
  return k / xs.length;
}

describe('quantile threshold', () => {
  it('interpolates like numpy and flags the contamination share', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5);
    expect(quantile([4, 1, 3, 2], 0.25)).toBeCloseTo(1.75);
    const train = exponential(20_000, 1);
    const th = QuantileThreshold.fit(train, 0.05);
    expect(alarmRate((s) => th.isAnomalous(s), train)).toBeCloseTo(0.05, 3);
    const fresh = exponential(20_000, 2);
    expect(Math.abs(alarmRate((s) => th.isAnomalous(s), fresh) - 0.05)).toBeLessThan(0.01);
    const back = thresholdFromJSON(JSON.parse(JSON.stringify(th.toJSON())));
    expect(back.threshold).toBe(th.threshold);
  });

  it('rejects a contamination outside (0, 0.5)', () => {
    expect(() => QuantileThreshold.fit([1, 2, 3], 0)).toThrow(/Contamination/);
  });
});

describe('GPD fit (Grimshaw)', () => {
  it('recovers the tail index of Pareto excesses', () => {
    const xs = pareto(50_000, 2, 3);
    const t = quantile(xs, 0.95);
    const peaks = Array.from(xs).filter((x) => x > t).map((x) => x - t);
    const fit = fitGpd(peaks);
    expect(fit.gamma).toBeGreaterThan(0.35);
    expect(fit.gamma).toBeLessThan(0.65);
  });

  it('finds a near-zero shape for exponential excesses', () => {
    const xs = exponential(50_000, 4);
    const t = quantile(xs, 0.95);
    const fit = fitGpd(Array.from(xs).filter((x) => x > t).map((x) => x - t));
    expect(Math.abs(fit.gamma)).toBeLessThan(0.1);
    expect(fit.sigma).toBeGreaterThan(0.85);
    expect(fit.sigma).toBeLessThan(1.15);
  });
});

describe('SPOT threshold', () => {
  it('keeps the false-alarm rate on fresh heavy-tailed samples near q', () => {
    const q = 1e-3;
    const spot = SpotThreshold.fit(pareto(20_000, 3, 5), { q, level: 0.98 });
    // z_q sits far beyond the calibration quantile it would take to see a rate of q empirically.
    expect(spot.threshold).toBeGreaterThan(spot.t);
    const fresh = pareto(200_000, 3, 6);
    const rate = alarmRate((s) => spot.isAnomalous(s), fresh);
    expect(rate).toBeGreaterThan(q / 2);
    expect(rate).toBeLessThan(q * 2);
  });

  it('updates online: peaks below z_q are learned, anomalies are not', () => {
    const spot = SpotThreshold.fit(exponential(5_000, 7), { q: 1e-3, level: 0.95 });
    const before = spot.shape.peaks;
    const z0 = spot.threshold;
    expect(spot.observe(spot.t + 0.01)).toBe(false);
    expect(spot.shape.peaks).toBe(before + 1);
    expect(spot.threshold).not.toBe(z0);
    expect(spot.observe(spot.threshold * 10)).toBe(true);
    expect(spot.shape.peaks).toBe(before + 1);
    // Online over a long fresh stream the rate stays near q as well.
    const stream = exponential(50_000, 8);
    let k = 0;
    for (const s of stream) if (spot.observe(s)) k++;
    expect(k / stream.length).toBeGreaterThan(0.3e-3);
    expect(k / stream.length).toBeLessThan(3e-3);
  });

  it('flags only beyond the calibration maximum when ties leave too few peaks', () => {
    // 8 distinct values, the top one shared by 5 % of rows: no peak above the 98 % quantile.
    const scores = Array.from({ length: 1_000 }, (_, i) => (i < 950 ? i % 7 : 10));
    const spot = SpotThreshold.fit(scores, { q: 1e-3 });
    expect(spot.t).toBe(10);
    expect(spot.threshold).toBe(10);
    expect(spot.isAnomalous(10)).toBe(false);
    expect(spot.isAnomalous(10.5)).toBe(true);
  });

  it('never puts z_q below the initial threshold t', () => {
    // 2 % of rows above t but q·n/N_t > 1 (q = 0.015 close to 1 − level): z would fall below t.
    const spot = SpotThreshold.fit(exponential(2_000, 11), { q: 0.015, level: 0.98, minPeaks: 5 });
    expect(spot.threshold).toBeGreaterThanOrEqual(spot.t);
  });

  it('round-trips through JSON and rejects an impossible q', () => {
    const spot = SpotThreshold.fit(exponential(2_000, 9), { q: 1e-2, level: 0.9 });
    const back = thresholdFromJSON(JSON.parse(JSON.stringify(spot.toJSON())));
    expect(back.threshold).toBeCloseTo(spot.threshold, 12);
    expect(() => SpotThreshold.fit(exponential(100, 1), { q: 0.2, level: 0.9 })).toThrow(/below/);
  });
});
