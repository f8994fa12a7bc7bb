/**
 * @module models/ensemble/ensemble
 * Rank-averaged ensemble. Each member's score is turned into its rank within that member's own
 * training-score distribution (mid-rank for ties, so a score equal to the bulk of training scores
 * gets the middle of their range), and the ensemble score is the mean rank. Because ranks are
 * relative to stored training scores, a single row can be scored. Above the largest training score
 * the rank goes on in (1, 2): 1 + tanh(excess / spread), spread = max − median of the training
 * scores. A score beyond everything seen in training thus outranks any training-like score by a
 * margin that grows with its distance; without it, heavily tied score distributions (HDFS) let a
 * member that cannot see an anomaly drown the members that see it far outside their range.
 * The reference distribution is kept as at most `maxReference` evenly spaced order statistics.
 */
import { AnomalogError } from '../../core/errors.js';
import type { FeatureContribution, Matrix, Model, ModelArtifact } from '../../core/model.js';

export const ENSEMBLE_KIND = 'ensemble';
export const ENSEMBLE_VERSION = 1;

export interface EnsembleParams {
  members: ModelArtifact[];
  /** Sorted reference training scores per member. */
  reference: number[][];
  weights: number[];
}

export interface EnsembleOptions {
  maxReference: number;
  /** Relative weight of each member (default: equal). */
  weights?: number[];
}

/** Mid-rank of `s` in sorted `ref`, in [0, 1], extended smoothly above the maximum. */
export function midRank(ref: Float64Array, s: number): number {
  const n = ref.length;
  if (n === 0) return 0.5;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (ref[m] < s) lo = m + 1;
    else hi = m;
  }
  const below = lo;
  let le = below;
  hi = n;
  while (le < hi) {
    const m = (le + hi) >>> 1;
    if (ref[m] <= s) le = m + 1;
    else hi = m;
  }
  const r = (below + le) / (2 * n);
  if (s > ref[n - 1]) {
    const spread = ref[n - 1] - ref[Math.floor(n / 2)] || Math.abs(ref[n - 1]) || 1;
    return 1 + Math.tanh((s - ref[n - 1]) / spread);
  }
  return r;
}

function subsampleSorted(scores: Float64Array, max: number): Float64Array {
  const sorted = Float64Array.from(scores).sort();
  if (sorted.length <= max) return sorted;
  const out = new Float64Array(max);
  for (let i = 0; i < max; i++) out[i] = sorted[Math.round((i * (sorted.length - 1)) / (max - 1))];
  return out;
}

export class Ensemble implements Model {
  readonly kind = ENSEMBLE_KIND;
  private reference: Float64Array[] = [];
  private readonly weights: Float64Array;

  constructor(
    readonly members: Model[],
    private readonly options: EnsembleOptions = { maxReference: 4096 },
  ) {
    if (members.length === 0) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'An ensemble needs at least one member.');
    const w = options.weights ?? members.map(() => 1);
    if (w.length !== members.length || w.some((x) => !(x >= 0)) || w.every((x) => x === 0)) {
      throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'Ensemble weights must be non-negative, one per member, not all zero.');
    }
    const sum = w.reduce((a, b) => a + b, 0);
    this.weights = Float64Array.from(w, (x) => x / sum);
  }

  /** Restores an ensemble; `restore` turns each member artifact back into a model. */
  static fromJSON(a: ModelArtifact, restore: (m: ModelArtifact) => Model): Ensemble {
    if (!a || a.kind !== ENSEMBLE_KIND) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'Not an ensemble artifact.');
    if (a.version !== ENSEMBLE_VERSION) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `Ensemble artifact version ${a.version} is not supported (expected ${ENSEMBLE_VERSION}).`);
    }
    const p = a.params as EnsembleParams;
    if (!Array.isArray(p?.members) || !Array.isArray(p.reference) || p.reference.length !== p.members.length) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'The ensemble artifact is malformed.');
    }
    const e = new Ensemble(p.members.map(restore), { maxReference: 4096, weights: p.weights });
    e.reference = p.reference.map((r) => Float64Array.from(r));
    return e;
  }

  fit(X: Matrix): void {
    this.reference = this.members.map((m) => {
      m.fit(X);
      return subsampleSorted(m.score(X), this.options.maxReference);
    });
  }

  /**
   * The ensemble's own threshold: the weighted mean of the ranks of the members' own thresholds
   * (PCA Q-statistic, IF 0.5, OCSVM 0, …) within their training scores; NaN when a member has none.
   */
  get threshold(): number {
    if (this.reference.length !== this.members.length) return Number.NaN;
    let t = 0;
    for (let k = 0; k < this.members.length; k++) {
      const own = (this.members[k] as { threshold?: unknown }).threshold;
      if (typeof own !== 'number' || !Number.isFinite(own)) return Number.NaN;
      t += this.weights[k] * midRank(this.reference[k], own);
    }
    return t;
  }

  /** Scores of every member (rows × members), before ranking. */
  memberScores(X: Matrix): Float64Array[] {
    return this.members.map((m) => m.score(X));
  }

  score(X: Matrix): Float64Array {
    if (this.reference.length !== this.members.length) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'The ensemble is not fitted.');
    const out = new Float64Array(X.rows);
    const per = this.memberScores(X);
    for (let k = 0; k < per.length; k++) {
      const ref = this.reference[k];
      const s = per[k];
      const w = this.weights[k];
      for (let i = 0; i < X.rows; i++) out[i] += w * midRank(ref, s[i]);
    }
    return out;
  }

  /** Members' contributions, each normalised to sum 1 in magnitude, weighted and merged by feature. */
  explain(x: Float64Array): FeatureContribution[] {
    const merged = new Map<number, FeatureContribution>();
    for (let k = 0; k < this.members.length; k++) {
      const parts = this.members[k].explain(x);
      let total = 0;
      for (const p of parts) total += Math.abs(p.contribution);
      if (total === 0) continue;
      for (const p of parts) {
        const c = (this.weights[k] * p.contribution) / total;
        const cur = merged.get(p.index);
        if (cur) cur.contribution += c;
        else merged.set(p.index, { index: p.index, contribution: c, observed: p.observed, expected: p.expected });
      }
    }
    return [...merged.values()].sort((a, b) => b.contribution - a.contribution || a.index - b.index);
  }

  toJSON(): ModelArtifact<EnsembleParams> {
    return {
      kind: ENSEMBLE_KIND,
      version: ENSEMBLE_VERSION,
      params: {
        members: this.members.map((m) => m.toJSON()),
        reference: this.reference.map((r) => Array.from(r)),
        weights: Array.from(this.weights),
      },
    };
  }
}
