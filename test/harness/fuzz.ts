/**
 * Shared settings of the property tests (fast-check): how many cases per property (FUZZ_RUNS, default
 * 10,000: the issue-17 target, run by every `npm test`; BENCHMARKS.md has the time it adds), and a
 * per-case time bound.
 */
import fc from 'fast-check';

/** Cases per property: FUZZ_RUNS, default 10,000. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

/** No single case may take longer than this (ms): hostile input must not find a slow path. */
export const CASE_MS = 250;

/** Log-ish text: the characters parsers branch on, any Unicode now and then, lines up to `max` long. */
export function logText(max = 300): fc.Arbitrary<string> {
  const ch = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...' \t:[]{}"=<>-|,.0123456789aZz\\/()@#%+T\r'.split('')) },
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  );
  return fc.array(ch, { maxLength: max }).map((a) => a.join(''));
}

/**
 * Runs `check` on every case, failing a case that throws or takes longer than CASE_MS. A case over
 * the bound is timed twice more and judged by its fastest run: a slow path is slow every time, while
 * a garbage collection or another process taking the core (a shared CI machine) happens once.
 */
export function timed<T>(check: (v: T) => void): (v: T) => void {
  return (v: T) => {
    let best = Infinity;
    for (let attempt = 0; attempt < 3 && best > CASE_MS; attempt++) {
      const t0 = performance.now();
      check(v);
      best = Math.min(best, performance.now() - t0);
    }
    if (best > CASE_MS) throw new Error(`case took ${best.toFixed(0)} ms at best of 3 runs (bound ${CASE_MS} ms)`);
  };
}
