/**
 * @module detectors/sequence
 * The `sequence` detector: an event that its recent history does not predict (next-event model
 * per source or session key). Off by default in `serve` (README: false alarms on normal logs).
 * @example
 * const d = createSequence({ key_regex: 'blk_-?\\d+' });
 * const anomalies = d.observe(events);
 */
import type { ComponentDefinition } from '../../core/component.js';
import type { StreamDetector } from '../../core/detector.js';
import { parseDetectorConfig } from '../shared/common.js';
import { type SequenceConfig, sequenceConfigSchema } from './config.js';
import { SequenceDetector } from './sequence.js';
import { reportStats } from '../shared/readings.js';

export { sequenceConfigSchema, type SequenceConfig } from './config.js';
export { SequenceDetector, SEQUENCE_SNAPSHOT_VERSION, type SequenceStats } from './sequence.js';

/** Builds a sequence detector from a partial config (validated; defaults from the schema). */
export function createSequence(config: Partial<SequenceConfig> = {}): SequenceDetector {
  return new SequenceDetector(parseDetectorConfig('sequence', sequenceConfigSchema, config));
}

export const definition: ComponentDefinition<SequenceConfig, StreamDetector> = {
  kind: 'detector',
  type: 'sequence',
  configSchema: sequenceConfigSchema,
  // Its counters on /metrics (read at scrape time): detectors/shared/readings.ts.
  build: (config, ctx) => reportStats(ctx, new SequenceDetector(config), (d) => d.stats(), ['sources', 'contexts', 'keys', 'evictedContexts']),
};
