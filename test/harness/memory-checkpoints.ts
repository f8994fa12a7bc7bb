/**
 * @module test/harness/memory-checkpoints
 * An in-memory CheckpointStore that records every save (to assert when and what a source persisted).
 */
import type { Cursor } from '../../src/core/event.js';
import type { CheckpointStore } from '../../src/core/source.js';

export class MemoryCheckpoints implements CheckpointStore {
  readonly saved = new Map<string, Cursor>();
  /** Every save in order. */
  readonly history: Array<{ sourceId: string; cursor: Cursor }> = [];

  constructor(initial?: Record<string, Cursor>) {
    if (initial) for (const [k, v] of Object.entries(initial)) this.saved.set(k, v);
  }

  load(sourceId: string): Cursor | undefined {
    const c = this.saved.get(sourceId);
    return c === undefined ? undefined : { ...c };
  }

  save(sourceId: string, cursor: Cursor): void {
    const copy = { ...cursor };
    this.saved.set(sourceId, copy);
    this.history.push({ sourceId, cursor: copy });
  }
}
