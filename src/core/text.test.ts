import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { kept, keptCut } from './text.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap still in use after keeping what `keep` returns for 40 distinct one-megabyte lines. */
function retainedMiB(keep: (line: string) => string): number {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const held: string[] = [];
  for (let i = 0; i < 40; i++) {
    // A fresh line on the heap (not an external string), as a worker receives it.
    const line = `${i} ${'abcdefghijklmnopqrstuvwxyz'.repeat(40_000)}`.split('').join('');
    held.push(keep(line));
  }
  gc();
  gc();
  const mib = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  expect(held.length).toBe(40);
  return mib;
}

describe('kept strings', () => {
  it('keep the text they are given', () => {
    const line = 'x'.repeat(50) + 'the end';
    expect(kept(line.slice(3, 40))).toBe(line.slice(3, 40));
    expect(kept('short')).toBe('short');
    expect(keptCut(line, 10)).toBe('xxxxxxxxxx');
    expect(keptCut('short', 10)).toBe('short');
  });

  it('do not keep the line they were cut from alive (a plain cut does)', () => {
    // Against keeping nothing in the same run (the heap also grows by what building the lines left).
    const none = retainedMiB(() => '');
    // The plain cut is what the fix is for: if V8 ever copies cuts itself, this says so.
    expect(retainedMiB((l) => l.slice(0, 2000)) - none).toBeGreaterThan(20);
    expect(retainedMiB((l) => keptCut(l, 2000)) - none).toBeLessThan(5);
    expect(retainedMiB((l) => kept(/[a-z]{20}/.exec(l)![0])) - none).toBeLessThan(5);
  });
});
