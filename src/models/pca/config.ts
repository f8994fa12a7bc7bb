/**
 * @module models/pca/config
 * Options of the PCA residual (SPE) model of Xu et al. (SOSP 2009).
 */
import { z } from 'zod';

export const pcaConfigSchema = z
  .object({
    /** Keep the fewest leading components whose cumulative explained variance reaches this share. */
    variance: z.number().gt(0).max(1).default(0.95),
    /** Fixed number of components; overrides `variance` when set. */
    n_components: z.number().int().min(0).optional(),
    /** Divide centred columns by their standard deviation (columns with zero spread keep scale 1). */
    scale: z.boolean().default(false),
    /** False-alarm level α of the Q-statistic threshold (Jackson & Mudholkar 1979). */
    alpha: z.number().gt(0).lt(0.5).default(0.001),
  })
  .strict();

export type PcaConfig = z.infer<typeof pcaConfigSchema>;
export type PcaOptions = z.input<typeof pcaConfigSchema>;
