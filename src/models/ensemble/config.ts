/**
 * @module models/ensemble/config
 * Options of the rank-averaged ensemble.
 */
import { z } from 'zod';
import { FEATURE_MODEL_KINDS } from '../registry.js';

export const ensembleConfigSchema = z
  .object({
    /** Base models whose ranks are averaged (the kinds that read feature vectors). */
    members: z.array(z.enum(FEATURE_MODEL_KINDS)).min(1).default([...FEATURE_MODEL_KINDS]),
    /** Training scores kept per member as the rank reference (evenly spaced order statistics). */
    max_reference: z.number().int().min(16).max(1_000_000).default(4096),
    /** Relative weight per member (default equal). */
    weights: z.array(z.number().min(0)).optional(),
  })
  .strict();

export type EnsembleConfig = z.infer<typeof ensembleConfigSchema>;
