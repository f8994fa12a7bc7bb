/**
 * @module models/definition
 * What a model folder exports for the registry (`models/registry.ts`): its kind, how to create an
 * unfitted model from its options, and how to load a fitted one from its artifact.
 */
import type { Model } from '../core/model.js';
import type { TrainingStats } from './artifact.js';
import type { SvmEngine } from './one-class-svm/libsvm.js';

/** A fitted or fittable scoring model with its own decision threshold. */
export interface ScoringModel extends Model {
  /** The model's own threshold on score(): above it the row is anomalous. */
  readonly threshold: number;
  /** Statistics of the scores of the rows the model was fitted on (null before fit). */
  readonly trainingStats: TrainingStats | null;
}

/** Optional collaborators: a preloaded libsvm engine (e.g. `await loadLibsvmWasm()`) for 'ocsvm'. */
export interface ModelDeps {
  svmEngine?: SvmEngine;
}

/** One model kind, as its folder's `index.ts` exports it (`definition`). */
export interface ModelDefinition<K extends string, O, M extends ScoringModel> {
  readonly kind: K;
  /**
   * What the model reads: `features` (the default: scaled feature vectors) or `counts` (raw
   * non-negative integer template counts, one column per template, nothing scaled: the batch
   * detector feeds those, and lists that mix kinds — the ensemble's members, the serve model
   * detector's choices — leave it out).
   */
  readonly input?: 'features' | 'counts';
  /** An unfitted model; options are validated by the model's strict schema. */
  create(options: O | undefined, deps: ModelDeps): M;
  /** A fitted model from its artifact (`toJSON()`); rejects malformed or newer artifacts. */
  fromJSON(artifact: unknown): M;
}
