/**
 * @module detectors/watch/config
 * Strict schema of the `watch` detector (recurrences of problems a person confirmed); every default
 * lives here. On by default: it reports nothing until someone marks an anomaly `real`.
 */
import { z } from 'zod';

export const watchConfigSchema = z
  .object({
    /**
     * A recurrence after this long without the template is a new burst, reported again. One hour:
     * an incident that comes back after an hour of quiet is news to whoever handled the last one
     * (chosen on that principle, not measured).
     */
    regroup_seconds: z.number().positive().default(3600),
    /** During one long burst, one more report every this often (a problem going on for hours is not one line in the feed). */
    repeat_seconds: z.number().positive().default(3600),
    /**
     * Templates of the same source this close to a confirmed one (Jaccard index of their words,
     * parsers/drain/words.ts) are watched too: the variants of one message that template mining keeps
     * apart (`Lustre mount FAILED : <ID> : point <PATH>` and `… : block_id : location`). 0.5 — half the
     * words of the two together shared — was set on that principle before any measurement. 0 disables.
     */
    similar_words_share: z.number().min(0).max(1).default(0.5),
    /** Confirmed templates watched (newest kept); each close variant counts too. */
    max_watches: z.number().int().min(1).default(10_000),
    /** Template ids per source judged for closeness and remembered (cleared when full). */
    max_checked: z.number().int().min(1).default(50_000),
    /** Raw lines kept as context per source with a watch. */
    context_lines: z.number().int().min(0).max(100).default(5),
    max_line_chars: z.number().int().min(16).default(2000),
  })
  .strict();

export type WatchConfig = z.infer<typeof watchConfigSchema>;
