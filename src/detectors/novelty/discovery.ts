/**
 * @module detectors/novelty/discovery
 * A discovery rate: how often recent events were a message type never seen before, per level class,
 * decayed per event. A source keeps one (how settled its vocabulary is) and the fleet one over all
 * sources (how settled a deployment is).
 * @example
 * const r = new DiscoveryRate();
 * r.learn(-1, k);           // a known type: one more event, no discovery
 * r.learn(CLASS_RANK.error, k);
 * r.rate(CLASS_RANK.error); // (error-or-worse discoveries + ½) / (events + 2)
 */

/** Level classes (other, warn, error, fatal) a rate is kept for: `CLASS_RANK` of shared/common. */
const CLASSES = 4;

export class DiscoveryRate {
  /** Decayed new message types per level class. */
  found: number[] = [0, 0, 0, 0];
  /** Decayed events. */
  seen = 0;

  /** Counts one event, decaying the past by `k`; `rank`: class of a new type, -1 for none. */
  learn(rank: number, k: number): void {
    const f = this.found;
    for (let c = 0; c < CLASSES; c++) f[c] = f[c] * k + (c === rank ? 1 : 0);
    this.seen = this.seen * k + 1;
  }

  /**
   * How likely a new type at least as severe as class `rank` was: (new types of that class or worse
   * + ½) / (events + 2), and never more than the rate of any new type (Laplace, + 1). A source that
   * keeps logging new info types but never a fatal-looking one makes its first fatal-looking type
   * news even while it is still learning.
   */
  rate(rank: number): number {
    let all = 0;
    let worse = 0;
    for (let c = 0; c < this.found.length; c++) {
      all += this.found[c];
      if (c >= rank) worse += this.found[c];
    }
    return Math.min((all + 1) / (this.seen + 2), (worse + 0.5) / (this.seen + 2));
  }

  /** From a snapshot's `[found, seen]` (missing or malformed parts: nothing learned, or `seen`). */
  static from(found: unknown, seen: unknown, dfltSeen = 0): DiscoveryRate {
    const r = new DiscoveryRate();
    if (Array.isArray(found) && found.length === CLASSES) r.found = found.map((x) => num(x, 0));
    r.seen = num(seen, dfltSeen);
    return r;
  }
}

export function num(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}
