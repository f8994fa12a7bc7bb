/**
 * @module parsers/lines/config
 * Strict schema for the line splitter's options (defaults live here).
 */
import { z } from 'zod';
import { DEFAULT_MAX_LINE_BYTES } from './line-splitter.js';

export const lineSplitterConfigSchema = z
  .object({
    /** Longest line kept, in bytes; longer lines are truncated and counted. */
    max_line_bytes: z.number().int().min(64).max(256 * 1024 * 1024).default(DEFAULT_MAX_LINE_BYTES),
  })
  .strict();

export type LineSplitterConfig = z.infer<typeof lineSplitterConfigSchema>;
