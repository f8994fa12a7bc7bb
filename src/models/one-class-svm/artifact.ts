/**
 * @module models/one-class-svm/artifact
 * Loads a One-Class SVM from its versioned JSON artifact (support vectors, coefficients, ρ, γ).
 */
import { z } from 'zod';
import { check, parseArtifact, trainingStatsSchema } from '../artifact.js';
import { oneClassSvmConfigSchema } from './config.js';
import { ONE_CLASS_SVM_KIND, ONE_CLASS_SVM_VERSION, OneClassSvm } from './one-class-svm.js';
import type { OneClassSvmParams } from './one-class-svm.js';

const paramsSchema: z.ZodType<OneClassSvmParams> = z
  .object({
    options: oneClassSvmConfigSchema,
    cols: z.number().int().min(1),
    gamma: z.number().gt(0),
    supportVectors: z.array(z.number()),
    coefficients: z.array(z.number().gt(0)),
    rho: z.number(),
    libsvmSupportVectors: z.number().int().min(1),
    training: trainingStatsSchema,
  })
  .strict();

/**
 * Rebuilds a fitted One-Class SVM from `toJSON()` output (scoring needs no libsvm).
 * @throws AnomalogError ANOMALOG_ERR_SNAPSHOT_VERSION (unknown/newer version) or ANOMALOG_ERR_SNAPSHOT_INVALID.
 * @example
 * const copy = oneClassSvmFromJSON(JSON.parse(text));
 */
export function oneClassSvmFromJSON(raw: unknown): OneClassSvm {
  const p = parseArtifact(raw, ONE_CLASS_SVM_KIND, ONE_CLASS_SVM_VERSION, paramsSchema);
  check(p.coefficients.length >= 1, ONE_CLASS_SVM_KIND, 'no support vectors');
  check(p.supportVectors.length === p.coefficients.length * p.cols, ONE_CLASS_SVM_KIND, 'support vectors do not match coefficients');
  const model = new OneClassSvm(p.options);
  model.restore({
    cols: p.cols,
    gamma: p.gamma,
    sv: Float64Array.from(p.supportVectors),
    coef: Float64Array.from(p.coefficients),
    rho: p.rho,
    libsvmSupportVectors: p.libsvmSupportVectors,
    stats: p.training,
  });
  return model;
}
