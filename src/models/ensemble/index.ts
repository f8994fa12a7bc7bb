/**
 * @module models/ensemble
 * Rank-averaged ensemble of several models.
 * @example
 * const e = new Ensemble([new IsolationForest({ seed: 1 }), pca]);
 * e.fit(X);
 * const s = e.score(X); // mean rank in [0, ~1], higher = more anomalous
 */
export { ensembleConfigSchema, type EnsembleConfig } from './config.js';
export { Ensemble, midRank, ENSEMBLE_KIND, ENSEMBLE_VERSION, type EnsembleParams, type EnsembleOptions } from './ensemble.js';
