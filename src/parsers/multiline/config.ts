/**
 * @module parsers/multiline/config
 * Strict schema for multi-line joining (defaults live here).
 */
import { z } from 'zod';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES } from './multiline.js';

export const multilineConfigSchema = z
  .object({
    /** Join continuation lines; unset = on for plain text and header layouts, off for structured formats. */
    enabled: z.boolean().optional(),
    /** Most lines in one joined event; at the cap the event is closed (counted). */
    max_lines: z.number().int().min(1).max(100_000).default(DEFAULT_MAX_LINES),
    /** Most characters in one joined event. */
    max_bytes: z.number().int().min(64).max(64 * 1024 * 1024).default(DEFAULT_MAX_BYTES),
  })
  .strict();

export type MultilineConfig = z.infer<typeof multilineConfigSchema>;
