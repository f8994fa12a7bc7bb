/**
 * @module models/threshold/spot
 * SPOT (Siffer et al., "Anomaly Detection in Streams with Extreme Value Theory", KDD 2017):
 * peaks-over-threshold. An initial threshold t is the `level` quantile of the calibration scores;
 * the excesses over t are fitted with a GPD (Grimshaw's MLE, see gpd.ts); the decision threshold
 * for a false-alarm risk q is z_q = t + σ/γ·((q·n/N_t)^(−γ) − 1) (or t − σ·ln(q·n/N_t) when γ = 0).
 * `observe(score)` updates online: a score above z_q is an anomaly and is not learned; one in
 * (t, z_q] becomes a new peak and the GPD is refitted. Peaks are capped (oldest dropped).
 *
 * @example
 * const spot = SpotThreshold.fit(trainScores, { q: 1e-3 });
 * const flagged = spot.observe(score);
 */
import { AnomalogError } from '../../core/errors.js';
import { fitGpd } from './gpd.js';
import { quantile } from './quantile.js';

export interface SpotOptions {
  /** Target false-alarm risk per observation. */
  q: number;
  /** Quantile of the calibration scores used as the initial threshold t. */
  level: number;
  /** Cap on stored peaks (bounded state). */
  maxPeaks: number;
  /**
   * Fewer peaks than this (heavily tied or tiny calibration sets) leave no tail to extrapolate:
   * z_q is then the largest calibration score, i.e. only scores beyond everything seen are flagged.
   */
  minPeaks: number;
}

export const DEFAULT_SPOT_OPTIONS: SpotOptions = { q: 1e-3, level: 0.98, maxPeaks: 5000, minPeaks: 10 };

export interface SpotThresholdJSON {
  kind: 'spot';
  version: 1;
  options: SpotOptions;
  t: number;
  n: number;
  peaks: number[];
  gamma: number;
  sigma: number;
  z: number;
}

export class SpotThreshold {
  readonly kind = 'spot';
  private gamma = 0;
  private sigma = 0;
  private z = Infinity;
  /** Peaks added since the last GPD fit (refits are batched, see `observe`). */
  private pending = 0;

  private constructor(
    readonly options: SpotOptions,
    /** Initial (peak) threshold. */
    readonly t: number,
    private n: number,
    private peaks: number[],
  ) {}

  static fit(scores: ArrayLike<number>, opts: Partial<SpotOptions> = {}): SpotThreshold {
    const options = { ...DEFAULT_SPOT_OPTIONS, ...opts };
    if (!(options.q > 0 && options.q < 1) || !(options.level > 0 && options.level < 1)) {
      throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'SPOT needs 0 < q < 1 and 0 < level < 1.');
    }
    if (options.q >= 1 - options.level) {
      throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `SPOT risk q=${options.q} must be below 1 − level (${1 - options.level}).`, {
        hint: 'Lower q or the initial level.',
      });
    }
    const t = quantile(scores, options.level);
    const peaks: number[] = [];
    for (let i = 0; i < scores.length; i++) if (scores[i] > t) peaks.push(scores[i] - t);
    const s = new SpotThreshold(options, t, scores.length, peaks.slice(-options.maxPeaks));
    s.refit();
    return s;
  }

  static fromJSON(j: SpotThresholdJSON): SpotThreshold {
    if (j.version !== 1) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `SPOT threshold version ${j.version} is not supported.`);
    const s = new SpotThreshold({ ...DEFAULT_SPOT_OPTIONS, ...j.options }, j.t, j.n, [...j.peaks]);
    s.gamma = j.gamma;
    s.sigma = j.sigma;
    s.z = j.z ?? Infinity;
    return s;
  }

  /** The current decision threshold z_q. */
  get threshold(): number {
    return this.z;
  }

  get shape(): { gamma: number; sigma: number; peaks: number; n: number } {
    return { gamma: this.gamma, sigma: this.sigma, peaks: this.peaks.length, n: this.n };
  }

  isAnomalous(score: number): boolean {
    return score > this.z;
  }

  /** Decides on one score and updates the model with it unless it is an anomaly. */
  observe(score: number): boolean {
    if (score > this.z) return true;
    this.n++;
    if (score > this.t) {
      this.peaks.push(score - this.t);
      if (this.peaks.length > this.options.maxPeaks) {
        this.peaks.shift();
        // Keep the peak ratio N_t/n as if the dropped peak's share of observations went with it.
        this.n = Math.max(this.peaks.length, this.n * (this.options.maxPeaks / (this.options.maxPeaks + 1)));
      }
      // Refitting the GPD costs O(N_t); do it once every ~1 % new peaks (at least every peak while
      // N_t < 100). z_q itself is recomputed with the current n and N_t on every observation.
      if (++this.pending >= Math.max(1, Math.floor(this.peaks.length / 100))) this.refit();
      else this.updateZ();
    } else this.updateZ();
    return false;
  }

  toJSON(): SpotThresholdJSON {
    return {
      kind: 'spot',
      version: 1,
      options: { ...this.options },
      t: this.t,
      n: this.n,
      peaks: [...this.peaks],
      gamma: this.gamma,
      sigma: this.sigma,
      z: Number.isFinite(this.z) ? this.z : Number.MAX_VALUE,
    };
  }

  private refit(): void {
    if (this.peaks.length < this.options.minPeaks) {
      this.gamma = 0;
      this.sigma = 0;
      this.pending = 0;
      this.updateZ();
      return;
    }
    const fit = fitGpd(this.peaks);
    this.gamma = fit.gamma;
    this.sigma = fit.sigma;
    this.pending = 0;
    this.updateZ();
  }

  private updateZ(): void {
    const nt = this.peaks.length;
    if (nt < this.options.minPeaks) {
      let max = 0;
      for (const p of this.peaks) if (p > max) max = p;
      this.z = this.t + max;
      return;
    }
    const r = (this.options.q * this.n) / nt;
    const { gamma, sigma } = this;
    const z = Math.abs(gamma) < 1e-12 ? this.t - sigma * Math.log(r) : this.t + (sigma / gamma) * (Math.pow(r, -gamma) - 1);
    // r ≥ 1 means the tail above t is already rarer than q; the GPD says nothing below t.
    this.z = Math.max(z, this.t);
  }
}
