/**
 * @module models/autoencoder
 * Dense autoencoder scored by reconstruction error: `new Autoencoder(options)`, `autoencoderFromJSON(artifact)`.
 * @example
 * const m = new Autoencoder({ seed: 1 });
 * m.fit(X);
 * const flagged = Array.from(m.score(X), (e) => e > m.threshold);
 */
import type { ModelDefinition } from '../definition.js';
import { autoencoderFromJSON } from './artifact.js';
import type { AutoencoderOptions } from './config.js';
import { Autoencoder } from './autoencoder.js';
export { Autoencoder, AUTOENCODER_KIND, AUTOENCODER_VERSION } from './autoencoder.js';
export type { AutoencoderParams, TrainingLog } from './autoencoder.js';
export { autoencoderFromJSON } from './artifact.js';
export { autoencoderConfigSchema } from './config.js';
export type { AutoencoderConfig, AutoencoderOptions } from './config.js';
export { DenseNetwork } from './network.js';

/** The registry entry (`models/registry.ts`). */
export const definition: ModelDefinition<'ae', AutoencoderOptions, Autoencoder> = {
  kind: 'ae',
  create: (o) => new Autoencoder(o),
  fromJSON: autoencoderFromJSON,
};
