/**
 * @module parsers/drain/match
 * How a masked line compares with a cluster's template, and where its params are.
 */
import type { MaskedLine } from '../masking/masker.js';
import { WILDCARD } from '../masking/masker.js';
import { hasPlaceholder, tokenShape } from './tokens.js';

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

