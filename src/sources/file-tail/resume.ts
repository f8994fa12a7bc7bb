/**
 * @module sources/file-tail/resume
 * Which checkpoint a file resumes from when several name it, and when a hand-over's heir gets its
 * own. A rotated file handed to the stream of its new name is read on by that stream: its lines
 * before the hand-over were emitted under the old stream, the later ones under the heir's. Acks are
 * in order per file (the pipeline acknowledges a file's batches in the order they were emitted), so
 * of two checkpoints naming one file the higher offset is the truth — provided a checkpoint is
 * only ever written for lines that were acknowledged. That is why the heir's row waits
 * (`Handovers`) until an ack reaches the hand-over point: written at once, it would claim lines a
 * crash left unacknowledged (skipped after a restart); never written, the heir would read the
 * file again from its start once the old stream's row has moved on to its new file.
 * @example
 * const latest = latestPerFile(checkpoints);   // file id → the checkpoint it resumes from
 * handovers.add(fileId, heir, offset);          // at the hand-over
 * handovers.settle(cursor, byHeir);             // in each ack: the heir's row, once it is due
 */
import type { Cursor } from '../../core/event.js';

/** Hand-overs remembered while their old stream's last lines wait for an ack (bounded). */
const MAX_PENDING = 4096;

/**
 * Per file id named by loaded checkpoints, the one with the highest offset: where that file resumes,
 * whichever stream it is now read by.
 */
export function latestPerFile(cps: Iterable<Cursor | undefined>): Map<string, Cursor> {
  const latest = new Map<string, Cursor>();
  for (const cp of cps) {
    if (cp === undefined) continue;
    const b = latest.get(cp.id);
    if (b === undefined || b.offset < cp.offset) latest.set(cp.id, cp);
  }
  return latest;
}

/** A heir's checkpoint that is due: write `{ id, offset }` for `heir`. */
export interface DueRow<S> {
  heir: S;
  id: string;
  offset: number;
}

interface Pending<S> {
  heir: S;
  offset: number;
  /** The stream that read the file before, and the file's epoch there. */
  from: S;
  epoch: number;
}

export class Handovers<S> {
  private readonly pending = new Map<string, Pending<S>>();

  /** `heir` took file `id` whose lines up to `offset` went out under `from` (as its epoch `epoch`). */
  add(id: string, heir: S, offset: number, from: S, epoch: number): void {
    this.pending.delete(id);
    this.pending.set(id, { heir, offset, from, epoch });
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
  }

  /**
   * An ack of `cursor` by `stream` (the cursor's epoch there: `epoch`). Returns the heirs whose rows
   * are now due:
   *  - an ack of the handed-over file reaching the hand-over point (except the heir's own past it,
   *    which writes its own row);
   *  - any ack of a later file by the stream that handed one over: its lines share a record source
   *    with the old file's and are processed after them, so the old file's lines are durable too.
   *    (The old file's last ack may never come: a record that multi-line joining held at its end is
   *    released by the next file's first line and acknowledged with that file.)
   */
  settle(cursor: Cursor, stream: S, epoch: number): DueRow<S>[] {
    const due: DueRow<S>[] = [];
    for (const [id, h] of this.pending) {
      const reached = id === cursor.id && cursor.offset >= h.offset;
      if (!reached && !(stream === h.from && epoch > h.epoch)) continue;
      this.pending.delete(id);
      if (!(reached && stream === h.heir && cursor.offset > h.offset)) due.push({ heir: h.heir, id, offset: h.offset });
    }
    return due;
  }
}
