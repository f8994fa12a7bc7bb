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
  const [old, heir, other] = [{ name: 'old' }, { name: 'heir' }, { name: 'other' }];
  const row = (offset: number) => [{ heir, id: '1:2', offset }];
  // File 1:2 was epoch 3 of `old`, handed to `heir` at offset 40.
  const handed = () => {
    const h = new Handovers<object>();
    h.add('1:2', heir, 40, old, 3);
    return h;
  };

  it("makes the heir's row due once an ack of the old stream reaches the hand-over point", () => {
    const h = handed();
    expect(h.settle(cp('1:2', 30), old, 3)).toEqual([]);
    expect(h.settle(cp('1:2', 40), old, 3)).toEqual(row(40));
    // Settled once.
    expect(h.settle(cp('1:2', 50), old, 3)).toEqual([]);
  });

  it("leaves the row to the heir's own ack past the point, and writes it for one at the point", () => {
    const h = handed();
    expect(h.settle(cp('1:2', 55), heir, 1)).toEqual([]);
    expect(h.settle(cp('1:2', 40), old, 3)).toEqual([]);
    h.add('1:2', heir, 40, old, 3);
    expect(h.settle(cp('1:2', 40), heir, 1)).toEqual(row(40));
  });

  it("makes it due when the old stream acknowledges a later file (the old one's last ack may never come)", () => {
    const h = handed();
    // Another stream's later file, or the old stream's same epoch: not yet.
    expect(h.settle(cp('1:9', 400), other, 7)).toEqual([]);
    expect(h.settle(cp('1:9', 400), old, 3)).toEqual([]);
    expect(h.settle(cp('1:9', 10), old, 4)).toEqual(row(40));
    expect(h.settle(cp('1:9', 20), old, 4)).toEqual([]);
  });
});
