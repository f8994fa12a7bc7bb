/**
 * @module detectors/invariants
 * The `invariants` detector: a session that breaks a relation between template counts its source's
 * sessions keep (mined online, Lou et al. 2010). Off by default in `serve` (README).
 * @example
 * const d = createInvariants({ key_regex: '(blk_-?\\d+)' });
 * const anomalies = [...d.observe(events), ...d.tick(clock.now())];
 */
import type { ComponentDefinition } from '../../core/component.js';
import type { StreamDetector } from '../../core/detector.js';
import { parseDetectorConfig } from '../shared/common.js';
import { invariantsDetectorConfigSchema, type InvariantsDetectorConfig } from './config.js';
import { InvariantsDetector } from './invariants.js';
import { reportStats } from '../shared/readings.js';

export { invariantsDetectorConfigSchema, type InvariantsDetectorConfig } from './config.js';
export { InvariantsDetector, INVARIANTS_SNAPSHOT_VERSION, type InvariantsStats, type Relation } from './invariants.js';

/** Builds an invariants detector from a partial config (validated; defaults from the schema). */
export function createInvariants(config: Partial<InvariantsDetectorConfig> | Record<string, unknown> = {}): InvariantsDetector {
  return new InvariantsDetector(parseDetectorConfig('invariants', invariantsDetectorConfigSchema, config));
}

export const definition: ComponentDefinition<InvariantsDetectorConfig, StreamDetector> = {
  kind: 'detector',
  type: 'invariants',
  configSchema: invariantsDetectorConfigSchema,
  // Its counters on /metrics (read at scrape time): detectors/shared/readings.ts.
  build: (config, ctx) => reportStats(ctx, new InvariantsDetector(config), (d) => d.stats(), ['sources', 'relations', 'openSessions', 'closedSessions']),
};
