/**
 * @module detectors/params
 * The `params` detector: numeric parameter outliers per template position (latency, sizes…).
 * @example
 * const d = createParams({ direction: 'high' });
 * const anomalies = d.observe(events);
 */
import type { ComponentDefinition } from '../../core/component.js';
import type { StreamDetector } from '../../core/detector.js';
import { parseDetectorConfig } from '../shared/common.js';
import { type ParamsConfig, paramsConfigSchema } from './config.js';
import { ParamsDetector } from './params.js';
import { reportStats } from '../shared/readings.js';

export { paramsConfigSchema, type ParamsConfig } from './config.js';
export { ParamsDetector, PARAMS_SNAPSHOT_VERSION, type ParamsStats } from './params.js';
export { parseNumeric } from './numbers.js';

/** Builds a params detector from a partial config (validated; defaults from the schema). */
export function createParams(config: Partial<ParamsConfig> = {}): ParamsDetector {
  return new ParamsDetector(parseDetectorConfig('params', paramsConfigSchema, config));
}

export const definition: ComponentDefinition<ParamsConfig, StreamDetector> = {
  kind: 'detector',
  type: 'params',
  configSchema: paramsConfigSchema,
  // Its counters on /metrics (read at scrape time): detectors/shared/readings.ts.
  build: (config, ctx) => reportStats(ctx, new ParamsDetector(config), (d) => d.stats(), ['templates', 'series', 'evictedTemplates']),
};
