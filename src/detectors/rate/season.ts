/**
 * @module detectors/rate/season
 * Time-of-day profile of a source's count per interval: for each hour of the day an EWMA mean and
 * variance over about the last week of that hour. Once an hour has `minDays` days of history the
 * profile, not the recent level, says what to expect then (a source quiet every night is not a drop
 * every evening). Templates follow through their share of the source's recent level.
 */
import { Baseline, decayedVariance } from './tail.js';

const HOUR = 3_600_000;

export class Season {
  /** [mean, variance] per hour. */
  readonly stats = new Float64Array(48);
  /** Intervals learned per hour. */
  readonly seen = new Float64Array(24);

  hourOf(intervalStart: number, offsetMs: number): number {
    const h = Math.floor((intervalStart + offsetMs) / HOUR) % 24;
    return h < 0 ? h + 24 : h;
  }

  /** The expected count for hour h, or undefined while the hour has too little history. */
  baseline(h: number, perHour: number, minDays: number, n: number): Baseline | undefined {
    if (!this.ready(h, perHour, minDays)) return undefined;
    return new Baseline(this.stats[2 * h], this.stats[2 * h + 1], n, 0);
  }

  /** True when hour h has `minDays` days of history (its profile is what to expect then). */
  ready(h: number, perHour: number, minDays: number): boolean {
    return h >= 0 && h < 24 && this.seen[h] >= minDays * perHour;
  }

  learn(h: number, c: number, perHour: number): void {
    if (!(h >= 0 && h < 24)) return;
    const a = Math.max(1 / (this.seen[h] + 1), 1 / (7 * perHour));
    const d = c - this.stats[2 * h];
    this.stats[2 * h] += a * d;
    this.stats[2 * h + 1] = (1 - a) * (this.stats[2 * h + 1] + a * d * d);
    this.seen[h]++;
  }

  /**
   * `k` empty intervals of hour h at once: `learn(h, 0, perHour)` k times — step by step while the
   * hour is young (its weight 1/(seen+1) above a week's), then in closed form (equal within rounding).
   */
  learnZeros(h: number, k: number, perHour: number): void {
    if (!(h >= 0 && h < 24)) return;
    const a = 1 / (7 * perHour);
    for (; k > 0 && 1 / (this.seen[h] + 1) > a; k--) this.learn(h, 0, perHour);
    if (!(k > 0)) return;
    const b = Math.pow(1 - a, k);
    this.stats[2 * h + 1] = decayedVariance(this.stats[2 * h], this.stats[2 * h + 1], b);
    this.stats[2 * h] *= b;
    this.seen[h] += k;
  }

  toArray(): number[] {
    return [...this.stats, ...this.seen];
  }

  static from(a: unknown): Season {
    const s = new Season();
    if (Array.isArray(a) && a.length === 72) {
      for (let i = 0; i < 48; i++) s.stats[i] = Number(a[i]) || 0;
      for (let i = 0; i < 24; i++) s.seen[i] = Number(a[48 + i]) || 0;
    }
    return s;
  }
}
