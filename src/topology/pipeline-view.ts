/**
 * @module topology/pipeline-view
 * What the rest of the service reads of a running pipeline — counters and errors — whether the
 * engine runs on this thread (`Engine`) or in worker threads (`EngineThread`).
 */
import type { ComponentError } from '../core/component.js';

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
}
