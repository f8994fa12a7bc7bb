/**
 * @module detectors/invariants/config
 * Strict schema of the `invariants` detector (mined relations between template counts of a session,
 * Lou et al. USENIX ATC 2010); every default lives here. Off by default in `serve`: see the README for
 * what it was measured on.
 */
import { z } from 'zod';
import { invariantsConfigSchema } from '../../models/invariants/index.js';
import { findingFields } from '../shared/config.js';

export const invariantsDetectorConfigSchema = z
  .object({
    /** Off by default (the registry's default is on): it needs sessions (`key_regex`) to be useful, and is measured on few session logs. */
    enabled: z.boolean().default(false),
    /** Sessions are keyed by the first capture group (or the match) of this regex in the message; unset = fixed time windows per source (`window_seconds`). */
    key_regex: z.string().min(1).optional(),
    /** A session closes after this much silence of its key (event time); 300 s as `anomalog train --inactivity`. */
    inactivity_seconds: z.number().positive().default(300),
    /** Without `key_regex`: windows of this length per source (event time). */
    window_seconds: z.number().positive().default(3600),
    /**
     * Closed sessions of a source before relations are first mined; nothing is flagged before. 200:
     * on the HDFS_100k training split (labels unused) the relations mined from its first 50 sessions
     * flag exactly the training sessions those mined from all 6,352 flag (1.89 %;
     * bench/invariants-stream.bench.ts prints the check); 200
     * is four times that, and ten times the evidence a relation needs (`mining.min_sessions` 20).
     */
    warmup_sessions: z.number().int().min(2).default(200),
    /** Relations are mined again after this many more closed sessions (a changed system re-learns). */
    remine_sessions: z.number().int().min(1).default(5000),
    /** Closed sessions kept per source for mining (the most recent; their template counts only). */
    max_training_sessions: z.number().int().min(2).default(5000),
    /**
     * A relation broken in more than this share of the sessions checked since it was mined (and at
     * least `retire_breaks` times) no longer holds — the system changed (a new replication factor,
     * a new release) — and is retired until the next mining: a changed system raises a bounded
     * number of alarms, not one per session. 0.04: twice the 2 % of sessions a relation may break
     * when it is accepted (`mining.min_hold` 0.98).
     */
    retire_break_share: z.number().gt(0).max(1).default(0.04),
    retire_breaks: z.number().int().min(1).default(10),
    /** The search (`models/invariants`): acceptance share, support, coefficients, evidence, columns. */
    mining: invariantsConfigSchema.prefault({}),
    /** Open sessions per source (least recently active closed early beyond it). */
    max_open_sessions: z.number().int().min(1).default(10_000),
    /** Template ids tracked per source (counts of others are ignored; template texts for titles). */
    max_templates: z.number().int().min(2).default(2000),
    ...findingFields,
  })
  .strict();

export type InvariantsDetectorConfig = z.infer<typeof invariantsDetectorConfigSchema>;
