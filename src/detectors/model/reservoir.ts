/**
 * @module detectors/model/reservoir
 * A bounded, recency-biased reservoir of closed windows (Aggarwal, "On biased reservoir sampling
 * in the presence of stream evolution", VLDB 2006, with λ = 1/capacity): every new window enters;
 * once full, it replaces a uniformly chosen slot. A window then survives k later insertions with
 * probability (1 − 1/capacity)^k, so the sample leans to recent behaviour (mean age ≈ capacity
 * windows) while keeping some older ones. The PRNG (mulberry32) is seeded and its state is part of
 * the snapshot, so a restored detector samples exactly as the original would have.
 *
 * @example
 * const r = new Reservoir<ClosedCounts>(2000, 42);
 * r.add(window);         // O(1)
 * const train = r.items; // at most 2000 windows
 */

export class Reservoir<T> {
  private readonly slots: T[] = [];
  /** Windows offered so far. */
  seen = 0;

  constructor(
    readonly capacity: number,
    private state: number,
  ) {
    this.state = state >>> 0;
  }

  get size(): number {
    return this.slots.length;
  }

  get items(): readonly T[] {
    return this.slots;
  }

  add(item: T): void {
    this.seen++;
    if (this.slots.length < this.capacity) this.slots.push(item);
    else this.slots[Math.floor(this.random() * this.capacity)] = item;
  }

  /** Evenly spaced slots, at most `max` (what a snapshot keeps). */
  sample(max: number): T[] {
    const n = this.slots.length;
    if (n <= max) return [...this.slots];
    const out: T[] = [];
    for (let i = 0; i < max; i++) out.push(this.slots[Math.floor((i * n) / max)]);
    return out;
  }

  get rngState(): number {
    return this.state;
  }

  static restore<T>(capacity: number, rngState: number, seen: number, items: readonly T[]): Reservoir<T> {
    const r = new Reservoir<T>(capacity, rngState);
    for (const it of items.slice(-capacity)) r.slots.push(it);
    r.seen = Math.max(seen, r.slots.length);
    return r;
  }

  /** mulberry32: a 32-bit state, uniform in [0, 1). */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
