/**
 * @module models/threshold/config
 * Strict schema of a threshold rule (config files and the registry): SPOT for a false-alarm risk,
 * a contamination quantile, or the model's own threshold.
 */
import { z } from 'zod';

export const thresholdConfigSchema = z.discriminatedUnion('rule', [
  z
    .object({
      rule: z.literal('spot'),
      /** False-alarm risk per scored session/window. */
      q: z.number().gt(0).lt(0.02).default(1e-3),
      /** Quantile of the calibration scores used as the initial threshold t. */
      level: z.number().gt(0.5).lt(1).default(0.98),
    })
    .strict(),
  z.object({ rule: z.literal('contamination'), contamination: z.number().gt(0).lt(0.5).default(0.03) }).strict(),
  z.object({ rule: z.literal('model') }).strict(),
]);

export type ThresholdConfig = z.infer<typeof thresholdConfigSchema>;
