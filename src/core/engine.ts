/**
 * @module core/engine
 * The engine's seams (contracts only, no I/O): what the engine needs from the store
 * (`EngineStateStore`, `AnomalyStore`), what the rest of the service reads of a running pipeline
 * (`PipelineView`), and the host contract (`EngineHost`) that this thread (`Engine`), worker
 * threads (`EngineThread`) and Kafka partitions implement.
 */
import type { ComponentError } from './component.js';
import type { StreamDetector } from './detector.js';
import type { Anomaly } from './event.js';
import type { Snapshot } from './parser.js';

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

/** Sources in flood mode a host reports (health names 10 of them and counts the rest). */
export const FLOODING_REPORTED = 64;

/** One record source's parser counters. */
export interface StreamCounters {
  source: string;
  lines: number;
  events: number;
  unmatched: number;
  templates: number;
  evictedTemplates: number;
  /** The miner's flood guard: lines sent to an overflow template (matched none, not mined). */
  overflowLines?: number;
  /** Lines learned in flood mode (its duration in lines), times it started, whether it is on now. */
  floodLines?: number;
  floodEntries?: number;
  flooding?: boolean;
}

/** What the rest of the service reads of a running pipeline, in this thread or in a worker. */
export interface PipelineView {
  readonly stats: EngineStats;
  readonly errors: readonly ComponentError[];
  streamCounters(): StreamCounters[];
  /**
   * The record sources whose miner is in flood mode now (at most `FLOODING_REPORTED`), kept current
   * each second without a `refresh` (health reads it); none when the host does not report it.
   */
  flooding?(): StreamCounters[];
  /** Resolves once the detectors restored their state; rejects when the pipeline cannot start. */
  readonly ready: Promise<void>;
  /** More work waiting than it should queue (`pipeline.max_pending_lines`): HTTP ingest answers 429. */
  readonly busy: boolean;
  /** Set once the pipeline stopped processing for good (a restart resumes from the last checkpoint). */
  readonly failed: Error | null;
  /** Makes `streamCounters` current (a round trip to worker threads; nothing on this thread). */
  refresh(): Promise<void>;
  /** The detectors, or stand-ins that forward to them, for feedback's `learn` and `real` (`confirmed`). */
  learners(): Pick<StreamDetector, 'kind' | 'learnAsNormal' | 'confirmed'>[];
  /** Whether the pipeline's store writes fail now (disk full, locked…), and how often they failed. */
  storeWrites(): StoreWriteStats;
  /** The V8 heaps of the threads that run the pipeline off this thread (as of their last counters); none in-process. */
  threadMemory?(): ThreadMemory[];
}

/** One thread's V8 heap, in bytes: where the service's memory goes (`/api/health` → `memory`). */
export interface ThreadMemory {
  thread: string;
  /** Live objects after the last collection plus what was allocated since. */
  heapUsed: number;
  /** What the heap holds from the system (used + free space V8 keeps). */
  heapTotal: number;
  /** Memory outside the heap that heap objects own (Buffers, ArrayBuffers). */
  external: number;
}

/** Why store writes fail (see store/write-failures.ts). */
export type StoreWriteReason = 'disk_full' | 'locked' | 'read_only' | 'io';

/** A store connection's write condition: failing now or not, and failed writes per reason. */
export interface StoreWriteStats {
  /** Why writes fail now; null when the last write succeeded. */
  failing: StoreWriteReason | null;
  /** The one-line message of the current failure (with its fix); null when writing. */
  message: string | null;
  /** When the current failure started (clock ms); null when writing. */
  since: number | null;
  /** Failed writes per reason since start. */
  errors: Record<StoreWriteReason, number>;
  /** Anomalies found but not stored yet (kept and retried while the store cannot write). */
  unstored: number;
  /** Anomalies dropped because more were waiting than the retry queue holds. */
  unstoredDropped: number;
}

/** A batch delta for one template: `count` events seen between `firstSeen` and `lastSeen`. */
export interface TemplateDelta {
  source: string;
  templateId: number;
  template: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Parameters of one example event; the first example stored is kept. */
  exampleParams?: string[];
}

/** Templates of one source that its miner evicted (ids are never reused): their rows are deleted. */
export interface EvictedTemplates {
  source: string;
  templateIds: number[];
}

/** The engine's own state in the store: parser and detector snapshots, template counts. */
export interface EngineStateStore {
  loadParserState(source: string): Snapshot | undefined;
  saveParserState(source: string, snapshot: Snapshot): void;
  /**
   * Adds `rows` to the template counts, then deletes the rows of `evicted` templates (in one
   * transaction): the table holds what the miners hold, not one row per line ever seen. Absent
   * when the host keeps no template table (a Kafka partition): then no counts are built.
   */
  upsertTemplates?(rows: readonly TemplateDelta[], evicted?: readonly EvictedTemplates[]): void;
}

/** Where found anomalies are stored (with alerts: `topology/alerting.ts#withAlerts`). */
export interface AnomalyStore {
  /** Stores anomalies not stored before (same id = same anomaly) and returns those it stored. */
  insertAnomalies(batch: readonly Anomaly[]): Anomaly[];
}

/** What the engine needs from the store (the SQLite store implements it; tests use a memory one). */
export interface EngineStore extends EngineStateStore, AnomalyStore {}

/**
 * The engine host contract: one running engine (parse → detectors → anomalies + state) over the
 * service's sources, whatever runs it — this thread (`Engine`), worker threads (`EngineThread`),
 * or, in distributed mode, one Kafka partition's consumer. Every host passes the shared suite
 * `test/contract/engine-host.contract.ts`: same anomalies, checkpoints and counters for the same
 * input, and recovery from kill -9 at its last checkpoint.
 */
export interface EngineHost extends PipelineView {
  /** Runs every source until `signal` aborts, then drains, saves state and acknowledges what is left. */
  run(signal: AbortSignal): Promise<void>;
}
