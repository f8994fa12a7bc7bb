/**
 * @module detectors/sequence/sequence
 * The `sequence` streaming detector: next-event prediction over recent history (DeepLog's idea,
 * Du et al. CCS 2017, count-based as in models/next-event). Per source it counts, for every context
 * of the last 1…`history` templates of a key (the source itself, or a session key from `key_regex`),
 * which template came next. After the source's warm-up an event is flagged when it is not among the
 * `top_k` most frequent successors (each at least `min_share` of the context) of the longest context
 * seen `min_support` times. Counting goes on after warm-up (a new normal order stops being flagged
 * once it is frequent); a flagged transition (previous → this template) stays quiet for
 * `quiet_events` events of the source. State is bounded (contexts, keys and sources are LRU maps).
 *
 * @example
 * const d = createSequence({ warmup_events: 1000, key_regex: 'blk_-?\\d+' });
 * d.observe(events); // [{ title: "Unexpected order on hdfs: 'Exception in receiveBlock …' after 'Receiving block …'", … }]
 */
import type { StreamDetector } from '../../core/detector.js';
import type { Anomaly, LogEvent } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import { anomalyId, clip, eachFinding, expectShape, LineRing, rawOf, severityOf, snapshotData, sourceOf, touchLru } from '../shared/common.js';
import { Lru } from '../shared/lru.js';
import type { SequenceConfig } from './config.js';

export const SEQUENCE_SNAPSHOT_VERSION = 1;
const START = -1;

interface Ctx {
  total: number;
  next: Map<number, number>;
}

/**
 * Per-source maps are O(1) LRUs (detectors/shared/lru.ts): each new template adds contexts, and a
 * `Map`'s oldest entry is found by walking the holes its deletes left — at the 50,000-context cap,
 * tens of µs per event under a flood of new templates.
 */
interface SourceState {
  events: number;
  contexts: Lru<string, Ctx>;
  /** Recent template ids per key (START first for a new key). */
  histories: Lru<string, number[]>;
  /** Transition "prev>next" → event index of its last alert. */
  quiet: Lru<string, number>;
  templates: Lru<number, string>;
  ring: LineRing;
}

export interface SequenceStats {
  sources: number;
  contexts: number;
  keys: number;
  evictedContexts: number;
}

export class SequenceDetector implements StreamDetector {
  readonly kind = 'sequence';
  private sources = new Map<string, SourceState>();
  private evictedContexts = 0;
  private readonly keyRe: RegExp | null;

  constructor(private readonly config: SequenceConfig) {
    this.keyRe = config.key_regex ? new RegExp(config.key_regex) : null;
  }

  observe(events: readonly LogEvent[]): Anomaly[] {
    return eachFinding(events, (e) => this.one(e));
  }

  /** Nothing is revealed by time alone (session ends are not predicted in a stream). */
  tick(_now: number): Anomaly[] {
    return [];
  }

  stats(): SequenceStats {
    let contexts = 0;
    let keys = 0;
    for (const s of this.sources.values()) {
      contexts += s.contexts.size;
      keys += s.histories.size;
    }
    return { sources: this.sources.size, contexts, keys, evictedContexts: this.evictedContexts };
  }

  private keyOf(e: LogEvent): string | null {
    if (!this.keyRe) return '';
    const m = this.keyRe.exec(typeof e.message === 'string' ? e.message : rawOf(e));
    if (!m) return null;
    return m[1] ?? m[0];
  }

  private sourceState(name: string): SourceState {
    const ring = this.config.context_lines;
    return touchLru(this.sources, name, () => this.newSource(ring), this.config.max_sources);
  }

  private newSource(ring: number): SourceState {
    const cfg = this.config;
    return { events: 0, contexts: new Lru(cfg.max_contexts), histories: new Lru(cfg.max_keys), quiet: new Lru(cfg.max_contexts), templates: new Lru(cfg.max_contexts), ring: new LineRing(ring) };
  }

  private one(e: LogEvent): Anomaly | undefined {
    const cfg = this.config;
    const key = this.keyOf(e);
    if (key === null) return undefined; // not part of any session
    const source = sourceOf(e);
    const s = this.sourceState(source);
    const idx = s.events++;
    s.ring.push(rawOf(e), cfg.max_line_chars);
    const tid = Number.isFinite(e.templateId) ? e.templateId : -1;
    if (typeof e.template === 'string' && e.template !== '') s.templates.set(tid, e.template);
    let hist = s.histories.touch(key);
    if (hist === undefined) s.histories.set(key, (hist = [START]));

    let anomaly: Anomaly | undefined;
    if (idx >= cfg.warmup_events) {
      const miss = this.predict(s, hist, tid);
      if (miss) {
        const prev = hist[hist.length - 1];
        const transition = `${prev}>${tid}`;
        const last = s.quiet.get(transition);
        if (last === undefined || idx - last >= cfg.quiet_events) {
          s.quiet.set(transition, idx);
          anomaly = this.anomaly(e, source, key, s, prev, tid, miss);
        }
      }
    }
    this.learn(s, hist, tid);
    hist.push(tid);
    if (hist.length > cfg.history) hist.shift();
    return anomaly;
  }

  /** Undefined when `next` is expected; else the expected successors and the share `next` had. */
  private predict(s: SourceState, hist: number[], next: number): { expected: number[]; share: number; context: number } | undefined {
    const cfg = this.config;
    for (let len = Math.min(cfg.history, hist.length); len >= 0; len--) {
      const c = s.contexts.get(hist.slice(hist.length - len).join(','));
      if (!c || c.total < cfg.min_support) continue;
      const ranked = [...c.next].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      const kth = ranked[Math.min(cfg.top_k, ranked.length) - 1]?.[1] ?? 0;
      const expected: number[] = [];
      for (const [id, n] of ranked) if ((expected.length < cfg.top_k || n === kth) && n >= cfg.min_share * c.total) expected.push(id);
      if (expected.includes(next)) return undefined;
      return { expected: expected.slice(0, cfg.top_k), share: (c.next.get(next) ?? 0) / c.total, context: len };
    }
    return undefined; // nothing learned yet for any context
  }

  private learn(s: SourceState, hist: number[], next: number): void {
    const cfg = this.config;
    for (let len = 0; len <= Math.min(cfg.history, hist.length); len++) {
      const k = hist.slice(hist.length - len).join(',');
      let c = s.contexts.touch(k);
      if (c === undefined) {
        c = { total: 0, next: new Map() };
        if (s.contexts.set(k, c) !== undefined) this.evictedContexts++;
      }
      c.total++;
      c.next.set(next, (c.next.get(next) ?? 0) + 1);
    }
  }

  private anomaly(e: LogEvent, source: string, key: string, s: SourceState, prev: number, tid: number, miss: { expected: number[]; share: number; context: number }): Anomaly {
    const bucketMs = this.config.bucket_seconds * 1000;
    const ts = Number.isFinite(e.ts) ? e.ts : 0;
    const bucket = Math.floor(ts / bucketMs);
    const text = (t: number) => (t === START ? 'the start' : `'${clip(s.templates.get(t) ?? `T${t}`, 80)}'`);
    const template = typeof e.template === 'string' && e.template !== '' ? e.template : rawOf(e);
    const where = key === '' ? source : `${source} (${key})`;
    const expected = miss.expected.slice(0, 3).map(text).join(', ');
    // Surprise in bits of this successor in its context (Laplace-smoothed share).
    const score = -Math.log2((miss.share + 1e-3) / (1 + 1e-3));
    const a: Anomaly = {
      id: anomalyId('sequence', source, `${key}:${prev}>${tid}`, bucket),
      ts,
      source,
      detector: 'sequence',
      score,
      severity: severityOf(e.level, 1),
      title: `Unexpected order on ${where}: '${clip(template)}' after ${text(prev)}; expected ${expected || 'something else'}.`,
      explanation: [{ feature: 'unexpected_next', templateId: tid, template, observed: miss.share, expected: 1, contribution: score }],
      context: s.ring.toArray(),
      window: { start: bucket * bucketMs, end: (bucket + 1) * bucketMs },
      templateId: tid,
    };
    if (key !== '') a.sessionKey = key;
    return a;
  }

  snapshot(): Snapshot {
    const sources: unknown[] = [];
    for (const [name, s] of this.sources) {
      sources.push({
        name,
        events: s.events,
        contexts: [...s.contexts].map(([k, c]) => [k, c.total, [...c.next].flat()]),
        histories: [...s.histories],
        quiet: [...s.quiet],
        templates: [...s.templates],
        lines: s.ring.toArray(),
      });
    }
    return { kind: 'sequence', version: SEQUENCE_SNAPSHOT_VERSION, data: { sources, evictedContexts: this.evictedContexts } };
  }

  restore(snap: Snapshot): void {
    const d = snapshotData(snap, 'sequence', SEQUENCE_SNAPSHOT_VERSION);
    expectShape(Array.isArray(d.sources), 'sequence', 'source list');
    const sources = new Map<string, SourceState>();
    for (const raw of d.sources as Record<string, unknown>[]) {
      const ok = raw && typeof raw.name === 'string' && typeof raw.events === 'number' && Array.isArray(raw.contexts) && Array.isArray(raw.histories);
      expectShape(Boolean(ok), 'sequence', 'source entry');
      const cfg = this.config;
      const contexts = new Lru<string, Ctx>(cfg.max_contexts);
      for (const [k, total, flat] of raw.contexts as [string, number, number[]][]) {
        expectShape(typeof k === 'string' && Array.isArray(flat) && flat.length % 2 === 0, 'sequence', 'context');
        const next = new Map<number, number>();
        for (let i = 0; i < flat.length; i += 2) next.set(flat[i], flat[i + 1]);
        contexts.set(k, { total, next });
      }
      sources.set(raw.name as string, {
        events: raw.events as number,
        contexts,
        histories: lruOf(cfg.max_keys, raw.histories as [string, number[]][]),
        quiet: lruOf(cfg.max_contexts, Array.isArray(raw.quiet) ? (raw.quiet as [string, number][]) : []),
        templates: lruOf(cfg.max_contexts, Array.isArray(raw.templates) ? (raw.templates as [number, string][]) : []),
        ring: LineRing.from(this.config.context_lines, raw.lines, this.config.max_line_chars),
      });
    }
    this.sources = sources;
    this.evictedContexts = typeof d.evictedContexts === 'number' ? d.evictedContexts : 0;
  }
}

/** An LRU of `max` entries holding `entries`, oldest first (a snapshot's order). */
function lruOf<K, V>(max: number, entries: readonly (readonly [K, V])[]): Lru<K, V> {
  const lru = new Lru<K, V>(max);
  for (const [k, v] of entries) lru.set(k, v);
  return lru;
}
