/**
 * @module models/threshold/auto
 * The default label-free rule, `auto`: SPOT where the training scores have a continuous upper tail,
 * the contamination quantile where they do not.
 *
 * SPOT (spot.ts) extrapolates a Generalized Pareto tail fitted to the excesses over the `level`
 * quantile. That needs a tail with many *distinct* values. On sessions (HDFS block sessions, any
 * request-shaped data) thousands of sessions share one event sequence, so the scores form a few tie
 * groups: 6,352 HDFS training sessions score only 15 distinct values under every model, and the tail
 * above the 0.98 quantile holds 82–122 scores but only 6–10 distinct values. A GPD (a continuous law)
 * fitted to a handful of repeated values extrapolates beyond the largest one and flags nothing (1 of
 * 1,588 test sessions, the failure of issue 14). When the tail is *tied* — fewer distinct values
 * at or above the SPOT level than half the number of scores there (most repeat another one; the
 * group the level falls in counts, so a tie group holding the whole top of the data is tied too) —
 * `auto` uses the contamination quantile instead; its strict `>` decides a tie group as a whole (a
 * group straddling the quantile stays normal), so at most `contamination` of the training data is
 * flagged. A short but untied tail (small training sets) stays with SPOT, whose own minimum of peaks
 * then puts the threshold at the largest training score.
 *
 * @example
 * const t = autoThreshold(trainScores); // a SpotThreshold or a QuantileThreshold
 * t.isAnomalous(score);
 */
import { QuantileThreshold, quantile } from './quantile.js';
import { SpotThreshold } from './spot.js';

export interface AutoThresholdOptions {
  /** SPOT false-alarm risk, for continuous tails. */
  q: number;
  /** SPOT initial level. */
  level: number;
  /** Contamination quantile, for discrete (tied) tails. */
  contamination: number;
}

/**
 * q and level are SPOT's paper defaults (Siffer et al. 2017); contamination 0.03 is the rule's existing
 * default (about the anomaly share of HDFS_v1, 2.9 %). None was tuned on test labels.
 */
export const DEFAULT_AUTO_OPTIONS: AutoThresholdOptions = { q: 1e-3, level: 0.98, contamination: 0.03 };

/** Scores at or above the `level` quantile, and how many distinct values they take. */
export function tailShape(scores: ArrayLike<number>, level: number): { peaks: number; distinct: number } {
  const t = quantile(scores, level);
  const seen = new Set<number>();
  let peaks = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] >= t) {
      peaks++;
      seen.add(scores[i]);
    }
  }
  return { peaks, distinct: seen.size };
}

/** Most scores at or above the SPOT level repeat another one's value. */
export function isTiedTail(scores: ArrayLike<number>, level: number): boolean {
  const { peaks, distinct } = tailShape(scores, level);
  return 2 * distinct < peaks;
}

/** SPOT on a continuous tail, the contamination quantile on a tied one. */
export function autoThreshold(scores: ArrayLike<number>, opts: Partial<AutoThresholdOptions> = {}): SpotThreshold | QuantileThreshold {
  const o = { ...DEFAULT_AUTO_OPTIONS, ...opts };
  if (isTiedTail(scores, o.level)) return QuantileThreshold.fit(scores, o.contamination);
  return SpotThreshold.fit(scores, { q: o.q, level: o.level });
}
