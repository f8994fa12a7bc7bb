/**
 * @module detectors/rate
 * The `rate` detector: per-template and per-source volume spikes, drops and silence.
 * @example
 * const d = createRate({ interval_seconds: 60 });
 * const found = [...d.observe(events), ...d.tick(clock.now())];
 */
import type { ComponentDefinition } from '../../core/component.js';
import type { StreamDetector } from '../../core/detector.js';
import { parseDetectorConfig } from '../shared/common.js';
import { type RateConfig, rateConfigSchema } from './config.js';
import { RateDetector } from './rate.js';
import { reportStats } from '../shared/readings.js';

export { rateConfigSchema, type RateConfig } from './config.js';
export { RateDetector, RATE_SNAPSHOT_VERSION, type RateStats } from './rate.js';
export { lowerTail, upperTail } from './tail.js';

/** Builds a rate detector from a partial config (validated; defaults from the schema). */
export function createRate(config: Partial<RateConfig> = {}): RateDetector {
  return new RateDetector(parseDetectorConfig('rate', rateConfigSchema, config));
}

export const definition: ComponentDefinition<RateConfig, StreamDetector> = {
  kind: 'detector',
  type: 'rate',
  configSchema: rateConfigSchema,
  // Its counters on /metrics (read at scrape time): detectors/shared/readings.ts.
  build: (config, ctx) => reportStats(ctx, new RateDetector(config), (d) => d.stats(), ['sources', 'templates', 'evictedTemplates', 'evictedSources']),
};
