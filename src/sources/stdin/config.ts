/**
 * @module sources/stdin/config
 * Strict schema of the stdin source (defaults live here).
 */
import { z } from 'zod';
import { DEFAULT_MAX_LINE_BYTES } from '../../parsers/lines/index.js';

export const stdinConfigSchema = z
  .object({
    /** Longest line kept, in bytes; longer lines are truncated and counted. */
    max_line_bytes: z.number().int().min(64).max(256 * 1024 * 1024).default(DEFAULT_MAX_LINE_BYTES),
    /** Source id of the records (their parser state is keyed by it). */
    source_id: z.string().min(1).default('stdin'),
  })
  .strict();

export type StdinConfig = z.infer<typeof stdinConfigSchema>;
export type StdinOptions = z.input<typeof stdinConfigSchema>;
