/**
 * @module topology/engine-lanes
 * Which engine worker thread owns a record source (topology/engine-thread.ts with
 * `pipeline.engine_threads` > 1), like a Kafka partition: a source is assigned at its first batch
 * to the thread with the fewest sources and kept in the store (`source_lanes`), so after a restart
 * it goes where its parser and detector state were saved. A batch whose records span threads is
 * split into one part per thread.
 * @example
 * const lanes = new EngineLanes({ threads: 2, store: store.lanes, writes: store.writes, logger });
 * for (const [lane, part] of lanes.split(batch)) workers[lane].postMessage(part);
 */
import type { Logger } from '../core/component.js';
import type { RawBatch, RawRecord } from '../core/source.js';
import type { WriteFailures } from '../store/index.js';
import type { SourceLanes } from '../store/lanes.js';
import { noteWriteFailure } from './store-writes.js';

/** Sources remembered in memory (client-chosen ids must not grow memory); the store keeps them all. */
const MAX_REMEMBERED = 100_000;

export interface EngineLanesOptions {
  threads: number;
  /** Where each record source's thread is kept (the store's `lanes`); in memory only without it. */
  store?: Pick<SourceLanes, 'get' | 'assign' | 'counts'>;
  /** Where refused writes of an assignment are recorded (it is kept and saved at `retry`). */
  writes: WriteFailures;
  logger: Logger;
}

export class EngineLanes {
  /** Record source → thread (a cache of the store's), and how many sources each thread has. */
  private readonly assigned = new Map<string, number>();
  private readonly counts: number[];
  /** The thread of the last record source seen (batches mostly come from one source). */
  private last = { source: '', lane: 0 };
  /** Assignments the store refused (disk full…), saved at the next `retry`. */
  private readonly unsaved = new Map<string, number>();

  constructor(private readonly o: EngineLanesOptions) {
    this.counts = o.store?.counts(o.threads) ?? new Array<number>(o.threads).fill(0);
  }

  /** The thread that owns `source` (assigned now if it has none). */
  of(source: string): number {
    const n = this.o.threads;
    if (n === 1) return 0;
    if (source === this.last.source) return this.last.lane;
    let lane = this.assigned.get(source);
    if (lane === undefined) {
      lane = this.o.store?.get(source, n);
      if (lane === undefined) {
        lane = this.counts.indexOf(Math.min(...this.counts));
        this.save(source, lane);
        this.counts[lane]++;
      }
      if (this.assigned.size >= MAX_REMEMBERED) this.assigned.delete(this.assigned.keys().next().value as string);
      this.assigned.set(source, lane);
    }
    this.last = { source, lane };
    return lane;
  }

  /**
   * The batch per thread: whole when its records all belong to one (the usual case), else in parts,
   * each with its records' indices in the batch (`at`: where its events come in the host's input,
   * topology/fleet-board.ts).
   */
  split(batch: RawBatch): [lane: number, part: RawBatch, at?: Int32Array][] {
    const recs = batch.records;
    if (this.o.threads === 1 || recs.length === 0) return [[0, batch]];
    const first = this.of(recs[0].source);
    let i = 1;
    while (i < recs.length && this.of(recs[i].source) === first) i++;
    if (i === recs.length) return [[first, batch]];
    const by = new Map<number, { records: RawRecord[]; at: number[] }>();
    for (let k = 0; k < recs.length; k++) {
      const lane = this.of(recs[k].source);
      let part = by.get(lane);
      if (part === undefined) by.set(lane, (part = { records: [], at: [] }));
      part.records.push(recs[k]);
      part.at.push(k);
    }
    return [...by].map(([lane, { records, at }]) => [lane, batch.cursor ? { records, cursor: batch.cursor } : { records }, Int32Array.from(at)]);
  }

  /** Saves the assignments the store refused, until it refuses again. */
  retry(): void {
    for (const [source, lane] of this.unsaved) {
      this.unsaved.delete(source);
      if (!this.save(source, lane)) break;
    }
  }

  /** Records a source's thread; while the store refuses writes it is kept here (false) and saved at `retry`. */
  private save(source: string, lane: number): boolean {
    try {
      this.o.store?.assign(source, this.o.threads, lane);
      return true;
    } catch (e) {
      if (!noteWriteFailure(this.o.writes, this.o.logger, e)) throw e;
      if (this.unsaved.size < MAX_REMEMBERED) this.unsaved.set(source, lane);
      return false;
    }
  }
}
