/**
 * @module detectors/params/numbers
 * Parameter strings → numbers: plain decimals and exponents, and a few units normalised to
 * milliseconds (ns, us/µs, ms, s, sec, min, h) and bytes (b, k/kb/kib, m/mb/mib, g/gb/gib, t/tb/tib).
 * Anything else (ids, hex, IPs, words) is NaN.
 */

const NUMBER = /^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s?([a-zA-Zµ%]{0,3})$/;

const UNITS: Record<string, number> = {
  '': 1,
  '%': 1,
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  sec: 1000,
  min: 60_000,
  h: 3_600_000,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** The numeric value of a parameter, units normalised; NaN when it is not a number. */
export function parseNumeric(s: unknown): number {
  if (typeof s !== 'string' || s.length === 0 || s.length > 40) return Number.NaN;
  // Cheap pre-check: most parameters (ids, paths, words) do not start like a number.
  const c0 = s.charCodeAt(0);
  if (!((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46 || c0 === 32)) return Number.NaN;
  const int = smallInteger(s);
  if (int === int) return int; // not NaN: the commonest parameter, a plain integer, without Number()
  const end = plainNumberEnd(s);
  // The common case, an ASCII number with no unit, in one pass; anything else takes the full grammar.
  if (end === s.length) {
    const v = Number(s);
    return Number.isFinite(v) ? v : Number.NaN;
  }
  const m = NUMBER.exec(s.trim());
  if (!m) return Number.NaN;
  const unit = UNITS[m[2].toLowerCase()];
  if (unit === undefined) return Number.NaN;
  const v = Number(m[1]) * unit;
  return Number.isFinite(v) ? v : Number.NaN;
}

/** `-?\d{1,15}` exactly (no float rounding possible), else NaN. */
function smallInteger(s: string): number {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (n - i < 1 || n - i > 15) return Number.NaN;
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  return s.charCodeAt(0) === 45 ? -v : v;
}

/**
 * Length of the prefix of `s` that is `[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?` (the number part of
 * NUMBER), or -1 when `s` does not start with one.
 */
function plainNumberEnd(s: string): number {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 45 || c === 43) c = s.charCodeAt(++i);
  let digits = 0;
  while (i < n && c >= 48 && c <= 57) {
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 46) {
    c = s.charCodeAt(++i);
    let frac = 0;
    while (i < n && c >= 48 && c <= 57) {
      frac++;
      c = s.charCodeAt(++i);
    }
    if (digits === 0 && frac === 0) return -1;
  } else if (digits === 0) return -1;
  if (c === 101 || c === 69) {
    let j = i + 1;
    let e = s.charCodeAt(j);
    if (e === 45 || e === 43) e = s.charCodeAt(++j);
    let exp = 0;
    while (j < n && e >= 48 && e <= 57) {
      exp++;
      e = s.charCodeAt(++j);
    }
    if (exp > 0) i = j;
  }
  return i;
}

/** The compared scale: sign(x)·log(1 + |x|) or x. */
export function toScale(x: number, log: boolean): number {
  return log ? Math.sign(x) * Math.log1p(Math.abs(x)) : x;
}

export function fromScale(y: number, log: boolean): number {
  return log ? Math.sign(y) * Math.expm1(Math.abs(y)) : y;
}

/** Φ⁻¹(1 − p) for small p (Acklam's rational approximation of the normal quantile, tail branch). */
export function normalUpperQuantile(p: number): number {
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const q = Math.sqrt(-2 * Math.log(p));
  return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
}
