/**
 * Shared settings of the property tests (fast-check): how many cases per property (FUZZ_RUNS, default 1,000 in the suite;
 * FUZZ_RUNS=10000 for the issue-17 target: minutes on a shared 2-core machine), and a per-case time bound.
 */
import fc from 'fast-check';

/** Cases per property: FUZZ_RUNS, default 1,000. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);

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

/** Runs `check` on every case, failing a case that throws or takes longer than CASE_MS. */
export function timed<T>(check: (v: T) => void): (v: T) => void {
  return (v: T) => {
    const t0 = performance.now();
    check(v);
    const ms = performance.now() - t0;
    if (ms > CASE_MS) throw new Error(`case took ${ms.toFixed(0)} ms (bound ${CASE_MS} ms)`);
  };
}
