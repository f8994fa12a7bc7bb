import { describe, expect, it } from 'vitest';
import { END, NextEventModel, START } from './index.js';

// Normal sessions: open, then 1–3 reads, then close; one in four also writes before closing.
const OPEN = 1;
const READ = 2;
const WRITE = 3;
const CLOSE = 4;
function normal(i: number): number[] {
  const reads = Array.from({ length: 1 + (i % 3) }, () => READ);
  return [OPEN, ...reads, ...(i % 4 === 0 ? [WRITE] : []), CLOSE];
}
const train = Array.from({ length: 400 }, (_, i) => Int32Array.from(normal(i)));

describe('next-event model (count-based DeepLog)', () => {
  it('predicts the usual successors, misses an out-of-order event and a truncated session', () => {
    const m = new NextEventModel({ history: 3, top_k: 3 }).fitSequences(train);
    expect(m.trainingStats).toEqual({ n: 400, flagged: 0 });
    expect(m.predicts([START, OPEN], READ).hit).toBe(true);
    expect(m.predicts([START, OPEN], CLOSE)).toMatchObject({ hit: false, expected: [READ] });
    const [ok, swapped, truncated] = m.scoreSequences([Int32Array.from([OPEN, READ, CLOSE]), Int32Array.from([READ, OPEN, CLOSE]), Int32Array.from([OPEN, READ])]);
    expect(ok).toBe(0);
    expect(swapped).toBeGreaterThanOrEqual(2);
    expect(truncated).toBe(1);
    expect(m.explainSequence(Int32Array.from([OPEN, READ]))).toEqual([{ position: 2, template: END, expected: [READ, CLOSE, WRITE] }]);
    // DeepLog's g = 1 would miss the normal but less frequent successors.
    expect(new NextEventModel({ history: 3, top_k: 1 }).fitSequences(train).trainingStats?.flagged).toBeGreaterThan(100);
  });

  it('backs off to shorter contexts: an unseen long history still predicts from its recent events', () => {
    const m = new NextEventModel({ history: 10, top_k: 3 }).fitSequences(train);
    // Template 99 never happened, so no context holding it was learned; "OPEN READ" was.
    const p = m.predicts([99, OPEN, READ], READ);
    expect(p).toMatchObject({ hit: true, context: 2 });
    expect(m.scoreSequences([Int32Array.from([99, OPEN, READ, CLOSE])])[0]).toBe(1); // only 99 itself is missed
  });

  it('keeps rare transitions of unlabeled training data as misses (min_share)', () => {
    const withRare = [...train, Int32Array.from([OPEN, CLOSE])]; // one session in 401 skips the reads
    const strict = new NextEventModel({ history: 2, top_k: 9 }).fitSequences(withRare);
    expect(strict.scoreSequences([Int32Array.from([OPEN, CLOSE])])[0]).toBeGreaterThan(0);
    const lax = new NextEventModel({ history: 2, top_k: 9, min_share: 0 }).fitSequences(withRare);
    expect(lax.scoreSequences([Int32Array.from([OPEN, CLOSE])])[0]).toBe(0);
  });

  it('round-trips its artifact, rejects a newer version and bad options', () => {
    const m = new NextEventModel({ history: 4 }).fitSequences(train);
    const back = NextEventModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    const probe = [Int32Array.from([OPEN, WRITE, READ]), ...train.slice(0, 20)];
    expect(Array.from(back.scoreSequences(probe))).toEqual(Array.from(m.scoreSequences(probe)));
    expect(() => NextEventModel.fromJSON({ ...m.toJSON(), version: 9 })).toThrow(/version 9/);
    expect(() => new NextEventModel({ top_k: 0 })).toThrow(/top_k/);
    expect(() => new NextEventModel().fitSequences([])).toThrow(/zero sequences/);
  });

  it('keeps only the most frequent contexts under max_contexts', () => {
    const m = new NextEventModel({ history: 10, max_contexts: 5 }).fitSequences(train);
    expect(m.toJSON().params.contexts.length).toBe(5);
    expect(m.toJSON().params.contexts.map((c) => c[0])).toContain('');
  });
});
