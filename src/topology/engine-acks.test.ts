import { describe, expect, it } from 'vitest';
import type { Cursor } from '../core/event.js';
import { AckLedger } from './engine-acks.js';

const cursor = (offset: number, id = 'f1'): Cursor => ({ kind: 'file', id, offset });

describe('AckLedger', () => {
  it('gives the source its own cursor object for a whole-batch ack, covering earlier batches of that file', () => {
    const l = new AckLedger();
    const c = [cursor(10), cursor(20), cursor(30)];
    c.forEach((x, i) => l.remember(0, i + 1, x, 0b1));
    // The worker acks batch 2 with a copy: the emitted object comes back; batch 1 is covered.
    expect(l.ack(0, 0, { ...c[1] }, 2)).toBe(c[1]);
    expect(l.ack(0, 0, { ...c[2] }, 3)).toBe(c[2]);
    // Nothing left to map: a late copy passes as it is (the source ignores what is no progress).
    const late = { ...c[0] };
    expect(l.ack(0, 0, late, 1)).toBe(late);
  });

  it('waits for every worker holding a part of a split batch, and for earlier batches of the same file', () => {
    const l = new AckLedger();
    const a = cursor(10);
    const b = cursor(20);
    l.remember(0, 1, a, 0b01); // batch 1: worker 0 only
    l.remember(0, 2, b, 0b11); // batch 2: split between workers 0 and 1
    expect(l.ack(0, 1, { ...b }, 2)).toBeUndefined(); // worker 1 done with its part; worker 0 not yet
    expect(l.ack(0, 0, { ...a }, 1)).toBe(a); // worker 0 acks batch 1: that much is safe
    expect(l.ack(0, 0, { ...b }, 2)).toBe(b); // and now all of batch 2
  });

  it('drops a partial ack while a split batch of that file is pending; passes it through otherwise', () => {
    const l = new AckLedger();
    l.remember(0, 1, cursor(10), 0b11);
    expect(l.ack(0, 0, cursor(5), undefined)).toBeUndefined();
    const m = new AckLedger();
    m.remember(0, 1, cursor(10), 0b10);
    const partial = cursor(5);
    expect(m.ack(0, 1, partial, undefined)).toBe(partial);
  });

  it('keeps files and sources apart', () => {
    const l = new AckLedger();
    const x = cursor(10, 'x');
    const y = cursor(10, 'y');
    l.remember(0, 1, x, 0b1);
    l.remember(1, 2, y, 0b1);
    expect(l.ack(1, 0, { ...y }, 2)).toBe(y);
    expect(l.ack(0, 0, { ...x }, 1)).toBe(x);
  });
});
