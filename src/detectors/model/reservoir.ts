/**
 * @module detectors/model/reservoir
 * A bounded, recency-biased reservoir of closed windows (Aggarwal, "On biased reservoir sampling
 * in the presence of stream evolution", VLDB 2006, with λ = 1/capacity): every new window enters;
 * once full, it replaces a uniformly chosen slot. A window then survives k later insertions with
 * probability (1 − 1/capacity)^k, so the sample leans to recent behaviour (mean age ≈ capacity
 * windows) while keeping some older ones. The PRNG (models/random.ts, mulberry32) is seeded and its
 * state is part of the snapshot, so a restored detector samples exactly as the original would have.
 *
 * @example
 * const r = new Reservoir<ClosedCounts>(2000, 42);
 * r.add(window);         // O(1)
 * const train = r.items; // at most 2000 windows
 */
import { Rng } from '../../models/random.js';

export class Reservoir<T> {
  private readonly slots: T[] = [];
  private readonly rng: Rng;
  /** Windows offered so far. */
  seen = 0;

  /** `state`: the seed of a new reservoir, or `rngState` of the one being restored. */
  constructor(
    readonly capacity: number,
    state: number,
  ) {
    this.rng = Rng.fromState(state);
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
    else this.slots[this.rng.int(this.capacity)] = item;
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
    return this.rng.stateNow;
  }

  static restore<T>(capacity: number, rngState: number, seen: number, items: readonly T[]): Reservoir<T> {
    const r = new Reservoir<T>(capacity, rngState);
    for (const it of items.slice(-capacity)) r.slots.push(it);
    r.seen = Math.max(seen, r.slots.length);
    return r;
  }
}
