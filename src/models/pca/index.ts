/**
 * @module models/pca
 * PCA residual (SPE) model with the Q-statistic threshold: `new Pca(options)`, `pcaFromJSON(artifact)`.
 * @example
 * const m = new Pca({ variance: 0.95, alpha: 0.001 });
 * m.fit(X);
 * const flagged = Array.from(m.score(X), (spe) => spe > m.threshold);
 */
import type { ModelDefinition } from '../definition.js';
import { pcaFromJSON } from './artifact.js';
import type { PcaOptions } from './config.js';
import { Pca } from './pca.js';
export { Pca, PCA_KIND, PCA_VERSION } from './pca.js';
export type { PcaParams } from './pca.js';
export { pcaFromJSON } from './artifact.js';
export { pcaConfigSchema } from './config.js';
export type { PcaConfig, PcaOptions } from './config.js';
export { normalQuantile, qStatisticThreshold } from './q-statistic.js';

/** The registry entry (`models/registry.ts`). */
export const definition: ModelDefinition<'pca', PcaOptions, Pca> = {
  kind: 'pca',
  create: (o) => new Pca(o),
  fromJSON: pcaFromJSON,
};
