/**
 * @module parsers/drain/miner
 * Online template miner of the Drain family (He et al., ICWS 2017), with the changes that make
 * it accurate on one configuration for every system:
 * - messages are masked first (typed placeholders, structure inside tokens kept);
 * - similarity counts only positions where at least one side is a constant, so lines made mostly
 *   of variables do not each open a cluster, and placeholders of any type match each other;
 * - merging is key=value aware (`user=root` + `user=bob` → `user=<*>`) and keeps shared punctuation;
 * - a word a cluster kept constant for `stableAfter` lines stays constant (match.ts);
 * - a `key=value` token keeps its key, and a value not yet a wildcard its structure (match.ts);
 * - a new cluster that only adds units after values to an existing one reports that one (optional.ts);
 * - clusters are bounded with least-recently-used eviction, and counted;
 * - a never-seen message absorbed into a cluster that turns a long-constant word into a wildcard,
 *   or puts a new value where only a handful were ever seen, is marked `novel` (novel.ts);
 * - a source whose lines are almost all new clusters (a flood of random strings) sends most of the
 *   lines that match no cluster to one overflow template per token count (flood-guard.ts).
 * Two caches make the common case cheap: lines equal to a seen line but for digits inside masked
 * values skip masking (shape-cache.ts), and masked lines seen before skip the tree. Its answer is
 * result.ts, its saved state snapshot.ts, its clusters and their indexes cluster-table.ts.
 * @example
 * const miner = new TemplateMiner();
 * miner.add('Connection from 10.0.0.7 closed').template; // 'Connection from <IP> closed'
 */
import type { TemplateChange } from '../../core/event.js';
import { AnomalogError } from '../../core/errors.js';
import type { MinerMode, Snapshot } from '../../core/parser.js';
import { Masker, type MaskerOptions, WILDCARD } from '../masking/masker.js';
import { type Cluster, ClusterTable } from './cluster-table.js';
import { FloodGuard, type FloodGuardOptions, type FloodStats } from './flood-guard.js';
import { applyPlan, conflictsKeyValue, conflictsWithStable, extractParams, type ParamPlan, paramPlan, paramSpans, similarity } from './match.js';
import { noticeNovel, type Novel, type PositionValues } from './novel.js';
import { ShapeCache } from './shape-cache.js';
import { CachedResult, type MineResult } from './result.js';
import { DRAIN_SNAPSHOT_KIND, DRAIN_SNAPSHOT_VERSION, type DrainSnapshotData, validateSnapshot } from './snapshot.js';
import { mergeTokens, routesAsWildcard, tokenShape } from './tokens.js';

export type { MineResult } from './result.js';
export { DRAIN_SNAPSHOT_KIND, DRAIN_SNAPSHOT_VERSION } from './snapshot.js';

export interface MinerOptions {
  /** Share of constant positions that must agree to join a cluster (0..1). */
  similarityThreshold?: number;
  /** Drain tree depth: the first `depth - 2` tokens route a line to its leaf. */
  depth?: number;
  /** Cap on live clusters; the least recently used are evicted beyond it. */
  maxClusters?: number;
  /** Cap on the masked-line cache and the shape cache (entries each). */
  cacheSize?: number;
  /**
   * Cap on the characters of all live templates: with `maxClusters` it bounds the miner's memory
   * whatever the line length (a 1 MiB line makes a 1 MiB template); least recently used evicted beyond it.
   */
  maxTemplateChars?: number;
  /** After this many lines a cluster's still-constant words stay constant (see conflictsWithStable). */
  stableAfter?: number;
  /** Answer lines that differ from a seen line only in digits without masking them (default on). */
  shapeCache?: boolean;
  /**
   * Told the id of each evicted cluster (ids are never reused): the engine deletes its row from the
   * store's template table, which would otherwise keep one row per never-seen line.
   */
  onEvict?: (templateId: number) => void;
  /** The cardinality guard (flood-guard.ts); `{ enabled: false }` turns it off. */
  flood?: FloodGuardOptions;
  masking?: MaskerOptions;
}

interface CacheEntry {
  id: number;
  version: number;
  plan: ParamPlan;
}

export interface MinerStats {
  lines: number;
  clusters: number;
  evicted: number;
  cacheHits: number;
}

/**
 * Defaults. The caches only save work (a miss masks and matches the line again): 20,000 entries
 * hold every distinct masked line of typical logs, and keep a flood of unique lines at ~15 MB per
 * source instead of ~160 MB (issue 17). Lines longer than `MAX_CACHED_CHARS` are never cached.
 */
const DEFAULTS = { similarityThreshold: 0.7, depth: 4, maxClusters: 50_000, cacheSize: 20_000, stableAfter: 100, maxTemplateChars: 32 * 1024 * 1024 };
/** Longest line (characters) the caches keep: a huge line is rarely repeated verbatim, and would pin its size per entry. */
export const MAX_CACHED_CHARS = 4096;
/** Lines of more tokens share the overflow template of this many (flood mode): a few templates, not one per length. */
const MAX_OVERFLOW_TOKENS = 64;

export class TemplateMiner {
  private readonly st: number;
  private readonly prefixLen: number;
  private readonly cacheSize: number;
  private readonly stableAfter: number;
  private readonly masker: Masker;
  /** The clusters and their indexes (tree leaves, first words, overflow templates, recency). */
  private readonly table: ClusterTable;
  private readonly clusters: Map<number, Cluster>;
  private readonly recency: ClusterTable['recency'];
  /** Masked line → cluster, plus whether its params are exactly the masked values. */
  private readonly cache = new Map<string, CacheEntry>();
  /** Lines that differ only in digits → cluster and param spans (null with custom masks). */
  private readonly shapes: ShapeCache<Cluster> | null;
  private readonly guard: FloodGuard;
  private nextId = 1;
  private tick = 0;
  readonly stats: MinerStats = { lines: 0, clusters: 0, evicted: 0, cacheHits: 0 };

  constructor(opts: MinerOptions = {}) {
    this.st = opts.similarityThreshold ?? DEFAULTS.similarityThreshold;
    this.prefixLen = Math.max(0, (opts.depth ?? DEFAULTS.depth) - 2);
    this.cacheSize = opts.cacheSize ?? DEFAULTS.cacheSize;
    this.stableAfter = opts.stableAfter ?? DEFAULTS.stableAfter;
    const onEvict = opts.onEvict;
    this.table = new ClusterTable(opts.maxClusters ?? DEFAULTS.maxClusters, opts.maxTemplateChars ?? DEFAULTS.maxTemplateChars, (c) => {
      this.stats.evicted++;
      onEvict?.(c.id);
    });
    this.clusters = this.table.byId;
    this.recency = this.table.recency;
    this.masker = new Masker(opts.masking);
    this.guard = new FloodGuard(opts.flood);
    this.shapes = opts.shapeCache === false || opts.masking?.customMasks?.length ? null : new ShapeCache<Cluster>(this.cacheSize);
    if (!(this.st >= 0 && this.st <= 1)) {
      throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `similarity_threshold must be within 0..1, got ${this.st}.`);
    }
  }

  /** Learns from one message and returns its template. */
  add(message: string): MineResult {
    return this.process(message, 'learn');
  }

  /** Finds the template of a message without changing any cluster. */
  match(message: string): MineResult {
    return this.process(message, 'match');
  }

  /** The flood guard's counters (lines sent to overflow templates, entries, whether flooding now). */
  get flood(): FloodStats {
    return this.guard.stats();
  }

  process(message: string, mode: MinerMode): MineResult {
    const r = this.processLine(message, mode);
    if (mode === 'learn') this.guard.line(this.clusters.size);
    // The masker's reused result would hold a long message until the source's next line (an idle
    // source's last megabyte line, per parser): let go now. Short ones cost nothing to keep.
    if (message.length > MAX_CACHED_CHARS) this.masker.release();
    return r;
  }

  private processLine(message: string, mode: MinerMode): MineResult {
    this.stats.lines++;
    let h = -1;
    if (this.shapes !== null) {
      let e = this.shapes.getExact(message) ?? null;
      if (e === null) {
        h = this.shapes.hash(message);
        e = this.shapes.get(message, h);
      }
      if (e !== null) {
        const c = e.cluster;
        if (c.live && c.version === e.version) {
          this.stats.cacheHits++;
          if (mode === 'learn') {
            c.size++;
            c.lastSeen = ++this.tick;
            this.recency.touch(c);
          }
          const k = this.canonical(c);
          return new CachedResult(k.id, k.template, message, e.spans);
        }
      }
    }
    const r = this.processMasked(message, mode);
    if (this.shapes !== null && r.cluster !== null && r.spans !== null && message.length <= MAX_CACHED_CHARS) {
      this.shapes.set(message, h < 0 ? this.shapes.hash(message) : h, r.cluster, r.cluster.version, r.spans);
    }
    return r.result;
  }

  private processMasked(message: string, mode: MinerMode): { result: MineResult; cluster: Cluster | null; spans: Int32Array | null } {
    const m = this.masker.mask(message);
    const key = m.key;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      const c = this.clusters.get(hit.id);
      if (c !== undefined) {
        this.stats.cacheHits++;
        if (mode === 'learn') {
          c.size++;
          c.lastSeen = ++this.tick;
          this.recency.touch(c);
        }
        if (hit.version !== c.version) {
          hit.version = c.version;
          hit.plan = paramPlan(c, m);
        }
        const k = this.canonical(c);
        const result: MineResult = { templateId: k.id, change: 'none', template: k.template, params: hit.plan === null ? m.params : applyPlan(hit.plan, m) };
        return { result, cluster: c, spans: paramSpans(hit.plan, m) };
      }
      this.cache.delete(key);
    }
    const tokens = m.tokens();
    const leafKey = this.leafKey(tokens);
    const best = this.bestCluster(leafKey, tokens);
    if (mode === 'match') {
      if (best === null) return { result: { templateId: 0, change: 'none', template: key, params: m.params }, cluster: null, spans: null };
      const k = this.canonical(best);
      return { result: { templateId: k.id, change: 'none', template: k.template, params: extractParams(best.tokens, m) }, cluster: null, spans: null };
    }
    let change: TemplateChange;
    let c: Cluster;
    let novel: Novel | null = null;
    if (best === null) {
      if (this.guard.fresh()) return this.overflowed(tokens.length, m.params);
      c = this.create(leafKey, tokens.slice());
      change = 'created';
    } else {
      c = best;
      novel = noticeNovel(c.tokens, tokens, c.size, (c.values ??= new Map()));
      change = this.generalize(c, tokens) ? 'updated' : 'none';
      c.size++;
      c.lastSeen = ++this.tick;
      this.recency.touch(c);
    }
    if (this.cache.size >= this.cacheSize) this.cache.clear();
    const plan = paramPlan(c, m);
    if (key.length <= MAX_CACHED_CHARS) this.cache.set(key, { id: c.id, version: c.version, plan });
    const k = this.canonical(c);
    const result: MineResult = { templateId: k.id, change, template: k.template, params: plan === null ? m.params : applyPlan(plan, m) };
    if (novel !== null) result.novel = novel;
    return { result, cluster: c, spans: paramSpans(plan, m) };
  }

  /**
   * Flood mode: the line goes to the overflow template of its token count (made on first use, an
   * ordinary least-recently-used cluster outside the tree, so no line is ever matched to it by
   * similarity). Nothing of the line is kept or cached.
   */
  private overflowed(n: number, params: string[]): { result: MineResult; cluster: null; spans: null } {
    const k = Math.min(n, MAX_OVERFLOW_TOKENS);
    let c = this.table.overflowOf(k);
    let change: TemplateChange = 'none';
    if (c === undefined) {
      const id = this.nextId++;
      const tokens = new Array<string>(k).fill(WILDCARD);
      c = { id, version: 0, live: true, canon: id, tokens, template: tokens.join(' '), size: 0, lastSeen: 0, leaf: '', overflow: true, older: null, newer: null };
      this.table.insert(c);
      this.recency.add(c);
      this.table.evictIfFull();
      this.stats.clusters = this.clusters.size;
      change = 'created';
    }
    c.size++;
    c.lastSeen = ++this.tick;
    this.recency.touch(c);
    return { result: { templateId: c.id, change, template: c.template, params }, cluster: null, spans: null };
  }

  /** Template text of an id, or undefined when unknown or evicted. */
  template(id: number): string | undefined {
    return this.clusters.get(id)?.template;
  }

  /** The cluster whose id and template stand for `c` (itself unless it is a length variant). */
  private canonical(c: Cluster): Cluster {
    if (c.canon === c.id) return c;
    return this.clusters.get(c.canon) ?? c;
  }

  /** Live templates, most frequent first. */
  templates(): { templateId: number; template: string; count: number }[] {
    const rows = new Map<number, { templateId: number; template: string; count: number }>();
    for (const c of this.clusters.values()) {
      const k = this.canonical(c);
      const row = rows.get(k.id);
      if (row) row.count += c.size;
      else rows.set(k.id, { templateId: k.id, template: k.template, count: c.size });
    }
    return [...rows.values()].sort((a, b) => b.count - a.count || a.templateId - b.templateId);
  }

  snapshot(): Snapshot<DrainSnapshotData> {
    return {
      kind: DRAIN_SNAPSHOT_KIND,
      // Version 1 unless it holds overflow templates: a build before the guard would put those in its tree.
      version: this.table.hasOverflow ? DRAIN_SNAPSHOT_VERSION : 1,
      data: {
        nextId: this.nextId,
        tick: this.tick,
        evicted: this.stats.evicted,
        flood: this.guard.snapshot(),
        clusters: [...this.clusters.values()].map((c) => {
          const row: DrainSnapshotData['clusters'][number] = { id: c.id, canon: c.canon, tokens: c.tokens.slice(), size: c.size, lastSeen: c.lastSeen };
          if (c.overflow) row.overflow = true;
          if (c.values !== undefined && c.values.size > 0) row.values = [...c.values].map(([i, v]) => [i, v === null ? null : v.slice()]);
          return row;
        }),
      },
    };
  }

  restore(s: Snapshot): void {
    const data = validateSnapshot(s);
    this.table.clear();
    this.shapes?.clear();
    this.cache.clear();
    this.guard.restore(data.flood);
    this.nextId = data.nextId;
    this.tick = data.tick;
    this.stats.evicted = data.evicted;
    // Listed by lastSeen; equal ones in snapshot order (a stable sort), as eviction took them before.
    const order = data.clusters.map((c, i) => i).sort((a, b) => data.clusters[a].lastSeen - data.clusters[b].lastSeen);
    const restored = new Array<Cluster>(data.clusters.length);
    for (let i = 0; i < data.clusters.length; i++) {
      const c = data.clusters[i];
      const leaf = this.leafKey(c.tokens);
      const values: PositionValues | undefined = Array.isArray(c.values) ? new Map(c.values.map(([i, v]) => [i, Array.isArray(v) ? v.slice() : null])) : undefined;
      const r: Cluster = { id: c.id, version: 0, live: true, canon: c.canon ?? c.id, tokens: c.tokens.slice(), template: c.tokens.join(' '), size: c.size, lastSeen: c.lastSeen, leaf, values, older: null, newer: null };
      if (c.overflow === true) {
        r.overflow = true;
        r.leaf = '';
      }
      this.table.insert((restored[i] = r));
    }
    for (const i of order) this.recency.add(restored[i]);
    this.stats.clusters = this.clusters.size;
  }

  private leafKey(tokens: string[]): string {
    let key = String(tokens.length);
    const n = Math.min(this.prefixLen, tokens.length);
    for (let i = 0; i < n; i++) key += '\u0001' + (routesAsWildcard(tokens[i]) ? WILDCARD : tokens[i]);
    return key;
  }

  private bestCluster(leafKey: string, tokens: string[]): Cluster | null {
    const ids = this.table.leaf(leafKey);
    if (ids === undefined) return null;
    const shapes = tokens.map(tokenShape);
    let best: Cluster | null = null;
    let bestSim = -1;
    for (let k = 0; k < ids.length; k++) {
      const c = this.clusters.get(ids[k]);
      if (c === undefined) continue;
      const conflict = (c.size >= this.stableAfter && conflictsWithStable(c.tokens, tokens, shapes)) || conflictsKeyValue(c.tokens, tokens);
      const s = conflict ? 0 : similarity(c.tokens, tokens, shapes);
      if (s > bestSim || (s === bestSim && best !== null && c.size > best.size)) {
        bestSim = s;
        best = c;
      }
    }
    return bestSim >= this.st ? best : null;
  }

  private create(leaf: string, tokens: string[]): Cluster {
    const id = this.nextId++;
    const c: Cluster = { id, version: 0, live: true, canon: id, tokens, template: tokens.join(' '), size: 1, lastSeen: ++this.tick, leaf, older: null, newer: null };
    c.canon = this.table.variantOf(tokens) ?? id;
    this.table.insert(c);
    this.recency.add(c);
    this.table.evictIfFull();
    this.stats.clusters = this.clusters.size;
    return c;
  }

  /** Widens the template where the line differs; true when the template changed. */
  private generalize(c: Cluster, tokens: string[]): boolean {
    let changed = false;
    for (let i = 0; i < tokens.length; i++) {
      const t = c.tokens[i];
      if (t === tokens[i] || t === WILDCARD) continue;
      const merged = mergeTokens(t, tokens[i]);
      if (merged !== t) {
        c.tokens[i] = merged;
        changed = true;
      }
    }
    if (changed) {
      const before = c.template.length;
      c.template = c.tokens.join(' ');
      this.table.retemplated(c, before);
      c.version++;
    }
    return changed;
  }
}
