/**
 * @module detectors/rate/tail
 * Tail probabilities of a count under a Poisson (variance ≤ mean) or negative-binomial (variance >
 * mean, method of moments) law, and an exponentially weighted mean/variance baseline. Tails are
 * summed from the observed count outwards with the pmf ratio, so the cost is a few terms.
 */

const LANCZOS = [676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let a = 0.9999999999998099;
  const t = x + 7.5;
  for (let i = 0; i < 8; i++) a += LANCZOS[i] / (x + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const MAX_TERMS = 20_000;

/** Negative-binomial size r for mean and variance, or Infinity (Poisson) when not overdispersed. */
function sizeOf(mean: number, variance: number): number {
  return variance > mean * 1.0001 ? (mean * mean) / (variance - mean) : Infinity;
}

/** ln Γ(1), as `lgamma` computes it (not exactly 0): the k = 0 terms below round as the general ones. */
const LGAMMA_1 = lgamma(1);

function logPmf(k: number, mean: number, r: number): number {
  if (!Number.isFinite(r)) return k * Math.log(mean) - mean - (k === 0 ? LGAMMA_1 : lgamma(k + 1));
  const p = r / (r + mean);
  if (k === 0) {
    // P(X = 0), asked once per empty interval (silence): the same expression with one ln Γ, not three.
    const g = lgamma(r);
    return g - g - LGAMMA_1 + r * Math.log(p) + k * Math.log(1 - p);
  }
  return lgamma(k + r) - lgamma(r) - lgamma(k + 1) + r * Math.log(p) + k * Math.log(1 - p);
}

/** P(X ≥ c). Returns 1 when c is not above the mean (not a spike). */
export function upperTail(c: number, mean: number, variance: number): number {
  if (!(c > mean)) return 1;
  if (!(mean > 0)) return 0;
  const r = sizeOf(mean, variance);
  const q = Number.isFinite(r) ? 1 - r / (r + mean) : 0;
  let term = Math.exp(logPmf(c, mean, r));
  let sum = 0;
  for (let k = c, i = 0; i < MAX_TERMS && term > 0; k++, i++) {
    sum += term;
    if (term < sum * 1e-12) break;
    term *= Number.isFinite(r) ? ((k + r) / (k + 1)) * q : mean / (k + 1);
  }
  return Math.min(1, sum);
}

/** P(X ≤ c). Returns 1 when c is not below the mean (not a drop). */
export function lowerTail(c: number, mean: number, variance: number): number {
  if (!(c < mean)) return 1;
  const r = sizeOf(mean, variance);
  const q = Number.isFinite(r) ? 1 - r / (r + mean) : 0;
  let term = Math.exp(logPmf(c, mean, r));
  let sum = 0;
  for (let k = c; k >= 0; k--) {
    sum += term;
    if (term < sum * 1e-12 || c - k > MAX_TERMS) break;
    // pmf(k-1) / pmf(k)
    term *= Number.isFinite(r) ? k / ((k - 1 + r) * q) : k / mean;
  }
  return Math.min(1, sum);
}

/** EWMA mean and variance of counts per interval ([mean, var, n, anomalous streak]). */
export class Baseline {
  constructor(
    public mean = 0,
    public variance = 0,
    /** Intervals learned. */
    public n = 0,
    /** Consecutive anomalous intervals (not learned until `relearn`). */
    public streak = 0,
  ) {}

  learn(c: number, alpha: number): void {
    const a = Math.max(alpha, 1 / (this.n + 1));
    const d = c - this.mean;
    this.mean += a * d;
    this.variance = (1 - a) * (this.variance + a * d * d);
    this.n++;
  }

  /**
   * `k` empty intervals at once: `learn(0, alpha)` k times, so a long gap costs about the same as
   * one interval. While the series is young (weight 1/(n+1) above alpha: its first 1/alpha
   * intervals, once in its life) step by step, exactly as `learn`: those are plain means of a few
   * small counts, where a closed form's rounding could move a value across a threshold that it sits
   * on exactly. Then, with β = 1 − alpha, the mean decays to β^k·m and the variance to
   * β^k·(v + m²·(1 − β^k)) — equal to the steps within rounding.
   */
  learnZeros(k: number, alpha: number): void {
    for (; k > 0 && 1 / (this.n + 1) > alpha; k--) this.learn(0, alpha);
    if (!(k > 0)) return;
    const b = Math.pow(1 - alpha, k);
    this.variance = decayedVariance(this.mean, this.variance, b);
    this.mean *= b;
    this.n += k;
  }

  /** Variance used by the tests: at least Poisson. */
  get spread(): number {
    return Math.max(this.variance, this.mean);
  }

  toArray(): number[] {
    return [this.mean, this.variance, this.n, this.streak];
  }

  static from(a: unknown): Baseline {
    const v = Array.isArray(a) ? a.map(Number) : [];
    const f = (x: number | undefined) => (Number.isFinite(x) ? (x as number) : 0);
    return new Baseline(f(v[0]), f(v[1]), f(v[2]), f(v[3]));
  }
}

/**
 * The variance of an EWMA (mean m, variance v) after zeros learned at a constant weight a, where
 * b = (1 − a)^k for k of them: b·(v + m²·(1 − b)). (The mean is b·m.)
 */
export function decayedVariance(m: number, v: number, b: number): number {
  return b * (v + m * m * (1 - b));
}
