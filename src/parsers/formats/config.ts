/**
 * @module parsers/formats/config
 * Strict schema for choosing a record format (defaults live here).
 */
import { z } from 'zod';
import { DETECT_MIN_SHARE, DETECT_SAMPLE } from './detect.js';

export const formatConfigSchema = z
  .object({
    /**
     * `json`, `logfmt`, `syslog`, `access-log` (`apache`, `nginx`), `plain`, or a layout such as
     * `<Date> <Time> <Level> <Component>: <Content>`; unset = auto-detect.
     */
    format: z.string().min(1).optional(),
    /** Non-empty lines looked at when auto-detecting. */
    detect_sample_lines: z.number().int().min(1).max(10_000).default(DETECT_SAMPLE),
    /** Share of sample lines a structured format must parse to be chosen. */
    detect_min_share: z.number().min(0).max(1).default(DETECT_MIN_SHARE),
  })
  .strict();

export type FormatConfig = z.infer<typeof formatConfigSchema>;
