/**
 * @module store/config
 * Store options: strict schema with the defaults. Retention settings live in the service config
 * (`retention.max_age_days`, `retention.max_anomalies`, config/schema.ts); topology/build.ts passes
 * them to `applyRetention`.
 */
import { z } from 'zod';

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export const storeConfigSchema = z
  .object({
    /** How long a write waits for another connection's lock (ms). */
    busy_timeout_ms: z.number().int().nonnegative().default(DEFAULT_BUSY_TIMEOUT_MS),
  })
  .strict();

export type StoreConfig = z.infer<typeof storeConfigSchema>;
