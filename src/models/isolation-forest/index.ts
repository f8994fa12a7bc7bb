/**
 * @module models/isolation-forest
 * Isolation Forest model: `new IsolationForest(options)`, `isolationForestFromJSON(artifact)`.
 * @example
 * const m = new IsolationForest({ n_trees: 100, seed: 7 });
 * m.fit(X);
 * const scores = m.score(X); // in (0, 1], higher = more anomalous; m.threshold is 0.5 by default
 */
export { IsolationForest, averagePathLength, ISOLATION_FOREST_KIND, ISOLATION_FOREST_VERSION } from './isolation-forest.js';
export type { Forest } from './grow.js';
export type { IsolationForestParams } from './isolation-forest.js';
export { isolationForestFromJSON } from './artifact.js';
export { isolationForestConfigSchema } from './config.js';
export type { IsolationForestConfig, IsolationForestOptions } from './config.js';
