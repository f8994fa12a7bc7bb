/**
 * @module models/pca/pca
 * PCA residual detector (Xu, Huang, Fox, Patterson & Jordan, "Detecting Large-Scale System
 * Problems by Mining Console Logs", SOSP 2009).
 *
 * fit() centres (and optionally scales) the columns, eigen-decomposes the covariance matrix with
 * ml-matrix, and keeps the leading k components that explain `variance` of the total (the normal
 * subspace). score(x) is the squared prediction error SPE = ‖(I − PPᵀ)(x − μ)/σ‖², the squared
 * distance to the normal subspace. `threshold` is the Q-statistic limit (Jackson & Mudholkar 1979)
 * at false-alarm level `alpha`, computed from the discarded eigenvalues; eigenvalues below
 * 1e-12·λmax are numerical zeros, and the threshold is floored at 1e-9·(total variance) so that a
 * residual space without variance (all training rows on the subspace) still has a tolerance for
 * rounding. explain() = per-feature squared residual (sums to the score); `expected` is the
 * projection of x onto the normal subspace, in the original units.
 */
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { AnomalogError } from '../../core/errors.js';
import type { FeatureContribution, Matrix, Model, ModelArtifact } from '../../core/model.js';
import { assertMatrix, byContributionDesc, notFitted, parseOptions, trainingStats } from '../artifact.js';
import type { TrainingStats } from '../artifact.js';
import { pcaConfigSchema } from './config.js';
import type { PcaConfig, PcaOptions } from './config.js';
import { qStatisticThreshold } from './q-statistic.js';

export const PCA_KIND = 'pca';
export const PCA_VERSION = 1;

export interface PcaParams {
  options: PcaConfig;
  cols: number;
  components: number;
  mean: number[];
  scale: number[];
  /** d × k row-major basis of the normal subspace. */
  basis: number[];
  /** All eigenvalues, descending. */
  eigenvalues: number[];
  threshold: number;
  training: TrainingStats;
}

/** The fitted state (typed arrays). */
export interface PcaState {
  cols: number;
  k: number;
  mean: Float64Array;
  scale: Float64Array;
  basis: Float64Array;
  eigenvalues: Float64Array;
  threshold: number;
  stats: TrainingStats;
}

export class Pca implements Model {
  readonly kind = PCA_KIND;
  readonly options: PcaConfig;
  private state: PcaState | null = null;

  constructor(options: PcaOptions = {}) {
    this.options = parseOptions(pcaConfigSchema, options, 'pca');
  }

  /** Q-statistic limit on score() (SPE) at false-alarm level `alpha`. */
  get threshold(): number {
    if (!this.state) throw notFitted('pca');
    return this.state.threshold;
  }

  /** Number of principal components spanning the normal subspace. */
  get components(): number {
    if (!this.state) throw notFitted('pca');
    return this.state.k;
  }

  get trainingStats(): TrainingStats | null {
    return this.state?.stats ?? null;
  }

  fit(X: Matrix): void {
    assertMatrix(X, 'PCA fit', undefined, 2);
    const d = X.cols;
    const { mean, scale } = columnMoments(X, this.options.scale);
    const cov = covariance(X, mean, scale);
    const evd = new EigenvalueDecomposition(new MlMatrix(cov), { assumeSymmetric: true });
    const values = evd.realEigenvalues;
    const vectors = evd.eigenvectorMatrix;
    const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
    const eigenvalues = new Float64Array(d);
    const lmax = Math.max(0, values[order[0]]);
    for (let i = 0; i < d; i++) {
      const v = values[order[i]];
      eigenvalues[i] = v > 1e-12 * lmax ? v : 0;
    }
    const k = this.chooseComponents(eigenvalues);
    const basis = new Float64Array(d * k);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < d; i++) basis[i * k + j] = vectors.get(i, order[j]);
    }
    let total = 0;
    for (let i = 0; i < d; i++) total += eigenvalues[i];
    const q = qStatisticThreshold(eigenvalues.subarray(k), this.options.alpha);
    const state: PcaState = { cols: d, k, mean, scale, basis, eigenvalues, threshold: Math.max(q, 1e-9 * total), stats: trainingStats(new Float64Array(1)) };
    this.state = state;
    state.stats = trainingStats(this.score(X));
  }

  score(X: Matrix): Float64Array {
    const st = this.state;
    if (!st) throw notFitted('pca');
    assertMatrix(X, 'PCA score', st.cols, 0);
    const out = new Float64Array(X.rows);
    const xc = new Float64Array(st.cols);
    const r = new Float64Array(st.cols);
    for (let i = 0; i < X.rows; i++) {
      residual(st, X.data, i * st.cols, xc, r);
      let spe = 0;
      for (let f = 0; f < st.cols; f++) spe += r[f] * r[f];
      out[i] = spe;
    }
    return out;
  }

  explain(x: Float64Array): FeatureContribution[] {
    const st = this.state;
    if (!st) throw notFitted('pca');
    assertMatrix({ rows: 1, cols: x.length, data: x }, 'PCA explain', st.cols);
    const xc = new Float64Array(st.cols);
    const r = new Float64Array(st.cols);
    residual(st, x, 0, xc, r);
    const out: FeatureContribution[] = [];
    for (let f = 0; f < st.cols; f++) {
      out.push({ index: f, contribution: r[f] * r[f], observed: x[f], expected: x[f] - r[f] * st.scale[f] });
    }
    return out.sort(byContributionDesc);
  }

  toJSON(): ModelArtifact<PcaParams> {
    const st = this.state;
    if (!st) throw notFitted('pca');
    return {
      kind: PCA_KIND,
      version: PCA_VERSION,
      params: {
        options: { ...this.options },
        cols: st.cols,
        components: st.k,
        mean: Array.from(st.mean),
        scale: Array.from(st.scale),
        basis: Array.from(st.basis),
        eigenvalues: Array.from(st.eigenvalues),
        threshold: st.threshold,
        training: { ...st.stats },
      },
    };
  }

  /** Installs a validated state (used by the artifact loader). */
  restore(state: PcaState): void {
    this.state = state;
  }

  private chooseComponents(eigenvalues: Float64Array): number {
    const d = eigenvalues.length;
    const fixed = this.options.n_components;
    if (fixed !== undefined) {
      if (fixed > d) {
        throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', `PCA n_components ${fixed} exceeds the ${d} features.`);
      }
      return fixed;
    }
    let total = 0;
    for (let i = 0; i < d; i++) total += eigenvalues[i];
    if (total <= 0) return 0;
    let acc = 0;
    for (let i = 0; i < d; i++) {
      acc += eigenvalues[i];
      if (acc >= this.options.variance * total * (1 - 1e-12)) return i + 1;
    }
    return d;
  }
}

/** r = xc − P Pᵀ xc for the row of `data` starting at `off` (xc is scratch). */
function residual(st: PcaState, data: ArrayLike<number>, off: number, xc: Float64Array, r: Float64Array): void {
  const { cols: d, k, mean, scale, basis } = st;
  for (let f = 0; f < d; f++) {
    xc[f] = (data[off + f] - mean[f]) / scale[f];
    r[f] = xc[f];
  }
  for (let j = 0; j < k; j++) {
    let t = 0;
    for (let f = 0; f < d; f++) t += basis[f * k + j] * xc[f];
    for (let f = 0; f < d; f++) r[f] -= basis[f * k + j] * t;
  }
}

function columnMoments(X: Matrix, scaled: boolean): { mean: Float64Array; scale: Float64Array } {
  const { rows, cols, data } = X;
  const mean = new Float64Array(cols);
  const scale = new Float64Array(cols).fill(1);
  for (let i = 0; i < rows; i++) for (let f = 0; f < cols; f++) mean[f] += data[i * cols + f];
  for (let f = 0; f < cols; f++) mean[f] /= rows;
  if (scaled) {
    const ss = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      for (let f = 0; f < cols; f++) {
        const v = data[i * cols + f] - mean[f];
        ss[f] += v * v;
      }
    }
    for (let f = 0; f < cols; f++) {
      const sd = Math.sqrt(ss[f] / (rows - 1));
      scale[f] = sd > 0 ? sd : 1;
    }
  }
  return { mean, scale };
}

/** Sample covariance (n − 1) of the centred/scaled columns, as nested arrays for ml-matrix. */
function covariance(X: Matrix, mean: Float64Array, scale: Float64Array): number[][] {
  const { rows, cols, data } = X;
  const acc = new Float64Array(cols * cols);
  const xc = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < cols; f++) xc[f] = (data[i * cols + f] - mean[f]) / scale[f];
    for (let a = 0; a < cols; a++) {
      const va = xc[a];
      if (va === 0) continue;
      for (let b = a; b < cols; b++) acc[a * cols + b] += va * xc[b];
    }
  }
  const out: number[][] = [];
  for (let a = 0; a < cols; a++) {
    const rowOut = new Array<number>(cols);
    for (let b = 0; b < cols; b++) rowOut[b] = (a <= b ? acc[a * cols + b] : acc[b * cols + a]) / (rows - 1);
    out.push(rowOut);
  }
  return out;
}
