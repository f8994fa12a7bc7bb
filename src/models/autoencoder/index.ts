/**
 * @module models/autoencoder
 * Dense autoencoder scored by reconstruction error: `new Autoencoder(options)`, `autoencoderFromJSON(artifact)`.
 * @example
 * const m = new Autoencoder({ seed: 1 });
 * m.fit(X);
 * const flagged = Array.from(m.score(X), (e) => e > m.threshold);
 */
export { Autoencoder, AUTOENCODER_KIND, AUTOENCODER_VERSION } from './autoencoder.js';
export type { AutoencoderParams, TrainingLog } from './autoencoder.js';
export { autoencoderFromJSON } from './artifact.js';
export { autoencoderConfigSchema } from './config.js';
export type { AutoencoderConfig, AutoencoderOptions } from './config.js';
export { DenseNetwork } from './network.js';
