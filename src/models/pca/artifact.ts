/**
 * @module models/pca/artifact
 * Loads a PCA residual model from its versioned JSON artifact.
 */
import { z } from 'zod';
import { check, parseArtifact, trainingStatsSchema } from '../artifact.js';
import { pcaConfigSchema } from './config.js';
import { PCA_KIND, PCA_VERSION, Pca } from './pca.js';
import type { PcaParams } from './pca.js';

const paramsSchema: z.ZodType<PcaParams> = z
  .object({
    options: pcaConfigSchema,
    cols: z.number().int().min(1),
    components: z.number().int().min(0),
    mean: z.array(z.number()),
    scale: z.array(z.number().gt(0)),
    basis: z.array(z.number()),
    eigenvalues: z.array(z.number().min(0)),
    threshold: z.number().min(0),
    training: trainingStatsSchema,
  })
  .strict();

/**
 * Rebuilds a fitted PCA model from `toJSON()` output.
 * @throws AnomalogError ANOMALOG_ERR_SNAPSHOT_VERSION (unknown/newer version) or ANOMALOG_ERR_SNAPSHOT_INVALID.
 * @example
 * const copy = pcaFromJSON(JSON.parse(text));
 */
export function pcaFromJSON(raw: unknown): Pca {
  const p = parseArtifact(raw, PCA_KIND, PCA_VERSION, paramsSchema);
  const d = p.cols;
  check(p.components <= d, PCA_KIND, 'more components than columns');
  check(p.mean.length === d && p.scale.length === d && p.eigenvalues.length === d, PCA_KIND, 'vector lengths differ from cols');
  check(p.basis.length === d * p.components, PCA_KIND, 'basis has the wrong size');
  const model = new Pca(p.options);
  model.restore({
    cols: d,
    k: p.components,
    mean: Float64Array.from(p.mean),
    scale: Float64Array.from(p.scale),
    basis: Float64Array.from(p.basis),
    eigenvalues: Float64Array.from(p.eigenvalues),
    threshold: p.threshold,
    stats: p.training,
  });
  return model;
}
