/**
 * @module demo/random
 * The demo's seeded randomness: the models' mulberry32 `Rng` (one PRNG in the project) plus the
 * draws a log generator needs — Poisson counts, weighted picks, bounded normals and triangular
 * values, hex ids. The same
 * seed gives the same lines on every platform.
 * @example
 * const r = new DemoRandom(42);
 * r.poisson(3.5); r.pick(['GET', 'POST']); r.around(40, 16);
 */
import { Rng } from '../models/random.js';

export class DemoRandom {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.rng.float();
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + this.rng.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.rng.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.rng.int(items.length)];
  }

  /** Index drawn with probability proportional to `weights[i]` (`total` = their sum). */
  weighted(weights: readonly number[], total: number): number {
    let u = this.rng.float() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** Normal(mean, sd) cut to [lo, hi]: bounded, so normal traffic never looks like an outlier. */
  clampedNormal(mean: number, sd: number, lo: number, hi: number): number {
    const v = mean + sd * this.rng.normal();
    return v < lo ? lo : v > hi ? hi : v;
  }

  /** Triangular around `mid` within ± `half`: bounded, no mass piled on the bounds, light tails. */
  around(mid: number, half: number): number {
    return mid + half * (this.rng.float() + this.rng.float() - 1);
  }

  /** Poisson count with mean `lambda` (Knuth below 30, a rounded normal above). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.rng.normal()));
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    for (;;) {
      p *= this.rng.float();
      if (p <= l) return k;
      k++;
    }
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.rng.int(16)];
    return s;
  }
}
