/**
 * @module models/isolation-forest/artifact
 * Loads an Isolation Forest from its versioned JSON artifact, validating every array and index.
 */
import { z } from 'zod';
import { check, parseArtifact, trainingStatsSchema } from '../artifact.js';
import { isolationForestConfigSchema } from './config.js';
import { ISOLATION_FOREST_KIND, ISOLATION_FOREST_VERSION, IsolationForest } from './isolation-forest.js';
import type { IsolationForestParams } from './isolation-forest.js';

const int = z.number().int();
const paramsSchema: z.ZodType<IsolationForestParams> = z
  .object({
    options: isolationForestConfigSchema,
    cols: int.min(1),
    psi: int.min(1),
    roots: z.array(int),
    feature: z.array(int),
    threshold: z.array(z.number()),
    left: z.array(int),
    right: z.array(int),
    size: z.array(int.min(0)),
    median: z.array(z.number()),
    scoreThreshold: z.number(),
    training: trainingStatsSchema,
  })
  .strict();

/**
 * Rebuilds a fitted IsolationForest from `toJSON()` output.
 * @throws AnomalogError ANOMALOG_ERR_SNAPSHOT_VERSION for an unknown/newer version,
 *   ANOMALOG_ERR_SNAPSHOT_INVALID for a malformed artifact.
 * @example
 * const copy = isolationForestFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
 */
export function isolationForestFromJSON(raw: unknown): IsolationForest {
  const kind = ISOLATION_FOREST_KIND;
  const p = parseArtifact(raw, kind, ISOLATION_FOREST_VERSION, paramsSchema);
  const n = p.feature.length;
  check(p.roots.length === p.options.n_trees, kind, 'roots do not match n_trees');
  check(
    p.threshold.length === n && p.left.length === n && p.right.length === n && p.size.length === n,
    kind,
    'node arrays differ in length',
  );
  check(p.median.length === p.cols, kind, 'median length differs from cols');
  for (const r of p.roots) check(r >= 0 && r < n, kind, 'root index out of range');
  for (let i = 0; i < n; i++) {
    const f = p.feature[i];
    if (f < 0) continue;
    check(f < p.cols, kind, `node ${i} splits on a missing feature`);
    // Children come in pairs after their parent (right = left + 1), so traversal terminates.
    check(p.left[i] > i && p.right[i] === p.left[i] + 1 && p.right[i] < n, kind, `node ${i} has a bad child`);
  }
  const model = new IsolationForest(p.options);
  model.restore(
    {
      cols: p.cols,
      psi: p.psi,
      roots: Int32Array.from(p.roots),
      feature: Int32Array.from(p.feature),
      threshold: Float64Array.from(p.threshold),
      left: Int32Array.from(p.left),
      right: Int32Array.from(p.right),
      size: Int32Array.from(p.size),
    },
    Float64Array.from(p.median),
    p.scoreThreshold,
    p.training,
  );
  return model;
}
