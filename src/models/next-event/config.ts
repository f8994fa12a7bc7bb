/**
 * @module models/next-event/config
 * Options of the count-based next-event model (DeepLog's idea, Du et al., CCS 2017, without a network).
 */
import { z } from 'zod';

export const nextEventConfigSchema = z
  .object({
    /** Events of history that predict the next one (DeepLog's h; longest context, backed off when rare). */
    history: z.number().int().min(1).max(32).default(10),
    /** The next event is normal iff it is among the `top_k` most frequent successors of its context (DeepLog's g). */
    top_k: z.number().int().min(1).max(1000).default(9),
    /**
     * A successor is predicted only if it followed its context at least this share of the time: with
     * training data that holds anomalies (the unsupervised case) their rare transitions stay misses.
     */
    min_share: z.number().min(0).lt(1).default(0.01),
    /** A context is used only when seen this often at fit; otherwise the next shorter one is (back-off). */
    min_support: z.number().int().min(1).default(5),
    /** Bound on stored contexts (the most frequent are kept). */
    max_contexts: z.number().int().min(1).default(200_000),
  })
  .strict();

export type NextEventConfig = z.infer<typeof nextEventConfigSchema>;
export type NextEventOptions = z.input<typeof nextEventConfigSchema>;
