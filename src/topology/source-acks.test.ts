import { describe, expect, it } from 'vitest';
import type { Cursor } from '../core/event.js';
import type { RawBatch, Source } from '../core/source.js';
import { SourceAcks } from './source-acks.js';

function source(): Source & { acked: Cursor[] } {
  const acked: Cursor[] = [];
  return { id: 's', acked, run: async () => {}, ack: (c) => acked.push(c), stats: () => ({ received: 0, bytes: 0, dropped: 0, errors: 0 }) };
}

/** Records at offsets 0, 10, 20 of file `f`; the batch's cursor is the end (30). */
const batch = (from = 0): RawBatch => ({
  records: [0, 10, 20].map((o, i) => ({ source: 's', text: 'x', arrivalTs: 0, line: i + 1, offset: from + o })),
  cursor: { kind: 'file', id: 'f', offset: from + 30 },
});

describe('SourceAcks', () => {
  it('acknowledges a batch at once, or up to a record still held, the rest when it is released', () => {
    const s = source();
    const acks = new SourceAcks(false);
    acks.processed(s, batch(), undefined);
    expect(s.acked).toEqual([{ kind: 'file', id: 'f', offset: 30 }]);
    // Record 2 (offset 40) of the next batch is held by multi-line joining: acknowledged up to it.
    acks.processed(s, batch(30), 1);
    expect(s.acked.at(-1)).toEqual({ kind: 'file', id: 'f', offset: 40 });
    // Still held: no ack; released: the whole batch.
    acks.release(() => true);
    expect(s.acked).toHaveLength(2);
    acks.release(() => false);
    expect(s.acked.at(-1)).toEqual({ kind: 'file', id: 'f', offset: 60 });
  });

  it('skips a partial ack that is no progress, and one held since an earlier batch', () => {
    const s = source();
    const acks = new SourceAcks(false);
    acks.processed(s, batch(), 0);
    // Offset 0 is not beyond what was acknowledged (nothing yet, 0): nothing to say.
    expect(s.acked).toEqual([]);
    acks.processed(s, batch(30), -1);
    expect(s.acked).toEqual([]);
    acks.release(() => false);
    expect(s.acked).toEqual([{ kind: 'file', id: 'f', offset: 60 }]);
  });

  it('deferred: acknowledgements wait for the checkpoint, the latest per file', () => {
    const s = source();
    const acks = new SourceAcks(true);
    acks.processed(s, batch(), undefined);
    acks.processed(s, batch(30), undefined);
    expect(acks.pending).toBe(true);
    expect(s.acked).toEqual([]);
    acks.flush();
    expect(s.acked).toEqual([{ kind: 'file', id: 'f', offset: 60 }]);
    expect(acks.pending).toBe(false);
  });
});
