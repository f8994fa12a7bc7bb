/**
 * @module detectors/watch
 * The `watch` detector: recurrences of problems a person confirmed (`real` feedback) are reported
 * again, one anomaly per burst. It reports nothing until someone confirms an anomaly. See README.md.
 * @example
 * const d = createWatch();
 * d.confirmed({ source: 'app', templateId: 7, template: 'disk <*> failed', on: true });
 * const anomalies = d.observe(events);
 */
import type { ComponentDefinition } from '../../core/component.js';
import type { StreamDetector } from '../../core/detector.js';
import { parseDetectorConfig } from '../shared/common.js';
import { type WatchConfig, watchConfigSchema } from './config.js';
import { WatchDetector } from './watch.js';
import { reportStats } from '../shared/readings.js';

export { watchConfigSchema, type WatchConfig } from './config.js';
export { WatchDetector, WATCH_SNAPSHOT_VERSION, type WatchStats } from './watch.js';

/** Builds a watch detector from a partial config (validated; defaults from the schema). */
export function createWatch(config: Partial<WatchConfig> = {}): WatchDetector {
  return new WatchDetector(parseDetectorConfig('watch', watchConfigSchema, config));
}

export const definition: ComponentDefinition<WatchConfig, StreamDetector> = {
  kind: 'detector',
  type: 'watch',
  configSchema: watchConfigSchema,
  // Its counters on /metrics (read at scrape time): detectors/shared/readings.ts.
  build: (config, ctx) => reportStats(ctx, new WatchDetector(config), (d) => d.stats, ['watched', 'confirmed', 'reported']),
};
