/**
 * @module models/threshold
 * Scores → decisions without labels: contamination quantile or EVT/SPOT; serialisable.
 */
import { AnomalogError } from '../../core/errors.js';
import { FixedThreshold, QuantileThreshold, type FixedThresholdJSON, type QuantileThresholdJSON } from './quantile.js';
import { SpotThreshold, type SpotThresholdJSON } from './spot.js';

export { FixedThreshold, QuantileThreshold, quantile, type FixedThresholdJSON, type QuantileThresholdJSON } from './quantile.js';
export { SpotThreshold, DEFAULT_SPOT_OPTIONS, type SpotOptions, type SpotThresholdJSON } from './spot.js';
export { autoThreshold, isTiedTail, tailShape, DEFAULT_AUTO_OPTIONS, type AutoThresholdOptions } from './auto.js';
export { fitGpd, gpdLogLikelihood, type GpdFit } from './gpd.js';
export { thresholdConfigSchema, type ThresholdConfig } from './config.js';

export type Threshold = QuantileThreshold | SpotThreshold | FixedThreshold;
export type ThresholdJSON = QuantileThresholdJSON | SpotThresholdJSON | FixedThresholdJSON;

export function thresholdFromJSON(j: ThresholdJSON): Threshold {
  if (j && j.kind === 'quantile') return QuantileThreshold.fromJSON(j);
  if (j && j.kind === 'spot') return SpotThreshold.fromJSON(j);
  if (j && j.kind === 'fixed') return FixedThreshold.fromJSON(j);
  throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `Unknown threshold kind "${String((j as { kind?: unknown })?.kind)}".`);
}
