/**
 * @module detectors/params/series
 * One (source, template, position) series: a ring of the last `window` values (compared scale) —
 * once full, of every `stride`-th value — median and MAD recomputed every `refresh` values entered,
 * the range of values learned as normal, and the time bucket of its last alert.
 *
 * The window is also kept sorted incrementally (binary search + one `copyWithin` per value), so a
 * refresh is a median lookup plus an O(window) merge walk for the MAD instead of two sorts — this
 * is the per-value hot path of `serve` (profiled: the sorts were a quarter of the params detector).
 */

export class Series {
  /** Ring of the last values; starts small and grows to `window` (most series are short-lived). */
  private values: Float64Array;
  /** The same values as `values[0..filled)`, ascending. */
  private sorted: Float64Array;
  private readonly window: number;
  next = 0;
  filled = 0;
  /** Values seen. */
  n = 0;
  /** Values passed over since the last one that entered the full window. */
  private skipped = 0;
  since = 0;
  median = 0;
  mad = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Bucket of the last alert per direction: [high, low] (NaN: none). */
  lastHigh = Number.NaN;
  lastLow = Number.NaN;
  /**
   * Values (compared scale) that alerted, with the number of time buckets each alerted in: an exact
   * value that keeps coming back (an HTTP 503, an enum) is recurring, a continuous one (a latency)
   * almost never repeats exactly. At most 8, the least seen replaced.
   */
  readonly alerted: number[] = [];
  readonly alertedBuckets: number[] = [];

  /** Counts one more alerting bucket for `y`; returns how many it has now. */
  noteAlert(y: number): number {
    const i = this.alerted.indexOf(y);
    if (i >= 0) return ++this.alertedBuckets[i];
    if (this.alerted.length < 8) {
      this.alerted.push(y);
      this.alertedBuckets.push(1);
      return 1;
    }
    let min = 0;
    for (let k = 1; k < this.alertedBuckets.length; k++) if (this.alertedBuckets[k] < this.alertedBuckets[min]) min = k;
    this.alerted[min] = y;
    this.alertedBuckets[min] = 1;
    return 1;
  }

  /** Buckets `y` has alerted in so far (0: never). */
  alertsOf(y: number): number {
    const i = this.alerted.indexOf(y);
    return i >= 0 ? this.alertedBuckets[i] : 0;
  }

  /** `y` is now part of the range: forget its alert count. */
  forgetAlerts(y: number): void {
    const i = this.alerted.indexOf(y);
    if (i < 0) return;
    this.alerted.splice(i, 1);
    this.alertedBuckets.splice(i, 1);
  }

  constructor(window: number) {
    this.window = window;
    const initial = Math.min(window, 16);
    this.values = new Float64Array(initial);
    this.sorted = new Float64Array(initial);
  }

  /**
   * Scores are the caller's; this only learns. Once the window is full, one value in `stride`
   * enters it (the others still count and widen the normal range): see `window_stride`.
   */
  push(y: number, normal: boolean, refresh: number, minSamples: number, stride = 1): void {
    this.n++;
    if (normal) {
      if (y < this.min) this.min = y;
      if (y > this.max) this.max = y;
    }
    if (stride > 1 && this.filled === this.window && ++this.skipped < stride) return;
    this.skipped = 0;
    if (this.filled === this.values.length && this.filled < this.window) this.grow();
    const w = this.values.length;
    if (this.filled === w) this.replace(this.values[this.next], y);
    else this.insert(y);
    this.values[this.next] = y;
    this.next = (this.next + 1) % w;
    if (this.filled < w) this.filled++;
    if (++this.since >= refresh || this.n === minSamples) this.refresh();
  }

  refresh(): void {
    const a = this.sorted;
    const k = this.filled;
    if (k === 0) return;
    const med = k % 2 ? a[k >> 1] : (a[k / 2 - 1] + a[k / 2]) / 2;
    this.median = med;
    this.mad = this.middleDeviation(med);
    this.since = 0;
  }

  /**
   * The median of |x − med|: the deviations below and above the median are two ascending runs
   * walking outward from it, merged up to the middle rank (both middle ranks when the count is even).
   */
  private middleDeviation(med: number): number {
    const a = this.sorted;
    const k = this.filled;
    const rank = k >> 1;
    let hi = lowerBound(a, k, med);
    let lo = hi - 1;
    let prev = 0;
    let d = 0;
    for (let r = 0; r <= rank; r++) {
      const dl = lo >= 0 ? med - a[lo] : Number.POSITIVE_INFINITY;
      const dh = hi < k ? a[hi] - med : Number.POSITIVE_INFINITY;
      prev = d;
      if (dl <= dh) {
        d = dl;
        lo--;
      } else {
        d = dh;
        hi++;
      }
    }
    return k % 2 ? d : (prev + d) / 2;
  }

  /** Before the window is full the ring has not wrapped (`next === filled`), so growing is a copy. */
  private grow(): void {
    const cap = Math.min(this.window, this.values.length * 4);
    const values = new Float64Array(cap);
    values.set(this.values);
    const sorted = new Float64Array(cap);
    sorted.set(this.sorted);
    this.values = values;
    this.sorted = sorted;
    this.next = this.filled;
  }

  private insert(y: number): void {
    const a = this.sorted;
    const k = this.filled === this.values.length ? this.filled - 1 : this.filled;
    const at = lowerBound(a, k, y);
    a.copyWithin(at + 1, at, k);
    a[at] = y;
  }

  /**
   * Full window: the oldest value `old` leaves the sorted copy and `y` enters, with one shift. Short
   * shifts (alike values) are a plain loop; long ones (a counter-like parameter: each new value is
   * the largest, so the whole window moves) one `copyWithin` after a binary search — the loop was
   * most of the params detector's time on such series (profiled).
   */
  private replace(old: number, y: number): void {
    const a = this.sorted;
    const k = this.filled;
    let r = lowerBound(a, k, old);
    // NaN never enters (callers pass finite values), but keep the array consistent regardless.
    if (r >= k || a[r] !== old) r = k - 1;
    if (y >= old) {
      // y goes after the elements < y that follow r: shift (r, p] left by one.
      if (r + SHORT_SHIFT < k && a[r + SHORT_SHIFT] < y) {
        const p = lowerBound(a, k, y) - 1;
        a.copyWithin(r, r + 1, p + 1);
        a[p] = y;
        return;
      }
      let p = r;
      while (p + 1 < k && a[p + 1] < y) {
        a[p] = a[p + 1];
        p++;
      }
      a[p] = y;
    } else {
      if (r - SHORT_SHIFT >= 0 && a[r - SHORT_SHIFT] > y) {
        const p = upperBound(a, r, y);
        a.copyWithin(p + 1, p, r);
        a[p] = y;
        return;
      }
      let p = r;
      while (p > 0 && a[p - 1] > y) {
        a[p] = a[p - 1];
        p--;
      }
      a[p] = y;
    }
  }

  /** Values oldest first. */
  ordered(): number[] {
    const out: number[] = [];
    const w = this.values.length;
    for (let i = 0; i < this.filled; i++) out.push(this.values[(this.next - this.filled + i + w) % w]);
    return out;
  }

  /**
   * Snapshot form. The values (oldest first) are base64 of their float64 bytes: snapshots are taken
   * every checkpoint, and printing thousands of doubles as JSON text was most of their cost.
   */
  toArray(): unknown[] {
    const f = (x: number) => (Number.isFinite(x) ? x : null);
    const w = this.values.length;
    const ordered = new Float64Array(this.filled);
    for (let i = 0; i < this.filled; i++) ordered[i] = this.values[(this.next - this.filled + i + w) % w];
    const b64 = Buffer.from(ordered.buffer, ordered.byteOffset, ordered.byteLength).toString('base64');
    return [this.n, this.since, this.median, this.mad, f(this.min), f(this.max), f(this.lastHigh), f(this.lastLow), b64, this.alerted, this.alertedBuckets, this.skipped];
  }

  static from(a: unknown, window: number): Series | undefined {
    // 9 fields up to snapshot version 2; 11 with the alerted values and their counts (version 3); 12 with the stride phase (4).
    if (!Array.isArray(a) || a.length < 9 || a.length > 12 || a.length === 10 || !(Array.isArray(a[8]) || typeof a[8] === 'string')) return undefined;
    const s = new Series(window);
    const num = (x: unknown, dflt: number) => (typeof x === 'number' && Number.isFinite(x) ? x : dflt);
    const vals = (typeof a[8] === 'string' ? decodeValues(a[8]) : (a[8] as unknown[])).slice(-window);
    for (const v of vals) {
      const y = num(v, 0);
      if (s.filled === s.values.length) s.grow();
      s.insert(y);
      s.values[s.next] = y;
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
    s.skipped = num(a[11], 0);
    if (Array.isArray(a[9]) && Array.isArray(a[10])) {
      for (let k = 0; k < Math.min(8, a[9].length, a[10].length); k++) {
        if (typeof a[9][k] === 'number' && typeof a[10][k] === 'number') {
          s.alerted.push(a[9][k] as number);
          s.alertedBuckets.push(a[10][k] as number);
        }
      }
    }
    return s;
  }
}

/** Base64 float64 bytes (this platform's byte order, as written by `toArray`) → numbers; a malformed string gives what it can. */
function decodeValues(b64: string): number[] {
  const bytes = Buffer.from(b64, 'base64');
  const aligned = new Float64Array(bytes.length >> 3);
  new Uint8Array(aligned.buffer).set(bytes.subarray(0, aligned.byteLength));
  return Array.from(aligned);
}

/** Shifts up to this long are a loop; longer ones a binary search and `copyWithin`. */
const SHORT_SHIFT = 8;

/** First index in the ascending `a[0..k)` whose value is > `y`. */
function upperBound(a: Float64Array, k: number, y: number): number {
  let lo = 0;
  let hi = k;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in the ascending `a[0..k)` whose value is ≥ `y`. */
function lowerBound(a: Float64Array, k: number, y: number): number {
  let lo = 0;
  let hi = k;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
