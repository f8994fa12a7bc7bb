/**
 * @module parsers/formats/timestamp-scan
 * Char-code helpers of the timestamp parser: digits, names, calendar arithmetic, the zone that ends
 * a timestamp (`readZone`), and the UTC year of a reference time (cached). Pure functions but the cache.
 */

const MONTHS = 'janfebmaraprmayjunjulaugsepoctnovdec';

/** A number that is already a number (JSON): > 1e11 → ms (µs/ns scaled down), else seconds. */
export function epochToMs(v: number): number {
  if (!Number.isFinite(v) || v < 0) return NaN;
  if (v >= 1e17) return Math.floor(v / 1e6);
  if (v >= 1e14) return Math.floor(v / 1e3);
  if (v >= 1e11) return Math.floor(v);
  return Math.floor(v * 1000);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function twoDigitYear(v: number): number {
  return v < 69 ? 2000 + v : 1900 + v;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAlpha(c: number): boolean {
  return (c | 32) >= 97 && (c | 32) <= 122;
}

export function allDigits(t: string, p: number, end: number): boolean {
  if (p >= end) return false;
  for (; p < end; p++) if (!isDigit(t.charCodeAt(p))) return false;
  return true;
}

/**
 * Reads up to 20 digits at p, packed into one number (no allocation): `len + 32 * value`, where
 * value is kept only for up to 9 digits (longer runs are epochs, re-read with Number()).
 */
export function readInt(t: string, p: number, end: number): number {
  let v = 0;
  let k = p;
  while (k < end && k - p < 20) {
    const c = t.charCodeAt(k);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    k++;
  }
  const len = k - p;
  return len <= 9 ? len + 32 * v : len;
}

export function lenOf(packed: number): number {
  return packed % 32;
}

export function valOf(packed: number): number {
  return Math.floor(packed / 32);
}

export function skipAlpha(t: string, p: number, end: number): number {
  while (p < end && isAlpha(t.charCodeAt(p))) p++;
  return p;
}

export function skipSpaces(t: string, p: number, end: number): number {
  while (p < end && t.charCodeAt(p) === 32) p++;
  return p;
}

/** 1–12 when a month name (3 letters or full, any case) starts at p; 0 otherwise. */
export function monthAt(t: string, p: number, end: number): number {
  if (p + 3 > end) return 0;
  const q = skipAlpha(t, p, end);
  const len = q - p;
  if (len < 3 || len > 9) return 0;
  const key = t.slice(p, p + 3).toLowerCase();
  const idx = MONTHS.indexOf(key);
  if (idx < 0 || idx % 3 !== 0) return 0;
  if (len > 3 && !FULL_MONTHS[idx / 3].startsWith(t.slice(p, q).toLowerCase())) return 0;
  return idx / 3 + 1;
}

const FULL_MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function isWeekday(t: string, p: number, end: number): boolean {
  const q = skipAlpha(t, p, end);
  if (q - p < 3) return false;
  return WEEKDAYS.includes(t.slice(p, p + 3).toLowerCase());
}

export const DAY_MS = 86_400_000;

/** The UTC year of a reference time, cached per year: no Date allocation per line. */
export class UtcYear {
  private from = 0;
  private to = -1;
  private year = 1970;

  of(refMs: number): number {
    if (!Number.isFinite(refMs)) return 1970;
    if (refMs < this.from || refMs >= this.to) {
      const y = new Date(refMs).getUTCFullYear();
      this.year = y;
      this.from = daysFromCivil(y, 1, 1) * DAY_MS;
      this.to = daysFromCivil(y + 1, 1, 1) * DAY_MS;
    }
    return this.year;
  }
}

/** `readZone`'s answer when the text ends before any zone (spaces only): no zone, not an error. */
export const NO_ZONE = Number.POSITIVE_INFINITY;

/**
 * The zone that ends a timestamp at `p`: `Z`, `UTC`/`GMT`/`UT` (maybe followed by an offset), or an
 * offset `+02:00`, `+0200`, `+02` (at most 18 h). Returns its offset in minutes east of UTC, `NO_ZONE`
 * when only spaces are left, NaN when the rest is not exactly a zone (named zones are not guessed).
 */
export function readZone(t: string, p: number, end: number): number {
  p = skipSpaces(t, p, end);
  if (p === end) return NO_ZONE;
  let c = t.charCodeAt(p);
  if (c === 90 || c === 122) return p + 1 === end ? 0 : NaN;
  if (c === 85 || c === 71) {
    // UTC / GMT / UT, maybe followed by an offset
    const word = t.slice(p, skipAlpha(t, p, end));
    if (word !== 'UTC' && word !== 'GMT' && word !== 'UT') return NaN;
    p += word.length;
    if (p === end) return 0;
    c = t.charCodeAt(p);
  }
  if (c !== 43 && c !== 45) return NaN;
  const sign = c === 45 ? -1 : 1;
  const hh = readInt(t, p + 1, end);
  let minutes: number;
  let q = p + 1 + lenOf(hh);
  if (lenOf(hh) === 4) minutes = ((valOf(hh) / 100) | 0) * 60 + (valOf(hh) % 100);
  else if (lenOf(hh) === 2 || lenOf(hh) === 1) {
    minutes = valOf(hh) * 60;
    if (t.charCodeAt(q) === 58) {
      const mm = readInt(t, q + 1, end);
      if (lenOf(mm) !== 2) return NaN;
      minutes += valOf(mm);
      q += 3;
    }
  } else return NaN;
  if (minutes > 18 * 60 || q !== end) return NaN;
  return sign * minutes;
}
