import { describe, expect, it } from 'vitest';
import type { FeatureContribution, Matrix, Model, ModelArtifact } from '../../core/model.js';
import { Ensemble, midRank } from './ensemble.js';

/** A test double: a model whose score is a fixed linear function of one column. */
class ColumnModel implements Model {
  readonly kind = 'column';
  constructor(
    private readonly col: number,
    private readonly factor: number,
  ) {}
  fit(_X: Matrix): void {}
  score(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = this.factor * X.data[i * X.cols + this.col];
    return out;
  }
  explain(x: Float64Array): FeatureContribution[] {
    return [{ index: this.col, contribution: this.factor * x[this.col], observed: x[this.col], expected: 0 }];
  }
  toJSON(): ModelArtifact {
    return { kind: 'column', version: 1, params: { col: this.col, factor: this.factor } };
  }
}

const restore = (a: ModelArtifact): Model => {
  const p = a.params as { col: number; factor: number };
  return new ColumnModel(p.col, p.factor);
};

const matrix = (rows: number[][]): Matrix => ({ rows: rows.length, cols: rows[0].length, data: Float64Array.from(rows.flat()) });

describe('midRank', () => {
  it('gives mid-ranks for ties and keeps growing above the training maximum', () => {
    const ref = Float64Array.from([1, 2, 2, 2, 3]);
    expect(midRank(ref, 0)).toBe(0);
    expect(midRank(ref, 2)).toBeCloseTo((1 + 4) / 10);
    expect(midRank(ref, 2.5)).toBeCloseTo(4 / 5);
    expect(midRank(ref, 3)).toBeCloseTo(0.9);
    expect(midRank(ref, 4)).toBeGreaterThan(1);
    expect(midRank(ref, 5)).toBeGreaterThan(midRank(ref, 4));
    expect(midRank(ref, 5)).toBeLessThan(2);
    // Far beyond the training range counts more than the whole training range does.
    expect(midRank(ref, 100) - midRank(ref, 3)).toBeGreaterThan(1);
  });
});

describe('rank-averaged ensemble', () => {
  const train = matrix([[1, 10], [2, 30], [3, 20], [4, 40]]);

  it('averages per-member ranks relative to the training scores, so scale does not matter', () => {
    // Member 2 has scores 1000× larger; without ranking it would dominate.
    const e = new Ensemble([new ColumnModel(0, 1), new ColumnModel(1, 1000)]);
    e.fit(train);
    const s = e.score(matrix([[2, 40]])); // rank 3/8 in col 0, 7/8 in col 1
    expect(s[0]).toBeCloseTo((3 / 8 + 7 / 8) / 2);
    // A single row is scored the same on its own as inside a batch.
    const batch = e.score(matrix([[1, 10], [2, 40]]));
    expect(batch[1]).toBeCloseTo(s[0]);
    expect(batch[1]).toBeGreaterThan(batch[0]);
  });

  it('derives its own threshold from the members own thresholds, in rank space', () => {
    class WithThreshold extends ColumnModel {
      readonly threshold = 2.5;
    }
    const e = new Ensemble([new WithThreshold(0, 1), new WithThreshold(0, 1)]);
    expect(Number.isNaN(e.threshold)).toBe(true); // not fitted
    e.fit(train);
    expect(e.threshold).toBeCloseTo(0.5); // 2.5 sits in the middle of 1, 2, 3, 4
    const plain = new Ensemble([new ColumnModel(0, 1)]);
    plain.fit(train);
    expect(Number.isNaN(plain.threshold)).toBe(true);
  });

  it('round-trips through JSON with its reference distributions', () => {
    const e = new Ensemble([new ColumnModel(0, 1), new ColumnModel(1, -1)], { maxReference: 3, weights: [3, 1] });
    e.fit(train);
    const X = matrix([[2.5, 25], [9, 0]]);
    const back = Ensemble.fromJSON(JSON.parse(JSON.stringify(e.toJSON())), restore);
    expect(Array.from(back.score(X))).toEqual(Array.from(e.score(X)));
    expect(() => Ensemble.fromJSON({ ...e.toJSON(), version: 9 }, restore)).toThrow(/version/);
  });

  it('merges member explanations by feature', () => {
    const e = new Ensemble([new ColumnModel(0, 1), new ColumnModel(0, 2), new ColumnModel(1, 1)]);
    e.fit(train);
    const ex = e.explain(Float64Array.from([5, 1]));
    expect(ex[0].index).toBe(0);
    expect(ex[0].contribution).toBeCloseTo(2 / 3);
  });
});
