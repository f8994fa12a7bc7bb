/**
 * @module parsers/formats/timestamp
 * Timestamp text → epoch milliseconds, with hand-written char-code scanners (no regex cascade).
 *
 * Shapes understood (surrounding whitespace ignored; anything else left over → not a timestamp):
 * - ISO 8601 / RFC 3339: `2015-07-29T17:41:44.747Z`, `2015-07-29 17:41:44,747`, `+02:00`, `+0200`,
 *   `+02`, `Z`, ` UTC`; date separators `-`, `/`, `.`; date-only `2005.06.03`; compact `20171223T221529Z`.
 * - BGL `2005-06-03-15.42.50.675872`, HealthApp `20171223-22:15:29:606`, HDFS `081109 203615`,
 *   Spark `17/06/09 20:10:40` (yy/MM/dd), Android `03-17 16:13:38.811` (MM-dd), Proxifier
 *   `10.30 16:49:06` (MM.dd), US `06/09/2017 20:10:40` (MM/dd/yyyy; dd/MM/yyyy when the first number
 *   is > 12), European `30.10.2016 16:49:06` (dd.MM.yyyy).
 * - Syslog RFC 3164 `Jun 14 15:16:01` / `Jun  4 15:16:01` (optionally followed by a year).
 * - Apache access `10/Oct/2000:13:55:36 -0700`; asctime / Apache error `Sun Dec 04 04:47:44 2005`
 *   (also with `.123456` fraction); RFC 2822 `Tue, 15 Nov 1994 08:12:31 GMT`.
 * - Epoch numbers: 9–11 integer digits = seconds, 12–14 = ms, 15–17 = µs, 18–20 = ns (a fraction is
 *   allowed on seconds). See {@link epochToMs} for numbers that are already numbers (JSON).
 *
 * Conventions (documented in the README of this folder):
 * - A fraction after `.` or `,` is a decimal fraction of a second; after `:` (HealthApp
 *   `22:32:0:95`) it is an unpadded millisecond count. Minutes and seconds may be unpadded.
 * - No zone → UTC. Named zones other than Z/UTC/GMT/UT are not guessed: the text is rejected.
 * - No year (syslog, Android, Proxifier) → the UTC year of the reference (arrival) time; if that
 *   puts the record more than 7 days after the reference, the previous year (a December line read
 *   in January).
 * - Two-digit years: 00–68 → 2000s, 69–99 → 1900s.
 * - Sub-millisecond digits are dropped (ms precision).
 */

import {
  allDigits,
  DAY_MS,
  daysFromCivil,
  daysInMonth,
  isAlpha,
  isDigit,
  isWeekday,
  lenOf,
  monthAt,
  NO_ZONE,
  readInt,
  readZone,
  skipAlpha,
  skipSpaces,
  twoDigitYear,
  UtcYear,
  valOf,
} from './timestamp-scan.js';

export { daysFromCivil, epochToMs } from './timestamp-scan.js';

const INFER_SLACK_MS = 7 * DAY_MS;

/**
 * A reusable parser. Holds only scratch state of the last parse (no globals); not shared across
 * threads. `parse` returns NaN when the text is not a timestamp it knows.
 */
export class TimestampParser {
  private y = 0;
  private mo = 0;
  private d = 0;
  private h = 0;
  private mi = 0;
  private s = 0;
  private ms = 0;
  private off = 0;
  private hasYear = false;
  private hasZone = false;
  private hasTime = false;
  private hasFrac = false;
  private epoch = NaN;

  /**
   * Score of the last successful parse: 8 date + 4 time + 2 year + 2 zone/absolute + 1 fraction.
   * 0 after a failed parse.
   */
  lastScore = 0;

  /** The last successful parse had a year (its result does not depend on the reference time). */
  get lastHasYear(): boolean {
    return this.lastScore > 0 && (this.hasYear || !Number.isNaN(this.epoch));
  }

  /** Parses `text`; `refMs` (arrival time) supplies the year when the text has none. */
  parse(text: string, refMs = NaN): number {
    this.lastScore = 0;
    let i = 0;
    let end = text.length;
    while (i < end && text.charCodeAt(i) <= 32) i++;
    while (end > i && text.charCodeAt(end - 1) <= 32) end--;
    if (i >= end) return NaN;
    this.reset();
    const c = text.charCodeAt(i);
    const ok = isDigit(c) ? this.numeric(text, i, end) : isAlpha(c) ? this.alphabetic(text, i, end) : false;
    if (!ok) return NaN;
    if (!Number.isNaN(this.epoch)) {
      this.lastScore = 8 + 4 + 2 + 2 + (this.hasFrac ? 1 : 0);
      return this.epoch;
    }
    return this.compose(refMs);
  }

  private reset(): void {
    this.y = this.mo = this.d = this.h = this.mi = this.s = this.ms = this.off = 0;
    this.hasYear = this.hasZone = this.hasTime = this.hasFrac = false;
    this.epoch = NaN;
  }

  /** UTC year of the reference time (cached per year: no Date allocation per line). */
  private readonly refYear = new UtcYear();

  private compose(refMs: number): number {
    const { mo, d, h, mi, s } = this;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return NaN;
    let y = this.y;
    if (!this.hasYear) y = this.refYear.of(refMs);
    if (d > daysInMonth(y, mo) && !(mo === 2 && d === 29 && !this.hasYear)) return NaN;
    const time = h * 3_600_000 + mi * 60_000 + s * 1000 + this.ms - this.off * 60_000;
    let t = daysFromCivil(y, mo, d) * DAY_MS + time;
    if (!this.hasYear && Number.isFinite(refMs) && t > refMs + INFER_SLACK_MS) {
      t = daysFromCivil(y - 1, mo, d) * DAY_MS + time;
    }
    this.lastScore = 8 + (this.hasTime ? 4 : 0) + (this.hasYear ? 2 : 0) + (this.hasZone ? 2 : 0) + (this.hasFrac ? 1 : 0);
    return t;
  }

  /** Text starting with a digit. */
  private numeric(t: string, i: number, end: number): boolean {
    const a = readInt(t, i, end);
    const n1 = lenOf(a);
    let p = i + n1;
    if (p === end || (t.charCodeAt(p) === 46 && n1 >= 9 && allDigits(t, p + 1, end))) {
      return this.epochDigits(t, i, n1, p, end);
    }
    const sep = t.charCodeAt(p);
    if (n1 === 4) return this.ymd(t, valOf(a), p, end, sep);
    if (n1 === 8 && (sep === 45 || sep === 84 || sep === 32 || sep === 95)) {
      // YYYYMMDD-HH:MM:SS (HealthApp) / YYYYMMDDTHHMMSS
      this.y = (valOf(a) / 10000) | 0;
      this.mo = ((valOf(a) / 100) | 0) % 100;
      this.d = valOf(a) % 100;
      this.hasYear = true;
      return this.timeAndZone(t, p + 1, end);
    }
    if (n1 === 6 && sep === 32) {
      // HDFS: yyMMdd HHmmss
      this.y = twoDigitYear((valOf(a) / 10000) | 0);
      this.mo = ((valOf(a) / 100) | 0) % 100;
      this.d = valOf(a) % 100;
      this.hasYear = true;
      return this.timeAndZone(t, p + 1, end);
    }
    if (n1 > 2) return false;
    // 1–2 digits first.
    p++;
    if (sep === 32) return this.dayMonthName(t, valOf(a), p, end);
    if (sep !== 47 && sep !== 45 && sep !== 46) return false;
    if (isAlpha(t.charCodeAt(p))) {
      // 10/Oct/2000:13:55:36 -0700 (Apache) or 17-Nov-2020 ...
      const m = monthAt(t, p, end);
      if (m === 0) return false;
      p = skipAlpha(t, p, end);
      if (t.charCodeAt(p) !== sep) return false;
      const yr = readInt(t, p + 1, end);
      if (lenOf(yr) !== 4) return false;
      this.d = valOf(a);
      this.mo = m;
      this.y = valOf(yr);
      this.hasYear = true;
      p = p + 1 + lenOf(yr);
      if (p === end) return true;
      const c = t.charCodeAt(p);
      if (c !== 58 && c !== 32 && c !== 84) return false;
      return this.timeAndZone(t, p + 1, end);
    }
    const b = readInt(t, p, end);
    if (lenOf(b) < 1 || lenOf(b) > 2) return false;
    p += lenOf(b);
    const c2 = t.charCodeAt(p);
    if (c2 === sep) {
      const cpart = readInt(t, p + 1, end);
      p += 1 + lenOf(cpart);
      if (lenOf(cpart) === 4) {
        // MM/dd/yyyy (dd/MM/yyyy when the first is > 12); dd.MM.yyyy with dots.
        const dayFirst = sep === 46 || valOf(a) > 12;
        this.mo = dayFirst ? valOf(b) : valOf(a);
        this.d = dayFirst ? valOf(a) : valOf(b);
        this.y = valOf(cpart);
      } else if (lenOf(cpart) === 2) {
        // yy/MM/dd (Spark, log4j's default short date)
        this.y = twoDigitYear(valOf(a));
        this.mo = valOf(b);
        this.d = valOf(cpart);
      } else return false;
      this.hasYear = true;
    } else {
      // MM-dd (Android) or MM.dd (Proxifier): no year.
      this.mo = valOf(a);
      this.d = valOf(b);
    }
    if (p === end) return this.hasYear;
    const c3 = t.charCodeAt(p);
    if (c3 !== 32 && c3 !== 84 && c3 !== 45 && c3 !== 58) return false;
    return this.timeAndZone(t, p + 1, end);
  }

  private epochDigits(t: string, i: number, n1: number, p: number, end: number): boolean {
    if (n1 < 9 || n1 > 20) return false;
    const v = Number(t.slice(i, p));
    let frac = 0;
    if (p < end) {
      frac = Number(t.slice(p, end));
      this.hasFrac = true;
    }
    if (n1 <= 11) this.epoch = Math.floor((v + frac) * 1000);
    else if (n1 <= 14) this.epoch = Math.floor(v + frac);
    else if (n1 <= 17) this.epoch = Math.floor(v / 1e3);
    else this.epoch = Math.floor(v / 1e6);
    if (n1 > 11) this.hasFrac = true;
    return true;
  }

  /** After a 4-digit year: -MM-dd, /MM/dd, .MM.dd, then time. */
  private ymd(t: string, year: number, p: number, end: number, sep: number): boolean {
    if (sep !== 45 && sep !== 47 && sep !== 46) return false;
    const m = readInt(t, p + 1, end);
    if (lenOf(m) < 1 || lenOf(m) > 2) return false;
    p += 1 + lenOf(m);
    if (t.charCodeAt(p) !== sep) return false;
    const d = readInt(t, p + 1, end);
    if (lenOf(d) < 1 || lenOf(d) > 2) return false;
    p += 1 + lenOf(d);
    this.y = year;
    this.mo = valOf(m);
    this.d = valOf(d);
    this.hasYear = true;
    if (p === end) return true;
    const c = t.charCodeAt(p);
    // T, space, '-' (BGL), '_' or ':' between date and time
    if (c !== 84 && c !== 116 && c !== 32 && c !== 45 && c !== 95 && c !== 58) return false;
    return this.timeAndZone(t, p + 1, end);
  }

  /** `15 Nov 1994 08:12:31 GMT` (RFC 2822 without weekday). */
  private dayMonthName(t: string, day: number, p: number, end: number): boolean {
    const m = monthAt(t, p, end);
    if (m === 0) return false;
    p = skipSpaces(t, skipAlpha(t, p, end), end);
    const yr = readInt(t, p, end);
    if (lenOf(yr) !== 4 && lenOf(yr) !== 2) return false;
    this.d = day;
    this.mo = m;
    this.y = lenOf(yr) === 4 ? valOf(yr) : twoDigitYear(valOf(yr));
    this.hasYear = true;
    p += lenOf(yr);
    if (p === end) return true;
    return this.timeAndZone(t, skipSpaces(t, p, end), end);
  }

  /** Text starting with a letter: weekday or month name first. */
  private alphabetic(t: string, i: number, end: number): boolean {
    let p = i;
    let m = monthAt(t, p, end);
    if (m === 0) {
      if (!isWeekday(t, p, end)) return false;
      p = skipAlpha(t, p, end);
      if (t.charCodeAt(p) === 44) p++; // "Tue, 15 Nov 1994 …"
      p = skipSpaces(t, p, end);
      if (isDigit(t.charCodeAt(p))) {
        const d = readInt(t, p, end);
        if (lenOf(d) > 2 || t.charCodeAt(p + lenOf(d)) !== 32) return false;
        return this.dayMonthName(t, valOf(d), p + lenOf(d) + 1, end);
      }
      m = monthAt(t, p, end);
      if (m === 0) return false;
    }
    p = skipSpaces(t, skipAlpha(t, p, end), end);
    const d = readInt(t, p, end);
    if (lenOf(d) < 1 || lenOf(d) > 2) return false;
    this.mo = m;
    this.d = valOf(d);
    p = skipSpaces(t, p + lenOf(d), end);
    if (t.charCodeAt(p) === 44) p = skipSpaces(t, p + 1, end);
    // Optional year before the time: "Jun 14 2005 15:16:01"
    const maybeYear = readInt(t, p, end);
    if (lenOf(maybeYear) === 4 && t.charCodeAt(p + 4) !== 58) {
      this.y = valOf(maybeYear);
      this.hasYear = true;
      p = skipSpaces(t, p + 4, end);
    }
    if (p >= end) return false;
    return this.timeAndZone(t, p, end, true);
  }

  /**
   * HH:mm[:ss][.fff] or HH.mm.ss.ffffff (BGL) or HHmmss, then an optional zone; with
   * `trailingYear`, also accepts a year after the time (asctime: `04:47:44 2005`).
   */
  private timeAndZone(t: string, p: number, end: number, trailingYear = false): boolean {
    const h = readInt(t, p, end);
    if (lenOf(h) === 6 || lenOf(h) === 4) {
      // compact HHmmss / HHmm
      this.h = lenOf(h) === 6 ? (valOf(h) / 10000) | 0 : (valOf(h) / 100) | 0;
      this.mi = lenOf(h) === 6 ? ((valOf(h) / 100) | 0) % 100 : valOf(h) % 100;
      this.s = lenOf(h) === 6 ? valOf(h) % 100 : 0;
      p += lenOf(h);
    } else {
      if (lenOf(h) < 1 || lenOf(h) > 2) return false;
      p += lenOf(h);
      const sep = t.charCodeAt(p);
      if (sep !== 58 && sep !== 46) return false;
      const mi = readInt(t, p + 1, end);
      if (lenOf(mi) < 1 || lenOf(mi) > 2) return false;
      p += 1 + lenOf(mi);
      this.h = valOf(h);
      this.mi = valOf(mi);
      if (t.charCodeAt(p) === sep) {
        const s = readInt(t, p + 1, end);
        if (lenOf(s) < 1 || lenOf(s) > 2) return false;
        this.s = valOf(s);
        p += 1 + lenOf(s);
      }
    }
    this.hasTime = true;
    const fc = t.charCodeAt(p);
    if (fc === 58 && isDigit(t.charCodeAt(p + 1))) {
      // HH:mm:ss:SSS (HealthApp): a colon introduces an unpadded millisecond count.
      const ms = readInt(t, p + 1, end);
      if (lenOf(ms) > 3) return false;
      this.ms = valOf(ms);
      this.hasFrac = true;
      p += 1 + lenOf(ms);
    } else if ((fc === 46 || fc === 44) && isDigit(t.charCodeAt(p + 1))) {
      p++;
      let ms = 0;
      let k = 0;
      while (p < end && isDigit(t.charCodeAt(p))) {
        if (k < 3) ms = ms * 10 + (t.charCodeAt(p) - 48);
        k++;
        p++;
      }
      for (; k < 3; k++) ms *= 10;
      this.ms = ms;
      this.hasFrac = true;
    }
    if (trailingYear && !this.hasYear) {
      const q = skipSpaces(t, p, end);
      const yr = readInt(t, q, end);
      if (lenOf(yr) === 4 && q > p) {
        this.y = valOf(yr);
        this.hasYear = true;
        p = q + 4;
      }
    }
    return this.zone(t, p, end);
  }

  private zone(t: string, p: number, end: number): boolean {
    const z = readZone(t, p, end);
    if (Number.isNaN(z)) return false;
    if (z === NO_ZONE) return true;
    this.off = z;
    this.hasZone = true;
    return true;
  }
}
