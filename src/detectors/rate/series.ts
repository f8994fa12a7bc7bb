/**
 * @module detectors/rate/series
 * What the rate detector keeps per series (a source or one of its templates) besides its count
 * baseline: how often its intervals have events (occupancy: a sparse series is bursty, sampled or
 * batch-written), the size of its bursts (the non-empty intervals), and the episode of its last
 * finding (one problem, one alarm; again only when more severe).
 */
import { Baseline } from './tail.js';

export class SeriesShape {
  constructor(
    /** EWMA of "the interval had events" (a plain mean over the first intervals). */
    public occupancy = 1,
    public occupancyN = 0,
    /** Counts of the non-empty intervals. */
    public bursts = new Baseline(),
    /** Last interval of the open episode (-Infinity: none) and the most severe rank reported in it. */
    public episodeUntil = Number.NEGATIVE_INFINITY,
    public episodeRank = 0,
  ) {}

  learnOccupancy(had: boolean, alpha: number): void {
    this.occupancyN++;
    this.occupancy += Math.max(alpha, 1 / this.occupancyN) * ((had ? 1 : 0) - this.occupancy);
  }

  /**
   * `k` intervals without events at once: `learnOccupancy(false, alpha)` k times. Step by step while
   * young (its first 1/alpha intervals, as `Baseline.learnZeros`), then a decay by (1 − alpha)^k,
   * equal to the steps within rounding.
   */
  learnIdle(k: number, alpha: number): void {
    if (!(k > 0)) return;
    this.occupancy = idleShare(this.occupancy, this.occupancyN, k, alpha);
    this.occupancyN += k;
  }

  /** Sparse once it has `warmup` intervals of history and events in fewer than `share` of them. */
  sparse(share: number, warmup: number): boolean {
    return this.occupancyN >= warmup && this.occupancy < share;
  }

  /**
   * An anomalous interval `k` of rank `rank`: true when it opens an episode or is more severe than
   * what the episode reported. The episode lasts `length` intervals past its last anomalous one.
   */
  report(k: number, rank: number, length: number): boolean {
    const open = k <= this.episodeUntil;
    this.episodeUntil = k + length;
    if (open && rank <= this.episodeRank) return false;
    return true;
  }

  /** Called when a finding was reported with `rank`. */
  reported(rank: number): void {
    this.episodeRank = Math.max(rank, this.episodeRank);
  }

  /** Called on a normal interval: a closed episode forgets its rank. */
  normal(k: number): void {
    if (k > this.episodeUntil) this.episodeRank = 0;
  }

  toArray(): (number | null)[] {
    return [this.occupancy, this.occupancyN, ...this.bursts.toArray(), Number.isFinite(this.episodeUntil) ? this.episodeUntil : null, this.episodeRank];
  }

  static from(a: unknown): SeriesShape {
    const v = Array.isArray(a) ? a : [];
    const n = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x : d);
    return new SeriesShape(Math.min(1, Math.max(0, n(v[0], 1))), Math.max(0, n(v[1], 0)), Baseline.from(v.slice(2, 6)), n(v[6], Number.NEGATIVE_INFINITY), n(v[7], 0));
  }
}

/**
 * A share of intervals with events (EWMA, weight max(alpha, 1/N) at its Nth interval; `n` learned
 * so far) after `k` intervals without: step by step while young, as `learnOccupancy`, then a decay
 * by (1 − alpha)^k (equal to the steps within rounding).
 */
export function idleShare(share: number, n: number, k: number, alpha: number): number {
  for (; k > 0 && 1 / (n + 1) > alpha; k--) {
    n++;
    share += Math.max(alpha, 1 / n) * (0 - share);
  }
  return k > 0 ? share * Math.pow(1 - alpha, k) : share;
}
