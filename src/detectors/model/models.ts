/**
 * @module detectors/model/models
 * Builds and restores the models the detector can use, by kind: the base kinds through the one
 * explicit map in src/models (createModel / modelFromJSON), plus `ensemble`, a rank-averaged
 * ensemble of base kinds (all four by default).
 */
import { AnomalogError } from '../../core/errors.js';
import type { Model, ModelArtifact } from '../../core/model.js';
import { Ensemble, ENSEMBLE_KIND } from '../../models/ensemble/index.js';
import type { NextEventOptions } from '../../models/next-event/index.js';
import { createSequenceModel, isSequenceKind, restoreSequenceModel, SEQUENCE_KINDS, type SequenceKind } from './sequence-models.js';
import { createModel as createBase, FEATURE_MODEL_KINDS, MODEL_KINDS as REGISTRY_KINDS, readsCounts, modelFromJSON, type ModelDeps, type ModelKind as BaseModelKind, type ModelOptionsByKind } from '../../models/index.js';

/** The base kinds of the model registry (`models/registry.ts`) that read feature vectors, then `ensemble` of them. */
export const BASE_KINDS = FEATURE_MODEL_KINDS;
export type BaseKind = BaseModelKind;
export const MODEL_KINDS = Object.freeze([...BASE_KINDS, ENSEMBLE_KIND] as const);
export type ModelKind = BaseKind | typeof ENSEMBLE_KIND;

/** Per-kind options (each validated by the model's own strict schema) and ensemble members. */
export type ModelOptions = { [K in BaseKind]?: ModelOptionsByKind[K] } & { members?: BaseKind[]; next?: NextEventOptions };

/** Registry kinds that read raw template counts (`input: 'counts'`, e.g. `invariants`): batch only. */
export const COUNT_KINDS = Object.freeze(REGISTRY_KINDS.filter((k) => readsCounts(k)));

/** What the batch detector (`anomalog train --model`) fits: the vector kinds, the count kinds, then sequence kinds (`next`). */
export const BATCH_MODEL_KINDS = Object.freeze([...MODEL_KINDS, ...COUNT_KINDS, ...SEQUENCE_KINDS] as const);
export type BatchModelKind = ModelKind | BaseModelKind | SequenceKind;

export function isBatchModelKind(k: string): k is BatchModelKind {
  return isModelKind(k) || (COUNT_KINDS as readonly string[]).includes(k) || isSequenceKind(k);
}

export function isModelKind(k: string): k is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(k);
}

export function createModel(kind: BatchModelKind, options: ModelOptions = {}, deps: ModelDeps = {}): Model {
  if (isSequenceKind(kind)) return createSequenceModel(kind, options.next);
  if (kind === ENSEMBLE_KIND) {
    const members = options.members ?? [...BASE_KINDS];
    if (members.some((m) => !BASE_KINDS.includes(m))) {
      throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `Ensemble members must be among ${BASE_KINDS.join(', ')}.`);
    }
    return new Ensemble(members.map((k) => createModel(k, options, deps)));
  }
  if (!isModelKind(kind) && !(COUNT_KINDS as readonly string[]).includes(kind)) {
    throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `Unknown model kind ${JSON.stringify(kind)}.`, { hint: `Use one of ${MODEL_KINDS.join(', ')}.` });
  }
  return createBase(kind as BaseKind, options[kind as BaseKind] as never, deps);
}

export function restoreModel(a: ModelArtifact): Model {
  if (isSequenceKind(a?.kind)) return restoreSequenceModel(a);
  if (a?.kind === ENSEMBLE_KIND) return Ensemble.fromJSON(a, restoreModel);
  return modelFromJSON(a);
}

/** The model's own decision threshold when it has one (PCA Q-statistic, IF 0.5, OCSVM 0). */
export function ownThreshold(m: Model): number | null {
  const t = (m as { threshold?: unknown }).threshold;
  return typeof t === 'number' && Number.isFinite(t) ? t : null;
}
