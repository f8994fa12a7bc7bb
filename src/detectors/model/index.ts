/**
 * @module detectors/model
 * The model detector: features + model + label-free threshold over sessions/windows, the versioned
 * artifact, the bridge from LogEvent batches, the batch-mode `ModelDetector` (`anomalog detect`), and
 * the streaming `StreamModelDetector` of `anomalog serve` (`definition`: windows per source, a
 * reservoir, training in a worker thread, hot swap, the store's model registry).
 * @example
 * const det = await trainOnEvents(batches, { mode: 'time', size_ms: 3_600_000 }, { model: 'ensemble' });
 * const live = new ModelDetector(det, { mode: 'time', size_ms: 3_600_000 });
 * const serve = createModelDetector({ window_seconds: 60, model: 'if' }, { registry: store });
 */
import type { ComponentDefinition } from '../../core/component.js';
import type { StreamDetector } from '../../core/detector.js';
import { parseDetectorConfig } from '../shared/common.js';
import { type ModelDetectorConfig, type ModelDetectorInput, modelDetectorConfigSchema } from './config.js';
import { StreamModelDetector, type StreamModelDeps } from './stream.js';
import { reportStats } from '../shared/readings.js';

export * from './detector.js';
export * from './events.js';
export * from './model-detector.js';
export { createModel, restoreModel, ownThreshold, isModelKind, MODEL_KINDS, BASE_KINDS, type ModelKind, type BaseKind, type ModelOptions } from './models.js';
export { modelDetectorConfigSchema, type ModelDetectorConfig, type ModelDetectorInput } from './config.js';
export { StreamModelDetector, MODEL_SNAPSHOT_VERSION, registryKind, type ModelRegistry, type ModelDetectorStats, type StreamModelDeps } from './stream.js';
export { TrainedModel, trainWindows, STREAM_MODEL_FORMAT, STREAM_MODEL_VERSION, type StreamModelArtifact, type TrainJob } from './training.js';
export { InlineTrainer, WorkerTrainer, type Trainer } from './trainer.js';

/** Builds a streaming model detector from a partial config (validated; defaults from the schema). */
export function createModelDetector(config: ModelDetectorInput = {}, deps: StreamModelDeps = {}): StreamModelDetector {
  return new StreamModelDetector(parseDetectorConfig('model', modelDetectorConfigSchema, config), deps);
}

export const definition: ComponentDefinition<ModelDetectorConfig, StreamDetector> = {
  kind: 'detector',
  type: 'model',
  configSchema: modelDetectorConfigSchema,
  build: (config, ctx) => {
    // The service context carries the store's model registry (topology/build.ts); replay's does not (a backtest leaves no model behind).
    const registry = ctx.models;
    const d = new StreamModelDetector(config, { registry, logger: ctx.logger });
    ctx.signal.addEventListener('abort', () => d.close(), { once: true });
    // Its counters on /metrics (read at scrape time): detectors/shared/readings.ts.
    return reportStats(ctx, d, (x) => x.stats(), ['sources', 'windows', 'flagged', 'trainings', 'trainingFailures', 'evictedSources']);
  },
};
