/**
 * @module parsers/masking/masker
 * Splits a message into tokens and replaces variable parts with typed placeholders in one
 * char-code pass (no regex cascade). A token is variable where it carries a digit, is a
 * boolean/null literal, or is a path/URL/e-mail/IPv6; inside a token, structure such as
 * `key=`, `:` ports and brackets is kept so `uid=0` becomes `uid=<NUM>` and `10.0.0.1:80`
 * becomes `<IP>:<NUM>`. What a character or value looks like is shapes.ts; the reused output
 * object is masked-line.ts.
 */

import { type MaskedLine, MaskedLineImpl } from './masked-line.js';
import { BOOLS, C_COLON, C_DOT, C_SLASH, CC, classify, colonHexShape, DATE_WORDS, DELIM, F_AT, F_BACKSLASH, F_CLOSE, F_COLON, F_DIGIT, F_DOT, F_OPEN, F_OTHER, F_SLASH, F_WS, hasDigitBefore, isAllDigits, isClass, isDigit, isEmailLike, isIdentifier, isWhitespace } from './shapes.js';

export type { MaskedLine } from './masked-line.js';
export { classify } from './shapes.js';

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

export const WILDCARD = '<*>';

export class Masker {
  private readonly typed: boolean;
  private readonly maxTokens: number;
  private readonly custom: { name: string; re: RegExp }[];
  private readonly o: MaskedLineImpl;
  private readonly numPh: string;
  /** Token being masked and where it starts (params record them). */
  private tok = 0;
  private tokStart = 0;

  constructor(opts: MaskerOptions = {}) {
    this.typed = (opts.placeholders ?? 'typed') === 'typed';
    this.maxTokens = Math.max(2, opts.maxTokens ?? 256);
    this.custom = (opts.customMasks ?? []).map((m) => ({ name: m.name, re: new RegExp(m.pattern, 'g') }));
    this.o = new MaskedLineImpl(this.maxTokens);
    this.numPh = this.ph('NUM');
  }

  private ph(name: string): string {
    return this.typed ? `<${name}>` : WILDCARD;
  }

  /** Lets the last message go: the reused result holds it until the next one (a megabyte line per source, issue 17). */
  release(): void {
    this.o.reset('');
  }

  /**
   * Masks one message. Constant runs of the message are copied into the key as slices, so a line
   * without variables costs one scan and no allocation beyond the key.
   */
  mask(message: string): MaskedLine {
    const o = this.o;
    const text = this.custom.length ? this.applyCustom(message) : message;
    o.reset(text);
    const n = text.length;
    let key = '';
    let spanStart = -1;
    let prevEnd = 0;
    let count = 0;
    let slow = this.custom.length > 0;
    let i = 0;
    while (i < n) {
      while (i < n && isWhitespace(text.charCodeAt(i))) i++;
      if (i >= n) break;
      this.tok = count;
      if (count === this.maxTokens - 1) {
        // Cap reached: the rest of the line is one variable.
        let e = n;
        while (e > i && isWhitespace(text.charCodeAt(e - 1))) e--;
        if (spanStart >= 0) key += text.slice(spanStart, prevEnd);
        spanStart = -1;
        key += ' ' + this.ph('TAIL');
        o.starts[count] = i;
        o.ends[count] = e;
        this.pushParam(text.slice(i, e), i);
        count++;
        break;
      }
      let j = i;
      let flags = 0;
      let slashes = 0;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c < 128) {
          const f = CC[c];
          if (f & F_WS) break;
          flags |= f;
          if (f & F_SLASH) slashes++;
        } else flags |= F_OTHER;
        j++;
      }
      o.starts[count] = i;
      o.ends[count] = j;
      this.tokStart = i;
      let masked: string | null = null;
      if ((flags === F_DIGIT || flags === (F_DIGIT | F_DOT)) && text.charCodeAt(j - 1) !== C_DOT) {
        // Fast path: numbers and IPv4 addresses, the most common variables.
        const tok = text.slice(i, j);
        this.pushParam(tok, i);
        masked = flags === F_DIGIT ? this.numPh : this.ph(this.typed ? classify(tok) : '*');
      } else if (flags & (F_DIGIT | F_AT) || slashes >= 2 || this.mayHoldWordVariable(text, i, j)) {
        const tok = text.slice(i, j);
        masked = slow && tok.charCodeAt(0) === 0 && tok.length > 1 ? this.emitCustom(tok, count) : this.maskToken(tok, flags);
        if (masked === tok) masked = null;
      } else if (j - i === 3 && !slow) {
        const c0 = text.charCodeAt(i);
        if (c0 >= 65 && c0 <= 90 && DATE_WORDS.has(text.slice(i, j))) slow = true;
      }
      if (masked === null) {
        if (spanStart < 0) {
          if (count > 0) key += ' ';
          spanStart = i;
        } else if (!(i === prevEnd + 1 && text.charCodeAt(prevEnd) === 32)) {
          key += text.slice(spanStart, prevEnd) + ' ';
          spanStart = i;
        }
      } else {
        if (spanStart >= 0) {
          key += text.slice(spanStart, prevEnd);
          spanStart = -1;
        }
        key += count > 0 ? ' ' + masked : masked;
      }
      prevEnd = j;
      count++;
      i = j;
    }
    if (spanStart >= 0) key += text.slice(spanStart, prevEnd);
    o.key = key;
    o.count = count;
    if (slow) this.maskDateWords();
    return o;
  }

  /** Can a digit-free token still hold a variable: `()`, or a bool/null as its last value (`ok=true`)? */
  private mayHoldWordVariable(text: string, i: number, j: number): boolean {
    if (j - i === 2) {
      const c = text.charCodeAt(i);
      const d = text.charCodeAt(j - 1);
      return (c === 40 && d === 41) || (c === 91 && d === 93) || (c === 34 && d === 34) || (c === 39 && d === 39);
    }
    let e = j;
    while (e > i && isClass(text.charCodeAt(e - 1), F_CLOSE)) e--;
    if (e - i < 3) return false;
    const last = text.charCodeAt(e - 1);
    // true, false, null, None, nil, NULL, TRUE, FALSE, undefined
    if (!(last === 101 || last === 108 || last === 69 || last === 76 || last === 100)) return false;
    let s = e;
    while (s > i) {
      const c = text.charCodeAt(s - 1);
      if (c < 128 && DELIM[c] === 1) break;
      s--;
    }
    return e - s >= 3 && e - s <= 9 && BOOLS.has(text.slice(s, e));
  }

  /** Records a param: its value and where it starts in the message (-1 when it is not a slice). */
  private pushParam(value: string, start: number): void {
    this.o.params.push(value);
    this.o.paramToken.push(this.tok);
    this.o.paramStart.push(start);
  }

  private maskToken(tok: string, flags: number): string {
    // Token-level shapes first, on the token without surrounding brackets/quotes/punctuation.
    let a = 0;
    let b = tok.length;
    while (a < b && isClass(tok.charCodeAt(a), F_OPEN)) a++;
    while (b > a && isClass(tok.charCodeAt(b - 1), F_CLOSE)) b--;
    if (b - a === 0) {
      if (tok.length !== 2 || !isClass(tok.charCodeAt(0), F_OPEN)) return tok;
      // `()`, `[]`: an empty value.
      this.pushParam('', this.tokStart + 1);
      return tok[0] + this.ph('EMPTY') + tok[1];
    }
    if (flags & (F_SLASH | F_AT | F_COLON | F_BACKSLASH)) {
      const core = a === 0 && b === tok.length ? tok : tok.slice(a, b);
      const shape = this.tokenShape(core, flags);
      if (shape !== null) {
        const scheme = shape === 'URL' ? core.slice(0, core.indexOf('://') + 3) : '';
        this.pushParam(scheme ? core.slice(scheme.length) : core, this.tokStart + a + scheme.length);
        return tok.slice(0, a) + scheme + this.ph(shape) + tok.slice(b);
      }
    }
    if (!(flags & F_DIGIT) && !(flags & F_SLASH) && !this.hasBoolSegment(tok)) return tok;
    return this.maskSegments(tok);
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
  private tokenShape(core: string, flags: number): string | null {
    const n = core.length;
    if (n < 3) return null;
    const c0 = core.charCodeAt(0);
    if (flags & F_SLASH) {
      const scheme = core.indexOf('://');
      if (scheme > 0 && scheme + 3 < n) return 'URL';
      if (c0 === C_SLASH && core.indexOf('/', 1) > 0) return 'PATH';
      if ((c0 === C_DOT || c0 === 126) && core.charCodeAt(1) === C_SLASH) return 'PATH';
    }
    if (flags & F_BACKSLASH && n > 3 && core.charCodeAt(1) === C_COLON && core.charCodeAt(2) === 92) return 'PATH';
    if (flags & F_AT) {
      const at = core.indexOf('@');
      if (at > 0 && core.indexOf('.', at) > at + 1 && isEmailLike(core)) return 'EMAIL';
    }
    return flags & F_COLON ? colonHexShape(core) : null;
  }

  private maskSegments(tok: string): string {
    // Constant text is copied in slices; only masked segments are built.
    let built = '';
    let copied = 0;
    let s = 0;
    const n = tok.length;
    for (let k = 0; k <= n; k++) {
      const c = k < n ? tok.charCodeAt(k) : -1;
      const dotRun = c === C_DOT && k + 1 < n && tok.charCodeAt(k + 1) === C_DOT;
      if (k < n && !(c < 128 && DELIM[c] === 1) && !dotRun) continue;
      if (k > s) {
        const m = this.maskSegment(tok, s, k);
        if (m !== null) {
          built += tok.slice(copied, s) + m;
          copied = k;
        }
      }
      if (k === n) break;
      if (dotRun) {
        while (k + 1 < n && tok.charCodeAt(k + 1) === C_DOT) k++;
      }
      s = k + 1;
    }
    return copied === 0 ? tok : built + tok.slice(copied);
  }

  private maskSegment(tok: string, s: number, e: number): string | null {
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
        this.pushParam(seg + tail, this.tokStart + s);
        return this.ph('PATH');
      }
      if (!BOOLS.has(seg)) return null;
      this.pushParam(seg, this.tokStart + s);
      return this.ph('BOOL') + tail;
    }
    if (isIdentifier(seg)) return null;
    // `core.2275` -> `core.<NUM>`: a word with a numeric suffix keeps the word.
    const dot = seg.lastIndexOf('.');
    if (dot > 0 && dot < seg.length - 1 && isAllDigits(seg, dot + 1) && !hasDigitBefore(seg, dot)) {
      this.pushParam(seg.slice(dot + 1), this.tokStart + s + dot + 1);
      return seg.slice(0, dot + 1) + this.ph('NUM') + tail;
    }
    this.pushParam(seg, this.tokStart + s);
    return this.ph(this.typed ? classify(seg) : '*') + tail;
  }

  /** Weekday and month names next to a masked value are part of a date. */
  private maskDateWords(): void {
    const o = this.o;
    const t = o.tokens().slice();
    let changed = false;
    // Backwards, so `Sun Jul 10` masks `Jul` first and then `Sun`.
    for (let k = t.length - 1; k >= 0; k--) {
      if (t[k].length !== 3 || !DATE_WORDS.has(t[k])) continue;
      const next = k + 1 < t.length && t[k + 1].charCodeAt(0) === 60;
      const prev = k > 0 && t[k - 1].charCodeAt(0) === 60;
      if (!next && !prev) continue;
      let at = 0;
      while (at < o.paramToken.length && o.paramToken[at] < k) at++;
      o.params.splice(at, 0, o.raw(k));
      o.paramToken.splice(at, 0, k);
      o.paramStart.splice(at, 0, o.starts[k]);
      t[k] = this.ph('DATE');
      changed = true;
    }
    if (changed) o.setTokens(t);
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

  private emitCustom(tok: string, _k: number): string {
    const second = tok.indexOf('\u0000', 1);
    const idx = Number(tok.slice(1, second));
    this.pushParam(tok.slice(second + 1).replace(/\u0001/g, ' '), -1);
    return this.typed ? `<${this.custom[idx].name}>` : WILDCARD;
  }
}
