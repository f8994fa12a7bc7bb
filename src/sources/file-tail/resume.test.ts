import { describe, expect, it } from 'vitest';
import type { Cursor } from '../../core/event.js';
import { Handovers, latestPerFile } from './resume.js';

const cp = (id: string, offset: number): Cursor => ({ kind: 'file', id, offset });

describe('latestPerFile', () => {
  it('keeps the highest offset per file id, in any order', () => {
    for (const order of [[cp('1:2', 30), cp('1:2', 70), undefined, cp('1:3', 5)], [cp('1:3', 5), cp('1:2', 70), cp('1:2', 30)]]) {
      const m = latestPerFile(order);
      expect(m.get('1:2')?.offset).toBe(70);
      expect(m.get('1:3')?.offset).toBe(5);
      expect(m.size).toBe(2);
    }
  });
});

describe('Handovers', () => {
  const [old, heir] = [{ name: 'old' }, { name: 'heir' }];

  it("makes the heir's row due once an ack of the old stream reaches the hand-over point", () => {
    const h = new Handovers<object>();
    h.add('1:2', heir, 40);
    expect(h.settle(cp('1:2', 30), old)).toBeUndefined();
    expect(h.settle(cp('1:2', 40), old)).toEqual({ heir, offset: 40 });
    // Settled once.
    expect(h.settle(cp('1:2', 50), old)).toBeUndefined();
  });

  it("leaves the row to the heir's own ack past the point, and writes it for one at the point", () => {
    const h = new Handovers<object>();
    h.add('1:2', heir, 40);
    expect(h.settle(cp('1:2', 55), heir)).toBeUndefined();
    expect(h.settle(cp('1:2', 40), old)).toBeUndefined();
    h.add('1:2', heir, 40);
    expect(h.settle(cp('1:2', 40), heir)).toEqual({ heir, offset: 40 });
  });

  it('ignores acks of other files', () => {
    const h = new Handovers<object>();
    h.add('1:2', heir, 40);
    expect(h.settle(cp('1:9', 400), old)).toBeUndefined();
    expect(h.settle(cp('1:2', 41), old)).toEqual({ heir, offset: 40 });
  });
});
