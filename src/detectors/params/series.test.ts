import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/harness/rng.js';
import { parseNumeric } from './numbers.js';
import { Series } from './series.js';

/** Median and MAD the textbook way: sort the window, sort the deviations. */
function reference(window: number[]): { median: number; mad: number } {
  const med = (a: number[]) => {
    const s = [...a].sort((x, y) => x - y);
    const k = s.length;
    return k % 2 ? s[k >> 1] : (s[k / 2 - 1] + s[k / 2]) / 2;
  };
  const m = med(window);
  return { median: m, mad: med(window.map((x) => Math.abs(x - m))) };
}

describe('Series (incrementally sorted window)', () => {
  it('median and MAD equal a full sort at every refresh, through wrap-around, ties, trends and restores', () => {
    const next = rng(11);
    for (const window of [8, 9, 128]) {
      let s = new Series(window);
      const seen: number[] = [];
      for (let i = 0; i < 2000; i++) {
        // Ties on purpose: a few distinct values half of the time; then a counter going up (every
        // value the largest: long shifts) and one going down (every value the smallest).
        const mixed = next() < 0.5 ? Math.floor(next() * 4) : Math.log1p(next() * 1000);
        const y = i >= 600 && i < 1100 ? i / 100 : i >= 1100 && i < 1500 ? -i / 100 : mixed;
        seen.push(y);
        s.push(y, true, 1, 3);
        const ref = reference(seen.slice(-window));
        expect(s.median).toBeCloseTo(ref.median, 12);
        expect(s.mad).toBeCloseTo(ref.mad, 12);
        if (i % 500 === 499) s = Series.from(JSON.parse(JSON.stringify(s.toArray())), window)!;
      }
    }
  });

  it('restores version-1 snapshots (values as a JSON list) and version-2 ones (base64 float64) alike', () => {
    const s = new Series(8);
    for (const y of [5, 1, 4, 2, 3, 9, 7]) s.push(y, true, 1, 3);
    const v2 = s.toArray();
    expect(typeof v2[8]).toBe('string');
    const v1 = [...v2.slice(0, 8), s.ordered()];
    for (const snap of [v1, v2]) {
      const r = Series.from(JSON.parse(JSON.stringify(snap)), 8)!;
      expect(r.ordered()).toEqual([5, 1, 4, 2, 3, 9, 7]);
      r.push(6, true, 1, 3);
      // Window of 8 after the push: 5 1 4 2 3 9 7 6 → median 4.5, deviations median 2.
      expect([r.median, r.mad]).toEqual([4.5, 2]);
    }
  });

  it('with a stride, a full window takes one value in `stride` and still counts the others and widens the range', () => {
    const s = new Series(8);
    for (let i = 1; i <= 8; i++) s.push(i, true, 1, 3, 3);
    expect(s.ordered()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const y of [100, 101, 102, 103, 104, 105, -7]) s.push(y, true, 1, 3, 3);
    // 100 and 101 pass over, 102 enters (oldest 1 leaves), 103 104 pass over, 105 enters, -7 passes over.
    expect(s.ordered()).toEqual([3, 4, 5, 6, 7, 8, 102, 105]);
    expect([s.n, s.min, s.max]).toEqual([15, -7, 105]);
    expect(s.median).toBe(6.5);
    // The phase survives a snapshot: -7 passed over before it, so 200 passes over and 201 enters.
    const r = Series.from(JSON.parse(JSON.stringify(s.toArray())), 8)!;
    for (const y of [200, 201, 202]) r.push(y, true, 1, 3, 3);
    expect(r.ordered()).toEqual([4, 5, 6, 7, 8, 102, 105, 201]);
  });

  it('keeps the statistics until the next refresh', () => {
    const s = new Series(16);
    for (let i = 1; i <= 16; i++) s.push(i, true, 16, 100);
    expect(s.median).toBe(8.5);
    s.push(1000, true, 16, 100);
    expect(s.median).toBe(8.5);
  });
});

describe('parseNumeric fast path', () => {
  it('agrees with the full grammar on plain numbers and refuses what is not one', () => {
    const cases: [string, number][] = [
      ['42', 42], ['-3.5', -3.5], ['+7', 7], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['2E-2', 0.02], ['1e', Number.NaN],
      ['-', Number.NaN], ['.', Number.NaN], ['1.2.3', Number.NaN], ['0x1F', Number.NaN], ['12ms', 12], ['3 s', 3000],
      ['5KB', 5120], ['1e5e', Number.NaN], ['7 ', 7], [' 8', 8], ['Infinity', Number.NaN], ['1_000', Number.NaN], ['99%', 99],
    ];
    for (const [s, v] of cases) expect([s, parseNumeric(s)]).toEqual([s, v]);
  });
});
