/**
 * @module topology/source-acks
 * The in-process engine's acknowledgements to its sources (at least once): a processed batch is
 * acknowledged at once, or — while multi-line joining still holds one of its records open — up to
 * that record's first line (file offsets), the rest once the record is released. With checkpoints
 * (`checkpointMs`) acknowledgements wait for the next detector save, so a crash resumes the sources
 * where the saved detector state ends. Acks that are no progress (same offset again) are skipped.
 * @example
 * const acks = new SourceAcks(true);
 * acks.processed(source, batch, undefined); // nothing held: acknowledged (at the next checkpoint)
 * acks.flush();                             // checkpoint: the waiting acks reach their sources
 */
import type { Cursor } from '../core/event.js';
import type { RawBatch, Source } from '../core/source.js';

export class SourceAcks {
  /** Per source: the cursor of processed batches not yet acknowledged (a record is still held open). */
  private readonly held = new Map<Source, Cursor>();
  /** Per source and file id: the offset acknowledged last (to skip acks that are no progress). */
  private readonly ackedTo = new Map<Source, Record<string, number>>();
  /** Per source and file id: the acknowledgement waiting for the next checkpoint. */
  private readonly waiting = new Map<Source, Map<string, Cursor>>();

  /** `deferred`: acknowledgements wait for `flush` (the engine's checkpoints). */
  constructor(private readonly deferred: boolean) {}

  /** Acknowledgements wait for the next checkpoint. */
  get pending(): boolean {
    return this.waiting.size > 0;
  }

  /**
   * `batch` (with a cursor) is processed. `firstHeld`: index of its first record that multi-line
   * joining still holds (-1: one held since an earlier batch), undefined when none is held.
   */
  processed(source: Source, batch: RawBatch, firstHeld: number | undefined): void {
    const cursor = batch.cursor as Cursor;
    if (firstHeld === undefined) {
      this.held.delete(source);
      this.ackTo(source, cursor);
      return;
    }
    this.held.set(source, cursor);
    const start = firstHeld >= 0 ? batch.records[firstHeld].offset : undefined;
    // Partial ack up to the held record, when that is progress (offsets within one file id).
    if (start !== undefined && start > (this.ackedTo.get(source)?.[cursor.id] ?? 0)) this.ackTo(source, { ...cursor, offset: start });
  }

  /** Acknowledges the held cursors of sources whose parsers hold nothing any more. */
  release(holding: (source: Source) => boolean): void {
    for (const [source, cursor] of this.held) {
      if (!holding(source)) {
        this.held.delete(source);
        this.ackTo(source, cursor);
      }
    }
  }

  /** The checkpoint: every waiting acknowledgement reaches its source. */
  flush(): void {
    for (const [source, byId] of this.waiting) for (const c of byId.values()) source.ack(c);
    this.waiting.clear();
  }

  private ackTo(source: Source, cursor: Cursor): void {
    let m = this.ackedTo.get(source);
    if (m === undefined) this.ackedTo.set(source, (m = {}));
    m[cursor.id] = cursor.offset;
    if (!this.deferred) {
      source.ack(cursor);
      return;
    }
    let byId = this.waiting.get(source);
    if (byId === undefined) this.waiting.set(source, (byId = new Map()));
    byId.set(cursor.id, cursor);
  }
}
