/**
 * @module core/component
 * How components plug in: a definition (kind, type, strict schema, factory) and the context
 * that hands them everything they need. Nothing is global.
 */
import type { ZodType } from 'zod';
import type { Clock } from './clock.js';
import type { SharedFleet } from './fleet.js';
import type { CheckpointStore, ModelRegistry } from './ports.js';

export type ComponentKind = 'source' | 'parser' | 'feature' | 'detector' | 'sink';

/** Structured logger: message is a capitalised sentence; fields are never interpolated into it. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Counters every component reports (received, sent, dropped, errors). */
export interface ComponentCounters {
  received: number;
  sent: number;
  dropped: number;
  errors: number;
}

/**
 * One number a component keeps anyway, as a metric: `name` is the whole metric name
 * (`anomalog_<name>_<unit>`, counters end in `_total`), labelled with the component's id.
 */
export interface Reading {
  name: `anomalog_${string}`;
  type: 'counter' | 'gauge';
  help: string;
}

/**
 * Where a component reports the counters it keeps (Vector's internal metrics). Nothing runs per
 * line: `read` is called when the metrics are scraped and returns the current value of each
 * reading by name. A component in an engine worker thread reports the same way; the worker
 * forwards its readings to the main thread when asked (topology/component-metrics.ts).
 */
export interface ComponentMetrics {
  report(readings: readonly Reading[], read: () => Readonly<Record<string, number>>): void;
}

export interface ComponentContext {
  readonly id: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /**
   * True while the pipeline has more work waiting than it should queue (`pipeline.max_pending_lines`):
   * a source that can refuse input (HTTP ingest: 429, the shipper retries) does so; others just wait.
   */
  readonly busy?: () => boolean;
  /** Where sources keep resume points; without one a source keeps them in memory (no resume after a restart). */
  readonly checkpoints?: CheckpointStore;
  /** The store's model registry; without one (replay: a backtest leaves no model behind) trained models are not kept. */
  readonly models?: ModelRegistry;
  /** Where the component reports its own counters for `GET /metrics`; without one (replay, tests) nothing is reported. */
  readonly metrics?: ComponentMetrics;
  /**
   * `pipeline.max_sources`: most record sources a source component splits its records into
   * (`source_by`, sources/shared/source-by.ts); default 1000.
   */
  readonly maxSources?: number;
  /**
   * Set when the host splits the record sources between engines (worker threads): what the
   * engines' detectors share (core/fleet.ts). Unset: this engine is the whole fleet.
   */
  readonly fleet?: SharedFleet;
}

export interface ComponentDefinition<C, T> {
  readonly kind: ComponentKind;
  readonly type: string;
  readonly configSchema: ZodType<C>;
  build(config: C, ctx: ComponentContext): Promise<T> | T;
}

/** A runtime failure inside a component: it becomes this event plus a counter, never a crash. */
export interface ComponentError {
  component: string;
  stage: 'receiving' | 'processing' | 'sending';
  errorType: string;
  message: string;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
