/**
 * @module parsers/drain/optional
 * Variables that change the token count (`0 bytes sent` vs `1190 bytes (1.16 KB) sent`, a name of
 * one or several words) put one event type into clusters of different lengths, which Drain never
 * compares. Two clusters are variants of one event when their constant words agree in order and
 * the longer one only adds a few words right after a variable (units such as `KB)` or `sec`).
 */
import { hasPlaceholder, tokenShape } from './tokens.js';

export interface Skeleton {
  /** The template's tokens without placeholders, in order. */
  words: string[];
  /** 1 where the word directly follows a token that is just a value (`<NUM>`, `(<NUM>`), as units do. */
  afterVar: Uint8Array;
  /** Token count of the template. */
  length: number;
}

export function skeletonOf(tokens: string[]): Skeleton {
  const words: string[] = [];
  const after: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (hasPlaceholder(tokens[i])) continue;
    words.push(tokens[i]);
    after.push(i > 0 && isBareValue(tokens[i - 1]) ? 1 : 0);
  }
  return { words, afterVar: Uint8Array.from(after), length: tokens.length };
}

/** Fewest constant words two templates must share to be variants. */
const MIN_SHARED = 2;

/** True when `a` and `b` are variants of one event type (see module doc). */
export function areVariants(a: Skeleton, b: Skeleton): boolean {
  if (a.length === b.length) return false;
  const long = a.words.length >= b.words.length ? a : b;
  const short = long === a ? b : a;
  if (short.words.length < MIN_SHARED) return false;
  const extras = long.words.length - short.words.length;
  if (extras > Math.max(3, Math.floor(0.4 * long.words.length))) return false;
  // `short` must be a subsequence of `long`, and every skipped word must follow a variable.
  let j = 0;
  for (let i = 0; i < long.words.length; i++) {
    if (j < short.words.length && long.words[i] === short.words[j]) {
      j++;
    } else if (long.afterVar[i] === 0) {
      return false;
    }
  }
  return j === short.words.length;
}

/** A token that is one placeholder, possibly after opening punctuation: `<NUM>`, `(<NUM>`, `<<NUM>`. */
function isBareValue(t: string): boolean {
  const shape = tokenShape(t);
  let k = 0;
  while (k < shape.length - 3 && '([{<\'"'.includes(shape[k]) && !shape.startsWith('<*>', k)) k++;
  return shape.length - k === 3 && shape.startsWith('<*>', k);
}
