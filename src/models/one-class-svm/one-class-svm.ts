/**
 * @module models/one-class-svm/one-class-svm
 * One-Class SVM (Schölkopf et al., "Estimating the Support of a High-Dimensional Distribution",
 * Neural Computation 2001) with an RBF kernel, trained by libsvm's own solver (see ./libsvm.ts).
 *
 * Decision value f(x) = Σᵢ αᵢ exp(−γ‖x − svᵢ‖²) − ρ (libsvm's, also scikit-learn's
 * decision_function); score(x) = −f(x), so higher = more anomalous. libsvm predicts −1 when
 * f(x) ≤ 0, but its solver stops once the KKT conditions hold within `tolerance` (ε), so free
 * support vectors — and every training row identical to one, common with count vectors — sit at
 * |f| ≤ ε, on the boundary up to rounding. The model's own threshold is therefore ε: a row is
 * anomalous when f(x) < −ε, i.e. outside the support by more than the solver's precision. Identical support vectors are merged (their αᵢ
 * summed) — an exact identity that makes scoring count vectors much cheaper. ρ is recomputed in
 * double precision as libsvm defines it (mean of Σⱼ αⱼ K(svⱼ, svᵢ) over free SVs, 0 < αᵢ < 1),
 * because libsvm-js prints ρ with only 6 significant digits.
 *
 * explain(x) is the **deviation from the kernel-weighted local SV mean**: weights
 * wᵢ ∝ αᵢ exp(−γ(‖x − svᵢ‖² − min‖x − sv‖²)) (a soft nearest-support-vector, safe from
 * underflow far from the data), expected = Σ wᵢ svᵢ, contribution_f = γ (x_f − expected_f)², the
 * feature's share of the kernel exponent.
 */
import { AnomalogError } from '../../core/errors.js';
import type { FeatureContribution, Matrix, Model, ModelArtifact } from '../../core/model.js';
import { assertMatrix, byContributionDesc, notFitted, parseOptions, trainingStats } from '../artifact.js';
import type { TrainingStats } from '../artifact.js';
import { oneClassSvmConfigSchema } from './config.js';
import type { OneClassSvmConfig, OneClassSvmOptions } from './config.js';
import { loadLibsvmAsm, trainOneClass } from './libsvm.js';
import type { LibsvmModel, SvmEngine } from './libsvm.js';

export const ONE_CLASS_SVM_KIND = 'ocsvm';
export const ONE_CLASS_SVM_VERSION = 1;

export interface OneClassSvmParams {
  options: OneClassSvmConfig;
  cols: number;
  gamma: number;
  /** Support vectors, row-major (unique rows; coefficients of duplicates summed). */
  supportVectors: number[];
  coefficients: number[];
  rho: number;
  /** Support vectors before merging duplicates (libsvm's count). */
  libsvmSupportVectors: number;
  training: TrainingStats;
}

/** Fitted state. */
export interface OneClassSvmState {
  cols: number;
  gamma: number;
  sv: Float64Array;
  coef: Float64Array;
  rho: number;
  libsvmSupportVectors: number;
  stats: TrainingStats;
}

/** RBF width for gamma 'scale' (1/(d·Var(X)), population variance of all entries) or 'auto' (1/d). */
export function resolveGamma(gamma: OneClassSvmConfig['gamma'], X: Matrix): number {
  if (typeof gamma === 'number') return gamma;
  if (gamma === 'auto') return 1 / X.cols;
  const n = X.data.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += X.data[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (X.data[i] - mean) * (X.data[i] - mean);
  v /= n;
  return v > 0 ? 1 / (X.cols * v) : 1;
}

export class OneClassSvm implements Model {
  readonly kind = ONE_CLASS_SVM_KIND;
  readonly options: OneClassSvmConfig;
  private readonly engine: SvmEngine | null;
  private state: OneClassSvmState | null = null;

  /** `engine` defaults to libsvm-js's synchronous asm.js build; pass `await loadLibsvmWasm()` for speed. */
  constructor(options: OneClassSvmOptions = {}, engine?: SvmEngine) {
    this.options = parseOptions(oneClassSvmConfigSchema, options, 'one-class svm');
    this.engine = engine ?? null;
  }

  /** The model's own threshold on score(): libsvm's boundary (0) widened by the solver tolerance ε. */
  get threshold(): number {
    return this.options.tolerance;
  }

  get trainingStats(): TrainingStats | null {
    return this.state?.stats ?? null;
  }

  /** Number of distinct support vectors kept for scoring. */
  get supportVectorCount(): number {
    if (!this.state) throw notFitted('one-class svm');
    return this.state.coef.length;
  }

  fit(X: Matrix): void {
    assertMatrix(X, 'One-Class SVM fit', undefined, 1);
    const gamma = resolveGamma(this.options.gamma, X);
    const raw = trainOneClass(this.engine ?? loadLibsvmAsm(), X.data, X.rows, X.cols, {
      nu: this.options.nu,
      gamma,
      tolerance: this.options.tolerance,
      cacheMb: this.options.cache_mb,
      shrinking: this.options.shrinking,
    });
    if (raw.coef.length === 0) throw new AnomalogError('ANOMALOG_ERR_MODEL_INVALID', 'libsvm found no support vectors.');
    const merged = mergeDuplicates(raw, X.cols);
    const rho = recomputeRho(raw, merged, X.cols, gamma);
    const state: OneClassSvmState = {
      cols: X.cols,
      gamma,
      sv: merged.sv,
      coef: merged.coef,
      rho,
      libsvmSupportVectors: raw.coef.length,
      stats: trainingStats(new Float64Array(1)),
    };
    this.state = state;
    state.stats = trainingStats(this.score(X));
  }

  /** libsvm's decision value f(x) per row (positive inside the learned support). */
  decisionFunction(X: Matrix): Float64Array {
    const st = this.state;
    if (!st) throw notFitted('one-class svm');
    assertMatrix(X, 'One-Class SVM score', st.cols, 0);
    const { cols, gamma, sv, coef, rho } = st;
    const nSv = coef.length;
    const data = X.data;
    const out = new Float64Array(X.rows);
    for (let r = 0; r < X.rows; r++) {
      const base = r * cols;
      let sum = 0;
      for (let s = 0; s < nSv; s++) {
        const sb = s * cols;
        let d2 = 0;
        for (let f = 0; f < cols; f++) {
          const diff = data[base + f] - sv[sb + f];
          d2 += diff * diff;
        }
        sum += coef[s] * Math.exp(-gamma * d2);
      }
      out[r] = sum - rho;
    }
    return out;
  }

  score(X: Matrix): Float64Array {
    const f = this.decisionFunction(X);
    for (let i = 0; i < f.length; i++) f[i] = -f[i];
    return f;
  }

  explain(x: Float64Array): FeatureContribution[] {
    const st = this.state;
    if (!st) throw notFitted('one-class svm');
    assertMatrix({ rows: 1, cols: x.length, data: x }, 'One-Class SVM explain', st.cols);
    const { cols, gamma, sv, coef } = st;
    const nSv = coef.length;
    const d2 = new Float64Array(nSv);
    let min = Infinity;
    for (let s = 0; s < nSv; s++) {
      let acc = 0;
      for (let f = 0; f < cols; f++) acc += (x[f] - sv[s * cols + f]) ** 2;
      d2[s] = acc;
      if (acc < min) min = acc;
    }
    const expected = new Float64Array(cols);
    let wsum = 0;
    for (let s = 0; s < nSv; s++) {
      const w = coef[s] * Math.exp(-gamma * (d2[s] - min));
      wsum += w;
      for (let f = 0; f < cols; f++) expected[f] += w * sv[s * cols + f];
    }
    const out: FeatureContribution[] = [];
    for (let f = 0; f < cols; f++) {
      const e = expected[f] / wsum;
      out.push({ index: f, contribution: gamma * (x[f] - e) ** 2, observed: x[f], expected: e });
    }
    return out.sort(byContributionDesc);
  }

  toJSON(): ModelArtifact<OneClassSvmParams> {
    const st = this.state;
    if (!st) throw notFitted('one-class svm');
    return {
      kind: ONE_CLASS_SVM_KIND,
      version: ONE_CLASS_SVM_VERSION,
      params: {
        options: { ...this.options },
        cols: st.cols,
        gamma: st.gamma,
        supportVectors: Array.from(st.sv),
        coefficients: Array.from(st.coef),
        rho: st.rho,
        libsvmSupportVectors: st.libsvmSupportVectors,
        training: { ...st.stats },
      },
    };
  }

  /** Installs a validated state (used by the artifact loader). */
  restore(state: OneClassSvmState): void {
    this.state = state;
  }
}

/** Merges identical support vectors, summing their coefficients (first-seen order). */
function mergeDuplicates(m: LibsvmModel, cols: number): { sv: Float64Array; coef: Float64Array } {
  const index = new Map<string, number>();
  const sv: number[] = [];
  const coef: number[] = [];
  for (let s = 0; s < m.coef.length; s++) {
    const row = m.sv.subarray(s * cols, (s + 1) * cols);
    const key = row.join(',');
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, coef.length);
      coef.push(m.coef[s]);
      for (let f = 0; f < cols; f++) sv.push(row[f]);
    } else {
      coef[at] += m.coef[s];
    }
  }
  return { sv: Float64Array.from(sv), coef: Float64Array.from(coef) };
}

/** ρ as libsvm defines it: mean over free SVs (0 < α < 1) of Σⱼ αⱼ K(svⱼ, svᵢ); libsvm's value if none is free. */
function recomputeRho(raw: LibsvmModel, merged: { sv: Float64Array; coef: Float64Array }, cols: number, gamma: number): number {
  let total = 0;
  let free = 0;
  const nSv = merged.coef.length;
  for (let i = 0; i < raw.coef.length; i++) {
    const a = raw.coef[i];
    if (!(a > 0 && a < 1)) continue;
    let g = 0;
    for (let s = 0; s < nSv; s++) {
      let d2 = 0;
      for (let f = 0; f < cols; f++) d2 += (raw.sv[i * cols + f] - merged.sv[s * cols + f]) ** 2;
      g += merged.coef[s] * Math.exp(-gamma * d2);
    }
    total += g;
    free++;
  }
  return free > 0 ? total / free : raw.rho;
}
