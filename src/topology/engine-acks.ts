/**
 * @module topology/engine-acks
 * Which acknowledgements of the engine's worker threads reach the sources. A batch with a cursor
 * goes to one worker, or in parts to several when its records belong to sources of different
 * workers; a worker acknowledges the latest cursor per file at its checkpoints. A cursor is given to
 * its source only when every worker holding a part of that batch or an earlier one of the same
 * file has acknowledged it, as the source's own object (the file tail knows a cursor's rotation
 * epoch by identity).
 * @example
 * const ledger = new AckLedger();
 * ledger.remember(0, 7, cursor, 0b01);         // batch 7 of source 0, all of it in worker 0
 * ledger.ack(0, 0, copyOfCursor, 7);           // → cursor (the emitted object)
 */
import type { Cursor } from '../core/event.js';

interface Entry {
  id: number;
  cursor: Cursor;
  /** Bit per worker holding a part of the batch, and bit per worker that acknowledged it. */
  lanes: number;
  acked: number;
}

/** Entries kept per file while no acknowledgement comes (a failed worker): the newest. */
const MAX_ENTRIES = 100_000;

export class AckLedger {
  private readonly files = new Map<string, Entry[]>();

  remember(src: number, id: number, cursor: Cursor, lanes: number): void {
    const key = `${src}\0${cursor.id}`;
    let q = this.files.get(key);
    if (q === undefined) this.files.set(key, (q = []));
    q.push({ id, cursor, lanes, acked: 0 });
    if (q.length > MAX_ENTRIES) q.splice(0, q.length - MAX_ENTRIES);
  }

  /**
   * Worker `lane` acknowledged `cursor`: the cursor of batch `batch`, or (no batch) a partial one up
   * to a record still held by multi-line joining. Returns what to give the source, if anything.
   */
  ack(src: number, lane: number, cursor: Cursor, batch: number | undefined): Cursor | undefined {
    const q = this.files.get(`${src}\0${cursor.id}`);
    if (q === undefined || q.length === 0) return cursor;
    // A partial ack covers only that worker's part: with a batch split between workers, wait for full ones.
    if (batch === undefined) return q.some((e) => (e.lanes & (e.lanes - 1)) !== 0) ? undefined : cursor;
    const bit = 1 << lane;
    // A worker's acks are in order per file: this one covers its parts of every earlier batch too.
    for (const e of q) {
      if (e.id > batch) break;
      e.acked |= e.lanes & bit;
    }
    let done = 0;
    while (done < q.length && q[done].acked === q[done].lanes) done++;
    if (done === 0) return undefined;
    const last = q[done - 1];
    q.splice(0, done);
    return last.cursor;
  }
}
