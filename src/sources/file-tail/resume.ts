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

export class Handovers<S> {
  private readonly pending = new Map<string, { heir: S; offset: number }>();

  /** `heir` took file `id` whose lines up to `offset` went out under another stream. */
  add(id: string, heir: S, offset: number): void {
    this.pending.delete(id);
    this.pending.set(id, { heir, offset });
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
  }

  /**
   * An ack of `cursor` by `stream`. When it reaches a pending hand-over point, returns the heir whose
   * row is now due at that point — unless the ack is the heir's own past it (its own row is written).
   */
  settle(cursor: Cursor, stream: S): { heir: S; offset: number } | undefined {
    const h = this.pending.get(cursor.id);
    if (h === undefined || cursor.offset < h.offset) return undefined;
    this.pending.delete(cursor.id);
    return stream === h.heir && cursor.offset > h.offset ? undefined : h;
  }
}
