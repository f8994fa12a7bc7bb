/**
 * @module models/one-class-svm/config
 * Options of the One-Class SVM (Schölkopf et al. 2001) trained with libsvm. Defaults follow
 * libsvm/scikit-learn: nu 0.5, RBF gamma 'scale' = 1 / (n_features · Var(X)), tolerance 1e-3.
 */
import { z } from 'zod';

export const oneClassSvmConfigSchema = z
  .object({
    /** Upper bound on the training-outlier share and lower bound on the support-vector share. */
    nu: z.number().gt(0).max(1).default(0.5),
    /** RBF width: 'scale' = 1/(d·Var(X)), 'auto' = 1/d, or a positive number. */
    gamma: z.union([z.literal('scale'), z.literal('auto'), z.number().gt(0)]).default('scale'),
    /** libsvm stopping tolerance (-e). */
    tolerance: z.number().gt(0).default(0.001),
    /** libsvm kernel cache in MB (-m). */
    cache_mb: z.number().gt(0).default(100),
    /** libsvm shrinking heuristic (-h). */
    shrinking: z.boolean().default(true),
  })
  .strict();

export type OneClassSvmConfig = z.infer<typeof oneClassSvmConfigSchema>;
export type OneClassSvmOptions = z.input<typeof oneClassSvmConfigSchema>;
