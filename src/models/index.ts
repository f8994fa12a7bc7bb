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
import type { ModelDeps, ScoringModel } from './definition.js';
import { MODEL_KINDS, MODELS, type ModelByKind, type ModelKind, type ModelOptionsByKind } from './registry.js';

export { IsolationForest, averagePathLength, ISOLATION_FOREST_KIND, ISOLATION_FOREST_VERSION, isolationForestFromJSON, isolationForestConfigSchema, type Forest, type IsolationForestParams, type IsolationForestConfig, type IsolationForestOptions } from './isolation-forest/index.js';
export { Pca, PCA_KIND, PCA_VERSION, pcaFromJSON, pcaConfigSchema, normalQuantile, qStatisticThreshold, type PcaParams, type PcaConfig, type PcaOptions } from './pca/index.js';
export { OneClassSvm, resolveGamma, ONE_CLASS_SVM_KIND, ONE_CLASS_SVM_VERSION, oneClassSvmFromJSON, oneClassSvmConfigSchema, loadLibsvmAsm, loadLibsvmWasm, parseModelText, type OneClassSvmParams, type OneClassSvmConfig, type OneClassSvmOptions, type SvmEngine } from './one-class-svm/index.js';
export { Autoencoder, AUTOENCODER_KIND, AUTOENCODER_VERSION, autoencoderFromJSON, autoencoderConfigSchema, DenseNetwork, type AutoencoderParams, type TrainingLog, type AutoencoderConfig, type AutoencoderOptions } from './autoencoder/index.js';
export { NextEventModel, NEXT_EVENT_KIND, NEXT_EVENT_VERSION, nextEventConfigSchema, type NextEventOptions, type NextEventConfig, type Prediction } from './next-event/index.js';
export { Rng } from './random.js';
export { matrixFromRows, quantileSorted, trainingStats } from './artifact.js';
export type { TrainingStats } from './artifact.js';
export type { ModelDefinition, ModelDeps, ScoringModel } from './definition.js';
export { MODEL_KINDS, MODELS, FEATURE_MODEL_KINDS, readsCounts, type ModelByKind, type ModelKind, type ModelOptionsByKind } from './registry.js';
export { Invariants, INVARIANTS_KIND, INVARIANTS_VERSION, invariantsFromJSON, invariantsConfigSchema, mineInvariants, type Invariant, type InvariantsOptions, type InvariantsConfig, type Violation } from './invariants/index.js';

type Create<K extends ModelKind> = (options: ModelOptionsByKind[K] | undefined, deps: ModelDeps) => ModelByKind[K];

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
  return (MODELS[kind].create as unknown as Create<K>)(options, deps);
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
