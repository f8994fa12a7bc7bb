/**
 * @module topology/pipeline-view
 * What the rest of the service reads of a running pipeline — counters and errors — whether the
 * engine runs on this thread (`Engine`) or in worker threads (`EngineThread`).
 */
import type { ComponentError } from '../core/component.js';
import type { StreamDetector } from '../core/detector.js';

export interface EngineStats {
  batches: number;
  records: number;
  events: number;
  anomalies: number;
  duplicates: number;
  errors: number;
  /** Parsers dropped from memory because more than `maxSources` record sources were active. */
  evictedSources: number;
}

/** One record source's parser counters. */
export interface StreamCounters {
  source: string;
  lines: number;
  events: number;
  unmatched: number;
  templates: number;
  evictedTemplates: number;
}

/** What the rest of the service reads of a running pipeline, in this thread or in a worker. */
export interface PipelineView {
  readonly stats: EngineStats;
  readonly errors: readonly ComponentError[];
  streamCounters(): StreamCounters[];
  /** Resolves once the detectors restored their state; rejects when the pipeline cannot start. */
  readonly ready: Promise<void>;
  /** More work waiting than it should queue (`pipeline.max_pending_lines`): HTTP ingest answers 429. */
  readonly busy: boolean;
  /** Set once the pipeline stopped processing for good (a restart resumes from the last checkpoint). */
  readonly failed: Error | null;
  /** Makes `streamCounters` current (a round trip to worker threads; nothing on this thread). */
  refresh(): Promise<void>;
  /** The detectors, or stand-ins that forward to them, for feedback's `learn`. */
  learners(): Pick<StreamDetector, 'kind' | 'learnAsNormal'>[];
}
