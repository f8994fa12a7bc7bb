/**
 * @module models
 * The four unsupervised scoring models and the one explicit map that creates or loads them by
 * `kind`: 'if' (Isolation Forest), 'pca' (PCA residual), 'ae' (autoencoder), 'ocsvm' (One-Class SVM).
 * Every model scores higher = more anomalous, exposes its own `threshold` and its training-score
 * statistics, and serialises to a versioned artifact `{ kind, version, params }`.
 * @example
 * const model = createModel('if', { n_trees: 100, seed: 1 });
 * model.fit(X);
 * const json = JSON.stringify(model.toJSON());
 * const again = modelFromJSON(JSON.parse(json)); // same scores
 */
import { AnomalogError } from '../core/errors.js';
import type { Model } from '../core/model.js';
import type { TrainingStats } from './artifact.js';
import { Autoencoder, autoencoderFromJSON } from './autoencoder/index.js';
import type { AutoencoderOptions } from './autoencoder/index.js';
import { IsolationForest, isolationForestFromJSON } from './isolation-forest/index.js';
import type { IsolationForestOptions } from './isolation-forest/index.js';
import { OneClassSvm, oneClassSvmFromJSON } from './one-class-svm/index.js';
import type { OneClassSvmOptions, SvmEngine } from './one-class-svm/index.js';
import { Pca, pcaFromJSON } from './pca/index.js';
import type { PcaOptions } from './pca/index.js';

export * from './isolation-forest/index.js';
export * from './pca/index.js';
export * from './one-class-svm/index.js';
export * from './autoencoder/index.js';
export { Rng } from './random.js';
export { matrixFromRows, quantileSorted, trainingStats } from './artifact.js';
export type { TrainingStats } from './artifact.js';

/** A fitted or fittable scoring model with its own decision threshold. */
export interface ScoringModel extends Model {
  /** The model's own threshold on score(): above it the row is anomalous. */
  readonly threshold: number;
  /** Statistics of the scores of the rows the model was fitted on (null before fit). */
  readonly trainingStats: TrainingStats | null;
}

export type ModelKind = 'if' | 'pca' | 'ae' | 'ocsvm';

export interface ModelOptionsByKind {
  if: IsolationForestOptions;
  pca: PcaOptions;
  ae: AutoencoderOptions;
  ocsvm: OneClassSvmOptions;
}

export interface ModelByKind {
  if: IsolationForest;
  pca: Pca;
  ae: Autoencoder;
  ocsvm: OneClassSvm;
}

/** Optional collaborators: a preloaded libsvm engine (e.g. `await loadLibsvmWasm()`) for 'ocsvm'. */
export interface ModelDeps {
  svmEngine?: SvmEngine;
}

interface ModelEntry<K extends ModelKind> {
  create(options: ModelOptionsByKind[K] | undefined, deps: ModelDeps): ModelByKind[K];
  fromJSON(artifact: unknown): ModelByKind[K];
}

/** The one explicit kind → implementation map. */
const MODELS: { readonly [K in ModelKind]: ModelEntry<K> } = Object.freeze({
  if: { create: (o) => new IsolationForest(o), fromJSON: isolationForestFromJSON },
  pca: { create: (o) => new Pca(o), fromJSON: pcaFromJSON },
  ae: { create: (o) => new Autoencoder(o), fromJSON: autoencoderFromJSON },
  ocsvm: { create: (o, deps) => new OneClassSvm(o, deps.svmEngine), fromJSON: oneClassSvmFromJSON },
});

export const MODEL_KINDS: readonly ModelKind[] = Object.freeze(['if', 'pca', 'ae', 'ocsvm']);

export function isModelKind(kind: unknown): kind is ModelKind {
  return typeof kind === 'string' && (MODEL_KINDS as readonly string[]).includes(kind);
}

/**
 * Creates an unfitted model of `kind`; options are validated by the model's strict schema.
 * @throws AnomalogError ANOMALOG_ERR_CONFIG_INVALID for an unknown kind or bad options.
 */
export function createModel<K extends ModelKind>(kind: K, options?: ModelOptionsByKind[K], deps: ModelDeps = {}): ModelByKind[K] {
  if (!isModelKind(kind)) {
    throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `Unknown model kind ${JSON.stringify(kind)}.`, {
      hint: `Use one of ${MODEL_KINDS.join(', ')}.`,
    });
  }
  return (MODELS[kind] as ModelEntry<K>).create(options, deps);
}

/**
 * Loads a fitted model from its artifact, dispatching on `artifact.kind`.
 * @throws AnomalogError ANOMALOG_ERR_SNAPSHOT_INVALID (malformed or unknown kind) or ANOMALOG_ERR_SNAPSHOT_VERSION.
 */
export function modelFromJSON(artifact: unknown): ScoringModel {
  const kind = typeof artifact === 'object' && artifact !== null ? (artifact as { kind?: unknown }).kind : undefined;
  if (!isModelKind(kind)) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `Unknown model artifact kind ${JSON.stringify(kind)}.`, {
      hint: `Expected one of ${MODEL_KINDS.join(', ')}.`,
    });
  }
  return MODELS[kind].fromJSON(artifact);
}
