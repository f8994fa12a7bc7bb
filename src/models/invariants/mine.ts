/**
 * @module models/invariants/mine
 * The invariant search of Lou et al. (USENIX ATC 2010), on a matrix of template counts (one row
 * per session). A *relation* is a sparse integer vector c with Σ cᵢ·count(Tᵢ) = 0, e.g.
 * count(open) − count(close) = 0; it is *accepted* when it holds in at least `min_hold` of the
 * training sessions where one of its templates occurs ("active" sessions), and those are at least
 * `min_sessions`. The search runs over supports of increasing size (2, then 3 templates) and
 * coefficients of increasing size, as the paper's brute-force search does, and skips a relation
 * already in the span of the accepted ones (it would say nothing new) or with an idle term (a
 * template that is absent from nearly all sessions where the relation holds). Only columns whose training
 * values are all non-negative integers take part (counts; not shares or scaled features).
 * Rows are compressed to distinct count vectors with weights first: sessions repeat (6,352 HDFS
 * training sessions hold a few hundred distinct vectors), so the cost is in distinct rows.
 */
import type { Matrix } from '../../core/model.js';
import type { InvariantsConfig } from './config.js';

/** One accepted relation: Σ coefs[k]·x[cols[k]] = 0. */
export interface Invariant {
  cols: number[];
  coefs: number[];
  /** Share of the active training sessions where it held. */
  hold: number;
  /** Training sessions where one of its templates occurs. */
  active: number;
}

interface Rows {
  /** Distinct rows over the candidate columns, row-major (R × m). */
  values: Int32Array;
  weights: Float64Array;
  m: number;
}

/** Columns that hold non-negative integers in every row, most often non-zero first (ties by index). */
function candidateColumns(X: Matrix, cfg: InvariantsConfig): number[] {
  const { rows, cols, data } = X;
  const nonzero = new Float64Array(cols);
  const integral = new Uint8Array(cols).fill(1);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = data[o + c];
      if (v !== 0) nonzero[c]++;
      if (v < 0 || !Number.isInteger(v)) integral[c] = 0;
    }
  }
  const out: number[] = [];
  for (let c = 0; c < cols; c++) if (integral[c] && nonzero[c] >= cfg.min_sessions) out.push(c);
  out.sort((a, b) => nonzero[b] - nonzero[a] || a - b);
  return out.slice(0, cfg.max_columns);
}

function distinctRows(X: Matrix, cand: number[]): Rows {
  const m = cand.length;
  const index = new Map<string, number>();
  const vals: number[] = [];
  const weights: number[] = [];
  const row = new Array<number>(m);
  for (let r = 0; r < X.rows; r++) {
    const o = r * X.cols;
    for (let k = 0; k < m; k++) row[k] = X.data[o + cand[k]];
    const key = row.join(',');
    const at = index.get(key);
    if (at !== undefined) weights[at]++;
    else {
      index.set(key, weights.length);
      weights.push(1);
      for (const v of row) vals.push(v);
    }
  }
  return { values: Int32Array.from(vals), weights: Float64Array.from(weights), m };
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Coefficient vectors of `k` terms, each in ±1…max, mixed signs (over non-negative counts a relation
 * with one sign only means "all zero"), first term positive, gcd 1; smallest largest-coefficient first.
 */
export function coefficientVectors(k: number, max: number): number[][] {
  const out: number[][] = [];
  const cur = new Array<number>(k);
  const walk = (i: number) => {
    if (i === k) {
      if (cur[0] < 0 || cur.every((c) => c > 0) || cur.reduce(gcd) !== 1) return;
      out.push([...cur]);
      return;
    }
    for (let a = 1; a <= max; a++) {
      for (const s of [1, -1]) {
        cur[i] = s * a;
        walk(i + 1);
      }
    }
  };
  walk(0);
  const top = (v: number[]) => Math.max(...v.map(Math.abs));
  const sum = (v: number[]) => v.reduce((s, c) => s + Math.abs(c), 0);
  return out.sort((a, b) => top(a) - top(b) || sum(a) - sum(b));
}

/** Row-echelon basis of the accepted relations, to skip a relation in their span. */
class Span {
  private readonly basis: { pivot: number; v: Float64Array }[] = [];
  constructor(private readonly dim: number) {}

  /** Adds v unless it is in the span; returns whether it was new. */
  add(entries: ReadonlyArray<[number, number]>): boolean {
    const v = new Float64Array(this.dim);
    for (const [c, x] of entries) v[c] = x;
    for (const b of this.basis) {
      const f = v[b.pivot];
      if (f !== 0) for (let j = 0; j < this.dim; j++) v[j] -= f * b.v[j];
    }
    let pivot = -1;
    for (let j = 0; j < this.dim; j++) if (Math.abs(v[j]) > 1e-9 && (pivot < 0 || Math.abs(v[j]) > Math.abs(v[pivot]))) pivot = j;
    if (pivot < 0) return false;
    const p = v[pivot];
    for (let j = 0; j < this.dim; j++) v[j] /= p;
    for (const b of this.basis) {
      const f = b.v[pivot];
      if (f !== 0) for (let j = 0; j < this.dim; j++) b.v[j] -= f * v[j];
    }
    this.basis.push({ pivot, v });
    return true;
  }
}

/** Mines the invariants of a count matrix (rows = sessions). */
export function mineInvariants(X: Matrix, cfg: InvariantsConfig): Invariant[] {
  const cand = candidateColumns(X, cfg);
  if (cand.length < 2) return [];
  const rows = distinctRows(X, cand);
  const { values, weights, m } = rows;
  const R = weights.length;
  const span = new Span(m);
  const found: Invariant[] = [];
  const active: number[] = [];
  const support = new Array<number>(0);

  /**
   * Every template of the relation occurs in at least `min_sessions` of the sessions where it holds:
   * otherwise the term is idle (count(A) + count(rare) = count(B) holds wherever A = B does and the
   * rare template is absent), and would only flag normal sessions where the rare template appears.
   */
  const everyTermCounts = (coefs: number[]): boolean => {
    const k = support.length;
    for (let i = 0; i < k; i++) {
      let w = 0;
      for (const r of active) {
        const o = r * m;
        if (values[o + support[i]] === 0) continue;
        let s = 0;
        for (let j = 0; j < k; j++) s += coefs[j] * values[o + support[j]];
        if (s === 0) w += weights[r];
        if (w >= cfg.min_sessions) break;
      }
      if (w < cfg.min_sessions) return false;
    }
    return true;
  };

  const tryRelations = (coefSets: number[][]): void => {
    const k = support.length;
    active.length = 0;
    let activeWeight = 0;
    for (let r = 0; r < R; r++) {
      const o = r * m;
      for (let i = 0; i < k; i++) {
        if (values[o + support[i]] !== 0) {
          active.push(r);
          activeWeight += weights[r];
          break;
        }
      }
    }
    if (activeWeight < cfg.min_sessions) return;
    const allowed = (1 - cfg.min_hold) * activeWeight + 1e-9;
    for (const coefs of coefSets) {
      let broken = 0;
      for (const r of active) {
        const o = r * m;
        let s = 0;
        for (let i = 0; i < k; i++) s += coefs[i] * values[o + support[i]];
        if (s !== 0) {
          broken += weights[r];
          if (broken > allowed) break;
        }
      }
      if (broken > allowed || !everyTermCounts(coefs)) continue;
      if (!span.add(support.map((c, i) => [c, coefs[i]] as [number, number]))) continue;
      found.push({ cols: support.map((c) => cand[c]), coefs: [...coefs], hold: 1 - broken / activeWeight, active: activeWeight });
      if (found.length >= cfg.max_invariants) return;
    }
  };

  const pairs = coefficientVectors(2, cfg.max_coefficient);
  for (let a = 0; a < m && found.length < cfg.max_invariants; a++) {
    for (let b = a + 1; b < m && found.length < cfg.max_invariants; b++) {
      support.splice(0, support.length, a, b);
      tryRelations(pairs);
    }
  }
  if (cfg.max_support >= 3) {
    const triples = coefficientVectors(3, cfg.max_coefficient);
    for (let a = 0; a < m && found.length < cfg.max_invariants; a++) {
      for (let b = a + 1; b < m && found.length < cfg.max_invariants; b++) {
        for (let c = b + 1; c < m && found.length < cfg.max_invariants; c++) {
          support.splice(0, support.length, a, b, c);
          tryRelations(triples);
        }
      }
    }
  }
  return found;
}
