/**
 * @module topology/engine-thread
 * The engine in a worker thread (topology/engine-worker.ts), driven from the main thread: the
 * sources run here and hand their batches over as columns (topology/engine-wire.ts); parsing,
 * detection and the detectors' state writes run there, on the second core. What the detectors find
 * comes back and is stored here — feedback policy, then anomalies and their alerts in one
 * transaction, then the live feed — before the acknowledgements that follow it on the same port.
 * `emit` resolves when the worker has processed the batch, so back-pressure is unchanged.
 * @example
 * const engine = new EngineThread({ config, dbPath, sources, store, logger });
 * await engine.ready;                     // detectors restored in the worker
 * await engine.run(abortController.signal); // until aborted; then drains and stops the worker
 */
import type { Worker } from 'node:worker_threads';
import type { ComponentError, Logger } from '../core/component.js';
import type { LearnAsNormal, StreamDetector } from '../core/detector.js';
import type { Anomaly, Cursor } from '../core/event.js';
import type { RawBatch, Source } from '../core/source.js';
import { AnomalogError } from '../core/errors.js';
import { spawnWorker } from '../core/spawn-worker.js';
import type { EventRun } from '../api/rate-history.js';
import type { ServeConfig } from '../config/schema.js';
import type { EngineStats, PipelineView, StreamCounters } from './engine.js';
import { encodeBatch, type FromWorker, type ToWorker } from './engine-wire.js';
import type { EngineStore } from './ports.js';
import type { EngineWorkerData } from './engine-worker.js';

export interface EngineThreadOptions {
  config: ServeConfig;
  /** The service's SQLite file (the worker opens its own connection for detector and parser state). */
  dbPath: string;
  sources: Source[];
  /** Where found anomalies are stored (with alerts: `withAlerts(store, alerting)`). */
  store: Pick<EngineStore, 'insertAnomalies'>;
  logger: Logger;
  filterAnomalies?: (anomalies: Anomaly[]) => Anomaly[];
  onAnomalies?: (anomalies: Anomaly[], arrivalTs?: number) => void;
  /** Every processed batch's events, summarised (the UI's rate charts). */
  onRuns?: (runs: readonly EventRun[]) => void;
}

interface Pending {
  /** Taken early (a batch with a cursor): counts against `EARLY`. */
  early: boolean;
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * Batches with a cursor that may wait in the worker, all sources together, before an `emit` waits:
 * enough that the next read overlaps processing, few enough that a new line is not queued behind
 * many (12 files × a deeper window measured as hundreds of ms of queue at 200k lines/s).
 */
const EARLY = 2;

export class EngineThread implements PipelineView {
  readonly stats: EngineStats = { batches: 0, records: 0, events: 0, anomalies: 0, duplicates: 0, errors: 0, evictedSources: 0 };
  readonly errors: ComponentError[] = [];
  /** Resolves once the worker restored its detectors; rejects when it cannot start. */
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  /** Batches with a cursor handed over and not processed yet, and emits waiting for room. */
  private early = 0;
  private readonly slots: Pick<Pending, 'resolve' | 'reject'>[] = [];
  private nextId = 0;
  /** Per source and file id: cursors of batches in flight or not yet acknowledged, oldest first. */
  private readonly cursors = new Map<string, [number, Cursor][]>();
  private counters: StreamCounters[] = [];
  private readonly countersWaiting: (() => void)[] = [];
  private workerErrors: ComponentError[] = [];
  private failure: AnomalogError | null = null;
  private stopping = false;
  private onStopped: (() => void) | null = null;
  private onReady: { resolve: () => void; reject: (e: Error) => void } | null = null;
  /** Counted here: the worker reports what it found, this thread what it stored. */
  private readonly stored = { anomalies: 0, duplicates: 0 };
  private workerStats: EngineStats = { ...this.stats };
  /** Failures seen on this thread (sources, the store, the worker itself). */
  private readonly local: ComponentError[] = [];
  private localErrors = 0;

  constructor(private readonly opts: EngineThreadOptions) {
    this.ready = new Promise((resolve, reject) => (this.onReady = { resolve, reject }));
    // Unhandled until someone awaits it: a start failure is also reported by `run` and the logger.
    this.ready.catch(() => undefined);
    const data: EngineWorkerData = { config: opts.config, dbPath: opts.dbPath };
    this.worker = spawnWorker(import.meta.url, './engine-worker', { workerData: data });
    this.worker.on('message', (m: FromWorker) => this.receive(m));
    this.worker.on('error', (e) => this.fail(`The engine's worker thread failed: ${e.message}`));
    this.worker.on('exit', (code) => {
      if (!this.stopping) this.fail(`The engine's worker thread exited (code ${code}).`);
      this.onStopped?.();
    });
  }

  /** Stand-ins for the worker's detectors, for the feedback policy (`learn` is sent over). */
  detectorProxies(): Pick<StreamDetector, 'kind' | 'learnAsNormal'>[] {
    const kinds = Object.entries(this.opts.config.detectors).filter(([, d]) => (d as { enabled: boolean }).enabled);
    return kinds.map(([kind]) => ({
      kind,
      learnAsNormal: (what: LearnAsNormal) => {
        this.post({ t: 'learn', kind, what });
        // Applied in the worker; whether that detector could use it is not waited for.
        return true;
      },
    }));
  }

  streamCounters(): StreamCounters[] {
    return this.counters;
  }

  /** Fresh `streamCounters` (they are otherwise up to a second old): one round trip, at most 2 s. */
  refresh(): Promise<void> {
    if (this.failure || this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.countersWaiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
      if (this.countersWaiting.length === 1) this.worker.postMessage({ t: 'counters' } satisfies ToWorker);
    });
  }

  /** Runs every source until `signal` aborts, then lets the worker drain, flush, save and acknowledge. */
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
   * Hands a batch to the worker. A batch with a cursor (a file: its position is saved only on ack)
   * is taken as soon as fewer than `EARLY` such batches wait in the worker, so the
   * next read overlaps this one's processing; a batch without one (HTTP, syslog, stdin: nothing to
   * resume from) resolves when processed, so a 2xx still means the lines went through the detectors.
   */
  private emit(src: number, batch: RawBatch): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextId;
    const wire = encodeBatch(batch);
    const transfer: ArrayBuffer[] = [];
    if (wire.lines) transfer.push(wire.lines.buffer as ArrayBuffer);
    if (wire.offsets) transfer.push(wire.offsets.buffer as ArrayBuffer);
    if (batch.cursor) this.remember(src, id, batch.cursor);
    const early = batch.cursor !== undefined;
    const processed = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { early, resolve, reject });
      this.worker.postMessage({ t: 'batch', id, src, batch: wire } satisfies ToWorker, transfer);
    });
    if (!early) return processed;
    // Early-taken batches report a failure through `fail` (and stay unacknowledged), not here.
    processed.catch(() => undefined);
    if (++this.early <= EARLY) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.slots.push({ resolve, reject }));
  }

  /** An early-taken batch is processed: a source waiting for room may hand over its next one. */
  private settled(): void {
    this.early--;
    this.slots.shift()?.resolve();
  }

  /** Sources may know their cursors by identity (file tail: which rotation epoch it belongs to). */
  private remember(src: number, id: number, cursor: Cursor): void {
    const key = `${src}\0${cursor.id}`;
    let q = this.cursors.get(key);
    if (q === undefined) this.cursors.set(key, (q = []));
    q.push([id, cursor]);
    // Acks come at checkpoints for the latest cursor; without acks (a failure) keep a bounded tail.
    if (q.length > 100_000) q.splice(0, q.length - 100_000);
  }

  /** The source's own cursor object for an ack of batch `batch`'s cursor; a partial ack stays a copy. */
  private original(src: number, cursor: Cursor, batch: number | undefined): Cursor {
    const q = this.cursors.get(`${src}\0${cursor.id}`);
    if (q === undefined || batch === undefined) return cursor;
    let k = 0;
    while (k < q.length && q[k][0] < batch) k++;
    const hit = k < q.length && q[k][0] === batch ? q[k][1] : undefined;
    // Earlier cursors of this file are covered by this ack: never acknowledged on their own.
    q.splice(0, hit ? k + 1 : k);
    return hit ?? cursor;
  }

  private post(m: ToWorker): void {
    if (!this.failure && !this.stopping) this.worker.postMessage(m);
  }

  private stop(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    this.stopping = true;
    if (this.failure) return this.worker.terminate().then(() => undefined);
    return new Promise<void>((resolve) => {
      this.onStopped = resolve;
      this.worker.postMessage({ t: 'stop' } satisfies ToWorker);
    });
  }

  private receive(m: FromWorker): void {
    switch (m.t) {
      case 'ready':
        this.onReady?.resolve();
        return;
      case 'done': {
        this.mirror(m.stats);
        if (m.runs.length > 0) this.opts.onRuns?.(m.runs);
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (p) {
          p.resolve();
          if (p.early) this.settled();
        }
        return;
      }
      case 'anomalies':
        this.store(m.anomalies, m.arrival);
        return;
      case 'ack':
        this.opts.sources[m.src]?.ack(this.original(m.src, m.cursor, m.batch));
        return;
      case 'counters':
        this.counters = m.streams;
        this.workerErrors = m.errors;
        this.mirror(m.stats);
        for (const w of this.countersWaiting.splice(0)) w();
        return;
      case 'log':
        this.opts.logger[m.level](m.msg, m.fields);
        return;
      case 'failed':
        this.fail(`The engine's worker thread could not start: ${m.message}`);
        return;
      case 'stopped':
        this.workerErrors = m.errors;
        this.mirror(m.stats);
        void this.worker.terminate();
        return;
    }
  }

  /** What the in-process engine's `store` does after the detectors, on this side of the thread. */
  private store(found: Anomaly[], arrival: number | undefined): void {
    if (found.length > 0 && this.opts.filterAnomalies) found = this.opts.filterAnomalies(found);
    if (found.length === 0) return;
    try {
      const inserted = this.opts.store.insertAnomalies(found);
      this.stored.anomalies += inserted.length;
      this.stored.duplicates += found.length - inserted.length;
      if (inserted.length > 0) this.opts.onAnomalies?.(inserted, arrival);
    } catch (e) {
      this.error({ component: 'store', stage: 'processing', errorType: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) });
    }
    this.mirror();
  }

  /** `stats`: the worker's counters, with what this thread stored and the failures it saw itself. */
  private mirror(worker?: EngineStats): void {
    if (worker) this.workerStats = worker;
    const w = this.workerStats;
    Object.assign(this.stats, w, { anomalies: this.stored.anomalies, duplicates: this.stored.duplicates, errors: w.errors + this.localErrors });
    this.errors.length = 0;
    for (const e of this.workerErrors) this.errors.push(e);
    for (const e of this.local) if (this.errors.length < 100) this.errors.push(e);
  }

  private error(err: ComponentError): void {
    this.localErrors++;
    if (this.local.length < 100) this.local.push(err);
    this.mirror();
    this.opts.logger.error('A component failed; the pipeline goes on.', { component: err.component, stage: err.stage, error: err.message });
  }

  /** The worker is gone: batches in flight fail (unacknowledged: read again after a restart). */
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
    for (const w of this.slots.splice(0)) w.reject(this.failure);
  }
}
