/**
 * @module detectors/params/series
 * One (source, template, position) series: a ring of the last `window` values (compared scale),
 * median and MAD recomputed every `refresh` values, the range of values learned as normal, and
 * the time bucket of its last alert.
 */

export class Series {
  readonly values: Float64Array;
  next = 0;
  filled = 0;
  /** Values seen. */
  n = 0;
  since = 0;
  median = 0;
  mad = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Bucket of the last alert per direction: [high, low] (NaN: none). */
  lastHigh = Number.NaN;
  lastLow = Number.NaN;

  constructor(window: number) {
    this.values = new Float64Array(window);
  }

  push(y: number, normal: boolean, refresh: number, minSamples: number, scratch: Float64Array): void {
    this.values[this.next] = y;
    this.next = (this.next + 1) % this.values.length;
    if (this.filled < this.values.length) this.filled++;
    this.n++;
    if (normal) {
      if (y < this.min) this.min = y;
      if (y > this.max) this.max = y;
    }
    if (++this.since >= refresh || this.n === minSamples) this.refresh(scratch);
  }

  refresh(scratch: Float64Array): void {
    const k = this.filled;
    const a = scratch.subarray(0, k);
    a.set(this.values.subarray(0, k));
    a.sort();
    const med = k % 2 ? a[k >> 1] : (a[k / 2 - 1] + a[k / 2]) / 2;
    for (let i = 0; i < k; i++) a[i] = Math.abs(a[i] - med);
    a.sort();
    this.median = med;
    this.mad = k % 2 ? a[k >> 1] : (a[k / 2 - 1] + a[k / 2]) / 2;
    this.since = 0;
  }

  /** Values oldest first. */
  ordered(): number[] {
    const out: number[] = [];
    const w = this.values.length;
    for (let i = 0; i < this.filled; i++) out.push(this.values[(this.next - this.filled + i + w) % w]);
    return out;
  }

  toArray(): unknown[] {
    const f = (x: number) => (Number.isFinite(x) ? x : null);
    return [this.n, this.since, this.median, this.mad, f(this.min), f(this.max), f(this.lastHigh), f(this.lastLow), this.ordered()];
  }

  static from(a: unknown, window: number): Series | undefined {
    if (!Array.isArray(a) || a.length !== 9 || !Array.isArray(a[8])) return undefined;
    const s = new Series(window);
    const num = (x: unknown, dflt: number) => (typeof x === 'number' && Number.isFinite(x) ? x : dflt);
    const vals = (a[8] as unknown[]).slice(-window);
    for (const v of vals) {
      s.values[s.next] = num(v, 0);
      s.next = (s.next + 1) % window;
      s.filled++;
    }
    s.n = num(a[0], 0);
    s.since = num(a[1], 0);
    s.median = num(a[2], 0);
    s.mad = num(a[3], 0);
    s.min = num(a[4], Number.POSITIVE_INFINITY);
    s.max = num(a[5], Number.NEGATIVE_INFINITY);
    s.lastHigh = num(a[6], Number.NaN);
    s.lastLow = num(a[7], Number.NaN);
    return s;
  }
}
