/**
 * @module core/model
 * The scoring seam: models fit on unlabeled vectors and score them (higher = more anomalous).
 */

/** Dense row-major matrix over a Float64Array. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export interface FeatureContribution {
  /** Column index in the feature vector. */
  index: number;
  /** Share of the score attributed to this feature (same sign convention as the score). */
  contribution: number;
  observed: number;
  expected: number;
}

export interface ModelArtifact<P = unknown> {
  kind: string;
  version: number;
  params: P;
}

export interface Model {
  readonly kind: string;
  fit(X: Matrix): void;
  /** One score per row; higher = more anomalous. */
  score(X: Matrix): Float64Array;
  /** Per-feature contributions to the score of one row, most contributing first. */
  explain(x: Float64Array): FeatureContribution[];
  toJSON(): ModelArtifact;
}
