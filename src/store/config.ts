/**
 * @module store/config
 * Store options: strict schema with the defaults (busy timeout, retention).
 */
import { z } from 'zod';

export const storeConfigSchema = z
  .object({
    /** How long a write waits for another connection's lock (ms). */
    busy_timeout_ms: z.number().int().nonnegative().default(5000),
    retention: z
      .object({
        /** Anomalies older than this are deleted (default 30 days). */
        max_age_ms: z.number().int().positive().default(30 * 24 * 3600 * 1000),
        /** At most this many anomalies are kept, the newest (default 1,000,000). */
        max_rows: z.number().int().positive().default(1_000_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type StoreConfig = z.infer<typeof storeConfigSchema>;
