import { describe, expect, it } from 'vitest';
import type { Sequence } from './sequences.js';
import { Vectorizer } from './vectorize.js';
import { Vocabulary } from './vocabulary.js';

const seq = (key: string, ids: number[]): Sequence => ({ key, templates: Int32Array.from(ids) });
const train = [seq('a', [1, 2, 2]), seq('b', [1, 2]), seq('c', [1, 3])];

function row(m: { cols: number; data: Float64Array }, r: number): number[] {
  return Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols));
}

describe('vocabulary', () => {
  it('maps unseen ids to the unknown column and keeps document frequencies', () => {
    const v = Vocabulary.fit(train.map((s) => s.templates));
    expect(v.ids).toEqual([1, 2, 3]);
    expect(v.df).toEqual([3, 2, 1]);
    expect(v.column(2)).toBe(1);
    expect(v.column(99)).toBe(v.size);
    expect(Vocabulary.fromJSON(v.toJSON()).column(3)).toBe(2);
  });
});

describe('vectorizer', () => {
  it('counts templates and routes unknown templates to the unknown column', () => {
    const v = Vectorizer.fit(train, { scaling: 'none', bigrams: 'off', extras: true });
    const X = v.transform([seq('x', [1, 9, 9, 7, 2])]);
    expect(X.cols).toBe(4 + 3);
    const r = row(X, 0);
    expect(r.slice(0, 4)).toEqual([1, 1, 0, 3]); // T1, T2, T3, unknown ×3
    expect(r[4]).toBeCloseTo(Math.log1p(5));
    expect(r[5]).toBe(4); // distinct ids 1,9,7,2
    expect(r[6]).toBe(2); // distinct unknown ids 9,7
    expect(v.columnInfo(3).feature).toBe('<unknown template>');
  });

  it('weights counts by smooth idf so rare templates weigh more', () => {
    const v = Vectorizer.fit(train, { scaling: 'none', bigrams: 'off', extras: false, tfidf: true });
    const r = row(v.transform([seq('x', [1, 3])]), 0);
    const idf = (df: number) => Math.log((1 + 3) / (1 + df)) + 1;
    expect(r[0]).toBeCloseTo(idf(3));
    expect(r[2]).toBeCloseTo(idf(1));
    expect(r[2]).toBeGreaterThan(r[0]);
  });

  it('captures order: same counts, different transitions give different vectors', () => {
    const v = Vectorizer.fit([seq('a', [1, 2, 3]), seq('b', [1, 2, 3])], { scaling: 'none', extras: false, bigrams: 'columns' });
    const X = v.transform([seq('x', [1, 2, 3]), seq('y', [3, 2, 1])]);
    expect(row(X, 0).slice(0, 4)).toEqual(row(X, 1).slice(0, 4));
    expect(row(X, 0)).not.toEqual(row(X, 1));
    const unseen = X.cols - 1;
    expect(v.columnInfo(unseen).feature).toBe('<unseen transition>');
    expect(row(X, 0)[unseen]).toBe(0);
    expect(row(X, 1)[unseen]).toBe(4); // ^→T3, T3→T2, T2→T1, T1→$ never seen
    expect([4, 5, 6, 7].map((c) => v.columnInfo(c).feature).sort()).toEqual(['T1→T2', 'T2→T3', 'T3→$', '^→T1']);
    // 'unseen' mode keeps only that count: one column after the unknown-template column.
    const u = Vectorizer.fit([seq('a', [1, 2, 3])], { scaling: 'none', extras: false, bigrams: 'unseen' });
    const Y = u.transform([seq('x', [1, 2, 3]), seq('y', [3, 2, 1])]);
    expect(Y.cols).toBe(5);
    expect([row(Y, 0)[4], row(Y, 1)[4]]).toEqual([0, 4]);
  });

  it('adds Markov transition surprisal: rare or unseen orders score higher, and it serialises', () => {
    const common = Array.from({ length: 20 }, (_, i) => seq(`n${i}`, [1, 2, 3]));
    const v = Vectorizer.fit([...common, seq('r', [1, 3, 2])], { scaling: 'none', extras: false, bigrams: 'off', markov: true });
    const X = v.transform([seq('a', [1, 2, 3]), seq('b', [1, 3, 2]), seq('c', [3, 1, 2])]);
    const maxCol = X.cols - 2;
    expect(v.columnInfo(maxCol).feature).toBe('max transition surprisal');
    const [a, b, c] = [row(X, 0)[maxCol], row(X, 1)[maxCol], row(X, 2)[maxCol]];
    expect(b).toBeGreaterThan(a); // seen once
    expect(c).toBeGreaterThan(b); // never seen
    const back = Vectorizer.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    expect(Array.from(back.transform([seq('c', [3, 1, 2])]).data)).toEqual(row(X, 2));
  });

  it('adds error/warn shares only when the training sequences carry levels', () => {
    const withLevels = (key: string, ids: number[], levels: number[]): Sequence => ({ ...seq(key, ids), levels: Uint8Array.from(levels) });
    const v = Vectorizer.fit([withLevels('a', [1, 2], [0, 0]), withLevels('b', [1, 2, 2, 2], [0, 2, 1, 2])], { scaling: 'none', bigrams: 'off', extras: false });
    expect(v.columnInfo(v.columns - 2).feature).toBe('error share');
    const r = row(v.transform([withLevels('x', [1, 2, 2, 2], [2, 2, 1, 0])]), 0);
    expect(r.slice(-2)).toEqual([0.5, 0.25]);
    expect(Vectorizer.fit(train).columns).toBe(Vectorizer.fit(train).columns); // deterministic
    expect(Vectorizer.fit(train, { scaling: 'none' }).columnInfo(Vectorizer.fit(train).columns - 1).feature).not.toBe('warn share');
  });

  it('standard scaling centres training columns and survives a JSON round trip', () => {
    const v = Vectorizer.fit(train, { scaling: 'standard' });
    const X = v.transform(train);
    for (let c = 0; c < X.cols; c++) {
      let s = 0;
      for (let r = 0; r < X.rows; r++) s += X.data[r * X.cols + c];
      expect(Math.abs(s / X.rows)).toBeLessThan(1e-9);
    }
    const back = Vectorizer.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    expect(Array.from(back.transform(train).data)).toEqual(Array.from(X.data));
    expect(back.expectedRaw(1)).toBeCloseTo(v.expectedRaw(1));
  });

  it('min-max scaling maps training columns into [0, 1]', () => {
    const v = Vectorizer.fit(train, { scaling: 'minmax' });
    const X = v.transform(train);
    for (const x of X.data) {
      expect(x).toBeGreaterThanOrEqual(-1e-12);
      expect(x).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('rejects a newer feature-state version', () => {
    const j = { ...Vectorizer.fit(train).toJSON(), version: 2 as unknown as 1 };
    expect(() => Vectorizer.fromJSON(j)).toThrow(/version/);
  });
});
