/**
 * @module models/invariants/artifact
 * Loads a fitted invariants model from its versioned artifact `{ kind: 'invariants', version: 1, params }`.
 */
import { z } from 'zod';
import { check, parseArtifact, trainingStatsSchema } from '../artifact.js';
import { invariantsConfigSchema } from './config.js';
import { Invariants, INVARIANTS_KIND, INVARIANTS_VERSION, type InvariantsParams } from './invariants.js';

const invariantSchema = z
  .object({
    cols: z.array(z.number().int().nonnegative()).min(2),
    coefs: z.array(z.number().int()).min(2),
    hold: z.number().min(0).max(1),
    active: z.number().nonnegative(),
  })
  .strict();

const paramsSchema = z
  .object({
    options: invariantsConfigSchema,
    cols: z.number().int().positive(),
    invariants: z.array(invariantSchema),
    training: trainingStatsSchema,
  })
  .strict();

export function invariantsFromJSON(raw: unknown): Invariants {
  const p = parseArtifact(raw, INVARIANTS_KIND, INVARIANTS_VERSION, paramsSchema) as InvariantsParams;
  for (const inv of p.invariants) {
    check(inv.cols.length === inv.coefs.length, INVARIANTS_KIND, 'a relation has as many coefficients as columns');
    check(inv.cols.every((c) => c < p.cols), INVARIANTS_KIND, 'a relation names a column beyond the matrix');
    check(inv.coefs.every((c) => c !== 0), INVARIANTS_KIND, 'a relation has a zero coefficient');
  }
  return Invariants.fromParams(p);
}
