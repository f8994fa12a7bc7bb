/**
 * @module parsers/drain/match
 * How a masked line compares with a cluster's template, and where its params are.
 */
import type { MaskedLine } from '../masking/masker.js';
import { WILDCARD } from '../masking/masker.js';
import { hasPlaceholder, placeholderEnd, tokenShape } from './tokens.js';

/** What matching needs of a cluster. */
export interface TemplateTokens {
  tokens: string[];
  template: string;
}

/**
 * How to read params for lines of one masked shape in one cluster: null when the params are exactly
 * the masked values; otherwise pairs (token index, offset) of tokens whose raw text (from offset)
 * replaces that token's masked values, because the template generalised them.
 */
export type ParamPlan = Int32Array | null;


/**
 * A cluster that has seen a word at a position many times keeps it constant: a different word
 * there now names another event (`client WindowsUpdateAgent.` vs `client SPP.`), not a variable.
 */
export function conflictsWithStable(tmpl: string[], tokens: string[], shapes: string[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const a = tmpl[i];
    if (a === tokens[i] || a === WILDCARD || shapes[i] === WILDCARD) continue;
    if (!hasPlaceholder(a) && !hasPlaceholder(tokens[i])) return true;
  }
  return false;
}

/**
 * A `key=value` token names a field. Against a template token `key=value`, the line's token at that
 * position belongs to another event (whatever the cluster's size) when:
 * - its key differs (`LOGIN(uid=0)` vs `(uid=0)`): another field, not another value of this one; or
 * - the template's value is still one value (not `<*>`) and the line's value is built differently:
 *   another punctuation structure (`tty=NODEVssh` vs `tty=:0`, `rhost=` vs `rhost=x`).
 * Values built alike still merge (`user=root` + `user=guest` → `user=<*>`), and once a value is
 * `<*>` any value fits. A key is a field name (letters, digits, `_.-@` and brackets), so the text
 * before a `=` in a path or query string (`/index.php?page=2`) is no key.
 */
export function conflictsKeyValue(tmpl: string[], tokens: string[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const a = tmpl[i];
    const b = tokens[i];
    if (a === b) continue;
    const ka = a.indexOf('=');
    if (ka <= 0) continue;
    const kb = b.indexOf('=');
    if (kb <= 0 || !isKey(a, ka) || !isKey(b, kb)) continue;
    if (ka !== kb || !a.startsWith(b.slice(0, kb))) return true;
    if (a.length - ka - 1 === 3 && a.endsWith(WILDCARD)) continue;
    if (!sameStructure(a, ka + 1, b, kb + 1)) return true;
  }
  return false;
}

/** Field-name characters only before `end` (no placeholder, no `/`, `?`, `&`, `:` …). */
function isKey(t: string, end: number): boolean {
  for (let p = 0; p < end; p++) {
    const c = t.charCodeAt(p);
    if (!(isWordChar(c) || c === 40 || c === 41 || c === 91 || c === 93 || c === 123 || c === 125 || c === 64)) return false;
  }
  return true;
}

/** Letters, digits, `.`, `-`, `_` and non-ASCII: what a word, a number or a host name is made of. */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 46 || c === 45 || c === 95 || c > 127;
}

/**
 * True when `a` from `pa` and `b` from `pb` have the same punctuation structure: runs of word
 * characters and placeholders count as one word, every other character must be the same.
 */
function sameStructure(a: string, pa: number, b: string, pb: number): boolean {
  for (;;) {
    const wa = pa < a.length && startsWord(a, pa);
    const wb = pb < b.length && startsWord(b, pb);
    if (wa !== wb) return false;
    if (wa) {
      pa = skipWord(a, pa);
      pb = skipWord(b, pb);
      continue;
    }
    if (pa >= a.length || pb >= b.length) return pa >= a.length && pb >= b.length;
    if (a.charCodeAt(pa) !== b.charCodeAt(pb)) return false;
    pa++;
    pb++;
  }
}

function startsWord(t: string, p: number): boolean {
  return isWordChar(t.charCodeAt(p)) || placeholderEnd(t, p) > 0;
}

function skipWord(t: string, p: number): number {
  while (p < t.length) {
    if (isWordChar(t.charCodeAt(p))) p++;
    else {
      const e = placeholderEnd(t, p);
      if (e < 0) break;
      p = e;
    }
  }
  return p;
}

/** Share of constant positions that agree; placeholders of any type agree with each other. */
export function similarity(tmpl: string[], tokens: string[], shapes: string[]): number {
  let same = 0;
  let counted = 0;
  let wild = 0;
  for (let i = 0; i < tokens.length; i++) {
    const a = tmpl[i];
    const b = tokens[i];
    if (a === b) {
      if (!(a.length > 2 && a.charCodeAt(0) === 60 && a.charCodeAt(a.length - 1) === 62 && shapes[i] === WILDCARD)) {
        counted++;
        same++;
      }
      continue;
    }
    const sa = tokenShape(a);
    if (sa === WILDCARD && shapes[i] === WILDCARD) continue;
    counted++;
    if (a === WILDCARD) {
      same++;
      wild++;
    } else if (sa === shapes[i]) same++;
    else if (sameKey(a, b) || sameTail(sa, shapes[i])) same += 0.5;
  }
  if (counted === 0) return 1;
  // Agreement only through wildcards is no evidence: a template of wildcards absorbs nothing.
  if (wild === same && wild > 0) return 0;
  return same / counted;
}

/** Same placeholder tail after the same separator (`libc-bin:<*>`, `man-db:<*>`): a value qualified by a name. */
function sameTail(sa: string, sb: string): boolean {
  const ka = sa.lastIndexOf(':<*>');
  return ka > 0 && ka + 4 === sa.length && sb.length > 4 && sb.endsWith(':<*>') && sb.indexOf('<*>') === sb.length - 3 && sa.indexOf('<*>') === ka + 1;
}

function sameKey(a: string, b: string): boolean {
  const ka = a.indexOf('=');
  return ka > 0 && ka === b.indexOf('=') && a.startsWith(b.slice(0, ka + 1));
}

export function paramPlan(c: TemplateTokens, m: MaskedLine): ParamPlan {
  if (c.template === m.key) return null;
  const tokens = m.tokens();
  const plan: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = c.tokens[i];
    const own = tokens[i];
    if (t === own || (t !== WILDCARD && tokenShape(t) === tokenShape(own))) continue;
    const eq = t === WILDCARD ? -1 : t.indexOf('=');
    plan.push(i, eq > 0 ? eq + 1 : 0);
  }
  return plan.length === 0 ? null : Int32Array.from(plan);
}

/** Values at the template's variable positions, in order. */
export function applyPlan(plan: Int32Array, m: MaskedLine): string[] {
  const out: string[] = [];
  let p = 0;
  const np = m.paramToken.length;
  for (let k = 0; k < plan.length; k += 2) {
    const i = plan[k];
    while (p < np && m.paramToken[p] < i) out.push(m.params[p++]);
    while (p < np && m.paramToken[p] === i) p++;
    const raw = m.raw(i);
    out.push(plan[k + 1] > 0 ? raw.slice(plan[k + 1]) : raw);
  }
  while (p < np) out.push(m.params[p++]);
  return out;
}

/**
 * Where the params of `m` sit in its message as (start, end, lenient) triples, or null if one is
 * not a slice. Masked values are lenient (their digits may vary); raw words the template generalised
 * are not.
 */
export function paramSpans(plan: ParamPlan, m: MaskedLine): Int32Array | null {
  const out: number[] = [];
  const push = (k: number): boolean => {
    const st = m.paramStart[k];
    if (st < 0) return false;
    out.push(st, st + m.params[k].length, 1);
    return true;
  };
  const np = m.paramToken.length;
  let p = 0;
  if (plan !== null) {
    for (let k = 0; k < plan.length; k += 2) {
      const i = plan[k];
      while (p < np && m.paramToken[p] < i) if (!push(p++)) return null;
      while (p < np && m.paramToken[p] === i) p++;
      const st = m.start(i);
      out.push(st + plan[k + 1], st + m.raw(i).length, 0);
    }
  }
  while (p < np) if (!push(p++)) return null;
  return Int32Array.from(out);
}

export function extractParams(tmpl: string[], m: MaskedLine): string[] {
  const plan = paramPlan({ template: tmpl.join(' '), tokens: tmpl }, m);
  return plan === null ? m.params : applyPlan(plan, m);
}

