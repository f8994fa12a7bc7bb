/**
 * @module detectors/sequence/config
 * Strict schema of the `sequence` detector (next-event prediction per source or session key); every
 * default lives here. Off by default in `serve`: see the README for its false alarms on normal logs.
 */
import { z } from 'zod';
import { findingFields } from '../shared/config.js';

export const sequenceConfigSchema = z
  .object({
    /** Off by default (the registry's default is on): it is noisier on normal logs than serve's quiet budget allows. */
    enabled: z.boolean().default(false),
    /** Histories are kept per session key: the first capture group (or the match) of this regex in the message; unset = per source. */
    key_regex: z.string().min(1).optional(),
    /** Events of history that predict the next one (DeepLog's h; backed off to shorter contexts when rare). */
    history: z.number().int().min(1).max(32).default(10),
    /** The next event is expected iff among the `top_k` most frequent successors of its context (DeepLog's g). */
    top_k: z.number().int().min(1).max(1000).default(9),
    /** A context predicts only once seen this often; otherwise the next shorter one does. */
    min_support: z.number().int().min(1).default(5),
    /** A successor is expected only if it followed its context at least this share of the time. */
    min_share: z.number().min(0).lt(1).default(0.01),
    /** Events per source learned before anything is flagged. */
    warmup_events: z.number().int().min(0).default(5000),
    /** After an alert for a transition (previous template → template), that transition stays quiet for this many events of the source. */
    quiet_events: z.number().int().min(1).default(10_000),
    /** Contexts counted per source (least recently used evicted beyond it). */
    max_contexts: z.number().int().min(1).default(50_000),
    /** Session keys (histories) tracked per source; least recently seen evicted. */
    max_keys: z.number().int().min(1).default(10_000),
    ...findingFields,
  })
  .strict();

export type SequenceConfig = z.infer<typeof sequenceConfigSchema>;
