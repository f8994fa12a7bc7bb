/**
 * @module test/harness/batch-source
 * A source that runs nothing: the test hands its batches to `Engine.process` itself (the source is
 * only the owner the engine acknowledges and keys its parsers by). Acks are dropped.
 */
import type { Cursor } from '../../src/core/event.js';
import type { Source, SourceStats } from '../../src/core/source.js';

export class BatchSource implements Source {
  constructor(readonly id: string) {}
  async run(): Promise<void> {}
  ack(_c: Cursor): void {}
  stats(): SourceStats {
    return { received: 0, bytes: 0, dropped: 0, errors: 0 };
  }
}
