/**
 * @module detectors/novelty/config
 * Strict schema of the `novelty` detector; every default lives here.
 */
import { z } from 'zod';

export const noveltyConfigSchema = z
  .object({
    /** Events per source before a template counts as new (the source's vocabulary is learned first). */
    warmup_events: z.number().int().min(0).default(1000),
    /** A known template is rare when it occurred fewer than this many times in about the last `rare_half_life_events` events, judged once the source has seen that many events (0 disables). */
    rare_count: z.number().min(0).default(3),
    /** Half-life, in events of the source, of the decayed per-template counts; also the quiet time after an alert for a template. */
    rare_half_life_events: z.number().int().min(1).default(10_000),
    /** Templates tracked per source; the least recently seen are evicted beyond it (and counted). */
    max_templates: z.number().int().min(1).default(5000),
    /** Sources tracked; the least recently seen are evicted beyond it. */
    max_sources: z.number().int().min(1).default(200),
    /** Time bucket of the anomaly id: one anomaly per template and kind per bucket. */
    bucket_seconds: z.number().positive().default(60),
    /** Raw lines kept as context (the anomalous line and the ones before it). */
    context_lines: z.number().int().min(0).max(100).default(5),
    /** Longer context lines are cut. */
    max_line_chars: z.number().int().min(16).default(2000),
  })
  .strict();

export type NoveltyConfig = z.infer<typeof noveltyConfigSchema>;
