/**
 * @module topology/engine-saves
 * What the in-process engine (topology/engine.ts) writes to the store, and the checkpoint that
 * writes it before the sources are acknowledged: detector state (restored at start, saved at each
 * checkpoint), parser state (saved when a batch changed the templates), template counts, and found
 * anomalies (`AnomalyWriter`). While the store refuses writes (disk full, locked…), the engine goes on
 * processing: with checkpoints (`checkpointMs`), what could not be written is kept — anomalies in the
 * writer, parsers marked to be saved again — and the checkpoint reports failure, so nothing is
 * acknowledged until it is written; without checkpoints a refused write fails the batch.
 * @example
 * const saves = new EngineSaves({ store, anomalies: store, detectors, clock, logger, deferred: true, parsers, fail, onStored });
 * if (saves.checkpoint()) acks.flush();
 */
import type { Logger } from '../core/component.js';
import type { Clock } from '../core/clock.js';
import type { StreamDetector } from '../core/detector.js';
import type { Anomaly, LogEvent } from '../core/event.js';
import type { AnomalyStore, EngineStateStore, StoreWriteStats } from '../core/engine.js';
import type { LogParser } from '../parsers/pipeline.js';
import { WriteFailures, writeFailureReason } from '../store/index.js';
import { TemplateCounts } from './template-counts.js';
import { AnomalyWriter, noteWriteFailure, noteWriteOk } from './store-writes.js';

export interface EngineSavesOptions {
  store: EngineStateStore;
  /** Where found anomalies are stored; null in a worker thread (the main thread stores them). */
  anomalies: AnomalyStore | null;
  detectors: readonly StreamDetector[];
  /** Set when the engine is one of several: detector state is saved under keys of its own. */
  partition?: string;
  clock: Clock;
  logger: Logger;
  /** Where refused writes are recorded (the store's own in the service); default: one of its own. */
  writes?: WriteFailures;
  /** Checkpoints defer the writes (template counts) and tolerate refused ones until the next checkpoint. */
  deferred: boolean;
  /** The host saves every parser at its own checkpoints (`saveParsers`): a batch that changed templates only marks its parsers. */
  parsersAtCheckpoint?: boolean;
  /** The parsers in memory, by record source. */
  parsers: () => Iterable<[string, LogParser]>;
  /** A detector failed to restore or snapshot: a component failure (counted), not a crash. */
  fail: (component: string, e: unknown) => void;
  /** What a write stored, of `found` offered (the engine counts them and publishes the stored ones). */
  onStored: (inserted: Anomaly[], found: number, arrival: number | undefined) => void;
}

export class EngineSaves {
  /** When detector state was last saved (or a checkpoint gave up waiting for the store): clock ms. */
  lastSave = 0;
  private readonly templateCounts: TemplateCounts;
  private readonly writes: WriteFailures;
  /** Stores found anomalies, keeping them while the store refuses writes; null in a worker thread. */
  private readonly writer: AnomalyWriter | null;
  /** A parser state save was refused: every parser is saved at the next checkpoint. */
  private parsersUnsaved = false;

  /** Parsers whose templates changed since the last checkpoint (with checkpoints on). */
  private readonly dirtyParsers = new Set<string>();

  constructor(private readonly o: EngineSavesOptions) {
    this.templateCounts = new TemplateCounts(o.store, o.deferred);
    this.writes = o.writes ?? new WriteFailures('(engine store)', () => o.clock.now());
    this.writer = o.anomalies === null ? null : new AnomalyWriter({ store: o.anomalies, writes: this.writes, logger: o.logger, onStored: o.onStored });
  }

  /** Restores every detector's saved state (a detector that cannot is a component failure). */
  restoreDetectors(): void {
    for (const d of this.o.detectors) {
      const saved = this.o.store.loadParserState(detectorKey(d, this.o.partition));
      if (saved === undefined) continue;
      try {
        d.restore(saved);
      } catch (e) {
        this.o.fail(d.kind, e);
      }
    }
  }

  /**
   * Saves every detector's state (learned baselines survive a restart). A detector that cannot
   * snapshot is a component failure (counted, the others are saved); a refused write throws.
   */
  saveDetectors(): void {
    this.lastSave = this.o.clock.now();
    for (const d of this.o.detectors) {
      let snapshot;
      try {
        snapshot = d.snapshot();
      } catch (e) {
        this.o.fail(d.kind, e);
        continue;
      }
      try {
        this.o.store.saveParserState(detectorKey(d, this.o.partition), snapshot);
      } catch (e) {
        if (writeFailureReason(e) !== undefined) throw e;
        this.o.fail(d.kind, e);
      }
    }
  }

  /** Saves every parser in memory (a host that restores state at a position needs them all from one point). */
  saveParsers(): void {
    for (const [id, parser] of this.o.parsers()) this.o.store.saveParserState(id, parser.snapshot());
    this.parsersUnsaved = false;
    this.dirtyParsers.clear();
  }

  /**
   * A batch's events were mined: their template counts, and the state of the parsers whose templates
   * changed. With checkpoints a refused write is retried there (acks wait); without, it throws and the
   * batch fails unacknowledged.
   */
  mined(events: LogEvent[], templatesChanged: boolean, parserOf: (source: string) => LogParser | undefined): void {
    try {
      this.templateCounts.add(events);
      if (!templatesChanged) return;
      const seen = new Set<string>();
      for (const e of events) {
        if (e.change === 'none' || seen.has(e.source)) continue;
        seen.add(e.source);
        const parser = parserOf(e.source);
        if (parser) this.o.store.saveParserState(e.source, parser.snapshot());
      }
    } catch (e) {
      if (!this.tolerated(e)) throw e;
      this.parsersUnsaved = true;
    }
  }

  /**
   * The parsers of `sources`, whose templates changed in a batch. With checkpoints they are saved at
   * the next one, with the template counts (the template table and the parser state move together,
   * and a flood of new lines no longer serialises a parser per batch: 49 saves took 18 of 93 s of
   * 200,000 unique lines in 4,096-line batches); without, at once (refused: as `mined`).
   */
  changed(sources: Iterable<string>, parserOf: (source: string) => LogParser | undefined): void {
    if (this.o.deferred || this.o.parsersAtCheckpoint === true) {
      for (const id of sources) this.dirtyParsers.add(id);
      return;
    }
    for (const id of sources) {
      const parser = parserOf(id);
      if (parser) this.o.store.saveParserState(id, parser.snapshot());
    }
  }

  /**
   * Saves a parser about to be dropped from memory; false when the store refused it with checkpoints
   * on (the parser is then kept in memory, beyond the cap for now, and saved at a checkpoint).
   */
  evicted(id: string, parser: LogParser): boolean {
    try {
      this.o.store.saveParserState(id, parser.snapshot());
      return true;
    } catch (e) {
      if (!this.tolerated(e)) throw e;
      this.parsersUnsaved = true;
      return false;
    }
  }

  /** A miner evicted template `templateId` of `source`: its row is deleted with the next template counts written. */
  templateEvicted(source: string, templateId: number): void {
    this.templateCounts.evict(source, templateId);
  }

  /** Every parser is saved at the next checkpoint (the engine stops: what they held was flushed). */
  markParsersUnsaved(): void {
    this.parsersUnsaved = true;
  }

  /** Stores found anomalies (kept while the store refuses); returns what was newly stored. */
  store(found: Anomaly[], arrival: number | undefined): Anomaly[] {
    if (this.writer !== null) return this.writer.write(found, arrival);
    this.o.onStored(found, found.length, arrival);
    return found;
  }

  /**
   * Writes everything held — anomalies waiting for the store, template counts, unsaved parsers,
   * detector state — and returns whether it all went through, so the caller may acknowledge what
   * was processed before it (one consistent point). When the store refuses a write it returns false:
   * nothing is acknowledged, the next checkpoint tries again, and a restart meanwhile re-reads from
   * the last point that was saved.
   */
  checkpoint(): boolean {
    try {
      this.writer?.retry();
      if (this.writer !== null && this.writer.unstored > 0) {
        this.lastSave = this.o.clock.now();
        return false;
      }
      this.templateCounts.flush();
      if (this.parsersUnsaved) this.saveParsers();
      else if (this.dirtyParsers.size > 0) {
        for (const [id, parser] of this.o.parsers()) if (this.dirtyParsers.has(id)) this.o.store.saveParserState(id, parser.snapshot());
      }
      this.dirtyParsers.clear();
      this.saveDetectors();
    } catch (e) {
      if (noteWriteFailure(this.writes, this.o.logger, e)) return false;
      throw e;
    }
    noteWriteOk(this.writes, this.o.logger);
    return true;
  }

  /** Whether the store refuses this engine's writes now, and what waits to be stored. */
  storeWrites(): StoreWriteStats {
    return { ...this.writes.stats(), unstored: this.writer?.unstored ?? 0, unstoredDropped: this.writer?.dropped ?? 0 };
  }

  /** A refused write that a checkpoint will retry (recorded and logged); false: throw it. */
  private tolerated(e: unknown): boolean {
    return this.o.deferred && noteWriteFailure(this.writes, this.o.logger, e);
  }
}

/** Detector snapshots share the store's state table with parsers, under their own keys. */
function detectorKey(d: StreamDetector, partition: string | undefined): string {
  return partition === undefined ? `detector:${d.kind}` : `detector:${d.kind}@${partition}`;
}
