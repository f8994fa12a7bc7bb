/**
 * @module topology/engine-thread
 * The engine in worker threads (topology/engine-worker.ts), driven from the main thread: the
 * sources run here and hand their batches over as columns (topology/engine-wire.ts); parsing,
 * detection and the detectors' state writes run there. With `pipeline.engine_threads` > 1 each
 * record source belongs to one worker (topology/engine-lanes.ts), like a Kafka partition: its
 * parser, its detector state and its models live only there. What the detectors find comes back and is
 * stored here — feedback policy, then anomalies and their alerts in one transaction, then the live
 * feed — before the acknowledgements that follow it on the same port. What the workers report is
 * summed and shown as one engine by engine-reports.ts.
 * @example
 * const engine = new EngineThread({ config, dbPath, sources, store, logger });
 * await engine.ready;                       // detectors restored in the workers
 * await engine.run(abortController.signal); // until aborted; then drains and stops the workers
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ComponentContext, ComponentError, Logger } from '../core/component.js';
import type { Confirmed, LearnAsNormal, StreamDetector } from '../core/detector.js';
import type { Anomaly } from '../core/event.js';
import { systemClock } from '../core/clock.js';
import type { RawBatch, Source } from '../core/source.js';
import { AnomalogError } from '../core/errors.js';
import { spawnWorker } from '../core/spawn-worker.js';
import type { EventRun } from '../core/event-runs.js';
import type { ServeConfig } from '../config/schema.js';
import type { AnomalyStore, EngineHost, EngineStats, StoreWriteStats, StreamCounters, ThreadMemory } from '../core/engine.js';
import { mergeWriteFailures, WriteFailures } from '../store/index.js';
import { FoundAnomalies } from './engine-found.js';
import { EngineLanes } from './engine-lanes.js';
import { FleetBoard } from './fleet-board.js';
import { AckLedger } from './engine-acks.js';
import { Backlog } from './backlog.js';
import { encodeBatch, type FromWorker, type ToWorker } from './engine-wire.js';
import type { SourceLanes } from '../store/lanes.js';
import type { EngineWorkerData } from './engine-worker.js';
import { emptyReport, reportReadings, sumStats, takeCounters, type WorkerReport, zeroStats } from './engine-reports.js';

export interface EngineThreadOptions {
  config: ServeConfig;
  /** The service's SQLite file (each worker opens its own connection for detector and parser state). */
  dbPath: string;
  sources: Source[];
  /** Where found anomalies are stored (with alerts: `withAlerts(store, alerting)`). */
  store: AnomalyStore;
  logger: Logger;
  filterAnomalies?: (anomalies: Anomaly[]) => Anomaly[];
  onAnomalies?: (anomalies: Anomaly[], arrivalTs?: number) => void;
  /** Every processed batch's events, summarised (the UI's rate charts). */
  onRuns?: (runs: readonly EventRun[]) => void;
  /** Called once when a worker thread fails or dies: the pipeline has stopped processing. */
  onFailure?: (e: AnomalogError) => void;
  /** Where each record source's worker is kept (the store's `lanes`); in memory only without it. */
  lanes?: Pick<SourceLanes, 'get' | 'assign' | 'counts'>;
  /** Lines handed over and not processed yet (the service's, which its sources read); default: one of its own. */
  backlog?: Backlog;
  /** Where this thread's refused store writes are recorded (the store's `writes`). */
  writes?: WriteFailures;
  /**
   * The components' build context on this thread: what the workers' components report
   * (`ComponentContext.metrics`) is reported through it, summed over the workers.
   */
  context?: (id: string) => ComponentContext;
}

interface Pending {
  /** Parts still in workers (a batch is split when its records belong to several). */
  parts: number;
  lines: number;
  /** Taken early (a batch with a cursor): counts against `EARLY`. */
  early: boolean;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** A worker thread and what it last reported (engine-reports.ts). */
interface Lane extends WorkerReport {
  worker: Worker;
  ready: boolean;
  exited: boolean;
}

/**
 * Batches with a cursor that may wait in the workers, all sources together, before an `emit` waits:
 * enough that the next read overlaps processing, few enough that a new line is not queued behind
 * many (12 files × a per-file window of 4 measured as hundreds of ms of queue at 200k lines/s).
 */
const EARLY_PER_WORKER = 2;

/** `pipeline.engine_threads`: `auto` is one per core, 1 to 4 (the main thread is mostly I/O). */
export function engineThreads(setting: number | 'auto'): number {
  return setting === 'auto' ? Math.max(1, Math.min(4, availableParallelism())) : setting;
}

export class EngineThread implements EngineHost {
  readonly stats: EngineStats = zeroStats();
  /** Resolves once every worker restored its detectors; rejects when one cannot start. */
  readonly ready: Promise<void>;
  private readonly lanes: Lane[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly acks = new AckLedger();
  /** Batches with a cursor handed over and not processed yet, and emits waiting for room. */
  private early = 0;
  private readonly slots: Pick<Pending, 'resolve' | 'reject'>[] = [];
  private nextId = 0;
  /** Lines of the batches in `pending`. */
  private readonly backlog: Backlog;
  private readonly countersWaiting: (() => void)[] = [];
  private countersDue = 0;
  private failure: AnomalogError | null = null;
  private stopping = false;
  private onStopped: (() => void) | null = null;
  private onReady: { resolve: () => void; reject: (e: Error) => void } | null = null;
  /** Batches the sources emitted (a batch split between workers is still one batch, as in the in-process engine). */
  private batches = 0;
  /** Failures seen on this thread (sources, the store, a worker itself). */
  private readonly local: ComponentError[] = [];
  private localErrors = 0;
  /** Which worker owns each record source (engine-lanes.ts). */
  private readonly owners: EngineLanes;
  private readonly writes: WriteFailures;
  /** The novelty fleet the workers share (topology/fleet-board.ts); none with one worker. */
  private readonly board: FleetBoard | undefined;
  /** Stores what the workers found (kept while the store refuses writes); acks wait for it. */
  private readonly found: FoundAnomalies;

  constructor(private readonly opts: EngineThreadOptions) {
    this.backlog = opts.backlog ?? new Backlog(opts.config.pipeline.max_pending_lines);
    this.ready = new Promise((resolve, reject) => (this.onReady = { resolve, reject }));
    // Unhandled until someone awaits it: a start failure is also reported by `run` and the logger.
    this.ready.catch(() => undefined);
    this.writes = opts.writes ?? new WriteFailures(opts.dbPath, () => systemClock.now());
    this.found = new FoundAnomalies({
      store: opts.store,
      writes: this.writes,
      logger: opts.logger,
      filterAnomalies: opts.filterAnomalies,
      onAnomalies: opts.onAnomalies,
      ack: (src, cursor) => this.opts.sources[src]?.ack(cursor),
      error: (e) => this.error({ component: 'store', stage: 'processing', errorType: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) }),
    });
    const n = engineThreads(opts.config.pipeline.engine_threads);
    // Several engines share the novelty detector's fleet through a board in shared memory.
    const novelty = opts.config.detectors.novelty as { enabled: boolean; max_fleet_templates: number } | undefined;
    if (n > 1 && novelty?.enabled && novelty.max_fleet_templates > 0) this.board = FleetBoard.create(n, novelty.max_fleet_templates);
    this.owners = new EngineLanes({ threads: n, store: opts.lanes, writes: this.writes, logger: opts.logger });
    for (let i = 0; i < n; i++) {
      const data: EngineWorkerData = { config: opts.config, dbPath: opts.dbPath, partition: n > 1 ? `${i}/${n}` : undefined, ...(this.board ? { fleet: { buffers: this.board.buffers, lane: i } } : {}) };
      // The heap limit also makes V8 collect sooner; the young limit bounds what a thread's new space
      // holds between collections (config/schema.ts, pipeline.engine_heap_mb and engine_young_mb).
      const { engine_heap_mb: old, engine_young_mb: young } = opts.config.pipeline;
      const worker = spawnWorker(import.meta.url, './engine-worker', { workerData: data, resourceLimits: { maxOldGenerationSizeMb: old, maxYoungGenerationSizeMb: young } });
      const lane: Lane = { worker, ready: false, exited: false, ...emptyReport() };
      this.lanes.push(lane);
      worker.on('message', (m: FromWorker) => this.receive(i, m));
      worker.on('error', (e) => this.fail(`An engine worker thread failed: ${e.message}`));
      worker.on('exit', (code) => {
        lane.exited = true;
        if (!this.stopping) this.fail(`An engine worker thread exited (code ${code}).`);
        if (this.lanes.every((l) => l.exited)) this.onStopped?.();
      });
    }
  }

  /** Stand-ins for the workers' detectors, for the feedback policy (`learn` and `real` go to the source's worker). */
  learners(): Pick<StreamDetector, 'kind' | 'learnAsNormal' | 'confirmed'>[] {
    const kinds = Object.entries(this.opts.config.detectors).filter(([, d]) => (d as { enabled: boolean }).enabled);
    const post = (source: string, m: ToWorker) => {
      if (!this.failure && !this.stopping) this.lanes[this.owners.of(source)].worker.postMessage(m);
    };
    return kinds.map(([kind]) => ({
      kind,
      // Applied in the worker; whether that detector could use it is not waited for.
      learnAsNormal: (what: LearnAsNormal) => (post(what.source, { t: 'learn', kind, what }), true),
      // Only a detector that watches confirmed problems takes these (src/detectors/watch).
      ...(kind === 'watch' ? { confirmed: (what: Confirmed) => (post(what.source, { t: 'confirmed', kind, what }), true) } : {}),
    }));
  }

  streamCounters(): StreamCounters[] {
    return this.lanes.flatMap((l) => l.counters);
  }

  flooding(): StreamCounters[] {
    return this.lanes.flatMap((l) => l.floods);
  }

  /** The workers' store writes (as of their last report, each second) with this thread's. */
  storeWrites(): StoreWriteStats {
    const own = { ...this.writes.stats(), unstored: this.found.unstored, unstoredDropped: this.found.dropped };
    return mergeWriteFailures([own, ...this.lanes.map((l) => l.writes)]);
  }

  threadMemory(): ThreadMemory[] {
    return this.lanes.map((l, i) => ({ thread: `engine-${i}`, ...l.heap }));
  }

  /** More than `pipeline.max_pending_lines` handed over and not processed yet (HTTP ingest answers 429). */
  get busy(): boolean {
    return this.backlog.busy;
  }

  /** Set once a worker thread failed: nothing is processed any more (a restart resumes from the last checkpoint). */
  get failed(): AnomalogError | null {
    return this.failure;
  }

  /** Fresh `streamCounters` (as of the last refresh otherwise): one round trip, at most 2 s. */
  refresh(): Promise<void> {
    if (this.failure || this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.countersWaiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
      if (this.countersWaiting.length > 1) return;
      this.countersDue = this.lanes.length;
      for (const l of this.lanes) l.worker.postMessage({ t: 'counters' } satisfies ToWorker);
    });
  }

  /** Runs every source until `signal` aborts, then lets the workers drain, flush, save and acknowledge. */
  async run(signal: AbortSignal): Promise<void> {
    try {
      await this.ready;
    } catch {
      return;
    }
    await Promise.all(
      this.opts.sources.map((s, i) =>
        s.run((batch) => this.emit(i, batch), signal).catch((e: unknown) => this.fail(`Source ${s.id} failed: ${e instanceof Error ? e.message : String(e)}`, s.id)),
      ),
    );
    await this.stop();
  }

  /**
   * Hands a batch to the workers. A batch with a cursor (a file: its position is saved only on ack)
   * is taken as soon as fewer than `EARLY_PER_WORKER` × workers such batches wait, so the next read
   * overlaps processing; a batch without one (HTTP, syslog, stdin: nothing to resume from) resolves
   * when processed, so a 2xx still means the lines went through the detectors.
   */
  private emit(src: number, batch: RawBatch): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextId;
    this.batches++;
    const parts = this.owners.split(batch);
    this.board?.posting(parts.map(([lane]) => lane));
    if (batch.cursor) this.acks.remember(src, id, batch.cursor, parts.reduce((m, [lane]) => m | (1 << lane), 0));
    const early = batch.cursor !== undefined;
    const processed = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { parts: parts.length, lines: batch.records.length, early, resolve, reject });
      this.backlog.add(batch.records.length);
      for (const [lane, part, at] of parts) {
        const wire = encodeBatch(part);
        const transfer: ArrayBuffer[] = [];
        if (wire.lines) transfer.push(wire.lines.buffer as ArrayBuffer);
        if (wire.offsets) transfer.push(wire.offsets.buffer as ArrayBuffer);
        if (at) transfer.push(at.buffer as ArrayBuffer);
        this.lanes[lane].worker.postMessage({ t: 'batch', id, src, batch: wire, ...(at ? { at } : {}) } satisfies ToWorker, transfer);
      }
    });
    if (!early) return processed;
    // Early-taken batches report a failure through `fail` (and stay unacknowledged), not here.
    processed.catch(() => undefined);
    if (++this.early <= EARLY_PER_WORKER * this.lanes.length) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.slots.push({ resolve, reject }));
  }

  private stop(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    this.stopping = true;
    if (this.failure) return Promise.all(this.lanes.map((l) => l.worker.terminate())).then(() => undefined);
    return new Promise<void>((resolve) => {
      this.onStopped = resolve;
      for (const l of this.lanes) l.worker.postMessage({ t: 'stop' } satisfies ToWorker);
    });
  }

  private receive(lane: number, m: FromWorker): void {
    const l = this.lanes[lane];
    switch (m.t) {
      case 'ready':
        l.ready = true;
        l.declared = m.components;
        if (!this.lanes.every((x) => x.ready)) return;
        reportReadings(this.lanes, this.opts.context);
        this.onReady?.resolve();
        return;
      case 'done': {
        l.stats = m.stats;
        l.heap = m.heap;
        this.mirror();
        if (m.runs.length > 0) this.opts.onRuns?.(m.runs);
        const p = this.pending.get(m.id);
        if (p && --p.parts === 0) {
          this.pending.delete(m.id);
          this.backlog.done(p.lines);
          p.resolve();
          if (p.early) this.settled();
        }
        return;
      }
      case 'anomalies':
        this.found.found(m.anomalies, m.arrival);
        this.mirror();
        return;
      case 'ack': {
        const cursor = this.acks.ack(m.src, lane, m.cursor, m.batch);
        if (!cursor) return;
        // Anomalies found before this ack wait for the store: the ack waits with them (at least once).
        this.found.acked(m.src, cursor);
        return;
      }
      case 'counters':
        takeCounters(l, m);
        // Every second: what the store refused is tried again.
        this.owners.retry();
        this.found.retry();
        this.mirror();
        if (m.reply && --this.countersDue <= 0) for (const w of this.countersWaiting.splice(0)) w();
        return;
      case 'log':
        this.opts.logger[m.level](m.msg, m.fields);
        return;
      case 'failed':
        this.fail(l.ready ? `An engine worker thread failed: ${m.message}` : `An engine worker thread could not start: ${m.message}`);
        return;
      case 'stopped':
        l.errors = m.errors;
        l.stats = m.stats;
        this.mirror();
        void l.worker.terminate();
        return;
    }
  }

  /** An early-taken batch is processed: a source waiting for room may hand over its next one. */
  private settled(): void {
    this.early--;
    this.slots.shift()?.resolve();
  }

  /** `stats`: the workers' counters summed, with what this thread stored and the failures it saw itself. */
  private mirror(): void {
    const s = sumStats(this.lanes);
    Object.assign(this.stats, s, { batches: this.batches, anomalies: this.found.stored.anomalies, duplicates: this.found.stored.duplicates, errors: s.errors + this.localErrors });
  }

  /** The workers' failures (as of their last report) and this thread's, at most 100; built when read. */
  get errors(): ComponentError[] {
    return [...this.lanes.flatMap((l) => l.errors), ...this.local].slice(0, 100);
  }

  private error(err: ComponentError): void {
    this.localErrors++;
    if (this.local.length < 100) this.local.push(err);
    this.mirror();
    this.opts.logger.error('A component failed; the pipeline goes on.', { component: err.component, stage: err.stage, error: err.message });
  }

  /** A worker is gone: batches in flight fail (unacknowledged: read again after a restart). */
  private fail(message: string, component = 'engine'): void {
    if (component !== 'engine') {
      this.error({ component, stage: 'receiving', errorType: 'Error', message });
      return;
    }
    if (this.failure) return;
    this.failure = new AnomalogError('ANOMALOG_ERR_ENGINE_THREAD', message);
    this.error({ component, stage: 'processing', errorType: 'AnomalogError', message });
    this.onReady?.reject(this.failure);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.backlog.clear();
    for (const w of this.slots.splice(0)) w.reject(this.failure);
    // The other workers stop too: the service cannot go on with part of its sources.
    for (const l of this.lanes) void l.worker.terminate();
    this.opts.onFailure?.(this.failure);
  }
}
