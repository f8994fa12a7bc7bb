/**
 * @module detectors/shared/config
 * Config fields every finding-making streaming detector has in the same sense (the sequence and
 * invariants detectors spread them into their strict schemas): sources tracked, the id's time
 * bucket and the context lines kept.
 */
import { z } from 'zod';

export const findingFields = {
  /** Sources tracked; the least recently seen are evicted beyond it. */
  max_sources: z.number().int().min(1).default(200),
  /** Time bucket of the anomaly id. */
  bucket_seconds: z.number().positive().default(60),
  /** Raw lines kept as context. */
  context_lines: z.number().int().min(0).max(100).default(5),
  /** Longer context lines are cut. */
  max_line_chars: z.number().int().min(16).default(2000),
};
