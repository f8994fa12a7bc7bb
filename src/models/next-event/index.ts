/**
 * @module models/next-event
 * Count-based next-event model over template sequences (DeepLog without a network): `new
 * NextEventModel(options)`, `NextEventModel.fromJSON(artifact)`. A sequence model: it fits and
 * scores template-id sequences, not feature vectors, so it is not in the matrix-model registry;
 * the batch detector (`--model next`) and the streaming `sequence` detector use it directly.
 * @example
 * const m = new NextEventModel().fitSequences(train.map((s) => s.templates));
 * m.predicts([START, 5, 1], 1).hit;
 */
export { NextEventModel, NEXT_EVENT_KIND, NEXT_EVENT_VERSION, START, END, type NextEventArtifact, type NextEventParams, type Prediction } from './next-event.js';
export { nextEventConfigSchema, type NextEventConfig, type NextEventOptions } from './config.js';
