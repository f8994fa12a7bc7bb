/**
 * @module detectors/shared/lru
 * A map that keeps its entries in least-recently-used order and evicts the oldest beyond a cap, in
 * O(1) per operation.
 *
 * Why not a `Map` with delete + set and `map.keys().next()` for the oldest: V8 leaves a hole for every
 * deleted entry at the front of its ordered hash table until the next rehash, and `keys().next()`
 * walks those holes from the start. Under a flood of never-seen keys (one eviction per event) that
 * walk is as long as the table: 9 µs per event at 5,000 entries and 27 µs at 20,000 (measured on
 * this machine), which made the novelty detector the largest cost of a unique-line flood (issue 17).
 * Here the order is a doubly-linked list in typed arrays beside the map: the map only finds a key's
 * slot, and is never iterated.
 *
 * @example
 * const words = new Lru<string, number>(5000);
 * words.set('refused', 1);          // evicts the least recent beyond 5000 (counted in `evicted`)
 * words.touch('refused');           // 1, now the most recent
 * for (const [w, n] of words) ...   // oldest first
 */
export class Lru<K, V> implements Iterable<[K, V]> {
  private readonly slots = new Map<K, number>();
  private keys: K[] = [];
  private vals: V[] = [];
  /** Neighbours in recency order: `older[i]` is the entry used before slot i (-1: none). */
  private older = new Int32Array(8);
  private newer = new Int32Array(8);
  private oldest = -1;
  private newest = -1;
  private readonly free: number[] = [];
  /** Entries dropped because the cap was reached. */
  evicted = 0;

  /** @param max the most entries kept (at least 1). */
  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`An LRU needs room for at least one entry (got ${max}).`);
  }

  get size(): number {
    return this.slots.size;
  }

  has(key: K): boolean {
    return this.slots.has(key);
  }

  /** The value, without changing its recency. */
  get(key: K): V | undefined {
    const i = this.slots.get(key);
    return i === undefined ? undefined : this.vals[i];
  }

  /** The value, made the most recently used. */
  touch(key: K): V | undefined {
    const i = this.slots.get(key);
    if (i === undefined) return undefined;
    this.toNewest(i);
    return this.vals[i];
  }

  /**
   * Sets the value and makes it the most recent; a new key beyond `max` evicts the least recently
   * used one, which is returned (undefined: none evicted).
   */
  set(key: K, value: V): K | undefined {
    const i = this.slots.get(key);
    if (i !== undefined) {
      this.vals[i] = value;
      this.toNewest(i);
      return undefined;
    }
    let dropped: K | undefined;
    if (this.slots.size >= this.max) {
      dropped = this.keys[this.oldest];
      this.delete(dropped);
      this.evicted++;
    }
    const s = this.slot();
    this.keys[s] = key;
    this.vals[s] = value;
    this.slots.set(key, s);
    this.link(s);
    return dropped;
  }

  delete(key: K): boolean {
    const i = this.slots.get(key);
    if (i === undefined) return false;
    this.slots.delete(key);
    this.unlink(i);
    // Release the key and value for the collector (a key may be a long string).
    this.keys[i] = undefined as K;
    this.vals[i] = undefined as V;
    this.free.push(i);
    return true;
  }

  clear(): void {
    this.slots.clear();
    this.keys = [];
    this.vals = [];
    this.free.length = 0;
    this.older = new Int32Array(8);
    this.newer = new Int32Array(8);
    this.oldest = this.newest = -1;
  }

  /** Entries, least recently used first (the order `set` in turn rebuilds). */
  *[Symbol.iterator](): IterableIterator<[K, V]> {
    for (let i = this.oldest; i !== -1; i = this.newer[i]) yield [this.keys[i], this.vals[i]];
  }

  /** Keys, least recently used first. */
  *keysOldestFirst(): IterableIterator<K> {
    for (let i = this.oldest; i !== -1; i = this.newer[i]) yield this.keys[i];
  }

  /** Values, least recently used first. */
  *values(): IterableIterator<V> {
    for (let i = this.oldest; i !== -1; i = this.newer[i]) yield this.vals[i];
  }

  /** A free slot; the link arrays grow by doubling, up to the cap (a small map stays small). */
  private slot(): number {
    const f = this.free.pop();
    if (f !== undefined) return f;
    const s = this.keys.length;
    if (s >= this.older.length) {
      const n = Math.min(Math.max(8, this.older.length * 2), Math.max(s + 1, this.max));
      const o = new Int32Array(n);
      o.set(this.older);
      const w = new Int32Array(n);
      w.set(this.newer);
      this.older = o;
      this.newer = w;
    }
    this.keys.push(undefined as K);
    this.vals.push(undefined as V);
    return s;
  }

  private link(i: number): void {
    this.older[i] = this.newest;
    this.newer[i] = -1;
    if (this.newest !== -1) this.newer[this.newest] = i;
    this.newest = i;
    if (this.oldest === -1) this.oldest = i;
  }

  private unlink(i: number): void {
    const o = this.older[i];
    const n = this.newer[i];
    if (o !== -1) this.newer[o] = n;
    else this.oldest = n;
    if (n !== -1) this.older[n] = o;
    else this.newest = o;
  }

  private toNewest(i: number): void {
    if (i === this.newest) return;
    this.unlink(i);
    this.link(i);
  }
}
