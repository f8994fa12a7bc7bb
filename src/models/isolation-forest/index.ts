/**
 * @module models/isolation-forest
 * Isolation Forest model: `new IsolationForest(options)`, `isolationForestFromJSON(artifact)`.
 * @example
 * const m = new IsolationForest({ n_trees: 100, seed: 7 });
 * m.fit(X);
 * const scores = m.score(X); // in (0, 1], higher = more anomalous; m.threshold is 0.5 by default
 */
import type { ModelDefinition } from '../definition.js';
import { isolationForestFromJSON } from './artifact.js';
import type { IsolationForestOptions } from './config.js';
import { IsolationForest } from './isolation-forest.js';
export { IsolationForest, averagePathLength, ISOLATION_FOREST_KIND, ISOLATION_FOREST_VERSION } from './isolation-forest.js';
export type { Forest } from './grow.js';
export type { IsolationForestParams } from './isolation-forest.js';
export { isolationForestFromJSON } from './artifact.js';
export { isolationForestConfigSchema } from './config.js';
export type { IsolationForestConfig, IsolationForestOptions } from './config.js';

/** The registry entry (`models/registry.ts`). */
export const definition: ModelDefinition<'if', IsolationForestOptions, IsolationForest> = {
  kind: 'if',
  create: (o) => new IsolationForest(o),
  fromJSON: isolationForestFromJSON,
};
