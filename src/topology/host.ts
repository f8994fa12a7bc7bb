/**
 * @module topology/host
 * The one place an engine host is chosen and wired (`core/engine.ts#EngineHost`): on this thread
 * (`Engine`) or in worker threads (`EngineThread`, which runs the same `Engine` in each worker),
 * from the same parts — configuration, sources, the store, where anomalies go and the hooks the
 * service listens with. A Kafka partition host (DESIGN §5) takes the same spec.
 * @example
 * const host = createEngineHost({ config, dbPath, sources, store, anomalies: withAlerts(store, alerting), clock, logger, context });
 * await host.ready;
 * await host.run(abort.signal);
 */
import { type Clock, systemClock } from '../core/clock.js';
import type { StreamDetector } from '../core/detector.js';
import type { AnomalyStore, EngineHost } from '../core/engine.js';
import type { RawBatch } from '../core/source.js';
import type { Anomaly } from '../core/event.js';
import type { AnomalogError } from '../core/errors.js';
import type { Source } from '../core/source.js';
import type { ServeConfig } from '../config/schema.js';
import type { Store } from '../store/index.js';
import type { LogParser } from '../parsers/pipeline.js';
import { EngineThread } from './engine-thread.js';
import type { Backlog } from './backlog.js';
import { sourceParsing, type SourceParsing } from './parser-options.js';
import { type EngineWiring, inProcessEngine } from './engine-in-process.js';

export type EngineHostKind = 'main' | 'worker';

/**
 * What every host is built from (`EngineWiring`: configuration, sources, store, clock, logger, the
 * components' context and the hooks the service listens with), and what only some hosts use.
 * `onEvents` reaches only a host on this thread (worker threads send runs).
 */
export interface EngineHostSpec extends EngineWiring {
  /** The service's SQLite file (worker threads open their own connection to it). */
  dbPath: string;
  /** The service's store: parser and detector state, template counts, source lanes. */
  store: Pick<Store, 'loadParserState' | 'saveParserState'> & Partial<Pick<Store, 'upsertTemplates' | 'lanes' | 'writes'>>;
  /** Where found anomalies are stored (with their alerts). */
  anomalies: AnomalyStore;
  /** The host can no longer process (a worker thread failed or died). */
  onFailure?: (e: AnomalogError) => void;
  /**
   * Lines handed over and not processed yet, which the sources read as `ComponentContext.busy`: a
   * host that queues (worker threads) counts into it; one on this thread never queues.
   */
  backlog?: Backlog;
}

/**
 * Which host runs the engine: `pipeline.engine_thread`, except that a simulated clock (the demo,
 * tests with `ManualClock`) keeps it on this thread — a worker thread has its own wall clock.
 */
export function engineHostKind(config: ServeConfig, clock: Clock): EngineHostKind {
  return config.pipeline.engine_thread === 'worker' && clock === systemClock ? 'worker' : 'main';
}

/** The engine host for `spec`, of `kind` (default: `engineHostKind`). */
export function createEngineHost(spec: EngineHostSpec, kind = engineHostKind(spec.config, spec.clock)): EngineHost {
  const { config } = spec;
  if (kind === 'worker') {
    return new EngineThread({
      config,
      dbPath: spec.dbPath,
      sources: spec.sources,
      store: spec.anomalies,
      lanes: spec.store.lanes,
      writes: spec.store.writes,
      logger: spec.logger,
      onFailure: spec.onFailure,
      filterAnomalies: spec.filterAnomalies,
      onAnomalies: spec.onAnomalies,
      onRuns: spec.onRuns,
      backlog: spec.backlog,
      context: spec.context,
    });
  }
  const parsing = new Map<Source, SourceParsing>(spec.sources.map((s, i) => [s, sourceParsing(config.sources[i])]));
  // Acks wait for the next detector save: after kill -9 the detectors resume where the sources do.
  return inProcessEngine(spec, { checkpointMs: config.pipeline.checkpoint_interval_ms, parsing: (owner) => parsing.get(owner) });
}

/**
 * The in-process host driven step by step (`topology/replay.ts`: replay and `eval stream`): the
 * caller hands batches over (`process`) and moves time (`tick`) on an event-time clock, so a backtest
 * gives the same answer twice. Only this thread's host can follow a simulated clock.
 */
export interface SteppedEngineHost extends EngineHost {
  process(owner: Source, batch: RawBatch): Promise<void>;
  /** Time passes: idle multi-line records, detector intervals, silence, due trainings; returns what was stored. */
  tick(): Anomaly[];
  saveDetectors(): void;
  /** Saves every parser in memory (with `saveDetectors`: one consistent state of the whole engine). */
  saveParsersNow(): void;
  /** Each record source's parser (a parser may hold lines back: `pendingLine`). */
  streams(): IterableIterator<[string, LogParser]>;
  /** The detectors themselves (feedback's `learn` reaches them directly on this thread). */
  learners(): StreamDetector[];
}

export interface SteppedOptions {
  /** Record format of every input (default `config.parser.format`, else detected per source). */
  format?: string;
  /** Detector state saved this often (clock ms); default: as `serve` without checkpoints (30 s). */
  detectorSaveMs?: number;
  /** Multi-line joining (default `config.parser.multiline`); off for inputs whose records are whole (Kafka). */
  multiline?: boolean;
  /** Parsers saved only when the caller saves them (`saveParsersNow`: a Kafka partition's checkpoint), not per batch. */
  parsersAtCheckpoint?: boolean;
}

/** The stepped in-process host for `spec` (its `sources` are not run: batches come through `process`). */
export function createSteppedHost(spec: EngineHostSpec, o: SteppedOptions = {}): SteppedEngineHost {
  const parsing: SourceParsing = { type: 'file_tail', format: o.format, multiline: o.multiline };
  return inProcessEngine(spec, { detectorSaveMs: o.detectorSaveMs, parsersAtCheckpoint: o.parsersAtCheckpoint, parsing: () => parsing });
}
