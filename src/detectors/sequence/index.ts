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
  build: (config) => new SequenceDetector(config),
};
