/**
 * @module models/autoencoder/artifact
 * Loads an autoencoder from its versioned JSON artifact (layer sizes, Float32 weights, scaling).
 */
import { z } from 'zod';
import { check, parseArtifact, trainingStatsSchema } from '../artifact.js';
import { autoencoderConfigSchema } from './config.js';
import { AUTOENCODER_KIND, AUTOENCODER_VERSION, Autoencoder } from './autoencoder.js';
import type { AutoencoderParams } from './autoencoder.js';
import { DenseNetwork } from './network.js';

const paramsSchema: z.ZodType<AutoencoderParams> = z
  .object({
    options: autoencoderConfigSchema,
    sizes: z.array(z.number().int().min(1)).min(2),
    mean: z.array(z.number()),
    scale: z.array(z.number().gt(0)),
    weights: z.array(z.array(z.number())),
    biases: z.array(z.array(z.number())),
    threshold: z.number(),
    log: z
      .object({
        epochs: z.number().int().min(0),
        bestEpoch: z.number().int().min(0),
        bestValidationLoss: z.number().nullable(),
        trainLoss: z.number(),
        trainRows: z.number().int().min(0),
        validationRows: z.number().int().min(0),
      })
      .strict(),
    training: trainingStatsSchema,
  })
  .strict();

/**
 * Rebuilds a fitted autoencoder from `toJSON()` output.
 * @throws AnomalogError ANOMALOG_ERR_SNAPSHOT_VERSION (unknown/newer version) or ANOMALOG_ERR_SNAPSHOT_INVALID.
 * @example
 * const copy = autoencoderFromJSON(JSON.parse(text));
 */
export function autoencoderFromJSON(raw: unknown): Autoencoder {
  const kind = AUTOENCODER_KIND;
  const p = parseArtifact(raw, kind, AUTOENCODER_VERSION, paramsSchema);
  const s = p.sizes;
  const d = s[0];
  check(s[s.length - 1] === d, kind, 'output width differs from input width');
  check(p.mean.length === d && p.scale.length === d, kind, 'scaling vectors differ from the input width');
  check(p.weights.length === s.length - 1 && p.biases.length === s.length - 1, kind, 'wrong number of layers');
  for (let l = 0; l < s.length - 1; l++) {
    check(p.weights[l].length === s[l] * s[l + 1], kind, `layer ${l} weights have the wrong size`);
    check(p.biases[l].length === s[l + 1], kind, `layer ${l} biases have the wrong size`);
  }
  const net = new DenseNetwork(
    s,
    p.options.activation,
    p.weights.map((w) => Float32Array.from(w)),
    p.biases.map((b) => Float32Array.from(b)),
  );
  const model = new Autoencoder(p.options);
  model.restore({
    net,
    mean: Float64Array.from(p.mean),
    scale: Float64Array.from(p.scale),
    threshold: p.threshold,
    log: p.log,
    stats: p.training,
  });
  return model;
}
