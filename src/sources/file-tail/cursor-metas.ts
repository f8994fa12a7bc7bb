/**
 * @module sources/file-tail/cursor-metas
 * What each emitted cursor belongs to (its stream and rotation epoch), for its ack. Cursors come
 * back as the emitted objects (weakly held here) or as copies made downstream, found by file id:
 * the latest emit of that file (bounded).
 */
import type { Cursor } from '../../core/event.js';

/** File ids remembered for acks of copied cursors. */
const MAX_REMEMBERED_IDS = 4096;

export class CursorMetas<M> {
  private readonly byCursor = new WeakMap<Cursor, M>();
  private readonly lastById = new Map<string, M>();

  set(cursor: Cursor, meta: M): void {
    this.byCursor.set(cursor, meta);
    this.lastById.delete(cursor.id);
    this.lastById.set(cursor.id, meta);
    if (this.lastById.size > MAX_REMEMBERED_IDS) this.lastById.delete(this.lastById.keys().next().value as string);
  }

  get(cursor: Cursor): M | undefined {
    return this.byCursor.get(cursor) ?? this.lastById.get(cursor.id);
  }
}
