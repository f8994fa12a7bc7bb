/**
 * @module models/isolation-forest/config
 * Options of the Isolation Forest (Liu, Ting & Zhou, ICDM 2008). Defaults follow the paper
 * and scikit-learn: 100 trees, subsample 256, score threshold 0.5 ("auto").
 */
import { z } from 'zod';

export const isolationForestConfigSchema = z
  .object({
    /** Number of isolation trees. */
    n_trees: z.number().int().min(1).max(10_000).default(100),
    /** Subsample size ψ per tree (capped at the number of training rows). */
    max_samples: z.number().int().min(2).max(1_000_000).default(256),
    /** Seed of the PRNG that draws subsamples, split features and split values. */
    seed: z.number().int().default(42),
    /**
     * How the model's own threshold is set: "auto" = score 0.5 (the paper's boundary, scikit-learn's
     * `contamination='auto'`); a number c = the (1 − c) quantile of the training scores.
     */
    contamination: z.union([z.literal('auto'), z.number().gt(0).max(0.5)]).default('auto'),
  })
  .strict();

export type IsolationForestConfig = z.infer<typeof isolationForestConfigSchema>;
export type IsolationForestOptions = z.input<typeof isolationForestConfigSchema>;
