/**
 * @module parsers/formats/time-fields
 * A record's time from the fields a layout splits it into (Date, Time, Month, Day, Timestamp, …).
 *
 * Candidates are the time-like fields alone and runs of 2–5 consecutive ones joined by a space
 * (`Date Time`, `Month Day Time`, …). On the first record every candidate is parsed and the most
 * complete result wins (date, time, year, zone, fraction: see {@link TimestampParser.lastScore});
 * that choice is remembered and reused, and re-made only when it stops parsing. So Loghub's
 * Linux `<Month> <Date> <Time>`, OpenSSH `<Date> <Day> <Time>` (Date holds the month there),
 * HDFS `<Date> <Time>` and BGL `<Timestamp> … <Time>` all resolve without per-dataset rules.
 */
import { TimestampParser } from './timestamp.js';

const TIME_NAME = /^(?:@?timestamp|ts|t|time|date|datetime|month|day|year|hour|clock)$|date|time/i;

/** True for field names that may hold (part of) a timestamp. */
export function isTimeFieldName(name: string): boolean {
  return TIME_NAME.test(name);
}

export class TimeFieldPlan {
  /** Candidate index lists into the `values` array passed to `resolve`. */
  private readonly candidates: number[][];
  private best = -1;
  private readonly parser = new TimestampParser();

  /** `slots`: positions (in the values array) of time-like fields, in layout order. */
  constructor(slots: readonly number[]) {
    const c: number[][] = [];
    for (let len = 1; len <= 5; len++) {
      for (let i = 0; i + len <= slots.length; i++) c.push(slots.slice(i, i + len));
    }
    this.candidates = c;
  }

  get empty(): boolean {
    return this.candidates.length === 0;
  }

  /** Epoch ms from the field values, or NaN when no candidate parses. */
  resolve(values: readonly (string | undefined)[], refMs: number): number {
    if (this.best >= 0) {
      const idx = this.candidates[this.best];
      // Consecutive records often share their time text: reuse the last result.
      if (this.lastT === this.lastT && this.sameAsLast(idx, values) && (this.lastAbsolute || refMs === this.lastRef)) {
        return this.lastT;
      }
      const t = this.parser.parse(this.join(idx, values), refMs);
      if (!Number.isNaN(t)) return this.remember(idx, values, t, refMs);
    }
    let bestT = NaN;
    let bestScore = 0;
    let bestIdx = -1;
    for (let k = 0; k < this.candidates.length; k++) {
      const t = this.parser.parse(this.join(this.candidates[k], values), refMs);
      if (!Number.isNaN(t) && this.parser.lastScore > bestScore) {
        bestT = t;
        bestScore = this.parser.lastScore;
        bestIdx = k;
      }
    }
    if (bestIdx >= 0) {
      this.best = bestIdx;
      this.parser.parse(this.join(this.candidates[bestIdx], values), refMs);
      this.remember(this.candidates[bestIdx], values, bestT, refMs);
    }
    return bestT;
  }

  private lastValues: (string | undefined)[] = [];
  private lastT = NaN;
  private lastRef = NaN;
  /** The last result did not depend on the reference time (it had a year). */
  private lastAbsolute = false;

  private sameAsLast(idx: readonly number[], values: readonly (string | undefined)[]): boolean {
    const last = this.lastValues;
    for (let i = 0; i < idx.length; i++) if (last[i] !== values[idx[i]]) return false;
    return true;
  }

  private remember(idx: readonly number[], values: readonly (string | undefined)[], t: number, refMs: number): number {
    for (let i = 0; i < idx.length; i++) this.lastValues[i] = values[idx[i]];
    this.lastT = t;
    this.lastRef = refMs;
    this.lastAbsolute = this.parser.lastHasYear;
    return t;
  }

  /** The fields joined by spaces, without a trailing `:` or `,` (`14:36:53:` before a message). */
  private join(idx: readonly number[], values: readonly (string | undefined)[]): string {
    let s = values[idx[0]] ?? '';
    for (let i = 1; i < idx.length; i++) s += ' ' + (values[idx[i]] ?? '');
    const c = s.charCodeAt(s.length - 1);
    return c === 58 || c === 44 ? s.slice(0, -1) : s;
  }
}
