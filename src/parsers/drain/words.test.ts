import { describe, expect, it } from 'vitest';
import { templateWords, wordOverlap } from './words.js';

describe('templateWords', () => {
  it('keeps words, drops placeholders, numbers, punctuation, one-letter tokens and identifiers', () => {
    expect([...templateWords('ciod: Error loading <PATH>: invalid or missing program image, Exec format error')]).toEqual([
      'ciod', 'error', 'loading', 'invalid', 'or', 'missing', 'program', 'image', 'exec', 'format',
    ]);
    expect([...templateWords('Lustre mount FAILED : bglio96 : block_id : location')]).toEqual(['lustre', 'mount', 'failed', 'block_id', 'location']);
    expect([...templateWords('i-cache parity error..............<NUM> x86 <*> 42')]).toEqual(['cache', 'parity', 'error']);
  });

  it('is bounded on a hostile line', () => {
    const words = templateWords(Array.from({ length: 5000 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i / 26) % 26))}`).join(' '));
    expect(words.size).toBeLessThanOrEqual(64);
    expect(templateWords('<'.repeat(100_000)).size).toBe(0);
  });
});

describe('wordOverlap', () => {
  it('is the Jaccard index of the word sets', () => {
    const a = templateWords('Lustre mount FAILED : <ID> : point <PATH>');
    const b = templateWords('Lustre mount FAILED : <ID> : block_id : location');
    expect(wordOverlap(a, b)).toBeCloseTo(3 / 6);
    expect(wordOverlap(a, a)).toBe(1);
    expect(wordOverlap(a, templateWords('data TLB error interrupt'))).toBe(0);
    expect(wordOverlap(a, new Set())).toBe(0);
  });
});
