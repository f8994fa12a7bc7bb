/**
 * @module topology/engine
 * The in-process pipeline: sources → per-source parser → streaming detectors → store, with
 * back-pressure and at-least-once delivery. A batch is acknowledged to its source only after its
 * events were mined, its anomalies stored (idempotent by id) and, when it changed the templates,
 * the parser state saved; a batch whose last record is still held open by multi-line joining is
 * acknowledged once that record completes. `emit` resolves when the batch is processed, so a slow
 * store slows the sources and memory stays bounded.
 * @example
 * const engine = new Engine({ sources, detectors, store, anomalies: store, clock, parserOptions: () => ({}) });
 * await engine.run(abortController.signal);
 */
import type { ComponentError, Logger } from '../core/component.js';
import { silentLogger } from '../core/component.js';
import type { Clock } from '../core/clock.js';
import type { StreamDetector } from '../core/detector.js';
import type { Anomaly, LogEvent } from '../core/event.js';
import type { RawBatch, Source } from '../core/source.js';
import type { LogParser, LogParserOptions } from '../parsers/pipeline.js';
import type { RawLine } from '../parsers/lines/index.js';
import { type AnomalyStore, type EngineHost, type EngineStateStore, type EngineStats, FLOODING_REPORTED, type StoreWriteStats, type StreamCounters } from '../core/engine.js';
import type { WriteFailures } from '../store/index.js';

export type { EngineHost, EngineStats, PipelineView, StreamCounters } from '../core/engine.js';
import { ContextRing } from './context-ring.js';
import { SourceAcks } from './source-acks.js';
import { EngineSaves } from './engine-saves.js';
import { runTicker } from './engine-ticker.js';
import { EngineParsers, type SourceParser } from './engine-parsers.js';
import type { EventOrder } from './fleet-board.js';

export interface EngineOptions {
  sources: Source[];
  detectors: StreamDetector[];
  /** Parser and detector state, template counts. */
  store: EngineStateStore;
  /**
   * Where what the detectors found is stored (after `filterAnomalies`; `onAnomalies` gets what it
   * newly stored). `null` in a worker thread: found anomalies go to `onAnomalies` as they are and
   * the main thread stores them (feedback policy and alerts live there).
   */
  anomalies: AnomalyStore | null;
  clock: Clock;
  /** Parser options for a source id (format, multiline, masks). */
  /** Parser options of a record source (`sourceId`), read from by the source component `owner`. */
  parserOptions: (sourceId: string, owner: Source) => LogParserOptions;
  /** How often `tick` runs while the engine runs (ms of the clock). */
  tickMs?: number;
  /** A multi-line record held this long without a continuation is emitted (ms). */
  multilineIdleMs?: number;
  /** Lines of context kept per source for anomalies. */
  contextLines?: number;
  /** How often detector state is saved while running (ms of the clock); always at shutdown. */
  detectorSaveMs?: number;
  /**
   * When set, acknowledgements are deferred and given to the sources together with a detector
   * save, at most this often (ms of the clock): a crash then resumes the sources where the saved
   * detector state ends, so replayed events rebuild the same state and re-flag the same anomalies
   * (same ids, not stored twice) instead of meeting a detector that forgot them (warm-up again, a
   * new template flagged twice or missed). Unset: each batch is acknowledged at once.
   */
  checkpointMs?: number;
  /** The host saves every parser at its own checkpoints (`saveParsersNow`, a Kafka partition): none per batch. */
  parsersAtCheckpoint?: boolean;
  /** Called with every batch of mined events (replay follows their time). */
  onEvents?: (events: readonly LogEvent[]) => void;
  /**
   * Called with every batch of newly stored anomalies (live feed, alerting). `arrivalTs` is the
   * arrival time of the ingested batch they were found in, or of the last input of a multi-line
   * record flushed when idle (ingest → anomaly latency); undefined for anomalies found by the
   * detectors' `tick` (intervals closing, silence).
   */
  onAnomalies?: (anomalies: Anomaly[], arrivalTs?: number) => void;
  /**
   * Set when this engine is one of several (worker threads, each with its own record sources): its
   * detectors' state is saved under keys of its own (`detector:<kind>@<partition>`).
   */
  partition?: string;
  /**
   * Where this engine's events come in the host's input, when the host splits record sources
   * between engines that share what their detectors learn (worker threads: topology/fleet-board.ts).
   * A batch's runs of records are then split where the host's batch order is broken, so each run is
   * the one a single engine would parse.
   */
  order?: EventOrder;
  /** Applied to what the detectors found before it is stored (the feedback policy: drops suppressed, may raise severity). */
  filterAnomalies?: (anomalies: Anomaly[]) => Anomaly[];
  /**
   * Most record sources with a parser in memory (default 1000). Source ids come from clients (an
   * ingest `?source=`, an Elasticsearch index, a Loki label), so the least recently used parser is
   * flushed, saved and dropped beyond it; it is restored from the store if its source returns.
   */
  maxSources?: number;
  logger?: Logger;
  /**
   * Where refused store writes (disk full, locked…) are recorded for health; the store's own
   * (`store.writes`) in the service. While writes are refused the engine goes on processing, keeps
   * its anomalies and state to write later, and holds acknowledgements back (`checkpointMs`).
   */
  writes?: WriteFailures;
}

/**
 * Most records parsed before their events go to the detectors: bounds the events alive at once
 * whatever the batch size (an HTTP body may hold 100,000 lines).
 */
const SLICE_RECORDS = 4096;

export class Engine implements EngineHost {
  readonly stats: EngineStats = { batches: 0, records: 0, events: 0, anomalies: 0, duplicates: 0, errors: 0, evictedSources: 0 };
  readonly errors: ComponentError[] = [];
  /** One parser per record source, least recently used first, capped (engine-parsers.ts). */
  private readonly parsers: EngineParsers;
  /** Acknowledgements to the sources: at once, or at the next checkpoint (`checkpointMs`). */
  private readonly acks: SourceAcks;
  private readonly context: ContextRing;
  private readonly logger: Logger;
  /** Arrival time of the batch being processed (for `onAnomalies`). */
  private arrival: number | undefined;
  /** State, template counts and anomalies to the store, and the checkpoint (topology/engine-saves.ts). */
  private readonly saves: EngineSaves;

  constructor(private readonly opts: EngineOptions) {
    this.context = new ContextRing(opts.contextLines ?? 20);
    this.acks = new SourceAcks(opts.checkpointMs !== undefined);
    this.logger = opts.logger ?? silentLogger;
    this.saves = new EngineSaves({
      store: opts.store,
      anomalies: opts.anomalies,
      detectors: opts.detectors,
      partition: opts.partition,
      clock: opts.clock,
      logger: this.logger,
      writes: opts.writes,
      deferred: opts.checkpointMs !== undefined,
      parsersAtCheckpoint: opts.parsersAtCheckpoint,
      parsers: () => this.streams(),
      fail: (component, e) => this.fail(component, 'processing', e),
      onStored: (inserted, found, arrival) => {
        this.stats.anomalies += inserted.length;
        this.stats.duplicates += found - inserted.length;
        if (inserted.length > 0) this.opts.onAnomalies?.(inserted, arrival);
      },
    });
    this.parsers = new EngineParsers({
      max: opts.maxSources,
      options: opts.parserOptions,
      store: opts.store,
      clock: opts.clock,
      logger: this.logger,
      evict: (id, st) => this.evicted(id, st),
      templateEvicted: (id, templateId) => this.saves.templateEvicted(id, templateId),
    });
    this.saves.restoreDetectors();
  }

  /**
   * Saves every detector's state (learned baselines survive a restart). A detector that cannot
   * snapshot is a component failure (counted, the others are saved); a refused write throws.
   */
  saveDetectors(): void {
    this.saves.saveDetectors();
  }

  /**
   * Saves every parser in memory (its templates and counts as of now), not only those whose
   * templates changed: a host that restores state at a position (a Kafka partition's changelog)
   * needs parsers and detectors from the same point.
   */
  saveParsersNow(): void {
    this.saves.saveParsers();
  }

  /**
   * Saves detector state, then acknowledges what was processed before it (one consistent point).
   * When the store refuses a write, nothing is acknowledged: the next checkpoint tries again, and
   * a restart meanwhile re-reads from the last point that was saved.
   */
  checkpoint(): void {
    if (this.saves.checkpoint()) this.acks.flush();
  }

  /** Whether the store refuses this engine's writes now, and what waits to be stored. */
  storeWrites(): StoreWriteStats {
    return this.saves.storeWrites();
  }

  /** Each record source's parser (its counters are read at scrape time by /metrics). */
  streams(): IterableIterator<[string, LogParser]> {
    return this.parsers.streams();
  }

  /** Detector state is restored in the constructor. */
  readonly ready: Promise<void> = Promise.resolve();
  /** Batches run inside `emit`: this engine is never behind its sources. */
  readonly busy = false;
  readonly failed: Error | null = null;

  /** The counters are read live on this thread. */
  refresh(): Promise<void> {
    return Promise.resolve();
  }

  learners(): StreamDetector[] {
    return this.opts.detectors;
  }

  /** Each record source's parser counters (what /metrics reads; plain data, so it crosses threads). */
  streamCounters(): StreamCounters[] {
    return this.parsers.counters();
  }

  flooding(): StreamCounters[] {
    return this.parsers.flooding(FLOODING_REPORTED);
  }

  /** Runs every source until `signal` aborts, then drains, flushes and acknowledges what is left. */
  async run(signal: AbortSignal): Promise<void> {
    const ticker = this.startTicker(signal);
    await Promise.all(
      this.opts.sources.map((s) =>
        s.run((batch) => this.process(s, batch), signal).catch((e: unknown) => {
          this.fail(s.id, 'receiving', e);
        }),
      ),
    );
    await ticker;
    this.flushAll();
  }

  /** Processes one batch from `source` (what `emit` does); exposed for tests and replay. */
  async process(source: Source, batch: RawBatch): Promise<void> {
    this.stats.batches++;
    this.stats.records += batch.records.length;
    const touched = new Set<SourceParser>();
    const records = batch.records;
    const now = this.opts.clock.now();
    // Sources whose templates changed: their parsers are saved once per batch, not per slice.
    const changed = new Set<string>();
    // Slices of SLICE_RECORDS: the events of one slice live at a time (a 100,000-line body's
    // events at once held ~350 MB of an engine thread's heap).
    for (let from = 0; from < records.length; from += SLICE_RECORDS) {
      const to = Math.min(records.length, from + SLICE_RECORDS);
      const events: LogEvent[] = [];
      const order = this.opts.order;
      // With an order: (first event, first record) of each run, for the detectors' shared fleet.
      const runs: number[] | null = order ? [] : null;
      order?.sliceAt(from);
      // One parser call per run of records with the same source and arrival time (a whole slice,
      // usually): the per-call overhead of the parser is paid per run, not per line.
      for (let i = from; i < to; ) {
        const first = records[i];
        const st = this.parsers.of(first.source, source);
        st.lastInput = now;
        touched.add(st);
        const base = st.parser.stats.lines + 1;
        const lines: RawLine[] = [];
        let j = i;
        for (; j < to && records[j].source === first.source && records[j].arrivalTs === first.arrivalTs && (j === i || order === undefined || order.follows(j)); j++) {
          lines.push({ text: records[j].text, line: records[j].line ?? base + (j - i), attrs: records[j].attrs });
        }
        const out = st.parser.pushLines(lines, first.arrivalTs);
        runs?.push(events.length, i);
        for (let k = 0; k < out.length; k++) {
          if (out[k].change !== 'none') changed.add(out[k].source);
          events.push(out[k]);
        }
        i = j;
      }
      this.arrival = records[0]?.arrivalTs;
      try {
        this.deliver(events, false, runs);
      } finally {
        this.arrival = undefined;
      }
    }
    if (changed.size > 0) this.saves.changed(changed, (id) => this.parsers.get(id)?.parser);
    if (batch.cursor !== undefined) this.acknowledge(source, batch, touched);
    const every = this.opts.checkpointMs;
    if (every !== undefined && this.acks.pending && this.opts.clock.now() - this.saves.lastSave >= every) this.checkpoint();
  }

  /**
   * Acknowledges what is done: the whole batch, or — when multi-line joining still holds a record
   * open — everything before that record's first line (file offsets); the rest on release.
   */
  private acknowledge(source: Source, batch: RawBatch, touched: Set<SourceParser>): void {
    // Index of the first record still held (-1: held since an earlier batch); undefined: none.
    let firstHeld: number | undefined;
    for (const st of touched) {
      const line = st.parser.pendingLine;
      if (line === undefined) continue;
      const idx = batch.records.findIndex((r) => r.line === line && this.parsers.get(r.source) === st);
      firstHeld = Math.min(firstHeld ?? Number.MAX_SAFE_INTEGER, idx);
    }
    this.acks.processed(source, batch, firstHeld);
  }

  /** Time passes: idle multi-line records are emitted, detectors close intervals and see silence. */
  tick(): Anomaly[] {
    const now = this.opts.clock.now();
    const idle = this.opts.multilineIdleMs ?? 1000;
    for (const st of this.parsers.values()) {
      if (st.parser.pending && now - st.lastInput >= idle) {
        const events = st.parser.flush(now);
        // A held record's anomaly counts its latency from when its input stopped arriving.
        this.arrival = st.lastInput;
        try {
          this.deliver(events, events.some((e) => e.change !== 'none'));
        } finally {
          this.arrival = undefined;
        }
      }
    }
    this.ackReleased();
    const found: Anomaly[] = [];
    for (const d of this.opts.detectors) {
      try {
        for (const a of d.tick(now)) found.push(a);
      } catch (e) {
        this.fail(d.kind, 'processing', e);
      }
    }
    if (now - this.saves.lastSave >= (this.opts.checkpointMs ?? this.opts.detectorSaveMs ?? 30_000)) this.checkpoint();
    return this.store(found);
  }

  /** Acknowledges held cursors of sources whose parsers hold nothing any more. */
  private ackReleased(): void {
    this.acks.release((source) => {
      for (const st of this.parsers.values()) if (st.owner === source && st.parser.pending) return true;
      return false;
    });
  }

  /** The least recently used parser leaves memory: what it holds is processed, its state saved (false: refused, kept). */
  private evicted(id: string, st: SourceParser): boolean {
    this.deliver(st.parser.flush(this.opts.clock.now()), false);
    // Refused (checkpoints on): kept in memory, beyond the cap for now, rather than losing its state.
    if (!this.saves.evicted(id, st.parser)) return false;
    this.stats.evictedSources++;
    return true;
  }

  /** To the detectors; `runs`: where each run's events start and its first record (see `EngineOptions.order`). */
  private deliver(events: LogEvent[], templatesChanged: boolean, runs: number[] | null = null): void {
    if (events.length === 0) return;
    this.stats.events += events.length;
    this.opts.order?.delivering(events, runs);
    this.opts.onEvents?.(events);
    this.context.add(events);
    const found: Anomaly[] = [];
    for (const d of this.opts.detectors) {
      try {
        for (const a of d.observe(events)) found.push(a);
      } catch (e) {
        this.fail(d.kind, 'processing', e);
      }
    }
    this.saves.mined(events, templatesChanged, (source) => this.parsers.get(source)?.parser);
    this.store(found);
  }

  private store(found: Anomaly[]): Anomaly[] {
    if (found.length > 0 && this.opts.filterAnomalies) found = this.opts.filterAnomalies(found);
    if (found.length === 0) return [];
    // Context lines when the detector gave none, and the attributes of the records (context-ring.ts).
    for (const a of found) this.context.annotate(a);
    return this.saves.store(found, this.arrival);
  }

  private flushAll(): void {
    const now = this.opts.clock.now();
    for (const st of this.parsers.values()) this.deliver(st.parser.flush(now), false);
    this.saves.markParsersUnsaved();
    this.ackReleased();
    this.tick();
    this.checkpoint();
  }

  private startTicker(signal: AbortSignal): Promise<void> {
    const tickMs = this.opts.tickMs ?? 1000;
    // With deferred acks, wake often enough that a quiet source's last acks are not held long.
    const every = Math.min(tickMs, this.opts.checkpointMs ?? tickMs);
    let lastTick = this.opts.clock.now();
    return runTicker(signal, every, () => {
      const now = this.opts.clock.now();
      if (now - lastTick >= tickMs - 1) {
        lastTick = now;
        this.tick();
      } else if (this.acks.pending && now - this.saves.lastSave >= (this.opts.checkpointMs ?? tickMs)) this.checkpoint();
    });
  }

  private fail(component: string, stage: ComponentError['stage'], e: unknown): void {
    this.stats.errors++;
    const err: ComponentError = { component, stage, errorType: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) };
    if (this.errors.length < 100) this.errors.push(err);
    this.logger.error('A component failed; the pipeline goes on.', { component, stage, error: err.message });
  }
}

