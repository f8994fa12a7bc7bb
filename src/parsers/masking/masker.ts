/**
 * @module parsers/masking/masker
 * Splits a message into tokens and replaces variable parts with typed placeholders in one
 * char-code pass (no regex cascade). A token is variable where it carries a digit, is a
 * boolean/null literal, or is a path/URL/e-mail/IPv6; inside a token, structure such as
 * `key=`, `:` ports and brackets is kept so `uid=0` becomes `uid=<NUM>` and `10.0.0.1:80`
 * becomes `<IP>:<NUM>`.
 */

export type PlaceholderStyle = 'typed' | 'plain';

export interface CustomMask {
  /** Placeholder name, upper case: the mask emits `<NAME>`. */
  name: string;
  /** A regular expression from the configuration (never built from log lines). */
  pattern: string;
}

export interface MaskerOptions {
  /** `typed` emits `<NUM>`, `<IP>`…; `plain` emits `<*>` everywhere. */
  placeholders?: PlaceholderStyle;
  /** Tokens beyond this count are folded into one trailing variable. */
  maxTokens?: number;
  /** Extra masks applied to the whole message before the built-in ones. */
  customMasks?: CustomMask[];
}

/** Reusable output of {@link Masker.mask}; valid until the next call. */
export interface MaskedLine {
  /** Masked tokens (placeholders inside), one per whitespace-separated token. */
  tokens: string[];
  /** Raw text of every token, aligned with `tokens`. */
  raw: string[];
  /** Raw values replaced by placeholders, in order. */
  params: string[];
  /** Token index each param came from. */
  paramToken: number[];
}

export const WILDCARD = '<*>';

const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const C_SLASH = 47;
const C_COLON = 58;

/** Characters that separate the variable and constant parts inside one token. */
const DELIM = new Uint8Array(128);
for (const ch of '=:()[]{},;|#@\'"<>') DELIM[ch.charCodeAt(0)] = 1;
const OPENERS = '([{<\'"';
const CLOSERS = ')]}>\'",;.:';

const BOOLS = new Set(['true', 'false', 'null', 'True', 'False', 'None', 'NULL', 'TRUE', 'FALSE', 'nil', 'undefined']);
const DATE_WORDS = new Set([
  'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun',
  'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec',
]);
const SIZE_UNITS = new Set(['b', 'B', 'k', 'K', 'kb', 'KB', 'Kb', 'kB', 'KiB', 'mb', 'MB', 'Mb', 'MiB', 'M', 'gb', 'GB', 'G', 'GiB', 'TB', 'TiB', 'bytes', 'Kbytes', 'Mbytes']);
const TIME_UNITS = new Set(['ns', 'us', 'µs', 'ms', 's', 'sec', 'secs', 'm', 'min', 'mins', 'h', 'hr', 'hrs', 'd', 'MHz', 'GHz', 'Hz', 'kHz']);

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}
function isHex(c: number): boolean {
  return (c >= C_0 && c <= C_9) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || (c >= 10 && c <= 13);
}

export class Masker {
  private readonly typed: boolean;
  private readonly maxTokens: number;
  private readonly custom: { name: string; re: RegExp }[];
  readonly out: MaskedLine = { tokens: [], raw: [], params: [], paramToken: [] };

  constructor(opts: MaskerOptions = {}) {
    this.typed = (opts.placeholders ?? 'typed') === 'typed';
    this.maxTokens = opts.maxTokens ?? 256;
    this.custom = (opts.customMasks ?? []).map((m) => ({ name: m.name, re: new RegExp(m.pattern, 'g') }));
  }

  private ph(name: string): string {
    return this.typed ? `<${name}>` : WILDCARD;
  }

  /** Masks one message into `this.out` (reused). */
  mask(message: string): MaskedLine {
    const o = this.out;
    o.tokens.length = 0;
    o.raw.length = 0;
    o.params.length = 0;
    o.paramToken.length = 0;
    const text = this.custom.length ? this.applyCustom(message) : message;
    const n = text.length;
    let i = 0;
    let dateCandidates = false;
    while (i < n) {
      while (i < n && isWhitespace(text.charCodeAt(i))) i++;
      if (i >= n) break;
      let j = i;
      let digits = false;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (isWhitespace(c)) break;
        if (isDigit(c)) digits = true;
        j++;
      }
      if (o.tokens.length === this.maxTokens - 1) {
        // Cap reached: the rest of the line is one variable.
        const rest = text.slice(i).trimEnd();
        o.tokens.push(this.ph('TAIL'));
        o.raw.push(rest);
        o.params.push(rest);
        o.paramToken.push(o.tokens.length - 1);
        break;
      }
      const tok = text.slice(i, j);
      o.raw.push(tok);
      if (this.custom.length && tok.charCodeAt(0) === 0 && tok.length > 1) {
        this.emitCustom(tok);
      } else if (!digits && !this.mayHoldWordVariable(tok)) {
        o.tokens.push(tok);
        if (!dateCandidates && tok.length === 3 && DATE_WORDS.has(tok)) dateCandidates = true;
      } else {
        this.maskToken(tok, digits);
      }
      i = j;
    }
    if (dateCandidates) this.maskDateWords();
    return o;
  }

  /** Cheap pre-check: can a digit-free token still hold a variable (bool, path, URL, email)? */
  private mayHoldWordVariable(tok: string): boolean {
    const c0 = tok.charCodeAt(0);
    const slash = tok.indexOf('/');
    if (slash >= 0 && tok.indexOf('/', slash + 1) > 0) return true;
    if (tok.length === 2 && (tok === '()' || tok === '[]' || tok === '""' || tok === "''")) return true;
    if (tok.indexOf('://') > 0 || tok.indexOf('@') > 0) return true;
    // bool/null literals, alone or as the last value of a token (`ok=true`, `isOverlap:false,`)
    let e = tok.length;
    while (e > 0 && CLOSERS.indexOf(tok[e - 1]) >= 0) e--;
    let s = e;
    while (s > 0) {
      const c = tok.charCodeAt(s - 1);
      if (c < 128 && DELIM[c] === 1) break;
      s--;
    }
    if (e - s >= 3 && e - s <= 9 && BOOLS.has(tok.slice(s, e))) return true;
    return false;
  }

  private pushParam(value: string): void {
    this.out.params.push(value);
    this.out.paramToken.push(this.out.tokens.length);
  }

  private maskToken(tok: string, digits: boolean): void {
    const o = this.out;
    // Token-level shapes first, on the token without surrounding brackets/quotes/punctuation.
    let a = 0;
    let b = tok.length;
    while (a < b && OPENERS.indexOf(tok[a]) >= 0) a++;
    while (b > a && CLOSERS.indexOf(tok[b - 1]) >= 0) b--;
    if (b - a === 0 && tok.length === 2 && OPENERS.indexOf(tok[0]) >= 0) {
      // `()`, `[]`: an empty value.
      this.pushParam('');
      o.tokens.push(tok[0] + this.ph('EMPTY') + tok[1]);
      return;
    }
    const core = tok.slice(a, b);
    const shape = this.tokenShape(core);
    if (shape !== null) {
      const scheme = shape === 'URL' ? core.slice(0, core.indexOf('://') + 3) : '';
      this.pushParam(scheme ? core.slice(scheme.length) : core);
      o.tokens.push(tok.slice(0, a) + scheme + this.ph(shape) + tok.slice(b));
      return;
    }
    if (!digits && !this.hasBoolSegment(tok) && tok.indexOf('/') < 0) {
      o.tokens.push(tok);
      return;
    }
    this.maskSegments(tok);
  }

  private hasBoolSegment(tok: string): boolean {
    let s = 0;
    const n = tok.length;
    for (let k = 0; k <= n; k++) {
      const c = k < n ? tok.charCodeAt(k) : 32;
      if (k === n || (c < 128 && DELIM[c] === 1) || (c === C_DOT && k === n - 1)) {
        if (k > s && BOOLS.has(tok.slice(s, k))) return true;
        s = k + 1;
      }
    }
    return false;
  }

  /** Path, URL, e-mail or IPv6/MAC that should become one placeholder, or null. */
  private tokenShape(core: string): string | null {
    const n = core.length;
    if (n < 3) return null;
    const c0 = core.charCodeAt(0);
    const scheme = core.indexOf('://');
    if (scheme > 0 && scheme + 3 < n) return 'URL';
    if (c0 === C_SLASH && core.indexOf('/', 1) > 0) return 'PATH';
    if ((c0 === C_DOT || c0 === 126) && core.charCodeAt(1) === C_SLASH) return 'PATH';
    if (n > 3 && core.charCodeAt(1) === C_COLON && core.charCodeAt(2) === 92) return 'PATH';
    const at = core.indexOf('@');
    if (at > 0 && core.indexOf('.', at) > at + 1 && isEmailLike(core)) return 'EMAIL';
    return colonHexShape(core);
  }

  private maskSegments(tok: string): void {
    const o = this.out;
    let built = '';
    let s = 0;
    const n = tok.length;
    for (let k = 0; k <= n; k++) {
      const c = k < n ? tok.charCodeAt(k) : -1;
      const dotRun = c === C_DOT && k + 1 < n && tok.charCodeAt(k + 1) === C_DOT;
      if (k < n && !(c < 128 && DELIM[c] === 1) && !dotRun) continue;
      if (k > s) built += this.maskSegment(tok, s, k);
      if (k === n) break;
      if (dotRun) {
        let e = k;
        while (e < n && tok.charCodeAt(e) === C_DOT) e++;
        built += tok.slice(k, e);
        k = e - 1;
      } else {
        built += tok[k];
      }
      s = k + 1;
    }
    o.tokens.push(built);
  }

  private maskSegment(tok: string, s: number, e: number): string {
    // A sentence-ending period stays literal: `port 22.` -> `port <NUM>.`
    let end = e;
    let tail = '';
    if (e === tok.length && e - s > 1 && tok.charCodeAt(e - 1) === C_DOT) {
      end = e - 1;
      tail = '.';
    }
    const seg = tok.slice(s, end);
    let digit = false;
    for (let k = 0; k < seg.length; k++) {
      if (isDigit(seg.charCodeAt(k))) {
        digit = true;
        break;
      }
    }
    if (!digit) {
      if (seg.charCodeAt(0) === C_SLASH && seg.indexOf('/', 1) > 0) {
        this.pushParam(seg + tail);
        return this.ph('PATH');
      }
      if (!BOOLS.has(seg)) return seg + tail;
      this.pushParam(seg);
      return this.ph('BOOL') + tail;
    }
    if (isIdentifier(seg)) return seg + tail;
    // `core.2275` -> `core.<NUM>`: a word with a numeric suffix keeps the word.
    const dot = seg.lastIndexOf('.');
    if (dot > 0 && dot < seg.length - 1 && isAllDigits(seg, dot + 1) && !hasDigitBefore(seg, dot)) {
      this.pushParam(seg.slice(dot + 1));
      return seg.slice(0, dot + 1) + this.ph('NUM') + tail;
    }
    this.pushParam(seg);
    return this.ph(this.typed ? classify(seg) : '*') + tail;
  }

  /** Weekday and month names next to a masked value are part of a date. */
  private maskDateWords(): void {
    const t = this.out.tokens;
    // Backwards, so `Sun Jul 10` masks `Jul` first and then `Sun`.
    for (let k = t.length - 1; k >= 0; k--) {
      if (t[k].length !== 3 || !DATE_WORDS.has(t[k])) continue;
      const next = k + 1 < t.length && t[k + 1].charCodeAt(0) === 60;
      const prev = k > 0 && t[k - 1].charCodeAt(0) === 60;
      if (!next && !prev) continue;
      // Insert the param in token order.
      let at = 0;
      while (at < this.out.paramToken.length && this.out.paramToken[at] < k) at++;
      this.out.params.splice(at, 0, this.out.raw[k]);
      this.out.paramToken.splice(at, 0, k);
      t[k] = this.ph('DATE');
    }
  }

  private applyCustom(message: string): string {
    // Replaced spans become one token `\0<index>\0<value>` so the tokenizer keeps them whole.
    let text = message;
    for (let m = 0; m < this.custom.length; m++) {
      const { re } = this.custom[m];
      re.lastIndex = 0;
      text = text.replace(re, (v: string) => `\u0000${m}\u0000${v.replace(/\s/g, '\u0001')}`);
    }
    return text;
  }

  private emitCustom(tok: string): void {
    const second = tok.indexOf('\u0000', 1);
    const idx = Number(tok.slice(1, second));
    const value = tok.slice(second + 1).replace(/\u0001/g, ' ');
    this.out.raw[this.out.raw.length - 1] = value;
    this.pushParam(value);
    this.out.tokens.push(this.typed ? `<${this.custom[idx].name}>` : WILDCARD);
  }
}

/**
 * Names such as `jk2_init`, `Slf4jLogger`, `flush2DB`: start with a letter, at most one digit in
 * five characters, and no word (between `_`, `-`, `.`) made of digits only.
 */
function isIdentifier(seg: string): boolean {
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

function isAllDigits(s: string, from: number): boolean {
  for (let k = from; k < s.length; k++) if (!isDigit(s.charCodeAt(k))) return false;
  return from < s.length;
}

function hasDigitBefore(s: string, end: number): boolean {
  for (let k = 0; k < end; k++) if (isDigit(s.charCodeAt(k))) return true;
  return false;
}

function isEmailLike(core: string): boolean {
  for (let k = 0; k < core.length; k++) {
    const c = core.charCodeAt(k);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 45 || c === 95 || c === 43 || c === 64;
    if (!ok) return false;
  }
  return true;
}

/** IPv6 (with `::` or 6+ groups) and MAC addresses. */
function colonHexShape(core: string): string | null {
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
