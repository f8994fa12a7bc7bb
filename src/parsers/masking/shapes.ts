/**
 * @module parsers/masking/shapes
 * What a token or value looks like, for the masker (masker.ts): the ASCII character classes it
 * reads in one table lookup per character, the words that are values (booleans, date words,
 * units), and the shape of a digit-bearing value (`classify`: NUM, IP, HEX, UUID, SIZE…),
 * identifiers, e-mail addresses, IPv6 and MAC addresses. Pure functions over strings, no state.
 */

const C_0 = 48;
const C_9 = 57;
export const C_DOT = 46;
export const C_SLASH = 47;
export const C_COLON = 58;

/** Characters that separate the variable and constant parts inside one token. */
export const DELIM = new Uint8Array(128);
for (const ch of '=:()[]{},;|#@\'"<>') DELIM[ch.charCodeAt(0)] = 1;
const OPENERS = '([{<\'"';
const CLOSERS = ')]}>\'",;.:';

/** Character classes of ASCII codes, one table lookup per character in the hot loop. */
export const F_WS = 1;
export const F_DIGIT = 2;
export const F_SLASH = 4;
export const F_AT = 8;
export const F_COLON = 16;
export const F_OPEN = 32;
export const F_CLOSE = 64;
export const F_BACKSLASH = 128;
/** Any character not in the classes above (letters, `-`, `_`, non-ASCII…). */
export const F_OTHER = 256;
export const F_DOT = 512;
export const CC = new Uint16Array(128).fill(F_OTHER);
for (const c of [9, 10, 11, 12, 13, 32]) CC[c] = F_WS;
CC[46] = F_DOT;
for (let c = 48; c <= 57; c++) CC[c] = F_DIGIT;
CC[47] = F_SLASH;
CC[64] = F_AT;
CC[92] = F_BACKSLASH;
for (const ch of OPENERS) CC[ch.charCodeAt(0)] = (CC[ch.charCodeAt(0)] & ~F_OTHER) | F_OPEN;
for (const ch of CLOSERS) CC[ch.charCodeAt(0)] = (CC[ch.charCodeAt(0)] & ~F_OTHER) | F_CLOSE;
CC[58] |= F_COLON;
CC[46] = F_DOT; // a closer too, but kept apart so `1.5` and `10.0.0.1` take the fast path (see isClass)

export const BOOLS = new Set(['true', 'false', 'null', 'True', 'False', 'None', 'NULL', 'TRUE', 'FALSE', 'nil', 'undefined']);
export const DATE_WORDS = new Set([
  'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun',
  'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec',
]);
const SIZE_UNITS = new Set(['b', 'B', 'k', 'K', 'kb', 'KB', 'Kb', 'kB', 'KiB', 'mb', 'MB', 'Mb', 'MiB', 'M', 'gb', 'GB', 'G', 'GiB', 'TB', 'TiB', 'bytes', 'Kbytes', 'Mbytes']);
const TIME_UNITS = new Set(['ns', 'us', 'µs', 'ms', 's', 'sec', 'secs', 'm', 'min', 'mins', 'h', 'hr', 'hrs', 'd', 'MHz', 'GHz', 'Hz', 'kHz']);

export function isClass(c: number, f: number): boolean {
  if (c === C_DOT) return (f & F_CLOSE) !== 0;
  return c < 128 && (CC[c] & f) !== 0;
}
export function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}
function isHex(c: number): boolean {
  return (c >= C_0 && c <= C_9) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
export function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || (c >= 10 && c <= 13);
}

/**
 * Names such as `jk2_init`, `Slf4jLogger`, `flush2DB`: start with a letter, at most one digit in
 * five characters, and no word (between `_`, `-`, `.`) made of digits only.
 */
export function isIdentifier(seg: string): boolean {
  const c0 = seg.charCodeAt(0);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) return false;
  let digits = 0;
  let wordDigitsOnly = true;
  let wordLen = 0;
  for (let k = 0; k <= seg.length; k++) {
    const c = k < seg.length ? seg.charCodeAt(k) : 45;
    if (c === 95 || c === 45 || c === C_DOT) {
      if (wordLen > 0 && wordDigitsOnly) return false;
      wordDigitsOnly = true;
      wordLen = 0;
      continue;
    }
    wordLen++;
    if (isDigit(c)) digits++;
    else wordDigitsOnly = false;
  }
  return digits * 5 <= seg.length;
}

export function isAllDigits(s: string, from: number): boolean {
  for (let k = from; k < s.length; k++) if (!isDigit(s.charCodeAt(k))) return false;
  return from < s.length;
}

export function hasDigitBefore(s: string, end: number): boolean {
  for (let k = 0; k < end; k++) if (isDigit(s.charCodeAt(k))) return true;
  return false;
}

export function isEmailLike(core: string): boolean {
  for (let k = 0; k < core.length; k++) {
    const c = core.charCodeAt(k);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 45 || c === 95 || c === 43 || c === 64;
    if (!ok) return false;
  }
  return true;
}

/** IPv6 (with `::` or 6+ groups) and MAC addresses. */
export function colonHexShape(core: string): string | null {
  let colons = 0;
  let double = false;
  let letters = false;
  for (let k = 0; k < core.length; k++) {
    const c = core.charCodeAt(k);
    if (c === C_COLON) {
      colons++;
      if (k > 0 && core.charCodeAt(k - 1) === C_COLON) double = true;
    } else if (c === C_DOT) {
      continue;
    } else if (!isHex(c)) {
      return null;
    } else if (c > 57) {
      letters = true;
    }
  }
  if (colons >= 5 && !double && core.length === colons * 3 + 2) return 'MAC';
  if ((double && colons >= 2) || (colons >= 5 && (letters || double))) return 'IP';
  return null;
}

/** Type of a digit-bearing segment. */
export function classify(seg: string): string {
  const n = seg.length;
  let k = 0;
  const c0 = seg.charCodeAt(0);
  if (c0 === 45 || c0 === 43) k = 1; // sign
  if (n > 2 && c0 === C_0 && (seg.charCodeAt(1) === 120 || seg.charCodeAt(1) === 88)) {
    for (let q = 2; q < n; q++) if (!isHex(seg.charCodeAt(q))) return 'ID';
    return 'HEX';
  }
  let dots = 0;
  let q = k;
  while (q < n) {
    const c = seg.charCodeAt(q);
    if (c === C_DOT) dots++;
    else if (!isDigit(c) && c !== 44) break;
    q++;
  }
  if (q === n) {
    if (dots === 3 && k === 0) return 'IP';
    return dots <= 1 ? 'NUM' : 'ID';
  }
  if (q > k && dots <= 1) {
    const unit = seg.slice(q);
    if (SIZE_UNITS.has(unit)) return 'SIZE';
    if (TIME_UNITS.has(unit)) return 'DURATION';
  }
  if (n === 36 && seg.charCodeAt(8) === 45 && seg.charCodeAt(13) === 45 && seg.charCodeAt(18) === 45 && seg.charCodeAt(23) === 45) return 'UUID';
  if (n >= 8) {
    let hex = true;
    for (let p = 0; p < n; p++) {
      if (!isHex(seg.charCodeAt(p))) {
        hex = false;
        break;
      }
    }
    if (hex) return 'HEX';
  }
  return 'ID';
}
