/**
 * @module parsers/formats/plain
 * Plain text. When a line starts with a timestamp (1–5 tokens, or a `[bracketed]` one) it becomes
 * the record's time, and a level word right after it (`INFO`, `[error]`, `WARN:`) — or at the very
 * start of the line — becomes its level. The message is the rest of the line: without the leading
 * timestamp and the level word after it (and the separators around them: spaces, `|`, `:`, a lone
 * `-`), as a header layout would split it — otherwise every date and time of day would be a template
 * position and a numeric parameter. `raw` keeps the whole line. A line without a leading timestamp is
 * its own message, and its time is the arrival time. After 64 lines in a row without a leading
 * timestamp it looks only on every 1024th line (a file either has them or not), so free text costs
 * almost nothing extra.
 */
import type { LogRecord } from '../../core/event.js';
import { normalizeLevel } from './level.js';
import { TimestampParser } from './timestamp.js';
import type { FormatStats, RecordFormat } from './types.js';

const MAX_TOKENS = 5;
const GIVE_UP_AFTER = 64;

export class PlainFormat implements RecordFormat {
  readonly name = 'plain';
  readonly stats: FormatStats = { matched: 0, unmatched: 0 };
  private readonly ts = new TimestampParser();
  /** Tokens that made the timestamp last time (0: none found yet). */
  private plan = 0;
  private misses = 0;
  /** Lines read so far that opened with a timestamp. */
  timedLines = 0;
  private readonly ends = new Int32Array(MAX_TOKENS);
  /** Where the timestamp ended in the last line (0: none). */
  private after = 0;
  /** Where the level word found by `levelWord` ended (after a closing `]`). */
  private levelEnd = 0;

  extract(text: string, line: number, arrivalTs: number, source: string): LogRecord {
    this.stats.matched++;
    // After GIVE_UP_AFTER misses in a row, look only on every 1024th line (a file has timestamps or not).
    const look = this.misses < GIVE_UP_AFTER || (this.misses & 1023) === 0;
    let t = NaN;
    if (look) t = this.leadingTime(text, arrivalTs);
    else this.misses++;
    const fromArrival = Number.isNaN(t);
    const level = this.levelWord(text, fromArrival ? 0 : this.after);
    const message = fromArrival ? text : afterHeader(text, level === undefined ? this.after : this.levelEnd);
    return { ts: fromArrival ? arrivalTs : t, source, level, message, fields: undefined, raw: text, line, tsFromArrival: fromArrival };
  }

  /**
   * `extract(…).message` without the record. A line without a leading timestamp is its own
   * message whatever its level word, so the level is looked for only after a timestamp.
   */
  message(text: string, arrivalTs: number): string {
    this.stats.matched++;
    let t = NaN;
    if (this.misses < GIVE_UP_AFTER || (this.misses & 1023) === 0) t = this.leadingTime(text, arrivalTs);
    else this.misses++;
    if (Number.isNaN(t)) return text;
    return afterHeader(text, this.levelWord(text, this.after) === undefined ? this.after : this.levelEnd);
  }


  private leadingTime(text: string, refMs: number): number {
    this.after = 0;
    const c = text.charCodeAt(0);
    if (c === 91) {
      // [timestamp] …
      const close = text.indexOf(']');
      if (close > 1 && close < 64) {
        const t = this.ts.parse(text.slice(1, close), refMs);
        if (!Number.isNaN(t)) return this.hit(t, close + 1, 1);
      }
      return this.miss();
    }
    if (!(c >= 48 && c <= 57) && !((c | 32) >= 97 && (c | 32) <= 122)) return this.miss();
    const ends = this.ends;
    if (this.plan > 0 && this.tokenEnds(text, this.plan) === this.plan) {
      const end = ends[this.plan - 1];
      const t = this.ts.parse(trimPunct(text, end), refMs);
      if (!Number.isNaN(t)) return this.hit(t, end, this.plan);
    }
    const count = this.tokenEnds(text, MAX_TOKENS);
    let best = NaN;
    let bestScore = 0;
    let bestK = 0;
    for (let k = 1; k <= count; k++) {
      const t = this.ts.parse(trimPunct(text, ends[k - 1]), refMs);
      if (!Number.isNaN(t) && this.ts.lastScore >= bestScore) {
        best = t;
        bestScore = this.ts.lastScore;
        bestK = k;
      }
    }
    return bestK > 0 ? this.hit(best, ends[bestK - 1], bestK) : this.miss();
  }

  /** Fills `ends` with the end offsets of the first `max` space-separated tokens; returns how many. */
  private tokenEnds(text: string, max: number): number {
    const ends = this.ends;
    let count = 0;
    let p = 0;
    while (count < max && p < text.length && p < 64) {
      const sp = text.indexOf(' ', p);
      const e = sp === -1 ? text.length : sp;
      ends[count++] = e;
      p = e + 1;
      while (text.charCodeAt(p) === 32) p++; // "Jun  4"
    }
    return count;
  }

  /** A level word at `from` (after spaces, `[`, `|` or a lone `-`), ended by a non-letter: `INFO`, `[error]`, `WARN:`. */
  private levelWord(text: string, from: number): string | undefined {
    let p = from;
    for (;;) {
      const c = text.charCodeAt(p);
      // Spaces, `[`, `|`, and a lone `-` (`… 10:00:00 - ERROR - …`).
      if (c === 32 || c === 91 || c === 124 || (c === 45 && text.charCodeAt(p + 1) === 32)) p++;
      else break;
    }
    const s = p;
    while (p < text.length && p - s <= 13) {
      const c = text.charCodeAt(p) | 32;
      if (c < 97 || c > 122) break;
      p++;
    }
    if (p - s < 3 || p - s > 13) return undefined;
    const next = text.charCodeAt(p);
    if (next === next && ((next | 32) >= 97 && (next | 32) <= 122 || (next >= 48 && next <= 57))) return undefined;
    const level = normalizeLevel(text.slice(s, p));
    this.levelEnd = next === 93 ? p + 1 : p;
    return level;
  }

  private hit(t: number, after: number, plan: number): number {
    this.timedLines++;
    this.plan = plan;
    this.misses = 0;
    this.after = after;
    return t;
  }

  private miss(): number {
    this.misses++;
    return NaN;
  }
}

/** Prefix of `text` up to `end`, without a trailing `,`, `:` or `|` (`2024-01-01 10:00:00,`). */
function trimPunct(text: string, end: number): string {
  const c = text.charCodeAt(end - 1);
  return text.slice(0, c === 44 || c === 58 || c === 124 ? end - 1 : end);
}

/**
 * The message after a header ending at `from`: separators skipped (spaces, `|`, `:`, `,`, a lone `-`);
 * the whole line when nothing would be left (a header alone is still a message).
 */
function afterHeader(text: string, from: number): string {
  let p = from;
  for (;;) {
    const c = text.charCodeAt(p);
    if (c === 32 || c === 9 || c === 124 || c === 58 || c === 44) p++;
    else if (c === 45 && (text.charCodeAt(p + 1) === 32 || p + 1 === text.length)) p++;
    else break;
  }
  return p >= text.length ? text : text.slice(p);
}
