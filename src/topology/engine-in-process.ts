/**
 * @module topology/engine-in-process
 * The engine wired from the service's configuration on the thread that calls it: the one wiring
 * every host shares — on the main thread (topology/host.ts: `serve` with `engine_thread: main`, and
 * the stepped host of replay, `eval stream` and Kafka partitions) and inside each engine worker
 * thread (topology/engine-worker.ts). Detectors come from the registry with the host's component
 * context; parser options from each source entry; the source cap, checkpoints and the events tap
 * (summarised into runs for the UI's charts) from the configuration and the host.
 * @example
 * const engine = inProcessEngine(spec, { checkpointMs: config.pipeline.checkpoint_interval_ms, parsing: () => undefined });
 */
import type { ComponentContext, Logger } from '../core/component.js';
import type { Clock } from '../core/clock.js';
import type { AnomalyStore, EngineStateStore } from '../core/engine.js';
import type { Anomaly, LogEvent } from '../core/event.js';
import { eventRuns, type EventRun } from '../core/event-runs.js';
import type { Source } from '../core/source.js';
import { buildDetectors } from '../config/registry.js';
import type { ServeConfig } from '../config/schema.js';
import type { WriteFailures } from '../store/index.js';
import { Engine } from './engine.js';
import type { EventOrder } from './fleet-board.js';
import { parserOptionsFor, type SourceParsing } from './parser-options.js';

/** The parts an engine is wired from, whichever host runs it (`EngineHostSpec` extends it). */
export interface EngineWiring {
  config: ServeConfig;
  /** The source components whose batches the engine processes (stand-ins in a worker thread). */
  sources: Source[];
  /** Parser and detector state, template counts; `writes` records refused writes for health. */
  store: EngineStateStore & { readonly writes?: WriteFailures };
  /** Where found anomalies are stored (with their alerts); null: `onAnomalies` gets them unstored (a worker thread). */
  anomalies: AnomalyStore | null;
  clock: Clock;
  logger: Logger;
  /** The build context of a component: the detectors are built with it. */
  context: (id: string) => ComponentContext;
  /** Applied to what the detectors found before it is stored (the feedback policy). */
  filterAnomalies?: (anomalies: Anomaly[]) => Anomaly[];
  /** Newly stored anomalies (all found ones without a store), with the arrival time of their batch. */
  onAnomalies?: (anomalies: Anomaly[], arrivalTs?: number) => void;
  /** Every processed batch's events, summarised (the UI's rate charts). */
  onRuns?: (runs: readonly EventRun[]) => void;
  /** The parsed events themselves (embedding code, replay's event clock). */
  onEvents?: (events: readonly LogEvent[]) => void;
}

export interface InProcessOptions {
  /** Acknowledgements wait for the next detector save, at most this often (see `EngineOptions.checkpointMs`). */
  checkpointMs?: number;
  /** Detector state saved this often without checkpoints (default 30 s). */
  detectorSaveMs?: number;
  /** See `EngineOptions.parsersAtCheckpoint`. */
  parsersAtCheckpoint?: boolean;
  /** `i/n` when the engine is one of n (worker threads): its detector state has keys of its own. */
  partition?: string;
  /** The parsing overrides of the source entry a source component was built from. */
  parsing: (owner: Source) => SourceParsing | undefined;
  /** Where the engine's events come in the host's input (worker threads sharing a fleet: topology/fleet-board.ts). */
  order?: EventOrder;
}

export function inProcessEngine(w: EngineWiring, o: InProcessOptions): Engine {
  const { config, onRuns, onEvents } = w;
  return new Engine({
    sources: w.sources,
    detectors: buildDetectors(config.detectors, w.context),
    store: w.store,
    anomalies: w.anomalies,
    clock: w.clock,
    logger: w.logger,
    writes: w.store.writes,
    partition: o.partition,
    order: o.order,
    checkpointMs: o.checkpointMs,
    detectorSaveMs: o.detectorSaveMs,
    parsersAtCheckpoint: o.parsersAtCheckpoint,
    maxSources: config.pipeline.max_sources,
    parserOptions: (_sourceId, owner) => parserOptionsFor(config, o.parsing(owner)),
    filterAnomalies: w.filterAnomalies,
    onEvents:
      onRuns || onEvents
        ? (events) => {
            onRuns?.(eventRuns(events));
            onEvents?.(events);
          }
        : undefined,
    onAnomalies: w.onAnomalies,
  });
}
