/**
 * @module models/invariants/invariants
 * Mined invariants (Lou, Fu, Yang, Xu & Li, USENIX ATC 2010): linear relations between the template
 * counts of a session that hold in (almost) every training session — count(open) = count(close),
 * count(Receiving block) = count(Received block) — found by `mine.ts`. A session that breaks one
 * is anomalous, and the broken relation is the explanation ("3 opened, 2 closed"). score(x) is the
 * number of broken relations; the own threshold 0.5 is the paper's rule (any broken relation).
 * Input: raw template counts (the definition says `input: 'counts'`, so the batch detector feeds
 * unscaled counts); columns that are not non-negative integers at fit are left out of the search.
 */
import type { FeatureContribution, Matrix, Model, ModelArtifact } from '../../core/model.js';
import { assertMatrix, byContributionDesc, notFitted, parseOptions, trainingStats, type TrainingStats } from '../artifact.js';
import { invariantsConfigSchema, type InvariantsConfig, type InvariantsOptions } from './config.js';
import { mineInvariants, type Invariant } from './mine.js';

export const INVARIANTS_KIND = 'invariants';
export const INVARIANTS_VERSION = 1;

export interface InvariantsParams {
  options: InvariantsConfig;
  cols: number;
  invariants: Invariant[];
  training: TrainingStats;
}

/** A broken relation in one row: Σ coefs·x ≠ 0, split into its positive (left) and negative (right) side. */
export interface Violation {
  invariant: Invariant;
  /** Σ of the positive terms, e.g. count(open). */
  left: number;
  /** Σ of the negated negative terms, e.g. count(close): what `left` should equal. */
  right: number;
}

/** Σ coefs·x of one relation on a row stored at `o` of `data`. */
function residual(inv: Invariant, data: ArrayLike<number>, o: number): number {
  let s = 0;
  for (let k = 0; k < inv.cols.length; k++) s += inv.coefs[k] * data[o + inv.cols[k]];
  return s;
}

export class Invariants implements Model {
  readonly kind = INVARIANTS_KIND;
  readonly options: InvariantsConfig;
  private state: { cols: number; invariants: Invariant[]; stats: TrainingStats } | null = null;

  constructor(options: InvariantsOptions = {}) {
    this.options = parseOptions(invariantsConfigSchema, options, 'invariants');
  }

  /** Any broken relation (Lou et al.'s rule). */
  get threshold(): number {
    return 0.5;
  }

  get trainingStats(): TrainingStats | null {
    return this.state?.stats ?? null;
  }

  /** The accepted relations (copies). */
  get invariants(): Invariant[] {
    if (!this.state) throw notFitted(INVARIANTS_KIND);
    return this.state.invariants.map((i) => ({ ...i, cols: [...i.cols], coefs: [...i.coefs] }));
  }

  fit(X: Matrix): void {
    assertMatrix(X, 'invariants fit', undefined, 2);
    const invariants = mineInvariants(X, this.options);
    this.state = { cols: X.cols, invariants, stats: { rows: 0, mean: 0, std: 0, min: 0, max: 0, p50: 0, p90: 0, p99: 0 } };
    this.state.stats = trainingStats(this.score(X));
  }

  score(X: Matrix): Float64Array {
    const s = this.fitted();
    assertMatrix(X, 'invariants score', s.cols, 0);
    const out = new Float64Array(X.rows);
    for (let r = 0; r < X.rows; r++) {
      let broken = 0;
      for (const inv of s.invariants) if (residual(inv, X.data, r * X.cols) !== 0) broken++;
      out[r] = broken;
    }
    return out;
  }

  /** The relations the row breaks, in mining order (smaller support first). */
  violations(x: ArrayLike<number>): Violation[] {
    const s = this.fitted();
    const out: Violation[] = [];
    for (const inv of s.invariants) {
      if (residual(inv, x, 0) === 0) continue;
      let left = 0;
      let right = 0;
      for (let k = 0; k < inv.cols.length; k++) {
        const v = inv.coefs[k] * x[inv.cols[k]];
        if (inv.coefs[k] > 0) left += v;
        else right -= v;
      }
      out.push({ invariant: inv, left, right });
    }
    return out;
  }

  /**
   * Per column: the number of broken relations it takes part in; `expected` is the value that would
   * mend the first of them with the other counts as observed.
   */
  explain(x: Float64Array): FeatureContribution[] {
    const byCol = new Map<number, FeatureContribution>();
    for (const v of this.violations(x)) {
      const inv = v.invariant;
      for (let k = 0; k < inv.cols.length; k++) {
        const c = inv.cols[k];
        const have = byCol.get(c);
        if (have) {
          have.contribution++;
          continue;
        }
        const others = residual(inv, x, 0) - inv.coefs[k] * x[c];
        byCol.set(c, { index: c, contribution: 1, observed: x[c], expected: -others / inv.coefs[k] });
      }
    }
    return [...byCol.values()].sort(byContributionDesc);
  }

  toJSON(): ModelArtifact<InvariantsParams> {
    const s = this.fitted();
    return { kind: INVARIANTS_KIND, version: INVARIANTS_VERSION, params: { options: { ...this.options }, cols: s.cols, invariants: this.invariants, training: s.stats } };
  }

  /** @internal used by the artifact loader. */
  static fromParams(p: InvariantsParams): Invariants {
    const m = new Invariants(p.options);
    m.state = { cols: p.cols, invariants: p.invariants, stats: p.training };
    return m;
  }

  private fitted(): NonNullable<Invariants['state']> {
    if (!this.state) throw notFitted(INVARIANTS_KIND);
    return this.state;
  }
}
