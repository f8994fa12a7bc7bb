/**
 * @module parsers/formats/layout
 * Compiles a Loghub-style header layout (`<Date> <Time> <Level> <Component>: <Content>`) into an
 * anchored regex, plus — when the text between fields is plain (characters, escaped punctuation,
 * runs of spaces) — a scanner program that finds the same match without a regex engine.
 *
 * Semantics (see header-pattern.ts for the why): text between fields is regex source, runs of
 * spaces match any whitespace run, a field stops at the first occurrence of what follows it
 * (whitespace, a character, or whitespace + a character), a field followed by anything else is
 * lazy; fields hold at most {@link MAX_FIELD} characters; Content takes the rest (newlines too).
 *
 * The scanner follows exactly the regex engine's first (greedy-first) path; when that path fails,
 * the caller falls back to the regex, which may still find a match by backtracking. So both give
 * the same result on every input.
 */
import { AnomalogError } from '../../core/errors.js';

/** Longest header field (chars); bounds backtracking on hostile lines. */
export const MAX_FIELD = 512;

const CONTENT_NAMES = new Set(['content', 'message', 'msg']);
const META = new Set('\\^$.|?*+()[]{}'.split(''));

/** Scanner field kinds. */
const NONSPACE = 0;
const UNTIL = 1;
const UNTIL_SPACE_THEN = 2;
const REST_OF_LINE = 3;
const CONTENT = 4;
/** Literal token meaning "one or more whitespace characters". */
const WS = -1;

/**
 * Scanner program, flat: per step `[litCount, tok…, kind, stop]`; tokens are char codes or WS;
 * kind is a field kind, or -1 for the trailing literal (the last step).
 */
type Program = Int32Array;

export interface CompiledLayout {
  readonly regex: RegExp;
  /** Field names in layout order (Content included). */
  readonly names: readonly string[];
  /** Capture-group index of each field. */
  readonly groups: readonly number[];
  /** Index (into names) of the Content/Message field. */
  readonly content: number;
  /** Scanner program, or null when the layout needs the regex (groups, classes, quantifiers). */
  readonly steps: Program | null;
}

/** Compiles a Loghub-style layout; throws ANOMALOG_ERR_FORMAT_INVALID when it cannot. */
export function compileLayout(layout: string): CompiledLayout {
  const parts = layout.split(/(<[^<>]+>)/);
  const rawLits: string[] = [];
  for (let i = 0; i < parts.length; i += 2) rawLits.push(toJsRegexSource(parts[i]));
  const literals = rawLits.map((l) => l.replace(/ +/g, '\\s+'));
  const names: string[] = [];
  const groups: number[] = [];
  const kinds: number[] = [];
  const stops: number[] = [];
  let content = -1;
  let src = '^' + literals[0];
  let groupCount = countCaptures(literals[0]);
  for (let k = 0; k < literals.length - 1; k++) {
    const name = parts[2 * k + 1].slice(1, -1);
    const next = literals[k + 1];
    const isLast = k === literals.length - 2;
    let pattern: string;
    if (content === -1 && CONTENT_NAMES.has(name.toLowerCase())) {
      content = k;
      const greedy = isLast && next.length === 0;
      pattern = greedy ? '[\\s\\S]*' : '[\\s\\S]*?';
      kinds.push(greedy ? CONTENT : -1);
      stops.push(0);
    } else {
      const f = fieldPattern(next, isLast);
      pattern = f.pattern;
      kinds.push(f.kind);
      stops.push(f.stop);
    }
    names.push(name);
    groups.push(++groupCount);
    src += '(' + pattern + ')' + next;
    groupCount += countCaptures(next);
  }
  src += '$';
  if (content === -1) {
    throw new AnomalogError('ANOMALOG_ERR_FORMAT_INVALID', `The layout "${layout}" has no <Content> field.`, {
      hint: 'Name the message part <Content>, e.g. "<Date> <Time> <Level> <Component>: <Content>".',
    });
  }
  let regex: RegExp;
  try {
    regex = new RegExp(src);
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_FORMAT_INVALID', `The layout "${layout}" is not a valid pattern.`, {
      hint: 'Text between <Field>s is a regular expression: escape [ ] ( ) | . as \\[ \\] \\( \\) \\| \\.',
      cause: e,
    });
  }
  return { regex, names, groups, content, steps: buildSteps(rawLits, kinds, stops) };
}

/** What a (non-Content) field may hold, given the literal source that follows it. */
function fieldPattern(next: string, isLast: boolean): { pattern: string; kind: number; stop: number } {
  const lazy = { pattern: `.{0,${MAX_FIELD}}?`, kind: -1, stop: 0 };
  if (next.length === 0) return isLast ? { pattern: `[^\\n]{0,${MAX_FIELD}}`, kind: REST_OF_LINE, stop: 0 } : lazy;
  if (next.startsWith('\\s+')) {
    // Whitespace then another field: one token. Whitespace then literal text (` - `): anything up
    // to the first place where that whitespace + literal begins (so `svchost.exe *64 - …` works).
    const lit = firstLiteral(next.slice(3));
    if (lit === null) return { pattern: `\\S{0,${MAX_FIELD}}`, kind: NONSPACE, stop: 0 };
    return { pattern: `(?:(?!\\s+${lit})[^\\n]){0,${MAX_FIELD}}`, kind: UNTIL_SPACE_THEN, stop: litCode(lit) };
  }
  const lit = firstLiteral(next);
  if (lit === null) return lazy;
  return { pattern: `[^${classEscape(lit.slice(-1))}\\n]{0,${MAX_FIELD}}`, kind: UNTIL, stop: litCode(lit) };
}

function litCode(lit: string): number {
  return lit.charCodeAt(lit.length - 1);
}

/** The first literal character of a regex fragment, as source (`-`, `\[`), or null. */
function firstLiteral(src: string): string | null {
  const c = src[0];
  if (c === undefined) return null;
  if (c === '\\') {
    const d = src[1];
    return d !== undefined && !/[A-Za-z0-9]/.test(d) ? '\\' + d : null;
  }
  return META.has(c) ? null : c;
}

function classEscape(c: string): string {
  return c === '\\' || c === ']' || c === '^' || c === '-' ? '\\' + c : c;
}

/** Python `re` syntax that JavaScript spells differently (`(?P=name)` backreferences). */
function toJsRegexSource(s: string): string {
  return s.replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
}

/** Literal source → scanner tokens, or null when it is not plain text. */
function literalTokens(src: string): Int32Array | null {
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === ' ') {
      if (out[out.length - 1] !== WS) out.push(WS);
      while (src[i + 1] === ' ') i++;
    } else if (c === '\\') {
      const d = src[i + 1];
      if (d === undefined || /[A-Za-z0-9]/.test(d)) return null;
      out.push(d.charCodeAt(0));
      i++;
    } else if (META.has(c)) {
      return null;
    } else {
      out.push(c.charCodeAt(0));
    }
  }
  return Int32Array.from(out);
}

function buildSteps(rawLits: string[], kinds: number[], stops: number[]): Program | null {
  const prog: number[] = [];
  for (let k = 0; k < rawLits.length; k++) {
    const lit = literalTokens(rawLits[k]);
    if (lit === null) return null;
    const kind = k < kinds.length ? kinds[k] : -1;
    if (k < kinds.length && kind === -1) return null; // lazy field or non-final Content
    prog.push(lit.length, ...lit, kind, stops[k] ?? 0);
  }
  return Int32Array.from(prog);
}

/** Number of capturing groups opened in a regex source fragment. */
export function countCaptures(src: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      if (src[i + 1] !== '?') n++;
      else if (src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!') n++;
    }
  }
  return n;
}

/** JavaScript's `\s`. */
export function isSpace(c: number): boolean {
  return c === 32 || (c <= 13 && c >= 9) || (c >= 160 && isWideSpace(c));
}

function isWideSpace(c: number): boolean {
  return (
    c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * Runs the scanner program over `s`, writing each field's [start, end) into `bounds`
 * (2 entries per field). Returns false when the greedy-first path fails (then ask the regex).
 */
export function scanLayout(prog: Program, s: string, bounds: Int32Array): boolean {
  const n = s.length;
  const firstNl = s.indexOf('\n');
  const lineEnd = firstNl === -1 ? n : firstNl;
  let p = 0;
  let pc = 0;
  for (let k = 0; ; k++) {
    const litEnd = pc + 1 + prog[pc];
    for (pc++; pc < litEnd; pc++) {
      const t = prog[pc];
      if (t === WS) {
        let c = s.charCodeAt(p);
        if (!(c === 32 || (c <= 13 && c >= 9) || (c >= 160 && isWideSpace(c)))) return false;
        p++;
        for (; p < n; p++) {
          c = s.charCodeAt(p);
          if (!(c === 32 || (c <= 13 && c >= 9) || (c >= 160 && isWideSpace(c)))) break;
        }
      } else {
        if (s.charCodeAt(p) !== t) return false;
        p++;
      }
    }
    const kind = prog[pc];
    const stop = prog[pc + 1];
    pc += 2;
    if (kind === -1) return p === n;
    const start = p;
    const limit = n < p + MAX_FIELD ? n : p + MAX_FIELD;
    if (kind === NONSPACE) {
      for (; p < limit; p++) {
        const c = s.charCodeAt(p);
        if (c === 32 || (c <= 13 && c >= 9) || (c >= 160 && isWideSpace(c))) break;
      }
      if (p === limit && p < n && !isSpace(s.charCodeAt(p))) return false;
    } else if (kind === UNTIL) {
      // [^c\n]{0,MAX}: up to the first stop character or newline (native indexOf, no char loop).
      const k = s.indexOf(String.fromCharCode(stop), p);
      p = k === -1 || k > lineEnd ? lineEnd : k;
      if (p > limit || (p === limit && p < n)) return false;
    } else if (kind === UNTIL_SPACE_THEN) {
      p = untilSpaceThen(s, p, stop, lineEnd);
      if (p > limit || (p === limit && p < n)) return false;
    } else if (kind === REST_OF_LINE) {
      while (p < limit && s.charCodeAt(p) !== 10) p++;
      if (p < n) return false;
    } else {
      p = n; // CONTENT (last): the rest
    }
    bounds[2 * k] = start;
    bounds[2 * k + 1] = p;
  }
}

/**
 * End of a `(?:(?!\s+c)[^\n])*` field starting at p: the first position from which whitespace
 * then `stop` follows, or the end of the line. Found with indexOf on `stop`, then a walk back over
 * the whitespace before it.
 */
function untilSpaceThen(s: string, p: number, stop: number, lineEnd: number): number {
  const stopChar = String.fromCharCode(stop);
  for (let k = s.indexOf(stopChar, p + 1); k !== -1; k = s.indexOf(stopChar, k + 1)) {
    let q = k;
    while (q > 0 && isSpace(s.charCodeAt(q - 1))) q--;
    if (q === k) continue; // no whitespace right before this stop
    const start = q < p ? p : q;
    return start < lineEnd ? start : lineEnd;
  }
  return lineEnd;
}
