/**
 * @module parsers/formats/header-columns
 * The first columns of sample lines, for layout inference: each line is cut into its leading
 * tokens (whitespace- or `|`-separated; a token that opens with `[` runs to its matching `]`, spaces
 * included), and a column of tokens is classified as a header field kind by what most lines hold
 * there: a time (any shape {@link TimestampParser} knows, 1–5 tokens), a level word, a number, a
 * bracketed field, a lone separator (`-`), a `name:` / `name[pid]:` component (the header's end),
 * or anything else (weak: a host or node name, kept only when a stronger field follows).
 */
import { normalizeLevel } from './level.js';
import { TimestampParser } from './timestamp.js';

/** Tokens looked at per line. */
export const MAX_COLS = 16;
/** Characters of a line looked at. */
const MAX_HEAD = 320;
/** Longest timestamp, in tokens (`Sun Dec 04 04:47:44 2005`). */
export const MAX_TIME_TOKENS = 5;

/** Separator before a token. */
export const SEP_SPACE = 0;
export const SEP_PIPE = 1;
export const SEP_PIPE_SPACED = 2;

export type ColumnKind = 'time' | 'level' | 'number' | 'bracket' | 'separator' | 'component' | 'padded' | 'weak';

/** One sample line's leading tokens. */
export interface LineTokens {
  text: string;
  /** Start, end and separator kind (before the token) per token: 3 entries each. */
  t: Int32Array;
  count: number;
  /** Bit i: token i is bracketed and holds whitespace. */
  spaced: number;
  /** Bit i: token i is bracketed and holds another `[`. */
  nested: number;
}

/** Cuts a line's first tokens. */
export function tokenize(text: string): LineTokens {
  const t = new Int32Array(3 * MAX_COLS);
  const end = text.length < MAX_HEAD ? text.length : MAX_HEAD;
  let count = 0;
  let spaced = 0;
  let nested = 0;
  let p = 0;
  let sep = SEP_SPACE;
  while (count < MAX_COLS && p < end) {
    const s = p;
    if (text.charCodeAt(p) === 91) {
      // [ … ] with nesting, spaces allowed inside.
      let depth = 0;
      for (; p < end; p++) {
        const c = text.charCodeAt(p);
        if (c === 91) {
          if (depth > 0) nested |= 1 << count;
          depth++;
        } else if (c === 93 && --depth === 0) {
          p++;
          break;
        } else if (c === 32 || c === 9) spaced |= 1 << count;
      }
      if (depth !== 0) {
        spaced &= ~(1 << count);
        nested &= ~(1 << count);
        p = s;
      }
    }
    for (; p < end; p++) {
      const c = text.charCodeAt(p);
      if (c === 32 || c === 9 || c === 124) break;
    }
    if (p === s) break;
    t[3 * count] = s;
    t[3 * count + 1] = p;
    t[3 * count + 2] = sep;
    count++;
    // Separator: whitespace, with at most one `|`.
    let pipe = false;
    let space = false;
    for (; p < end; p++) {
      const c = text.charCodeAt(p);
      if (c === 32 || c === 9) space = true;
      else if (c === 124 && !pipe) pipe = true;
      else break;
    }
    sep = pipe ? (space ? SEP_PIPE_SPACED : SEP_PIPE) : SEP_SPACE;
  }
  return { text, t, count, spaced, nested };
}

export function tokenText(l: LineTokens, i: number): string {
  return l.text.slice(l.t[3 * i], l.t[3 * i + 1]);
}

export function sepBefore(l: LineTokens, i: number): number {
  return l.t[3 * i + 2];
}

/** What one column (of 1 or more tokens) is. */
export interface Column {
  kind: ColumnKind;
  /** Tokens it spans. */
  width: number;
  /** Written in brackets (`[INFO]`, `[10.30 16:49:06]`). */
  bracketed: boolean;
  /** Bracketed with whitespace inside in some line. */
  spaced: boolean;
  /** A punctuation character most lines put right after it (`04:30:30,`), or 0. */
  trail: number;
  /** Separator before it (SEP_*), as most lines have it. */
  sep: number;
}

/** Share of lines that must agree for a column to be a header field. */
export const AGREE = 0.9;

/**
 * Classifies the column of tokens starting at token index `i` of every line (lines with fewer
 * tokens count against it). Returns null when too few lines reach that column.
 */
export function classify(lines: readonly LineTokens[], i: number, ts: TimestampParser): Column | null {
  const n = lines.length;
  let present = 0;
  for (const l of lines) if (l.count > i) present++;
  if (present < AGREE * n) return null;
  const need = AGREE * n;
  const sep = majoritySep(lines, i);
  const time = timeColumn(lines, i, ts, need);
  if (time !== null) return { ...time, sep };
  let level = 0;
  let levelBr = 0;
  let levelColon = 0;
  let num = 0;
  let br = 0;
  let spaced = false;
  let nestedSpaced = false;
  let dash = 0;
  let comp = 0;
  for (const l of lines) {
    if (l.count <= i) continue;
    const s = l.t[3 * i];
    const e = l.t[3 * i + 1];
    const text = l.text;
    const first = text.charCodeAt(s);
    const last = text.charCodeAt(e - 1);
    const bracket = first === 91 && last === 93;
    if (bracket) {
      br++;
      if ((l.spaced >> i) & 1) {
        spaced = true;
        if ((l.nested >> i) & 1) nestedSpaced = true;
      }
    }
    const inner = bracket ? text.slice(s + 1, e - 1) : last === 58 && e - s > 1 ? text.slice(s, e - 1) : text.slice(s, e);
    if (isLevelWord(inner)) {
      level++;
      if (bracket) levelBr++;
      else if (last === 58) levelColon++;
    }
    if (allDigits(text, s, e)) num++;
    if (e - s === 1 && first === 45) dash++;
    if (last === 58 && e - s > 1 && !bracket) comp++;
  }
  const col = (kind: ColumnKind, extra: Partial<Column> = {}): Column => ({ kind, width: 1, bracketed: false, spaced: false, trail: 0, sep, ...extra });
  if (level >= need) return col('level', { bracketed: levelBr >= need, trail: levelColon >= need ? 58 : 0 });
  if (num >= need) return col('number');
  if (dash >= need) return col('separator');
  if (br >= need && !nestedSpaced) return col('bracket', { bracketed: true, spaced });
  if (comp >= need) return col('component', { trail: 58 });
  return col('weak');
}

/** The longest well-scoring run of 1–5 tokens at `i` that parses as a time in most lines. */
function timeColumn(lines: readonly LineTokens[], i: number, ts: TimestampParser, need: number): Omit<Column, 'sep'> | null {
  let best: Omit<Column, 'sep'> | null = null;
  let bestScore = 0;
  const n = lines.length;
  for (let k = 1; k <= MAX_TIME_TOKENS; k++) {
    let hits = 0;
    let score = 0;
    let comma = 0;
    let bracketed = 0;
    let reach = 0;
    let j = 0;
    for (; j < n; j++) {
      // Too many lines missed already: this width cannot be a time column (most of a free-text sample stops here).
      if (hits + (n - j) < need) break;
      const l = lines[j];
      if (l.count < i + k) continue;
      reach++;
      const text = l.text;
      let s = l.t[3 * i];
      let e = l.t[3 * (i + k - 1) + 1];
      let ok = true;
      for (let j = i + 1; j < i + k; j++) if (l.t[3 * j + 2] !== SEP_SPACE) ok = false;
      if (!ok) continue;
      let br = false;
      if (k === 1 && text.charCodeAt(s) === 91 && text.charCodeAt(e - 1) === 93) {
        s++;
        e--;
        br = true;
      } else if (k > 1 && text.charCodeAt(s) === 91) continue;
      const last = text.charCodeAt(e - 1);
      const punct = !br && (last === 44 || last === 58);
      if (punct) e--;
      // Times start with a digit or a letter (month, weekday).
      const c = text.charCodeAt(s);
      if (!((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122))) continue;
      const t = ts.parse(text.slice(s, e), 0);
      if (Number.isNaN(t)) continue;
      hits++;
      score += ts.lastScore;
      if (punct && last === 44) comma++;
      if (br) bracketed++;
    }
    // Fewer lines reach this width than must agree: no longer width can either (skipped when cut short above).
    if (j === n && reach < need) break;
    if (hits >= need && score >= bestScore) {
      bestScore = score;
      best = { kind: 'time', width: k, bracketed: bracketed >= need, spaced: bracketed >= need, trail: comma >= need ? 44 : 0 };
    }
  }
  return best;
}

/** The separator most lines put before token `i` (SEP_*). */
export function majoritySep(lines: readonly LineTokens[], i: number): number {
  if (i === 0) return SEP_SPACE;
  const counts = [0, 0, 0];
  for (const l of lines) if (l.count > i) counts[l.t[3 * i + 2]]++;
  return counts[1] > counts[0] && counts[1] >= counts[2] ? SEP_PIPE : counts[2] > counts[0] ? SEP_PIPE_SPACED : SEP_SPACE;
}

const ONE_LETTER_LEVELS = 'VDIWEF';

/** A level word: a known level name of 3+ letters, or Android's one upper-case letter. */
export function isLevelWord(s: string): boolean {
  if (s.length === 1) return ONE_LETTER_LEVELS.includes(s);
  if (s.length < 3 || s.length > 13) return false;
  const c = s.charCodeAt(0) | 32;
  if (c < 97 || c > 122) return false;
  return normalizeLevel(s) !== undefined;
}

function allDigits(t: string, s: number, e: number): boolean {
  if (e <= s || e - s > 12) return false;
  for (let p = s; p < e; p++) {
    const c = t.charCodeAt(p);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
