/**
 * @module models/threshold/gpd
 * Maximum-likelihood fit of a Generalized Pareto Distribution to peaks (excesses over a
 * threshold) with Grimshaw's trick, as in SPOT (Siffer et al., KDD 2017, §3.3): the MLE reduces
 * to the roots of u(x)·v(x) = 1 with u(x) = mean(1/(1 + x·Y)), v(x) = 1 + mean(log(1 + x·Y));
 * for each root γ = v(x) − 1, σ = γ / x. The exponential case (γ = 0, σ = mean) is always a
 * candidate; the candidate with the highest log-likelihood wins.
 */

export interface GpdFit {
  gamma: number;
  sigma: number;
  logLikelihood: number;
}

const EPS = 1e-8;
const GRID = 64;

export function gpdLogLikelihood(peaks: ArrayLike<number>, gamma: number, sigma: number): number {
  const n = peaks.length;
  if (sigma <= 0) return -Infinity;
  if (Math.abs(gamma) < 1e-12) {
    let s = 0;
    for (let i = 0; i < n; i++) s += peaks[i];
    return -n * Math.log(sigma) - s / sigma;
  }
  let s = 0;
  for (let i = 0; i < n; i++) {
    const z = 1 + (gamma / sigma) * peaks[i];
    if (z <= 0) return -Infinity;
    s += Math.log(z);
  }
  return -n * Math.log(sigma) - (1 + 1 / gamma) * s;
}

function uv(peaks: ArrayLike<number>, x: number): number {
  let u = 0;
  let v = 0;
  for (let i = 0; i < peaks.length; i++) {
    const z = 1 + x * peaks[i];
    u += 1 / z;
    v += Math.log(z);
  }
  const n = peaks.length;
  return (u / n) * (1 + v / n) - 1;
}

/** Geometric grid between two magnitudes (same sign), dense near zero where roots often sit. */
function grid(from: number, to: number): number[] {
  const sign = Math.sign(to) || 1;
  const lo = Math.abs(from);
  const hi = Math.abs(to);
  const pts: number[] = [];
  for (let k = 0; k <= GRID; k++) pts.push(sign * lo * Math.pow(hi / lo, k / GRID));
  return pts;
}

/** Roots of uv(x) along grid points: sign changes refined by bisection. */
function roots(peaks: ArrayLike<number>, pts: number[]): number[] {
  const out: number[] = [];
  let xa = pts[0];
  let fa = uv(peaks, xa);
  for (let k = 1; k < pts.length; k++) {
    const xb = pts[k];
    const fb = uv(peaks, xb);
    if (Number.isFinite(fa) && Number.isFinite(fb) && fa * fb <= 0) {
      let lo = xa;
      let hi = xb;
      let flo = fa;
      for (let it = 0; it < 60; it++) {
        const mid = (lo + hi) / 2;
        const fm = uv(peaks, mid);
        if (flo * fm <= 0) hi = mid;
        else {
          lo = mid;
          flo = fm;
        }
      }
      const r = (lo + hi) / 2;
      if (r !== 0) out.push(r);
    }
    xa = xb;
    fa = fb;
  }
  return out;
}

/** GPD fit of positive excesses. Needs at least one peak. */
export function fitGpd(peaks: ArrayLike<number>): GpdFit {
  const n = peaks.length;
  let mean = 0;
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < n; i++) {
    mean += peaks[i];
    if (peaks[i] < min) min = peaks[i];
    if (peaks[i] > max) max = peaks[i];
  }
  mean /= Math.max(1, n);
  const expo: GpdFit = { gamma: 0, sigma: Math.max(mean, EPS), logLikelihood: gpdLogLikelihood(peaks, 0, Math.max(mean, EPS)) };
  if (n < 3 || max <= 0) return expo;
  let best = expo;
  const minPos = Math.max(min, EPS * Math.max(1, max));
  const negEnd = -1 / max + EPS / max;
  const posEnd = Math.max((2 * (mean - minPos)) / (minPos * minPos), 1e-6 / max);
  const candidates = [...roots(peaks, grid(-1e-6 / max, negEnd)), ...roots(peaks, grid(1e-6 / max, posEnd))];
  for (const x of candidates) {
    let v = 0;
    for (let i = 0; i < n; i++) v += Math.log(1 + x * peaks[i]);
    const gamma = v / n;
    const sigma = gamma / x;
    const ll = gpdLogLikelihood(peaks, gamma, sigma);
    if (sigma > 0 && ll > best.logLikelihood) best = { gamma, sigma, logLikelihood: ll };
  }
  return best;
}
