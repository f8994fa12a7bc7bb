import { describe, expect, it } from 'vitest';
import { groupingAccuracy, groupingScores, normalizeTemplate, parsingAccuracy, templateScores, topMismatches } from './parsing-accuracy.js';
import { AnomalogError } from '../core/errors.js';

describe('groupingAccuracy', () => {
  it('counts a line only when its predicted group is exactly its true group', () => {
    // Predicted {0,1} = true A {0,1} → 2 lines right; {2,3} ⊂ B {2,3,4} and {4} ⊂ B → wrong.
    expect(groupingAccuracy([1, 1, 2, 2, 3], ['A', 'A', 'B', 'B', 'B'])).toBeCloseTo(2 / 5, 12);
  });

  it('gives 0 to lines of a predicted group that merges two true groups', () => {
    expect(groupingAccuracy([7, 7, 7, 8], ['A', 'A', 'B', 'C'])).toBeCloseTo(1 / 4, 12);
  });

  it('ignores the labels themselves (string or number, any values)', () => {
    expect(groupingAccuracy(['x', 'x', 'y'], ['E1', 'E1', 'E2'])).toBe(1);
    expect(groupingAccuracy(new Int32Array([-5, -5, 99]), ['E1', 'E1', 'E2'])).toBe(1);
    expect(groupingAccuracy([0, 1, 2], ['E1', 'E2', 'E3'])).toBe(1);
  });

  it('returns 0 for empty input and throws on length mismatch', () => {
    expect(groupingAccuracy([], [])).toBe(0);
    expect(() => groupingAccuracy([1], ['A', 'B'])).toThrow(AnomalogError);
  });

  it('computes FGA from exactly matched groups (Loghub-2.0)', () => {
    const s = groupingScores([1, 1, 2, 2, 3], ['A', 'A', 'B', 'B', 'B']);
    // 1 of 3 predicted groups and 1 of 2 true groups match exactly.
    expect(s.pga).toBeCloseTo(1 / 3, 12);
    expect(s.rga).toBeCloseTo(1 / 2, 12);
    expect(s.fga).toBeCloseTo((2 * (1 / 3) * (1 / 2)) / (1 / 3 + 1 / 2), 12);
    expect(s.correctLines).toBe(2);
    expect(s.predictedGroups).toBe(3);
    expect(s.trueGroups).toBe(2);
  });

  it('agrees with the set-equality definition on random labelings', () => {
    let seed = 12345;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + rnd(60);
      const truth = Array.from({ length: n }, () => `E${rnd(6)}`);
      // Mostly follow the truth, sometimes split or merge.
      const pred = truth.map((t, i) => (rnd(4) === 0 ? rnd(5) : Number(t.slice(1)) * 10 + (i % (1 + rnd(2)))));
      let right = 0;
      for (let i = 0; i < n; i++) {
        let same = true;
        for (let j = 0; j < n && same; j++) if ((pred[j] === pred[i]) !== (truth[j] === truth[i])) same = false;
        if (same) right++;
      }
      expect(groupingAccuracy(pred, truth)).toBeCloseTo(right / n, 12);
    }
  });
});

describe('normalizeTemplate', () => {
  it('maps typed placeholders to <*> and collapses whitespace', () => {
    expect(normalizeTemplate('  Sent <NUM>\tbytes to  <IPV4> ')).toBe('Sent <*> bytes to <*>');
    expect(normalizeTemplate('blk_<NUM> size <SIZE_BYTES>')).toBe('blk_<*> size <*>');
  });

  it('merges only placeholders with nothing between them', () => {
    expect(normalizeTemplate('<*><NUM> done')).toBe('<*> done');
    expect(normalizeTemplate('<*> <*> done')).toBe('<*> <*> done');
    expect(normalizeTemplate('<*>.<*>')).toBe('<*>.<*>');
  });

  it('leaves lowercase or mixed angle tokens alone', () => {
    expect(normalizeTemplate('at <init> and <Num>')).toBe('at <init> and <Num>');
  });
});

describe('parsingAccuracy', () => {
  it('compares normalised templates line by line', () => {
    const truth = ['Sent <*> bytes', 'Sent <*> bytes', 'close <*> <*>', 'ok'];
    const pred = ['Sent <NUM>  bytes', 'Sent 5 bytes', 'close <*><*>', 'ok '];
    // line 1 ok (typed + spaces), line 2 wrong (literal 5), line 3 wrong (<*><*> → one <*>), line 4 ok.
    expect(parsingAccuracy(pred, truth)).toBeCloseTo(2 / 4, 12);
  });

  it('throws on length mismatch', () => {
    expect(() => parsingAccuracy(['a'], [])).toThrow(/1 predictions for 0 ground-truth lines/);
  });

  it('computes FTA over predicted templates (Loghub-2.0)', () => {
    const s = templateScores(['a <*>', 'a <NUM>', 'b', 'c'], ['a <*>', 'a <*>', 'b <*>', 'b <*>']);
    expect(s.pa).toBeCloseTo(0.5, 12);
    // Predicted templates: 'a <*>' (pure, correct), 'b', 'c' → PTA 1/3; true templates 'a <*>', 'b <*>' → RTA 1/2.
    expect(s.predictedTemplates).toBe(3);
    expect(s.trueTemplates).toBe(2);
    expect(s.pta).toBeCloseTo(1 / 3, 12);
    expect(s.rta).toBeCloseTo(1 / 2, 12);
    expect(s.fta).toBeCloseTo(0.4, 12);
  });

  it('does not credit a template whose group also holds other true templates', () => {
    const s = templateScores(['x <*>', 'x <*>'], ['x <*>', 'y <*>']);
    expect(s.pa).toBeCloseTo(0.5, 12);
    expect(s.fta).toBe(0);
  });
});

describe('topMismatches', () => {
  it('lists differing normalised pairs by line count, ignoring lines that match', () => {
    const pred = ['a <NUM>', 'a <*>', 'b 1', 'b 2', 'b 1', 'c'];
    const truth = ['a <*>', 'a <*>', 'b <*>', 'b <*>', 'b <*>', 'c <*>'];
    expect(topMismatches(pred, truth)).toEqual([
      { predicted: 'b 1', truth: 'b <*>', lines: 2 },
      { predicted: 'b 2', truth: 'b <*>', lines: 1 },
      { predicted: 'c', truth: 'c <*>', lines: 1 },
    ]);
    expect(topMismatches(pred, truth, 1)).toHaveLength(1);
  });
});
