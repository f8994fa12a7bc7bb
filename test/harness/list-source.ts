/**
 * @module test/harness/list-source
 * A source that emits the given batches in order, then waits for the abort, recording the cursors
 * it is acknowledged with: the input of the engine-host suites (in-process and worker thread).
 */
import type { Cursor } from '../../src/core/event.js';
import type { RawBatch, Source } from '../../src/core/source.js';

export class ListSource implements Source {
  readonly id = 'stdin#0';
  readonly acked: Cursor[] = [];
  constructor(private readonly list: RawBatch[]) {}
  async run(emit: (b: RawBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    for (const b of this.list) await emit(b);
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  }
  ack(cursor: Cursor): void {
    this.acked.push(cursor);
  }
  stats() {
    return { received: 0, bytes: 0, dropped: 0, errors: 0 };
  }
}
