/**
 * @module models/invariants/config
 * Options of the mined-invariants model (Lou, Fu, Yang, Xu & Li, "Mining Invariants from Console
 * Logs for System Problem Detection", USENIX ATC 2010). Defaults are the paper's where it gives one
 * (98 % acceptance); the others bound the search and are stated with their reason.
 */
import { z } from 'zod';

export const invariantsConfigSchema = z
  .object({
    /** A relation is accepted when it holds in at least this share of the training sessions where one of its templates occurs (Lou et al.: 98 %). */
    min_hold: z.number().gt(0.5).max(1).default(0.98),
    /** Templates per relation: 2 (count(A) = count(B)) or 3 (count(A) = count(B) + count(C)); the paper's invariants have small support. */
    max_support: z.number().int().min(2).max(3).default(3),
    /** Largest absolute integer coefficient (count(A) = 3·count(B) is found, 4· is not). */
    max_coefficient: z.number().int().min(1).max(6).default(3),
    /** A relation needs at least this many training sessions where one of its templates occurs (evidence, not chance). */
    min_sessions: z.number().int().min(2).default(20),
    /** The most frequent integer-count columns searched (the search grows with the cube of it). */
    max_columns: z.number().int().min(2).max(512).default(64),
    /** Relations kept (the first found: smaller support first). */
    max_invariants: z.number().int().min(1).max(10_000).default(256),
  })
  .strict();

export type InvariantsConfig = z.infer<typeof invariantsConfigSchema>;
export type InvariantsOptions = z.input<typeof invariantsConfigSchema>;
