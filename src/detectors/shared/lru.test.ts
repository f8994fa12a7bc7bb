import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lru } from './lru.js';

/** The reference: a Map in insertion order, delete + set on use, the first key evicted. */
class MapLru {
  readonly m = new Map<number, number>();
  evicted = 0;
  constructor(private readonly max: number) {}
  touch(k: number): number | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: number, v: number): number | undefined {
    if (this.m.has(k)) {
      this.m.delete(k);
      this.m.set(k, v);
      return undefined;
    }
    this.m.set(k, v);
    if (this.m.size <= this.max) return undefined;
    const oldest = this.m.keys().next().value as number;
    this.m.delete(oldest);
    this.evicted++;
    return oldest;
  }
}

describe('Lru', () => {
  it('keeps the most recently used entries, evicts the oldest beyond its cap and counts it', () => {
    const l = new Lru<string, number>(3);
    l.set('a', 1);
    l.set('b', 2);
    l.set('c', 3);
    expect(l.touch('a')).toBe(1);
    // get does not refresh: b stays the oldest
    expect(l.get('b')).toBe(2);
    expect(l.set('d', 4)).toBe('b');
    expect([...l]).toEqual([
      ['c', 3],
      ['a', 1],
      ['d', 4],
    ]);
    expect(l.evicted).toBe(1);
    expect(l.size).toBe(3);
    // Replacing a value makes it the most recent and evicts nothing.
    expect(l.set('c', 30)).toBeUndefined();
    expect([...l.keysOldestFirst()]).toEqual(['a', 'd', 'c']);
    expect(l.delete('a')).toBe(true);
    expect(l.delete('a')).toBe(false);
    expect([...l.values()]).toEqual([4, 30]);
    l.clear();
    expect(l.size).toBe(0);
    expect([...l]).toEqual([]);
    expect(() => new Lru(0)).toThrow(RangeError);
  });

  it('behaves as a Map kept in LRU order, for any sequence of uses', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), k: fc.integer({ min: 0, max: 40 }), v: fc.integer() }),
      fc.record({ kind: fc.constant('touch' as const), k: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant('delete' as const), k: fc.integer({ min: 0, max: 40 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { maxLength: 300 }), (max, ops) => {
        const l = new Lru<number, number>(max);
        const ref = new MapLru(max);
        for (const o of ops) {
          if (o.kind === 'set') expect(l.set(o.k, o.v)).toBe(ref.set(o.k, o.v));
          else if (o.kind === 'touch') expect(l.touch(o.k)).toBe(ref.touch(o.k));
          else expect(l.delete(o.k)).toBe(ref.m.delete(o.k));
        }
        expect([...l]).toEqual([...ref.m]);
        expect(l.evicted).toBe(ref.evicted);
      }),
      { numRuns: 500 },
    );
  });

  it('costs the same per eviction at any size (no walk over deleted entries)', () => {
    // A Map evicting with keys().next() takes time proportional to its size per eviction; here a
    // flood of 200,000 new keys at a cap of 20,000 stays within a small multiple of a cap of 100.
    const time = (cap: number) => {
      const l = new Lru<string, number>(cap);
      const t = performance.now();
      for (let i = 0; i < 200_000; i++) l.set(`k${i}`, i);
      return performance.now() - t;
    };
    time(100);
    const small = Math.min(time(100), time(100));
    const large = Math.min(time(20_000), time(20_000));
    expect(large).toBeLessThan(small * 8 + 50);
  });
});
