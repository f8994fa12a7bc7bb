/**
 * @module models/registry
 * The one explicit kind → model map. Adding a model is one folder under `src/models/` whose
 * `index.ts` exports a `definition` (`models/definition.ts`), plus one line here; every list of
 * kinds (CLI choices, config enums, the ensemble's members, error hints) is derived from this map.
 */
import type { ModelDefinition, ScoringModel } from './definition.js';
import { definition as autoencoder } from './autoencoder/index.js';
import { definition as invariants } from './invariants/index.js';
import { definition as isolationForest } from './isolation-forest/index.js';
import { definition as oneClassSvm } from './one-class-svm/index.js';
import { definition as pca } from './pca/index.js';

// Definitions differ in option type; each model validates its options with its own strict schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDefinition<K extends string> = ModelDefinition<K, any, ScoringModel>;

// The order is the order of every derived list (the ensemble's default members, hints).
export const MODELS = Object.freeze({
  if: isolationForest,
  pca,
  ae: autoencoder,
  ocsvm: oneClassSvm,
  invariants,
} as const satisfies { readonly [K in string]: AnyDefinition<K> });

export type ModelKind = keyof typeof MODELS;
export type ModelOptionsByKind = { [K in ModelKind]: NonNullable<Parameters<(typeof MODELS)[K]['create']>[0]> };
export type ModelByKind = { [K in ModelKind]: ReturnType<(typeof MODELS)[K]['create']> };

/** The base model kinds, in registry order. */
export const MODEL_KINDS = Object.freeze(Object.keys(MODELS)) as readonly ModelKind[] as readonly [ModelKind, ...ModelKind[]];

/** The kinds that read scaled feature vectors (not `input: 'counts'`): the ensemble's members and the serve model detector's choices. */
export const FEATURE_MODEL_KINDS = Object.freeze(MODEL_KINDS.filter((k) => (MODELS[k] as { input?: string }).input !== 'counts')) as readonly ModelKind[] as readonly [ModelKind, ...ModelKind[]];

/** Whether `kind` reads raw template counts (`input: 'counts'`). */
export function readsCounts(kind: string): boolean {
  return (MODELS as Record<string, { input?: string }>)[kind]?.input === 'counts';
}
