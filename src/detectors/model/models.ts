/**
 * @module detectors/model/models
 * Builds and restores the models the detector can use, by kind. Base kinds come from src/models;
 * `ensemble` is a rank-averaged ensemble of the base kinds that are available.
 */
import { AnomalogError } from '../../core/errors.js';
import type { Model, ModelArtifact } from '../../core/model.js';
import { Ensemble, ENSEMBLE_KIND } from '../../models/ensemble/index.js';
import { IsolationForest, isolationForestFromJSON } from '../../models/isolation-forest/index.js';
import { Pca, pcaFromJSON } from '../../models/pca/index.js';

export const MODEL_KINDS = ['if', 'pca', 'ae', 'ocsvm', 'ensemble'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
type BaseKind = Exclude<ModelKind, 'ensemble'>;

/** Per-kind options, passed through to the model's own (strict) schema. */
export type ModelOptions = Partial<Record<BaseKind, Record<string, unknown>>> & { members?: BaseKind[] };

interface Entry {
  create(options: Record<string, unknown>): Model;
  restore(a: ModelArtifact): Model;
}

function registry(): Partial<Record<BaseKind, Entry>> {
  return {
    if: { create: (o) => new IsolationForest(o), restore: (a) => isolationForestFromJSON(a) },
    pca: { create: (o) => new Pca(o), restore: (a) => pcaFromJSON(a) },
  };
}

export function isModelKind(k: string): k is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(k);
}

/** Base kinds available in this build. */
export function availableKinds(): BaseKind[] {
  const r = registry();
  return (['if', 'pca', 'ae', 'ocsvm'] as BaseKind[]).filter((k) => r[k] !== undefined);
}

export function createModel(kind: ModelKind, options: ModelOptions = {}): Model {
  if (kind === ENSEMBLE_KIND) {
    const members = options.members ?? availableKinds();
    return new Ensemble(members.map((k) => createModel(k, options)));
  }
  const e = registry()[kind];
  if (!e) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `Model "${kind}" is not available in this build.`, { hint: `Available: ${availableKinds().join(', ')}, ensemble.` });
  return e.create(options[kind] ?? {});
}

export function restoreModel(a: ModelArtifact): Model {
  if (a?.kind === ENSEMBLE_KIND) return Ensemble.fromJSON(a, restoreModel);
  const e = isModelKind(a?.kind) && a.kind !== 'ensemble' ? registry()[a.kind] : undefined;
  if (!e) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `Unknown model kind ${JSON.stringify(a?.kind)} in the artifact.`);
  return e.restore(a);
}

/** The model's own decision threshold when it has one (PCA Q-statistic, IF 0.5, OCSVM 0). */
export function ownThreshold(m: Model): number | null {
  const t = (m as { threshold?: unknown }).threshold;
  return typeof t === 'number' && Number.isFinite(t) ? t : null;
}
