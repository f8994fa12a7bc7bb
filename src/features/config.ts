/**
 * @module features/config
 * Strict schemas of the feature stage: vectorizer, session windows and time windows. Defaults here
 * match the classes' own defaults.
 */
import { z } from 'zod';

export const vectorizerConfigSchema = z
  .object({
    sublinear: z.boolean().default(false),
    tfidf: z.boolean().default(false),
    scaling: z.enum(['none', 'standard', 'minmax']).default('standard'),
    bigrams: z.enum(['off', 'unseen', 'columns']).default('unseen'),
    maxBigrams: z.number().int().min(1).max(1_000_000).default(4096),
    extras: z.boolean().default(true),
    markov: z.boolean().default(false),
  })
  .strict();

export const sessionWindowConfigSchema = z
  .object({
    key_regex: z.string().min(1).optional(),
    key_field: z.string().min(1).optional(),
    inactivity_ms: z.number().int().positive().default(300_000),
    max_duration_ms: z.number().int().positive().default(86_400_000),
    max_sessions: z.number().int().positive().default(100_000),
    max_events: z.number().int().positive().default(10_000),
    sample_lines: z.number().int().min(0).default(5),
  })
  .strict()
  .refine((c) => (c.key_regex === undefined) !== (c.key_field === undefined), { message: 'Give exactly one of key_regex or key_field.' });

export const timeWindowConfigSchema = z
  .object({
    size_ms: z.number().int().positive(),
    step_ms: z.number().int().positive().optional(),
    max_sources: z.number().int().positive().default(10_000),
    max_events: z.number().int().positive().default(100_000),
    sample_lines: z.number().int().min(0).default(5),
  })
  .strict()
  .refine((c) => c.step_ms === undefined || c.step_ms <= c.size_ms, { message: 'step_ms must not exceed size_ms.' });

export type VectorizerConfig = z.infer<typeof vectorizerConfigSchema>;
export type SessionWindowConfig = z.infer<typeof sessionWindowConfigSchema>;
export type TimeWindowConfig = z.infer<typeof timeWindowConfigSchema>;
