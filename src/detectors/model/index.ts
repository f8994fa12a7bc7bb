/**
 * @module detectors/model
 * The model detector: features + model + label-free threshold over sessions/windows, the versioned
 * artifact, the bridge from LogEvent batches, and the streaming `ModelDetector` (events → anomalies).
 * @example
 * const det = await trainOnEvents(batches, { mode: 'time', size_ms: 3_600_000 }, { model: 'ensemble' });
 * const live = new ModelDetector(det, { mode: 'time', size_ms: 3_600_000 });
 */
export * from './detector.js';
export * from './events.js';
export * from './model-detector.js';
export { createModel, restoreModel, ownThreshold, isModelKind, MODEL_KINDS, BASE_KINDS, type ModelKind, type BaseKind, type ModelOptions } from './models.js';
