/**
 * @module models/artifact
 * Shared helpers for the model implementations: matrix checks, versioned-artifact validation
 * and the training-score statistics every artifact carries.
 */
import { z } from 'zod';
import { AnomalogError } from '../core/errors.js';
import type { Matrix, ModelArtifact } from '../core/model.js';

/** Summary of a model's scores on its own training data (stored in every artifact). */
export interface TrainingStats {
  rows: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

export const trainingStatsSchema = z
  .object({
    rows: z.number().int().nonnegative(),
    mean: z.number(),
    std: z.number(),
    min: z.number(),
    max: z.number(),
    p50: z.number(),
    p90: z.number(),
    p99: z.number(),
  })
  .strict();

/** Builds a dense matrix from rows of equal length. */
export function matrixFromRows(rows: ArrayLike<number>[], cols = rows[0]?.length ?? 0): Matrix {
  const data = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.length !== cols) {
      throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `Row ${i} has ${r.length} values, expected ${cols}.`);
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j];
  }
  return { rows: rows.length, cols, data };
}

/** Throws unless X is a well-formed matrix (and has `cols` columns when given). */
export function assertMatrix(X: Matrix, what: string, cols?: number, minRows = 1): void {
  if (!Number.isInteger(X.rows) || !Number.isInteger(X.cols) || X.data.length !== X.rows * X.cols) {
    throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `${what}: matrix shape does not match its data.`);
  }
  if (cols !== undefined && X.cols !== cols) {
    throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `${what}: expected ${cols} columns, got ${X.cols}.`, {
      hint: 'Use the same feature vocabulary for scoring as for fitting.',
    });
  }
  if (X.rows < minRows) {
    throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `${what}: needs at least ${minRows} rows, got ${X.rows}.`);
  }
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `${what}: value at row ${Math.floor(i / X.cols)} is not finite.`);
    }
  }
}

/** Throws ANOMALOG_ERR_MODEL_INVALID when the model has not been fitted. */
export function notFitted(kind: string): AnomalogError {
  return new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `The ${kind} model is not fitted.`, {
    hint: 'Call fit() or load a fitted artifact first.',
  });
}

/** Linear-interpolated quantile (numpy "linear") of a sorted array. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Statistics of a model's training scores. */
export function trainingStats(scores: Float64Array): TrainingStats {
  const sorted = Float64Array.from(scores).sort();
  const n = sorted.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sorted[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (sorted[i] - mean) * (sorted[i] - mean);
  return {
    rows: n,
    mean,
    std: Math.sqrt(v / Math.max(1, n)),
    min: sorted[0],
    max: sorted[n - 1],
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p99: quantileSorted(sorted, 0.99),
  };
}

/**
 * Checks the envelope of an artifact (`kind`, `version`) and validates `params` with `schema`.
 * Unknown or newer versions → ANOMALOG_ERR_SNAPSHOT_VERSION; anything malformed → ANOMALOG_ERR_SNAPSHOT_INVALID.
 */
export function parseArtifact<P>(raw: unknown, kind: string, version: number, schema: z.ZodType<P>): P {
  if (typeof raw !== 'object' || raw === null) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `A ${kind} artifact must be an object.`);
  }
  const a = raw as Partial<ModelArtifact>;
  if (a.kind !== kind) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `Artifact kind is ${JSON.stringify(a.kind)}, expected "${kind}".`);
  }
  if (typeof a.version !== 'number' || !Number.isInteger(a.version) || a.version < 1) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `The ${kind} artifact has no valid version.`);
  }
  if (a.version !== version) {
    throw new AnomalogError(
      'ANOMALOG_ERR_SNAPSHOT_VERSION',
      `The ${kind} artifact has version ${a.version}; this build reads version ${version}.`,
      { hint: a.version > version ? 'Upgrade anomalog to load this model.' : 'Retrain the model with this build.' },
    );
  }
  const parsed = schema.safeParse(a.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AnomalogError(
      'ANOMALOG_ERR_SNAPSHOT_INVALID',
      `The ${kind} artifact is malformed at params.${issue.path.join('.')}: ${issue.message}.`,
    );
  }
  return parsed.data;
}

/** Throws ANOMALOG_ERR_SNAPSHOT_INVALID with `message` unless `ok`. */
export function check(ok: boolean, kind: string, message: string): void {
  if (!ok) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `The ${kind} artifact is malformed: ${message}.`);
}

/** Throws ANOMALOG_ERR_CONFIG_INVALID with the first zod issue path. */
export function parseOptions<C>(schema: z.ZodType<C>, options: unknown, kind: string): C {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AnomalogError(
      'ANOMALOG_ERR_CONFIG_INVALID',
      `Invalid ${kind} option ${issue.path.join('.') || '(root)'}: ${issue.message}.`,
    );
  }
  return parsed.data;
}

/** Descending sort of contributions by value (ties by column index). */
export function byContributionDesc(a: { contribution: number; index: number }, b: { contribution: number; index: number }): number {
  return b.contribution - a.contribution || a.index - b.index;
}
