/**
 * @module topology/kafka/partition
 * The engine of one Kafka partition (the third engine host, DESIGN §5): the in-process engine,
 * stepped, with everything it knows — parsers, detectors, trained models, its clock — in memory,
 * checkpointed whole to the changelog and restored whole by the partition's next owner.
 *
 * Deterministic by construction, so that any owner, after any crash, finds the same anomalies
 * with the same ids: the clock follows the data (the first record's Kafka timestamp, then event
 * time), `tick` runs only at fixed offsets (a block boundary every `TICK_RECORDS` of the partition,
 * never at fetch boundaries, which vary) and only when that clock moved by `TICK_MS` since the last
 * one — as `serve` ticks once a second of its clock, so a dense partition does not pay for a tick
 * every few hundred records —, models train inline inside `tick`, and a restored state resumes at
 * the offset it was taken at. Kafka records are whole records: multi-line joining is off.
 */
import { constants } from 'node:buffer';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ComponentContext, ComponentMetrics, Logger } from '../../core/component.js';
import type { EngineHost } from '../../core/engine.js';
import { ManualClock } from '../../core/clock.js';
import type { Anomaly, LogEvent } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import type { StoredModel } from '../../core/ports.js';
import type { RawRecord, Source } from '../../core/source.js';
import { AnomalogError } from '../../core/errors.js';
import type { ServeConfig } from '../../config/schema.js';
import type { ModelDetectorConfig } from '../../detectors/model/config.js';
import type { ModelScope, ReceivedModel } from '../../detectors/model/published.js';
import { type ModelDetectorStats, StreamModelDetector } from '../../detectors/model/stream.js';
import { type KafkaRecordIn, type SourceNaming, type ConvertStats, SourceIds, sourceIdOf, toRawRecord } from '../../sources/kafka/records.js';
import { createSteppedHost, type SteppedEngineHost } from '../host.js';
import type { FeedbackLesson } from './feedback.js';
import { MemoryState } from './memory-state.js';

/** Records of a partition between two points where a tick may run (as `replay` ticks every 500 lines). */
export const TICK_RECORDS = 500;
/** Least move of the partition's clock between two ticks (`serve` ticks once a second). */
export const TICK_MS = 1000;
/** An event time further than this past the newest Kafka timestamp does not move the clock (a garbled year). */
const MAX_AHEAD_MS = 86_400_000;
/** Ids of the latest anomalies kept: one found again (two findings, one id) is produced once, as the store keeps one. */
const RECENT_IDS = 4096;
export const PARTITION_STATE_KIND = 'anomalog.kafka-partition';
export const PARTITION_STATE_VERSION = 1;

interface PartitionStateData {
  topic: string;
  partition: number;
  /** Next offset to process: the state holds everything before it. */
  next: number;
  /** Tick block of the last processed offset (`floor(offset / TICK_RECORDS)`). */
  block: number;
  /**
   * Sources whose parser still held lines back (format detection waits for a source's first lines)
   * and the offset of the first one: those records are not in the state and are read again.
   */
  held: [string, number][];
  clock: number;
  /** The clock at the last tick (absent in states written before ticks followed the clock: then `clock`). */
  lastTick?: number;
  eventTime: number;
  lastKafkaTs: number;
  states: [string, Snapshot][];
  models: StoredModel[];
  /** Ids of the latest anomalies (oldest first; absent in older states). */
  recent?: string[];
}

export interface PartitionOptions {
  config: ServeConfig;
  topic: string;
  partition: number;
  naming: SourceNaming;
  maxLineBytes: number;
  logger: Logger;
  /** A checkpoint written by this partition's previous owner (`PartitionEngine.checkpoint`). */
  restored?: Buffer;
  /** Records between points where a tick may run (default `TICK_RECORDS`; tests use fewer). */
  tickRecords?: number;
  /** Least clock move between ticks (default `TICK_MS`). */
  tickMs?: number;
  /** Where the components report their own counters (the engine-host suite scrapes them; a worker has none). */
  metrics?: (id: string) => ComponentMetrics;
  /** Every batch of mined events (`anomalog models train` counts its windows from them). */
  onEvents?: (events: readonly LogEvent[]) => void;
}

export interface PartitionCheckpoint {
  partition: number;
  /** The offset to commit: the first record the state does not hold. */
  next: number;
  anomalies: Anomaly[];
  /** The whole state, gzipped JSON (the changelog record's value). */
  state: Buffer;
}

export class PartitionEngine {
  readonly partition: number;
  /** Next offset to process. */
  next = -1;
  readonly convert: ConvertStats = { truncated: 0, empty: 0 };
  private readonly ids = new SourceIds();
  records = 0;
  private block = -1;
  /** After a restore: sources whose records from this offset on (before `next`) are read again. */
  private held = new Map<string, number>();
  private readonly clock = new ManualClock(0);
  private lastTick = 0;
  private eventTime = 0;
  private lastKafkaTs = 0;
  private found: Anomaly[] = [];
  /** Ids of the latest anomalies, oldest first (bounded by `RECENT_IDS`). */
  private readonly recent = new Set<string>();
  private changed = false;
  private readonly state: MemoryState;
  private readonly host: SteppedEngineHost;
  private readonly stop = new AbortController();
  private readonly owner: Source;

  constructor(private readonly o: PartitionOptions) {
    this.partition = o.partition;
    this.state = new MemoryState(this.clock);
    if (o.restored !== undefined) this.restore(o.restored);
    const { config } = o;
    // Models train inline at the partition's ticks: the same answer whoever owns the partition.
    // Its snapshot keeps the whole reservoir and every open window: a restored partition trains on the same windows.
    const m = config.detectors.model as ModelDetectorConfig & { enabled: boolean };
    const detectors = { ...config.detectors, model: { ...m, train_in: 'inline' as const, snapshot_windows: Math.max(m.snapshot_windows, m.reservoir_size) } };
    const ctx = (id: string): ComponentContext => ({ id, logger: o.logger, clock: this.clock, signal: this.stop.signal, models: this.state, busy: () => false, metrics: o.metrics?.(id) });
    this.owner = { id: `kafka:${o.topic}/${o.partition}`, run: async () => {}, ack: () => {}, stats: () => ({ received: this.records, bytes: 0, dropped: 0, errors: 0 }) };
    this.host = createSteppedHost(
      {
        config: { ...config, detectors },
        dbPath: '',
        sources: [],
        store: this.state,
        anomalies: {
          // As the store: one anomaly per id; the engine counts the others as duplicates.
          insertAnomalies: (batch) => {
            const stored: Anomaly[] = [];
            for (const a of batch) {
              if (this.recent.has(a.id)) continue;
              this.remember(a.id);
              this.found.push(a);
              stored.push(a);
            }
            return stored;
          },
        },
        clock: this.clock,
        logger: o.logger,
        context: ctx,
        onEvents: (events) => {
          this.followEventTime(events);
          o.onEvents?.(events);
        },
      },
      // Parsers and detectors are saved whole at each checkpoint (`checkpoint`), not per batch.
      { detectorSaveMs: Number.MAX_SAFE_INTEGER, multiline: false, parsersAtCheckpoint: true },
    );
  }

  /** The engine's counters (PipelineView). */
  get stats() {
    return this.host.stats;
  }

  /** The engine host itself: its counters, per-source parser counters and errors, as every host shows them. */
  get engine(): EngineHost {
    return this.host;
  }

  /** Processes a fetched batch (offset order); records before `next` (already in the state) are skipped. */
  async process(messages: readonly KafkaRecordIn[], heartbeat?: () => Promise<void>): Promise<void> {
    const tickRecords = this.o.tickRecords ?? TICK_RECORDS;
    // Each record is converted as it is met (its offset read once): the chunk holds raw records,
    // and the Kafka messages are not walked again. Records without a time of their own arrive
    // "now" on the partition's clock, which moves only at a tick, between two chunks.
    let chunk: RawRecord[] = [];
    let last = -1;
    for (const m of messages) {
      const offset = Number(m.offset);
      if (this.next >= 0 && offset < this.next) {
        // Already in the state, unless its source's parser was holding it back at the checkpoint.
        const from = this.held.size > 0 ? this.held.get(sourceIdOf(m, this.o.naming)) : undefined;
        if (from !== undefined && offset >= from) last = this.add(chunk, m, offset);
        continue;
      }
      // Only when it holds something: `clear` allocates a new table even for an empty map (per record).
      if (this.held.size > 0) this.held.clear();
      const ts = Number(m.timestamp);
      if (this.clock.now() === 0) this.clock.set(Number.isFinite(ts) && ts > 0 ? ts : 1);
      const block = Math.floor(offset / tickRecords);
      if (this.block >= 0 && block !== this.block) {
        await this.run(chunk, last);
        chunk = [];
        last = -1;
        if (this.tickDue()) this.tick();
        if (heartbeat) await heartbeat();
      }
      this.block = block;
      if (Number.isFinite(ts) && ts > this.lastKafkaTs) this.lastKafkaTs = ts;
      last = this.add(chunk, m, offset);
    }
    await this.run(chunk, last);
  }

  /** Converts `m` into `chunk` (a tombstone is only counted); returns its offset. */
  private add(chunk: RawRecord[], m: KafkaRecordIn, offset: number): number {
    this.records++;
    const r = toRawRecord(m, offset, this.o.naming, this.clock.now(), this.o.maxLineBytes, this.convert, this.ids);
    if (r !== undefined) chunk.push(r);
    return offset;
  }

  /**
   * Everything processed so far as one consistent point: the anomalies found since the last
   * checkpoint and the whole state (undefined when nothing happened since).
   */
  checkpoint(): PartitionCheckpoint | undefined {
    if (!this.changed) return undefined;
    this.host.saveParsersNow();
    this.host.saveDetectors();
    const held: [string, number][] = [];
    let commit = this.next;
    for (const [source, parser] of this.host.streams()) {
      const line = parser.pendingLine;
      if (line === undefined) continue;
      // Record lines are Kafka offsets + 1 (records.ts).
      held.push([source, line - 1]);
      commit = Math.min(commit, line - 1);
    }
    for (const [source, from] of this.held) if (!held.some(([s]) => s === source)) held.push([source, from]);
    const data: PartitionStateData = {
      topic: this.o.topic,
      partition: this.partition,
      next: this.next,
      block: this.block,
      held,
      clock: this.clock.now(),
      lastTick: this.lastTick,
      eventTime: this.eventTime,
      lastKafkaTs: this.lastKafkaTs,
      states: [...this.state.states],
      models: [...this.state.models.values()],
      recent: [...this.recent],
    };
    const snapshot: Snapshot<PartitionStateData> = { kind: PARTITION_STATE_KIND, version: PARTITION_STATE_VERSION, data };
    const anomalies = this.found;
    this.found = [];
    this.changed = false;
    return { partition: this.partition, next: commit, anomalies, state: gzipSync(JSON.stringify(snapshot), { level: 1 }) };
  }

  /** Stops the detectors (model trainers); the state is dropped with the object. */
  close(): void {
    this.stop.abort();
  }

  /** Processes a chunk of converted records; `last`: the offset of the chunk's last message (-1: none). */
  private async run(records: RawRecord[], last: number): Promise<void> {
    if (last < 0) return;
    this.changed = true;
    if (records.length > 0) await this.host.process(this.owner, { records });
    // Only now is the chunk in the state: a checkpoint taken meanwhile ends before it.
    this.next = Math.max(this.next, last + 1);
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value as string);
  }

  /**
   * "Learn as normal" feedback from the serve node (kafka/feedback.ts) for the detectors of its
   * kind; true when one learned it. Not part of the state: lessons are applied again on restore.
   */
  learn(lesson: FeedbackLesson): boolean {
    let ok = false;
    for (const d of this.host.learners()) if (d.kind === lesson.detector && d.learnAsNormal?.(lesson.what) === true) ok = true;
    return ok;
  }

  /**
   * Hot swap of a published model (the models topic, `models.ts`) into this partition's model
   * detector, between two batches; the sources it swapped record its version in the next
   * checkpoint. Throws `ANOMALOG_ERR_MODEL_REFUSED` when it does not fit the detector's windows.
   * Returns the sources swapped (0 without a model detector).
   */
  installModel(received: ReceivedModel): number {
    let swapped = 0;
    for (const d of this.host.learners()) if (d instanceof StreamModelDetector) swapped += d.installPublished(received);
    if (swapped > 0) this.changed = true;
    return swapped;
  }

  /** A published model withdrawn from the models topic (`models.ts`); returns the sources that changed model. */
  removeModel(scope: ModelScope): number {
    let changed = 0;
    for (const d of this.host.learners()) if (d instanceof StreamModelDetector) changed += d.removePublished(scope);
    if (changed > 0) this.changed = true;
    return changed;
  }

  /** The model detector's published-model counters (swaps; templates the remap found or not), if it runs. */
  publishedStats(): ModelDetectorStats['published'] | undefined {
    for (const d of this.host.learners()) if (d instanceof StreamModelDetector) return d.stats().published;
    return undefined;
  }

  /** Anomalies of a checkpoint that could not be produced: they go out with the next one. */
  requeue(cp: PartitionCheckpoint): void {
    this.found = [...cp.anomalies, ...this.found];
    this.changed = true;
  }

  /** A block boundary ticks when event time moved the clock by `TICK_MS` since the last tick. */
  private tickDue(): boolean {
    return Math.max(this.clock.now(), this.eventTime) - this.lastTick >= (this.o.tickMs ?? TICK_MS);
  }

  private tick(): void {
    this.clock.set(Math.max(this.clock.now(), this.eventTime));
    this.lastTick = this.clock.now();
    this.host.tick();
  }

  private followEventTime(events: readonly LogEvent[]): void {
    const cap = this.lastKafkaTs + MAX_AHEAD_MS;
    for (const e of events) if (!e.tsFromArrival && e.ts > this.eventTime && e.ts <= cap) this.eventTime = e.ts;
  }

  private restore(buf: Buffer): void {
    let snap: Snapshot<PartitionStateData>;
    try {
      // Bounded: a record written to the state topic by anyone but a worker (a gzip bomb) must not make
      // every new owner allocate gigabytes; JSON longer than a string can hold could not be read anyway.
      snap = JSON.parse(gunzipSync(buf, { maxOutputLength: constants.MAX_STRING_LENGTH }).toString('utf8')) as Snapshot<PartitionStateData>;
    } catch (e) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `The state of Kafka partition ${this.o.topic}/${this.o.partition} in the changelog is malformed.`, { cause: e });
    }
    if (snap.kind !== PARTITION_STATE_KIND || snap.version > PARTITION_STATE_VERSION) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `The state of Kafka partition ${this.o.topic}/${this.o.partition} is ${snap.kind} v${snap.version}; this build reads ${PARTITION_STATE_KIND} v${PARTITION_STATE_VERSION}.`);
    }
    const d = snap.data;
    this.next = d.next;
    this.block = d.block;
    this.held = new Map(Array.isArray(d.held) ? d.held : []);
    this.clock.set(d.clock);
    this.lastTick = typeof d.lastTick === 'number' ? d.lastTick : d.clock;
    this.eventTime = d.eventTime;
    this.lastKafkaTs = d.lastKafkaTs;
    for (const [k, v] of d.states) this.state.states.set(k, v);
    for (const m of d.models) this.state.models.set(m.kind, m);
    if (Array.isArray(d.recent)) for (const id of d.recent) if (typeof id === 'string') this.remember(id);
  }
}
