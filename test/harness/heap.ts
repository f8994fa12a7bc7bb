/**
 * @module test/harness/heap
 * What a piece of code keeps on the heap, for tests of memory bounds (issue 17): the heap in use
 * after full collections, before and after, with the result held. Megabyte strings built here are
 * fresh sequential strings on the heap, as a worker thread receives a record (not external strings,
 * which the heap does not count).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use (bytes) after two full collections. */
export function heapInUse(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** MiB of heap still in use once `run` returned (its result is held while measuring), and the result. */
export function retainedMiB<T>(run: () => T): { mib: number; value: T } {
  const before = heapInUse();
  const value = run();
  const mib = (heapInUse() - before) / 2 ** 20;
  return { mib, value };
}

/** `bytes` of distinct lowercase words (xorshift from `seed`): one flat heap string, nothing like another seed's. */
export function bigWords(bytes: number, seed: number): string {
  let x = seed >>> 0 || 1;
  const words: string[] = [];
  let n = 0;
  while (n < bytes) {
    let w = '';
    for (let k = 0; k < 8; k++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      w += String.fromCharCode(97 + ((x >>> 0) % 26));
    }
    words.push(w);
    n += 9;
  }
  return words.join(' ');
}
