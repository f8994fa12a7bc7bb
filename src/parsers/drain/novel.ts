/**
 * @module parsers/drain/novel
 * No silent generalisation: when a never-seen message is absorbed into an existing cluster, say so.
 * - `generalised`: a word the cluster held constant over at least {@link NOVEL_MIN_LINES} lines is
 *   replaced (the template turns that position into a wildcard);
 * - `new-value`: a wildcard position that has only ever held a handful ({@link HANDFUL}) of values,
 *   over at least {@link NOVEL_MIN_LINES} lines, gets a value it never held.
 * Per cluster, the values seen at its wildcard positions are kept up to {@link MAX_VALUES} each
 * (beyond that the position is open: any value is ordinary). Only lines that miss the miner's
 * caches get here, so seen messages cost nothing.
 */
import { WILDCARD } from '../masking/masker.js';
import { hasPlaceholder } from './tokens.js';

/** Lines a cluster must have seen before a change in it is news. */
export const NOVEL_MIN_LINES = 20;
/** Distinct values a wildcard position may have held for a new one to be news. */
export const HANDFUL = 4;
/** Values remembered per wildcard position. */
export const MAX_VALUES = 8;

export interface Novel {
  kind: 'generalised' | 'new-value';
  words: string[];
}

/** Values seen per wildcard position (token index → values; null = many). */
export type PositionValues = Map<number, string[] | null>;

/**
 * What is new in `tokens` for a cluster with template `tmpl` that saw `size` lines, before the
 * template is generalised; records the line's values at wildcard positions.
 */
export function noticeNovel(tmpl: readonly string[], tokens: readonly string[], size: number, values: PositionValues): Novel | null {
  let kind: Novel['kind'] | null = null;
  let words: string[] | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const a = tmpl[i];
    const b = tokens[i];
    if (a === b) continue;
    if (a.indexOf(WILDCARD) === -1) {
      // Not a wildcard yet — a constant, or a masked word such as `(<ID>)` — and the merge may make
      // it one: every line so far held `a` here, and lines answered from the miner's caches never
      // come back to this function, so both values go on the list now (else a restored miner, whose
      // caches start empty, would call a value its predecessor had seen new).
      if (!hasPlaceholder(a) && !hasPlaceholder(b) && size >= NOVEL_MIN_LINES) {
        kind = 'generalised';
        (words ??= []).push(b);
      }
      const seen = values.get(i);
      if (seen === null) continue;
      const list = seen ?? [];
      for (const v of [a, b]) if (!list.includes(v)) list.push(v);
      values.set(i, list.length > MAX_VALUES ? null : list);
      continue;
    }
    if (hasOnlyPlaceholders(b)) continue;
    const seen = values.get(i);
    if (seen === null) continue;
    if (seen === undefined) {
      // Unknown history (restored state, or generalised before tracking): start, claim nothing.
      values.set(i, [b]);
      continue;
    }
    if (seen.includes(b)) continue;
    if (seen.length <= HANDFUL && size >= NOVEL_MIN_LINES && kind !== 'generalised') {
      kind = 'new-value';
      (words ??= []).push(b);
    }
    if (seen.length >= MAX_VALUES) values.set(i, null);
    else seen.push(b);
  }
  return kind === null ? null : { kind, words: words as string[] };
}

function hasOnlyPlaceholders(t: string): boolean {
  return t.length > 2 && t.charCodeAt(0) === 60 && t.indexOf('>') === t.length - 1;
}
