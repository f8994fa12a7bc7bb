/**
 * @module core/text
 * Kept strings that do not keep their source alive.
 *
 * V8 makes `s.slice(a, b)` (and regular-expression matches, `substring`, a `+` concatenation) of 13
 * or more characters a view that references the whole string it came from. A state that keeps a
 * 2,000-character cut of a 1 MB hostile line, or a 20-letter word of it, keeps the 1 MB line: one
 * context ring of 20 such cuts per source held 200 MB after 180 megabyte lines (issue 17). Whatever is
 * kept beyond the event — rings, vocabularies, keys — goes through {@link kept} or {@link keptCut}.
 * @example
 * ring[i] = keptCut(e.raw, 2000); // at most 2,000 characters, its own copy
 */

/**
 * `s` as a string of its own: under 13 characters it already is one; longer, it is copied (there is
 * no asking V8 whether it is a view), and the copy holds `s.length + 1` characters, never a source.
 * For what is kept rarely (a new word, a new key), not per event — except a line split out of a
 * request body, where a view would keep the whole body alive downstream (measured: a demo run held
 * 47 MB of bodies).
 */
export function kept(s: string): string {
  // Strings under 13 characters are always copies in V8; longer ones may be views: flattening a
  // fresh concatenation copies the characters into a new string, and the slice refers to that one.
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * The first `max` characters of `s`: a cut is copied ({@link kept}), an uncut `s` is returned as it is
 * (cheap per event; a line that was never cut is as long as what it came with).
 */
export function keptCut(s: string, max: number): string {
  return s.length > max ? kept(s.slice(0, max)) : s;
}
