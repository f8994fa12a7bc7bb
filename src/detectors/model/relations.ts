/**
 * @module detectors/model/relations
 * Explanations of a model that judges by relations between template counts (models/invariants):
 * one explanation item per broken relation, naming it — `T1 = T4` observed 3, expected 2
 * ("received 3 blocks, 2 acknowledged") — instead of per-column attributions.
 */
import type { Contribution } from '../../core/event.js';
import type { Model } from '../../core/model.js';
import type { Violation } from '../../models/index.js';

export interface RelationModel extends Model {
  violations(x: ArrayLike<number>): Violation[];
}

export function hasViolations(m: Model): m is RelationModel {
  return typeof (m as { violations?: unknown }).violations === 'function';
}

/** `2·T5 + T6 = T1` style text of one relation, positive terms on the left; `name` names a column. */
export function relationText(v: Violation['invariant'], name: (col: number) => string): string {
  const term = (k: number) => `${Math.abs(v.coefs[k]) === 1 ? '' : `${Math.abs(v.coefs[k])}·`}${name(v.cols[k])}`;
  const left: string[] = [];
  const right: string[] = [];
  for (let k = 0; k < v.cols.length; k++) (v.coefs[k] > 0 ? left : right).push(term(k));
  return `${left.join(' + ')} = ${right.join(' + ')}`;
}

/**
 * One item per broken relation (mining order: fewest templates first): feature = the relation and
 * how often it held in training, observed = its left side, expected = its right side; the template is
 * the relation's first.
 */
export function describeViolations(violations: Violation[], info: (col: number) => { feature: string; templateId?: number }, top: number): Contribution[] {
  return violations.slice(0, Math.max(1, top)).map((v) => {
    const first = info(v.invariant.cols[0]);
    const c: Contribution = {
      feature: `count ${relationText(v.invariant, (col) => info(col).feature)} (held in ${(v.invariant.hold * 100).toFixed(1)}% of ${v.invariant.active} training sessions)`,
      observed: v.left,
      expected: v.right,
      contribution: 1,
    };
    if (first.templateId !== undefined) c.templateId = first.templateId;
    return c;
  });
}
