/**
 * @module parsers/drain/recency
 * The miner's clusters in least-recently-used order: a doubly-linked list through the clusters
 * themselves (two fields each), so a touch is a few pointer writes and the least recently used `n`
 * are the first `n` of the list. Eviction used to find them by reading every cluster's `lastSeen`
 * and sorting 50,000 numbers per eviction round, a tenth of a unique-line flood's cost in the
 * engine thread (issue 17).
 * @example
 * const list = new RecencyList<Cluster>();
 * list.add(c);      // newest
 * list.touch(c);    // newest again
 * list.oldest;      // the least recently used
 */

/** What the list links: any object with these two fields (null when not listed or at an end). */
export interface Listed<T> {
  older: T | null;
  newer: T | null;
}

export class RecencyList<T extends Listed<T>> {
  /** Least recently used; null when empty. */
  oldest: T | null = null;
  newest: T | null = null;

  /** Appends `x` as the most recently used (it must not be listed). */
  add(x: T): void {
    x.older = this.newest;
    x.newer = null;
    if (this.newest !== null) this.newest.newer = x;
    else this.oldest = x;
    this.newest = x;
  }

  /** Makes a listed `x` the most recently used. */
  touch(x: T): void {
    if (x === this.newest) return;
    this.remove(x);
    this.add(x);
  }

  /** Unlinks a listed `x`. */
  remove(x: T): void {
    if (x.older !== null) x.older.newer = x.newer;
    else this.oldest = x.newer;
    if (x.newer !== null) x.newer.older = x.older;
    else this.newest = x.older;
    x.older = x.newer = null;
  }

  clear(): void {
    this.oldest = this.newest = null;
  }
}
