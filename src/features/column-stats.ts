/**
 * @module features/column-stats
 * Fit-time statistics for the vectorizer: transition vocabulary, column means, standard and
 * min-max scaling over sparse rows.
 */
import type { Sequence } from './sequences.js';
import type { Vocabulary } from './vocabulary.js';

/** Compressed sparse rows. */
export interface SparseRows {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

export function learnBigrams(seqs: readonly Sequence[], vocab: Vocabulary, max: number): [number[], number[]] {
  const V = vocab.size;
  const n = V + 3;
  const freq = new Map<number, number>();
  const df = new Map<number, number>();
  const seen = new Set<number>();
  for (const s of seqs) {
    seen.clear();
    let prev = V + 1;
    const t = s.templates;
    for (let i = 0; i <= t.length; i++) {
      if (i === t.length && t.length === 0) break;
      const c = i < t.length ? vocab.column(t[i]) : V + 2;
      const code = prev * n + c;
      freq.set(code, (freq.get(code) ?? 0) + 1);
      if (!seen.has(code)) {
        seen.add(code);
        df.set(code, (df.get(code) ?? 0) + 1);
      }
      prev = c;
    }
  }
  const codes = [...freq.keys()].sort((a, b) => (freq.get(b) ?? 0) - (freq.get(a) ?? 0) || a - b).slice(0, max);
  codes.sort((a, b) => a - b);
  return [codes, codes.map((c) => df.get(c) ?? 0)];
}

export function columnMeans(m: SparseRows): Float64Array {
  const mean = new Float64Array(m.cols);
  for (let p = 0; p < m.values.length; p++) mean[m.indices[p]] += m.values[p];
  for (let c = 0; c < m.cols; c++) mean[c] /= Math.max(1, m.rows);
  return mean;
}

export function standardStats(m: SparseRows): [Float64Array, Float64Array] {
  const mean = columnMeans(m);
  const sq = new Float64Array(m.cols);
  for (let p = 0; p < m.values.length; p++) sq[m.indices[p]] += m.values[p] * m.values[p];
  const scale = new Float64Array(m.cols);
  for (let c = 0; c < m.cols; c++) {
    const v = sq[c] / Math.max(1, m.rows) - mean[c] * mean[c];
    const sd = Math.sqrt(Math.max(0, v));
    // A column (nearly) constant in training keeps raw units, so a new value stays visible, not infinite.
    scale[c] = sd > 1e-6 ? sd : 1;
  }
  return [mean, scale];
}

export function minMaxStats(m: SparseRows): [Float64Array, Float64Array] {
  const lo = new Float64Array(m.cols).fill(Infinity);
  const hi = new Float64Array(m.cols).fill(-Infinity);
  const nnz = new Int32Array(m.cols);
  for (let p = 0; p < m.values.length; p++) {
    const c = m.indices[p];
    const v = m.values[p];
    if (v < lo[c]) lo[c] = v;
    if (v > hi[c]) hi[c] = v;
    nnz[c]++;
  }
  const scale = new Float64Array(m.cols);
  for (let c = 0; c < m.cols; c++) {
    if (nnz[c] < m.rows) {
      // Implicit zeros of the sparse rows count too.
      lo[c] = Math.min(lo[c], 0);
      hi[c] = Math.max(hi[c], 0);
    }
    scale[c] = hi[c] - lo[c] > 1e-12 ? hi[c] - lo[c] : 1;
  }
  return [lo, scale];
}
