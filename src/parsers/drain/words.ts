/**
 * @module parsers/drain/words
 * The words of a template, for judging two message types close although template mining keeps them
 * apart: Drain routes by token count and leading tokens, so `ciod: Error loading <PATH>: invalid or
 * missing program image, Exec format error` and `ciod: Error loading <*>: invalid or missing program
 * image, No such file or directory` are different templates of one problem. Words are runs of ASCII
 * letters and `_` of two or more characters, lowercased; placeholders (`<NUM>`, `<*>`…), numbers,
 * punctuation and one-letter tokens are not words. Closeness is the Jaccard index of the word sets.
 * @example
 * wordOverlap(templateWords('Lustre mount FAILED : <ID> : point <PATH>'), templateWords('Lustre mount FAILED : <ID> : block_id : location')); // 0.5
 */

/** Characters of a template read for words (templates are clipped by the miner anyway). */
const MAX_CHARS = 2000;
/** Distinct words kept per template. */
const MAX_WORDS = 64;

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** The distinct words of `template` (at most 64), placeholders such as `<NUM>` left out. */
export function templateWords(template: string): Set<string> {
  const out = new Set<string>();
  const n = Math.min(template.length, MAX_CHARS);
  let i = 0;
  while (i < n && out.size < MAX_WORDS) {
    const c = template.charCodeAt(i);
    if (c === 60) {
      // `<NUM>`, `<*>`: a placeholder when closed by `>` within a few characters.
      const close = template.indexOf('>', i + 1);
      if (close > i && close - i <= 12) {
        i = close + 1;
        continue;
      }
    }
    if (!isLetter(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isLetter(template.charCodeAt(j))) j++;
    // A word glued to digits (`bglio96`, `x86`) is an identifier, not a word.
    const glued = (i > 0 && isDigit(template.charCodeAt(i - 1))) || (j < n && isDigit(template.charCodeAt(j)));
    if (j - i >= 2 && !glued) out.add(template.slice(i, j).toLowerCase());
    i = j;
  }
  return out;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Jaccard index of two word sets (0 when either is empty). */
export function wordOverlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}
