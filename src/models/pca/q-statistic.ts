/**
 * @module models/pca/q-statistic
 * The Q-statistic (SPE) control limit of Jackson & Mudholkar (Technometrics 1979), as used by
 * Xu et al. (SOSP 2009), and the standard normal quantile it needs (Acklam's rational
 * approximation, relative error below 1.2e-9).
 */

/** Inverse of the standard normal CDF (Acklam 2003). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  let x: number;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  return x;
}

/**
 * Q-statistic limit for the residual eigenvalues `residual` (variances of the discarded
 * components) at false-alarm level alpha. Returns 0 when the residual space has no variance.
 */
export function qStatisticThreshold(residual: ArrayLike<number>, alpha: number): number {
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  for (let i = 0; i < residual.length; i++) {
    const l = Math.max(0, residual[i]);
    t1 += l;
    t2 += l * l;
    t3 += l * l * l;
  }
  if (t1 <= 0 || t2 <= 0) return 0;
  const h0 = 1 - (2 * t1 * t3) / (3 * t2 * t2);
  const ca = normalQuantile(1 - alpha);
  const inner = (ca * Math.sqrt(2 * t2 * h0 * h0)) / t1 + 1 + (t2 * h0 * (h0 - 1)) / (t1 * t1);
  const q = t1 * Math.pow(inner, 1 / h0);
  // h0 <= 0 happens for very skewed spectra; fall back to the normal approximation of Q (mean t1, variance 2 t2).
  return h0 > 0 && inner > 0 && Number.isFinite(q) ? q : t1 + ca * Math.sqrt(2 * t2);
}
