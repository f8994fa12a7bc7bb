/**
 * @module sources/shared/config
 * The `source_by` option every source that carries attributes takes (see source-by.ts), with the
 * default of its type.
 */
import { z } from 'zod';

/** Attribute names whose values split a source component's records into record sources (at most 8). */
export const sourceBySchema = (defaults: readonly string[]) =>
  z
    .array(z.string().min(1).max(128))
    .max(8)
    .refine((a) => new Set(a).size === a.length, { message: 'names an attribute twice' })
    .default(() => [...defaults]);
