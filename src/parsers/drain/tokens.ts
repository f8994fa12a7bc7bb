/**
 * @module parsers/drain/tokens
 * Token helpers for the miner: placeholder detection, shapes and merging.
 */
import { WILDCARD } from '../masking/masker.js';

/** End index of a placeholder (`<*>` or `<UPPER>`) starting at `i`, or -1. */
export function placeholderEnd(t: string, i: number): number {
  if (t.charCodeAt(i) !== 60) return -1;
  let k = i + 1;
  if (t.charCodeAt(k) === 42) return t.charCodeAt(k + 1) === 62 ? k + 2 : -1;
  const start = k;
  while (k < t.length) {
    const c = t.charCodeAt(k);
    if (c === 62) return k > start ? k + 1 : -1;
    if (!(c >= 65 && c <= 90)) return -1;
    k++;
  }
  return -1;
}

export function hasPlaceholder(t: string): boolean {
  let i = t.indexOf('<');
  while (i >= 0) {
    if (placeholderEnd(t, i) > 0) return true;
    i = t.indexOf('<', i + 1);
  }
  return false;
}

/** The token with every placeholder written `<*>`: tokens of one shape differ only in types. */
export function tokenShape(t: string): string {
  let i = t.indexOf('<');
  if (i < 0) return t;
  let out = '';
  let from = 0;
  while (i >= 0) {
    const e = placeholderEnd(t, i);
    if (e > 0) {
      out += t.slice(from, i) + WILDCARD;
      from = e;
      i = t.indexOf('<', e);
    } else {
      i = t.indexOf('<', i + 1);
    }
  }
  return from === 0 ? t : out + t.slice(from);
}

/** The most specific token covering both: same shape → shape; same `key=` → `key=<*>`; else `<*>`. */
export function mergeTokens(a: string, b: string): string {
  if (a === b) return a;
  const sa = tokenShape(a);
  if (sa === tokenShape(b)) return sa;
  const eq = a.indexOf('=');
  if (eq > 0 && eq === b.indexOf('=') && a.startsWith(b.slice(0, eq + 1))) return a.slice(0, eq + 1) + WILDCARD;
  // Keep shared punctuation around the value: `[x]` + `[y]` → `[<*>]`, `x,` + `y,` → `<*>,`.
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p] && isPunct(a.charCodeAt(p))) p++;
  let q = 0;
  while (q < a.length - p && q < b.length - p && a[a.length - 1 - q] === b[b.length - 1 - q] && isPunct(a.charCodeAt(a.length - 1 - q))) q++;
  if (p === 0 && q === 0) return WILDCARD;
  return a.slice(0, p) + WILDCARD + a.slice(a.length - q);
}

function isPunct(c: number): boolean {
  return c === 40 || c === 41 || c === 91 || c === 93 || c === 123 || c === 125 || c === 39 || c === 34 || c === 44 || c === 59 || c === 58 || c === 35;
}

/**
 * Tree routing: a placeholder, or a `name:qualifier` value (`libc-bin:amd64`, `proxy:8080`: a word
 * character on both sides of an inner `:`), goes down the wildcard branch — as Drain sends tokens
 * with digits there — so one message with a different value in its first tokens lands in the leaf
 * of the others (`install <package>:all …`, with no digit to mask, was one leaf and one template per
 * package). The similarity still compares the token; `component:` (a trailing colon) routes as the
 * word it is.
 */
export function routesAsWildcard(t: string): boolean {
  if (hasPlaceholder(t)) return true;
  const k = t.indexOf(':');
  return k > 0 && k < t.length - 1 && isAlnum(t.charCodeAt(k - 1)) && isAlnum(t.charCodeAt(k + 1));
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
}
