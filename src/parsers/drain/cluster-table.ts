/**
 * @module parsers/drain/cluster-table
 * The miner's clusters and their indexes, kept consistent as clusters come and go: by id, by Drain
 * tree leaf, by first constant word (to find length variants, optional.ts), flood mode's overflow
 * templates by token count (flood-guard.ts, never in the tree), and least-recently-used order
 * (recency.ts) with the caps that evict from it. The miner (miner.ts) decides what a line matches.
 */
import type { PositionValues } from './novel.js';
import { areVariants, skeletonOf } from './optional.js';
import { RecencyList } from './recency.js';
import { hasPlaceholder } from './tokens.js';

export interface Cluster {
  id: number;
  /** Bumped when the template is generalised (invalidates cached param plans). */
  version: number;
  /** False once evicted (cached references must not use it). */
  live: boolean;
  /** Id reported for this cluster: its own, or the cluster it is a length variant of. */
  canon: number;
  /** Key of this cluster in byFirstWord, if indexed. */
  first?: string;
  tokens: string[];
  template: string;
  size: number;
  lastSeen: number;
  leaf: string;
  /** An overflow template of flood mode (flood-guard.ts): not in the tree, keyed by its token count. */
  overflow?: true;
  /** Values seen at wildcard positions (novel.ts); created on first use. */
  values?: PositionValues;
  /** Neighbours in least-recently-used order (recency.ts). */
  older: Cluster | null;
  newer: Cluster | null;
}

export class ClusterTable {
  readonly byId = new Map<number, Cluster>();
  /** The clusters, least recently used first (`lastSeen` order). */
  readonly recency = new RecencyList<Cluster>();
  private readonly leaves = new Map<string, number[]>();
  /** First constant word → clusters, to find length variants of a new cluster. */
  private readonly byFirstWord = new Map<string, number[]>();
  /** Flood mode's overflow templates by token count. */
  private readonly overflow = new Map<number, Cluster>();
  /** Characters of all live templates. */
  private templateChars = 0;

  /**
   * @param dropped told of each evicted cluster (the miner counts it and tells the engine).
   */
  constructor(
    private readonly maxClusters: number,
    private readonly maxTemplateChars: number,
    private readonly dropped: (c: Cluster) => void,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  /** Whether it holds overflow templates (flood mode). */
  get hasOverflow(): boolean {
    return this.overflow.size > 0;
  }

  /** Ids of the clusters of a tree leaf. */
  leaf(key: string): number[] | undefined {
    return this.leaves.get(key);
  }

  /** The overflow template of `tokens` tokens, if live. */
  overflowOf(tokens: number): Cluster | undefined {
    return this.overflow.get(tokens);
  }

  clear(): void {
    this.byId.clear();
    this.recency.clear();
    this.leaves.clear();
    this.byFirstWord.clear();
    this.overflow.clear();
    this.templateChars = 0;
  }

  /** Indexes a cluster (an overflow template by its token count only, never in the tree); not yet in the recency order. */
  insert(c: Cluster): void {
    this.byId.set(c.id, c);
    this.templateChars += c.template.length;
    if (c.overflow) {
      this.overflow.set(c.tokens.length, c);
      return;
    }
    if (c.canon === c.id) {
      const first = c.tokens.find((t) => !hasPlaceholder(t));
      c.first = first;
      if (first !== undefined) {
        const ids = this.byFirstWord.get(first);
        if (ids === undefined) this.byFirstWord.set(first, [c.id]);
        else ids.push(c.id);
      }
    }
    const ids = this.leaves.get(c.leaf);
    if (ids === undefined) this.leaves.set(c.leaf, [c.id]);
    else ids.push(c.id);
  }

  /** A cluster's template text changed from `before` characters (generalised). */
  retemplated(c: Cluster, before: number): void {
    this.templateChars += c.template.length - before;
  }

  /**
   * Canonical id of an existing cluster these tokens are a length variant of. The first constant
   * word is looked up before the skeleton is built: in a flood of unique lines it is almost always
   * new, and the skeleton (two arrays per line) was a fifth of the miner's cost of a new cluster.
   */
  variantOf(tokens: string[]): number | null {
    const first = tokens.find((t) => !hasPlaceholder(t));
    if (first === undefined) return null;
    const ids = this.byFirstWord.get(first);
    if (ids === undefined) return null;
    const sk = skeletonOf(tokens);
    for (let k = 0; k < ids.length && k < 64; k++) {
      const other = this.byId.get(ids[k]);
      if (other !== undefined && other.canon === other.id && areVariants(sk, skeletonOf(other.tokens))) return other.id;
    }
    return null;
  }

  /** Evicts when over a cap (after a cluster was added as the newest). */
  evictIfFull(): void {
    if (this.byId.size > this.maxClusters || this.templateChars > this.maxTemplateChars) this.evict();
  }

  /**
   * Evicts the least recently used tenth of the clusters (amortised O(1) per line), and more until
   * the templates hold at most 90% of `maxTemplateChars`. Never the cluster just created (the
   * newest). They are the first of the recency list (recency.ts).
   */
  private evict(): void {
    const size = this.byId.size;
    let n = Math.min(size > this.maxClusters ? Math.max(1, Math.floor(this.maxClusters / 10)) : 0, size - 1);
    for (; n > 0; n--) this.drop(this.recency.oldest as Cluster);
    const charTarget = Math.floor(this.maxTemplateChars * 0.9);
    while (this.templateChars > charTarget && this.recency.oldest !== this.recency.newest) this.drop(this.recency.oldest as Cluster);
  }

  private drop(c: Cluster): void {
    c.live = false;
    this.byId.delete(c.id);
    this.recency.remove(c);
    this.templateChars -= c.template.length;
    if (c.overflow) this.overflow.delete(c.tokens.length);
    const ids = this.leaves.get(c.leaf);
    if (ids !== undefined) {
      const at = ids.indexOf(c.id);
      if (at >= 0) ids.splice(at, 1);
      if (ids.length === 0) this.leaves.delete(c.leaf);
    }
    const byWord = c.first === undefined ? undefined : this.byFirstWord.get(c.first);
    if (byWord !== undefined) {
      const at = byWord.indexOf(c.id);
      if (at >= 0) byWord.splice(at, 1);
      if (byWord.length === 0) this.byFirstWord.delete(c.first as string);
    }
    this.dropped(c);
  }
}
