/**
 * @module detectors/novelty
 * The `novelty` detector: new or rare templates per source.
 * @example
 * const d = createNovelty({ warmup_events: 1000 });
 * const anomalies = d.observe(events);
 */
import type { ComponentDefinition } from '../../core/component.js';
import type { StreamDetector } from '../../core/detector.js';
import { type NoveltyConfig, noveltyConfigSchema } from './config.js';
import { NoveltyDetector } from './novelty.js';
import { SharedNoveltyFleet } from './fleet.js';
import { parseDetectorConfig } from '../shared/common.js';
import { reportStats } from '../shared/readings.js';

export { noveltyConfigSchema, type NoveltyConfig } from './config.js';
export { NoveltyDetector, NOVELTY_SNAPSHOT_VERSION, type NoveltyStats } from './novelty.js';

/** Builds a novelty detector from a partial config (validated; defaults from the schema). */
export function createNovelty(config: Partial<NoveltyConfig> = {}): NoveltyDetector {
  return new NoveltyDetector(parseDetectorConfig('novelty', noveltyConfigSchema, config));
}

export const definition: ComponentDefinition<NoveltyConfig, StreamDetector> = {
  kind: 'detector',
  type: 'novelty',
  configSchema: noveltyConfigSchema,
  // Its counters on /metrics (read at scrape time): detectors/shared/readings.ts.
  // Engines that split the record sources share one fleet (ComponentContext.fleet, fleet.ts).
  build: (config, ctx) => reportStats(ctx, new NoveltyDetector(config, ctx.fleet ? new SharedNoveltyFleet(config.max_fleet_templates, ctx.fleet) : undefined), (d) => d.stats(), ['sources', 'templates', 'evictedTemplates', 'evictedSources', 'evictedWords', 'fleetTemplates']),
};
