/**
 * @module models/threshold/quantile
 * Contamination threshold: the (1 − contamination) quantile of the training scores.
 * With contamination 0.03, about 3 % of training sessions are flagged.
 */
import { AnomalogError } from '../../core/errors.js';

export interface QuantileThresholdJSON {
  kind: 'quantile';
  version: 1;
  contamination: number;
  threshold: number;
}

/** Linear-interpolated quantile (numpy's default) of unsorted values; `p` in [0, 1]. */
export function quantile(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (n === 0) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'Cannot take a quantile of zero scores.');
  const s = Float64Array.from(values).sort();
  const pos = Math.min(Math.max(p, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export class QuantileThreshold {
  readonly kind = 'quantile';
  private constructor(
    readonly contamination: number,
    readonly threshold: number,
  ) {}

  /** @example QuantileThreshold.fit(model.score(Xtrain), 0.03).isAnomalous(s) */
  static fit(scores: ArrayLike<number>, contamination: number): QuantileThreshold {
    if (!(contamination > 0 && contamination < 0.5)) {
      throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `Contamination ${contamination} must be in (0, 0.5).`);
    }
    return new QuantileThreshold(contamination, quantile(scores, 1 - contamination));
  }

  static fromJSON(j: QuantileThresholdJSON): QuantileThreshold {
    if (j.version !== 1) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `Quantile threshold version ${j.version} is not supported.`);
    return new QuantileThreshold(j.contamination, j.threshold);
  }

  /** Strictly above the threshold: ties with the bulk of training scores stay normal. */
  isAnomalous(score: number): boolean {
    return score > this.threshold;
  }

  /** The quantile threshold is fixed; it does not learn online. */
  observe(score: number): boolean {
    return this.isAnomalous(score);
  }

  toJSON(): QuantileThresholdJSON {
    return { kind: 'quantile', version: 1, contamination: this.contamination, threshold: this.threshold };
  }
}

export interface FixedThresholdJSON {
  kind: 'fixed';
  version: 1;
  threshold: number;
  /** Where the value comes from, e.g. "pca q-statistic" or "isolation forest 0.5". */
  origin: string;
}

/** A threshold the model itself provides (PCA's Q-statistic, Isolation Forest's 0.5, OCSVM's 0). */
export class FixedThreshold {
  readonly kind = 'fixed';
  constructor(
    readonly threshold: number,
    readonly origin: string,
  ) {
    if (!Number.isFinite(threshold)) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `The ${origin} threshold is not a finite number.`);
  }

  static fromJSON(j: FixedThresholdJSON): FixedThreshold {
    if (j.version !== 1) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `Fixed threshold version ${j.version} is not supported.`);
    return new FixedThreshold(j.threshold, j.origin);
  }

  isAnomalous(score: number): boolean {
    return score > this.threshold;
  }

  observe(score: number): boolean {
    return this.isAnomalous(score);
  }

  toJSON(): FixedThresholdJSON {
    return { kind: 'fixed', version: 1, threshold: this.threshold, origin: this.origin };
  }
}
