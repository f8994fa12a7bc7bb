/**
 * @module detectors/invariants/invariants
 * The `invariants` streaming detector: mined relations between the template counts of a session
 * (Lou, Fu, Yang, Xu & Li, USENIX ATC 2010) — count('Receiving block') = count('Received block'),
 * count(open) = count(close) — learned online per source. Events are grouped into sessions by a key
 * (`key_regex`; sessions close after `inactivity_seconds` of event time) or, without one, into time
 * windows. After `warmup_sessions` closed sessions of a source the relations are mined from its last
 * `max_training_sessions` sessions with the batch model's search (`models/invariants`), and again
 * every `remine_sessions`; each closed session is then checked, and one that breaks a relation is one
 * finding naming it ("4 ≠ 3"). A relation broken far more often than when it was accepted (more
 * than `retire_break_share` of the sessions since, at least `retire_breaks` times) is retired until the
 * next mining: the system changed, and a changed system should not alarm once per session.
 * State is bounded (sources LRU, open sessions, templates per session, the training reservoir) and
 * snapshotted whole, open sessions included.
 *
 * @example
 * const d = createInvariants({ key_regex: '(blk_-?\\d+)' });
 * d.observe(events); // [{ title: "Broken invariant on hdfs (blk_7): count('Receiving block <*>') = count('Received block <*>'), 4 ≠ 3 …" }]
 */
import type { StreamDetector } from '../../core/detector.js';
import type { Anomaly, Contribution, LogEvent } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import { severityClass } from '../../features/sequences.js';
import { matrixFromRows } from '../../models/artifact.js';
import { Invariants } from '../../models/invariants/index.js';
import { anomalyId, clip, expectShape, rawOf, snapshotData, sourceOf, touchLru } from '../shared/common.js';
import { Lru } from '../shared/lru.js';
import type { InvariantsDetectorConfig } from './config.js';

export const INVARIANTS_SNAPSHOT_VERSION = 1;

/** Σ coefs[k]·count(templates[k]) = 0 held in `hold` of `active` sessions. */
export interface Relation {
  templates: number[];
  coefs: number[];
  hold: number;
  active: number;
  /** Sessions checked since mining, and how many broke it; a retired relation alerts no more. */
  checked: number;
  breaks: number;
  retired: boolean;
}

/** An open session (or time window) of a source: its template counts and first lines. */
interface Group {
  key: string;
  start: number;
  last: number;
  counts: Map<number, number>;
  samples: string[];
  error: boolean;
}

/** Distinct session keys a line may name (an HDFS line names one or two blocks). */
const MAX_KEYS_PER_LINE = 4;
const MAX_KEY_CHARS = 200;

interface SourceState {
  /** Open sessions, least recently active first. */
  open: Map<string, Group>;
  /** Highest event time seen, and the clock time from which it is known (the first tick after it advanced). */
  watermark: number;
  advanced: boolean;
  advancedAt: number;
  /** Template id → text (O(1) LRU, `max_templates`: a flood of new templates evicts one per event). */
  texts: Lru<number, string>;
  /** Template counts of the last closed sessions, flat [id, count, id, count, …] (a ring). */
  reservoir: Int32Array[];
  next: number;
  closed: number;
  minedAt: number;
  relations: Relation[];
}

export interface InvariantsStats {
  sources: number;
  relations: number;
  openSessions: number;
  closedSessions: number;
}

export class InvariantsDetector implements StreamDetector {
  readonly kind = 'invariants';
  private sources = new Map<string, SourceState>();
  private readonly keyRe: RegExp | null;
  private readonly keys: string[] = [];
  /** The source of the previous event: consecutive events of one source skip the LRU reorder. */
  private last: SourceState | null = null;
  private lastName = '';

  constructor(private readonly config: InvariantsDetectorConfig) {
    this.keyRe = config.key_regex ? new RegExp(config.key_regex, 'g') : null;
  }

  observe(events: readonly LogEvent[]): Anomaly[] {
    const out: Anomaly[] = [];
    for (const e of events) {
      if (!e || typeof e !== 'object' || typeof e.message !== 'string' || !Number.isFinite(e.ts)) continue;
      const source = sourceOf(e);
      const st = this.state(source);
      if (e.ts > st.watermark) {
        st.watermark = e.ts;
        st.advanced = true;
      }
      const tid = Number.isFinite(e.templateId) ? e.templateId : -1;
      if (typeof e.template === 'string' && e.template !== '') this.remember(st, tid, e.template);
      for (const key of this.keysOf(e)) this.add(source, st, key, e, tid, out);
      this.sweep(source, st, st.watermark, out);
    }
    return out;
  }

  /** The session keys of a line, in `this.keys` (reused: no array per event). */
  private keysOf(e: LogEvent): string[] {
    const keys = this.keys;
    keys.length = 0;
    if (!this.keyRe) {
      keys.push(`@${Math.floor(e.ts / (this.config.window_seconds * 1000))}`);
      return keys;
    }
    const re = this.keyRe;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while (keys.length < MAX_KEYS_PER_LINE && (m = re.exec(e.message)) !== null) {
      let k = m[1] ?? m[0];
      if (k.length > MAX_KEY_CHARS) k = k.slice(0, MAX_KEY_CHARS);
      if (k !== '' && !keys.includes(k)) keys.push(k);
      if (m[0].length === 0) re.lastIndex++;
    }
    return keys;
  }

  private add(source: string, st: SourceState, key: string, e: LogEvent, tid: number, out: Anomaly[]): void {
    const cfg = this.config;
    let g = st.open.get(key);
    if (g) st.open.delete(key);
    else {
      if (st.open.size >= cfg.max_open_sessions) {
        const oldest = st.open.values().next().value as Group;
        st.open.delete(oldest.key);
        this.closed(source, st, oldest, out);
      }
      g = { key, start: e.ts, last: e.ts, counts: new Map(), samples: [], error: false };
    }
    st.open.set(key, g);
    if (g.counts.has(tid) || g.counts.size < cfg.max_templates) g.counts.set(tid, (g.counts.get(tid) ?? 0) + 1);
    if (e.ts > g.last) g.last = e.ts;
    if (severityClass(e.level) === 2) g.error = true;
    if (g.samples.length < cfg.context_lines) {
      const raw = rawOf(e);
      g.samples.push(raw.length > cfg.max_line_chars ? raw.slice(0, cfg.max_line_chars) : raw);
    }
  }

  /** Closes the groups `now` (event time of the source) has ended: silent sessions, or windows past their end. */
  private sweep(source: string, st: SourceState, now: number, out: Anomaly[]): void {
    const cfg = this.config;
    const gap = cfg.inactivity_seconds * 1000;
    const size = cfg.window_seconds * 1000;
    for (const g of st.open.values()) {
      const done = this.keyRe ? now - g.last > gap : now >= Math.floor(g.start / size) * size + size;
      // Least recently active first: with event times roughly in order the scan stops early.
      if (!done) break;
      st.open.delete(g.key);
      this.closed(source, st, g, out);
    }
  }

  /** Closes the sessions the passing of time ended: event time estimated as the watermark + clock time since it advanced. */
  tick(now: number): Anomaly[] {
    const out: Anomaly[] = [];
    if (!Number.isFinite(now)) return out;
    for (const [source, st] of this.sources) {
      if (st.advanced || Number.isNaN(st.advancedAt)) {
        st.advancedAt = now;
        st.advanced = false;
      }
      const est = st.watermark + Math.max(0, now - st.advancedAt);
      if (Number.isFinite(est)) this.sweep(source, st, est, out);
    }
    return out;
  }

  stats(): InvariantsStats {
    let relations = 0;
    let openSessions = 0;
    let closedSessions = 0;
    for (const s of this.sources.values()) {
      relations += s.relations.length;
      closedSessions += s.closed;
      openSessions += s.open.size;
    }
    return { sources: this.sources.size, relations, openSessions, closedSessions };
  }

  /** The relations of a source (copies). */
  relationsOf(source: string): Relation[] {
    return (this.sources.get(source)?.relations ?? []).map((r) => ({ ...r, templates: [...r.templates], coefs: [...r.coefs] }));
  }

  private state(name: string): SourceState {
    if (this.last !== null && name === this.lastName && this.sources.get(name) === this.last) return this.last;
    this.lastName = name;
    this.last = touchLru(
      this.sources,
      name,
      () => ({ open: new Map(), watermark: -Infinity, advanced: false, advancedAt: Number.NaN, texts: new Lru(this.config.max_templates), reservoir: [], next: 0, closed: 0, minedAt: -1, relations: [] }),
      this.config.max_sources,
    );
    return this.last;
  }

  private remember(st: SourceState, id: number, text: string): void {
    const t = text.length > 512 ? text.slice(0, 512) : text;
    // Unchanged text: no LRU refresh (a map reorder per event); an evicted template comes back with its next event.
    if (st.texts.get(id) === t) return;
    st.texts.set(id, t);
  }

  /** Checks a closed session against the relations, keeps it for mining, mines when due. */
  private closed(source: string, st: SourceState, g: Group, out: Anomaly[]): void {
    const cfg = this.config;
    const a = this.check(source, st, g);
    if (a) out.push(a);
    const flat = new Int32Array(g.counts.size * 2);
    let k = 0;
    for (const [t, n] of g.counts) {
      flat[k++] = t;
      flat[k++] = n;
    }
    if (st.reservoir.length < cfg.max_training_sessions) st.reservoir.push(flat);
    else st.reservoir[st.next] = flat;
    st.next = (st.next + 1) % cfg.max_training_sessions;
    st.closed++;
    if (st.closed >= cfg.warmup_sessions && (st.minedAt < 0 || st.closed - st.minedAt >= cfg.remine_sessions)) this.mine(st);
  }

  /** Mines the relations of a source from its reservoir, on the templates present in enough sessions. */
  private mine(st: SourceState): void {
    const cfg = this.config.mining;
    st.minedAt = st.closed;
    const present = new Map<number, number>();
    for (const flat of st.reservoir) for (let k = 0; k < flat.length; k += 2) present.set(flat[k], (present.get(flat[k]) ?? 0) + 1);
    const ids = [...present].filter(([, n]) => n >= cfg.min_sessions).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, cfg.max_columns).map(([id]) => id);
    if (ids.length < 2) {
      st.relations = [];
      return;
    }
    const col = new Map(ids.map((id, i) => [id, i]));
    const rows = st.reservoir.map((flat) => {
      const r = new Array<number>(ids.length).fill(0);
      for (let k = 0; k < flat.length; k += 2) {
        const c = col.get(flat[k]);
        if (c !== undefined) r[c] = flat[k + 1];
      }
      return r;
    });
    const model = new Invariants(cfg);
    model.fit(matrixFromRows(rows, ids.length));
    st.relations = model.invariants.map((v) => ({ templates: v.cols.map((c) => ids[c]), coefs: v.coefs, hold: v.hold, active: v.active, checked: 0, breaks: 0, retired: false }));
  }

  private check(source: string, st: SourceState, g: Group): Anomaly | undefined {
    const cfg = this.config;
    const counts = g.counts;
    const broken: { r: Relation; left: number; right: number }[] = [];
    for (const r of st.relations) {
      let left = 0;
      let right = 0;
      for (let k = 0; k < r.templates.length; k++) {
        const v = r.coefs[k] * (counts.get(r.templates[k]) ?? 0);
        if (v > 0) left += v;
        else right -= v;
      }
      r.checked++;
      if (left === right) continue;
      r.breaks++;
      if (!r.retired && r.breaks >= cfg.retire_breaks && r.breaks > cfg.retire_break_share * r.checked) r.retired = true;
      if (!r.retired) broken.push({ r, left, right });
    }
    return broken.length === 0 ? undefined : this.anomaly(source, st, g, broken);
  }

  private relationText(st: SourceState, r: Relation): string {
    const name = (t: number) => `count('${clip(st.texts.get(t) ?? `T${t}`, 60)}')`;
    const side = (sign: number) =>
      r.templates
        .map((t, k) => (Math.sign(r.coefs[k]) === sign ? `${Math.abs(r.coefs[k]) === 1 ? '' : `${Math.abs(r.coefs[k])}·`}${name(t)}` : ''))
        .filter(Boolean)
        .join(' + ');
    return `${side(1)} = ${side(-1)}`;
  }

  private anomaly(source: string, st: SourceState, g: Group, broken: { r: Relation; left: number; right: number }[]): Anomaly {
    const cfg = this.config;
    const bucketMs = cfg.bucket_seconds * 1000;
    const first = broken[0];
    const where = this.keyRe ? `${source} (${clip(g.key, 80)})` : source;
    const more = broken.length > 1 ? ` (and ${broken.length - 1} more)` : '';
    const explanation: Contribution[] = broken.slice(0, 5).map((b) => {
      const c: Contribution = { feature: `invariant ${this.relationText(st, b.r)}`, templateId: b.r.templates[0], observed: b.left, expected: b.right, contribution: 1 };
      const text = st.texts.get(b.r.templates[0]);
      if (text !== undefined) c.template = text;
      return c;
    });
    const a: Anomaly = {
      id: anomalyId('invariants', source, g.key, Math.floor(g.start / bucketMs)),
      ts: g.last,
      source,
      detector: 'invariants',
      score: broken.length,
      severity: g.error ? 'error' : 'warning',
      title: `Broken invariant on ${where}: ${this.relationText(st, first.r)}, but ${first.left} ≠ ${first.right} (held in ${(first.r.hold * 100).toFixed(1)}% of ${first.r.active} sessions)${more}.`,
      explanation,
      context: [...g.samples],
      window: { start: g.start, end: g.last },
      templateId: first.r.templates[0],
    };
    if (this.keyRe) a.sessionKey = g.key;
    return a;
  }

  snapshot(): Snapshot {
    const sources: unknown[] = [];
    for (const [name, s] of this.sources) {
      sources.push({
        name,
        watermark: Number.isFinite(s.watermark) ? s.watermark : null,
        advanced: s.advanced,
        advancedAt: Number.isFinite(s.advancedAt) ? s.advancedAt : null,
        open: [...s.open.values()].map((g) => [g.key, g.start, g.last, [...g.counts].flat(), g.samples, g.error]),
        texts: [...s.texts],
        reservoir: s.reservoir.map((f) => Array.from(f)),
        next: s.next,
        closed: s.closed,
        minedAt: s.minedAt,
        relations: s.relations,
      });
    }
    return { kind: 'invariants', version: INVARIANTS_SNAPSHOT_VERSION, data: { sources } };
  }

  restore(snap: Snapshot): void {
    const d = snapshotData(snap, 'invariants', INVARIANTS_SNAPSHOT_VERSION);
    expectShape(Array.isArray(d.sources), 'invariants', 'source list');
    const sources = new Map<string, SourceState>();
    for (const raw of d.sources as Record<string, unknown>[]) {
      const ok = raw && typeof raw.name === 'string' && Array.isArray(raw.reservoir) && Array.isArray(raw.relations) && typeof raw.closed === 'number';
      expectShape(Boolean(ok), 'invariants', 'source entry');
      const relations = raw.relations as Relation[];
      for (const r of relations) {
        expectShape(Array.isArray(r?.templates) && Array.isArray(r.coefs) && r.templates.length === r.coefs.length && typeof r.checked === 'number' && typeof r.breaks === 'number', 'invariants', 'relation');
      }
      const reservoir = (raw.reservoir as unknown[]).map((f) => {
        expectShape(Array.isArray(f) && f.length % 2 === 0, 'invariants', 'training session');
        return Int32Array.from(f as number[]);
      });
      const open = new Map<string, Group>();
      for (const o of Array.isArray(raw.open) ? (raw.open as unknown[][]) : []) {
        const [key, start, last, flat, samples, error] = o;
        expectShape(typeof key === 'string' && typeof start === 'number' && typeof last === 'number' && Array.isArray(flat) && flat.length % 2 === 0 && Array.isArray(samples), 'invariants', 'open session');
        const counts = new Map<number, number>();
        for (let i = 0; i < (flat as number[]).length; i += 2) counts.set((flat as number[])[i], (flat as number[])[i + 1]);
        open.set(key as string, { key: key as string, start: start as number, last: last as number, counts, samples: (samples as unknown[]).filter((x): x is string => typeof x === 'string'), error: error === true });
      }
      sources.set(raw.name as string, {
        open,
        watermark: typeof raw.watermark === 'number' ? raw.watermark : -Infinity,
        advanced: raw.advanced === true,
        advancedAt: typeof raw.advancedAt === 'number' ? raw.advancedAt : Number.NaN,
        texts: textsOf(this.config.max_templates, Array.isArray(raw.texts) ? (raw.texts as [number, string][]) : []),
        reservoir: reservoir.slice(0, this.config.max_training_sessions),
        next: typeof raw.next === 'number' && raw.next < this.config.max_training_sessions ? raw.next : 0,
        closed: raw.closed as number,
        minedAt: typeof raw.minedAt === 'number' ? raw.minedAt : -1,
        relations,
      });
    }
    this.sources = sources;
  }
}

/** Template texts of a snapshot (oldest first) in an LRU of `max`. */
function textsOf(max: number, entries: readonly [number, string][]): Lru<number, string> {
  const lru = new Lru<number, string>(max);
  for (const [id, text] of entries) lru.set(id, text);
  return lru;
}
