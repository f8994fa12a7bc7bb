/**
 * @module test/harness/rng
 * mulberry32: a small seeded PRNG so every test run draws the same samples and failures reproduce.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` lines of five random 6-letter words: each a message type never seen before (a flood of random
 * text, as the miner's flood guard meets it). The same seed gives the same lines.
 */
export function randomLines(n: number, seed: number): string[] {
  const r = rng(seed);
  const word = () => Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
  return Array.from({ length: n }, () => Array.from({ length: 5 }, word).join(' '));
}
