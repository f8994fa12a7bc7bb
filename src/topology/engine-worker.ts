/**
 * @module topology/engine-worker
 * The engine's worker thread (started by topology/engine-thread.ts): parsers, streaming detectors
 * and their state writes (its own connection to the service's SQLite file) run here, so parsing and
 * detection use the second core while the main thread does HTTP, file reads, the API and alerts.
 *
 * Sources stay on the main thread; here each is a stand-in that receives its batches and sends its
 * acknowledgements back. What the detectors find is sent to the main thread, which applies the
 * feedback policy and stores it with its alerts in one transaction — before any acknowledgement
 * that follows it on the same port, so the at-least-once order of the in-process engine holds.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { ComponentContext, Logger } from '../core/component.js';
import { systemClock } from '../core/clock.js';
import { AnomalogError } from '../core/errors.js';
import type { Cursor } from '../core/event.js';
import type { RawBatch, Source } from '../core/source.js';
import type { EventRun } from '../core/event-runs.js';
import type { ServeConfig } from '../config/schema.js';
import { openStore } from '../store/index.js';
import { inProcessEngine } from './engine-in-process.js';
import { decodeBatch, type FromWorker, type ToWorker } from './engine-wire.js';
import { sourceParsing } from './parser-options.js';
import { ComponentReadings } from './component-metrics.js';
import { FleetBoard, type FleetBuffers } from './fleet-board.js';
import { heapTrim } from './heap-trim.js';

export interface EngineWorkerData {
  config: ServeConfig;
  dbPath: string;
  /** `i/n` when there are n workers: this one's detector state is saved under its own keys. */
  partition?: string;
  /** The fleet board the workers share (topology/fleet-board.ts), and this worker's index on it. */
  fleet?: { buffers: FleetBuffers; lane: number };
}

const port = parentPort;
if (port === null) throw new AnomalogError('ANOMALOG_ERR_ENGINE_THREAD', 'topology/engine-worker runs as a worker thread, not on its own.');
const send = (m: FromWorker): void => port.postMessage(m);

/** Log fields that cannot be cloned (a function, a socket) are sent as text rather than lost. */
const log = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => {
  try {
    send({ t: 'log', level, msg, fields });
  } catch {
    send({ t: 'log', level, msg, fields: { fields: String(fields) } });
  }
};
const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

/** Which batch a (decoded) cursor came with: the main thread acks the source's own cursor object. */
const cursorBatch = new WeakMap<Cursor, number>();

/** A main-thread source as the engine sees it: batches arrive by message, acks go back. */
class RemoteSource implements Source {
  emit: ((batch: RawBatch) => Promise<void>) | null = null;
  constructor(
    readonly id: string,
    readonly index: number,
  ) {}
  run(emit: (batch: RawBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    this.emit = emit;
    return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  }
  ack(cursor: Cursor): void {
    send({ t: 'ack', src: this.index, cursor, batch: cursorBatch.get(cursor) });
  }
  stats() {
    return { received: 0, bytes: 0, dropped: 0, errors: 0 };
  }
}

/**
 * This thread's heap (process.memoryUsage() on the main thread sees only its own), sent with every
 * `done` and `counters`: a busy worker drains its message queue without running its timers.
 */
function heapNow(): { heapUsed: number; heapTotal: number; external: number } {
  const h = getHeapStatistics();
  return { heapUsed: h.used_heap_size, heapTotal: h.total_heap_size, external: h.external_memory };
}

function start(data: EngineWorkerData): void {
  const { config } = data;
  const store = openStore(data.dbPath, { clock: systemClock });
  const abort = new AbortController();
  // What this thread's components report: declared at `ready`, read when the main thread asks (a scrape).
  const readings = new ComponentReadings();
  // Shared with the other engine threads: the detectors' fleet, decided in the order of the input.
  const board = data.fleet ? FleetBoard.attach(data.fleet.buffers, data.fleet.lane, (msg, fields) => logger.warn(msg, fields)) : undefined;
  const ctx = (id: string): ComponentContext => ({
    id,
    logger,
    clock: systemClock,
    signal: abort.signal,
    checkpoints: store.checkpoints,
    models: store,
    metrics: readings.port(id),
    ...(board ? { fleet: board } : {}),
  });
  const sources = config.sources.map((s, i) => new RemoteSource(`${(s as { type: string }).type}#${i}`, i));
  const parsing = new Map<Source, ReturnType<typeof sourceParsing>>(sources.map((s, i) => [s, sourceParsing(config.sources[i])]));
  let runs: EventRun[] = [];
  // The same wiring as a host on the main thread (engine-in-process.ts), with this thread's parts.
  const engine = inProcessEngine(
    {
      config,
      sources,
      store,
      // Stored by the main thread (feedback policy, alerts in the same transaction, live feed): `onAnomalies` sends them there.
      anomalies: null,
      clock: systemClock,
      logger,
      context: ctx,
      onAnomalies: (anomalies, arrival) => send({ t: 'anomalies', anomalies, arrival }),
      onRuns: (r) => {
        for (const x of r) runs.push(x);
      },
    },
    { partition: data.partition, checkpointMs: config.pipeline.checkpoint_interval_ms, parsing: (owner) => parsing.get(owner), order: board },
  );
  const detectors = engine.learners();
  const running = engine.run(abort.signal);
  // A checkpoint the store refused for good (not a full disk or a lock: those wait), in a tick or at
  // the end, stops the pipeline with its own message; unhandled, the main thread saw only
  // "failed: undefined" (the thread's error event does not carry a SqliteError's message).
  const failed = (e: unknown) => send({ t: 'failed', message: `A checkpoint could not be saved: ${e instanceof Error ? e.message : String(e)}` });
  running.catch(failed);
  process.on('unhandledRejection', failed);
  // Stats and errors every second (health); the per-source parser counters only when asked (/metrics).
  const sendCounters = (reply?: true) => {
    const heap = heapNow();
    send(
      reply
        ? { t: 'counters', streams: engine.streamCounters(), floods: engine.flooding(), readings: readings.values(), stats: { ...engine.stats }, errors: [...engine.errors], writes: engine.storeWrites(), heap, reply }
        : { t: 'counters', floods: engine.flooding(), stats: { ...engine.stats }, errors: [...engine.errors], writes: engine.storeWrites(), heap },
    );
  };
  // Each second, with the heap report: a full collection when the old generation grew heap_trim_mb
  // past the last one (topology/heap-trim.ts). A busy thread runs neither until its queue drains.
  const trim = heapTrim(config.pipeline.heap_trim_mb);
  const counters = setInterval(() => {
    trim?.();
    sendCounters();
  }, 1000);
  port!.on('message', (m: ToWorker) => {
    if (m.t === 'batch') {
      const source = sources[m.src];
      const batch = decodeBatch(m.batch);
      if (batch.cursor) cursorBatch.set(batch.cursor, m.id);
      board?.part(m.id, m.at);
      // The engine processes a batch synchronously inside `emit`: the part is done when it returns.
      const processed = source.emit!(batch);
      board?.partDone();
      void processed.then(
        () => {
          send({ t: 'done', id: m.id, stats: { ...engine.stats }, runs, heap: heapNow() });
          runs = [];
        },
        // A batch the engine could not take (its store refused a write): nothing after it may be acknowledged.
        (e: unknown) => send({ t: 'failed', message: `A batch could not be processed: ${e instanceof Error ? e.message : String(e)}` }),
      );
    } else if (m.t === 'counters') {
      sendCounters(true);
    } else if (m.t === 'learn') {
      detectors.find((d) => d.kind === m.kind)?.learnAsNormal?.(m.what);
    } else if (m.t === 'confirmed') {
      detectors.find((d) => d.kind === m.kind)?.confirmed?.(m.what);
    } else if (m.t === 'stop') {
      clearInterval(counters);
      abort.abort();
      // The model detector's training thread ends with this one (terminated by the main thread).
      void running.then(() => {
        store.close();
        send({ t: 'stopped', stats: { ...engine.stats }, errors: [...engine.errors] });
      });
    }
  });
  send({ t: 'ready', components: readings.declared() });
}

try {
  start(workerData as EngineWorkerData);
} catch (e) {
  send({ t: 'failed', message: e instanceof Error ? e.message : String(e) });
}
