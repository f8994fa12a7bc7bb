/**
 * @module detectors/novelty/novelty
 * The `novelty` streaming detector: a message type never seen before for its source, judged by how
 * surprising it is, or a known template that is rare relative to its history.
 *
 * - **Surprise, not a warm-up.** Each source's discovery rate — the share of its recent events that
 *   were a new message type, decayed per event (half-life `discovery_half_life_events`) and
 *   Laplace-smoothed — says how settled its vocabulary is. A new type scores −log2 of that rate
 *   (a source that keeps producing new types makes each one little news) plus bits for its level or
 *   wording (fatal 4, error 3, warning 1: `textClass` reads level words and error-like words when the
 *   level is unknown); it is reported from `min_surprise_bits`. Severity follows level and wording,
 *   one step lower while the source has not settled (its surprise alone is below the threshold).
 * - **Floods are one finding.** First-seen types of a source within `group_seconds` of each other
 *   form a group: its first reportable type is reported, later ones only when more severe.
 * - **Fleets learn together.** Template texts seen by any source are shared inside the detector
 *   (bounded, LRU): a type another source already logged is not news, and a source whose types mostly
 *   came from the fleet is also judged by the fleet's discovery rate (a new pod is not a young source).
 * - **Never-seen messages inside known templates.** An event with `novel` set (the miner absorbed a
 *   never-seen message into a template by generalising it, or put a never-seen value where few had
 *   been) is first seen as a message: judged, grouped and shared the same way.
 *
 * Rare: fewer than `rare_count` occurrences in about the last `rare_half_life_events` events of the
 * source (counts decay per event), judged once the source has that much history; then quiet for a
 * half-life. Per-source state is an LRU map capped at `max_templates` (evictions counted); sources
 * are capped the same way.
 *
 * @example
 * const d = new NoveltyDetector(noveltyConfigSchema.parse({}));
 * d.observe(events); // [{ title: "New message type on api: 'Connection to <IP> refused' (level error).", … }]
 */
import { createHash } from 'node:crypto';
import type { LearnAsNormal, StreamDetector } from '../../core/detector.js';
import type { Anomaly, LogEvent, Severity } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import { anomalyId, CLASS_RANK, clip, eachFinding, expectShape, type LevelClass, levelClass, LineRing, rawOf, severityOf, snapshotData, sourceOf, textClass, worseClass } from '../shared/common.js';
import type { NoveltyConfig } from './config.js';
import { absorbedWords, isDumpField, wordsOf } from './words.js';

/** 3: vocabulary and template texts; 2: discovery rate, groups, novel messages, fleet knowledge, context times (1 and 2 are still read). */
export const NOVELTY_SNAPSHOT_VERSION = 3;

interface TemplateState {
  /** Decayed count as of event index `at`. */
  count: number;
  at: number;
  /** Event index of the last alert for this template (-1: none). */
  lastAlert: number;
  /** A first sighting not reported yet: its score (NaN: none pending) and event time. */
  pending: number;
  firstTs: number;
  /** The template's text when last seen: a change means the miner generalised it for a message. */
  text: string;
}

interface SourceState {
  /** Events of this source so far. */
  events: number;
  /** Decayed total of events (rare half-life). */
  total: number;
  /** Decayed new message types per level class (other, warn, error, fatal) and events (discovery half-life). */
  found: number[];
  seen: number;
  /**
   * Event time and event index of the last first-seen type — the group is open within `group_seconds`
   * of it (either side: lines may arrive out of order) and fewer than `discovery_half_life_events`
   * events after it — and the most severe rank reported in the group (-1: none yet).
   */
  groupAt: number;
  groupIdx: number;
  groupRank: number;
  /** First-seen types this source took from the fleet, and those it discovered itself. */
  fromFleet: number;
  own: number;
  templates: Map<number, TemplateState>;
  /** Never-seen messages absorbed into known templates, by template id and words (LRU). */
  messages: Map<string, true>;
  /** The source's vocabulary: words of its message types (lower case) → how many types used them (LRU, `max_words`). */
  words: Map<string, number>;
  ring: LineRing;
}

export interface NoveltyStats {
  sources: number;
  templates: number;
  evictedTemplates: number;
  evictedSources: number;
  fleetTemplates: number;
}

/** Bits of surprise a level or wording adds. */
const CLASS_BITS: Record<LevelClass, number> = { other: 0, warn: 1, error: 3, fatal: 4 };
const SEVERITY_OF_RANK: Severity[] = ['warning', 'warning', 'error', 'critical'];
/**
 * Sightings below which a template is young: its wildcards' words are checked against the source's
 * vocabulary (the miner marks never-seen values of older templates itself, `LogEvent.novel`).
 */
const YOUNG_TEMPLATE = 20;
/**
 * Fleet keys are template texts; a longer one is cut to this length plus a hash of the whole text
 * (bounded keys, and two long types that differ only after their first 256 characters — a long
 * line with an error appended — stay two types).
 */
const FLEET_KEY_CHARS = 256;

export class NoveltyDetector implements StreamDetector {
  readonly kind = 'novelty';
  private sources = new Map<string, SourceState>();
  private evictedTemplates = 0;
  private evictedSources = 0;
  private readonly decay: number;
  private readonly discoveryDecay: number;
  /** Template text (or text + novel words) → sources that logged it (LRU, `max_fleet_templates`). */
  private fleet = new Map<string, number>();
  /** Decayed new-to-the-fleet types per level class, and events, over all sources. */
  private fleetFound = [0, 0, 0, 0];
  private fleetSeen = 0;
  /** source + template ids learned as normal by feedback (re-applied at start, not snapshotted). */
  private readonly learned = new Set<string>();

  constructor(private readonly config: NoveltyConfig) {
    this.decay = Math.pow(2, -1 / config.rare_half_life_events);
    this.discoveryDecay = Math.pow(2, -1 / config.discovery_half_life_events);
  }

  observe(events: readonly LogEvent[]): Anomaly[] {
    return eachFinding(events, (e) => this.one(e));
  }

  /** Novelty needs no clock: nothing is revealed by time alone. */
  tick(_now: number): Anomaly[] {
    return [];
  }

  stats(): NoveltyStats {
    let templates = 0;
    for (const s of this.sources.values()) templates += s.templates.size;
    return { sources: this.sources.size, templates, evictedTemplates: this.evictedTemplates, evictedSources: this.evictedSources, fleetTemplates: this.fleet.size };
  }

  /** "Learn as normal" feedback: the template of the source is known; it is never flagged new or rare. */
  learnAsNormal(what: LearnAsNormal): boolean {
    if (what.templateId === undefined || !Number.isFinite(what.templateId)) return false;
    const key = `${what.source}\u0000${what.templateId}`;
    this.learned.delete(key);
    this.learned.add(key);
    if (this.learned.size > this.config.max_templates) this.learned.delete(this.learned.values().next().value as string);
    return true;
  }

  private isLearned(source: string, tid: number): boolean {
    return this.learned.size > 0 && this.learned.has(`${source}\u0000${tid}`);
  }

  private sourceState(name: string): SourceState {
    let s = this.sources.get(name);
    if (s) {
      this.sources.delete(name);
      this.sources.set(name, s);
      return s;
    }
    s = { events: 0, total: 0, found: [0, 0, 0, 0], seen: 0, groupAt: Number.NaN, groupIdx: 0, groupRank: -1, fromFleet: 0, own: 0, templates: new Map(), messages: new Map(), words: new Map(), ring: new LineRing(this.config.context_lines) };
    this.sources.set(name, s);
    if (this.sources.size > this.config.max_sources) {
      const oldest = this.sources.keys().next().value as string;
      this.sources.delete(oldest);
      this.evictedSources++;
    }
    return s;
  }

  private one(e: LogEvent): Anomaly | undefined {
    const cfg = this.config;
    const source = sourceOf(e);
    const s = this.sourceState(source);
    const idx = s.events++;
    s.total = s.total * this.decay + 1;
    s.ring.push(rawOf(e), cfg.max_line_chars, e.ts);
    const tid = Number.isFinite(e.templateId) ? e.templateId : -1;
    const t = s.templates.get(tid);
    if (!t) {
      const fresh: TemplateState = { count: 1, at: idx, lastAlert: -1, pending: Number.NaN, firstTs: Number.isFinite(e.ts) ? e.ts : 0, text: templateText(e) };
      s.templates.set(tid, fresh);
      if (s.templates.size > cfg.max_templates) {
        s.templates.delete(s.templates.keys().next().value as number);
        this.evictedTemplates++;
      }
      return this.firstSeen(e, source, s, tid, this.fleetKey(e, undefined), 'new', wordsOf(fresh.text), fresh);
    }
    s.templates.delete(tid);
    s.templates.set(tid, t);
    const prior = t.count * Math.pow(2, -(idx - t.at) / cfg.rare_half_life_events);
    t.count = prior + 1;
    t.at = idx;
    if (t.pending === t.pending) {
      const a = this.repeated(e, source, s, tid, t);
      if (a) return a;
    }
    const novel = e.novel;
    const text = templateText(e);
    const changed = text !== t.text;
    if (changed) t.text = text;
    if (novel && typeof novel === 'object' && Array.isArray(novel.words)) {
      const list = novel.words.slice(0, 8).map((w) => String(w).slice(0, 64));
      const a = this.newMessage(e, source, s, tid, list.join(' '), list.flatMap(wordsOf));
      if (a !== null) return a;
    } else if (cfg.warmup_events === 0 && (changed || (prior < YOUNG_TEMPLATE && text.includes('<*>')))) {
      // The miner generalised this template for this message, or a young template's wildcards took
      // it, without marking it novel (the miner does that for older templates only): the words it
      // absorbed that the source never used make it a never-seen message.
      const absorbed = absorbedWords(text, typeof e.message === 'string' ? e.message : '');
      const unseen = absorbed.filter((w) => !s.words.has(w));
      if (unseen.length > 0) {
        const a = this.newMessage(e, source, s, tid, unseen.slice(0, 8).join(' '), absorbed);
        if (a !== null) return a;
      }
    }
    this.learnEvent(s, -1);
    // "Rare in about the last rare_half_life_events events" means something only once the source has
    // that much history: before, a template seen twice in the first 2,000 events is merely young.
    if (idx < cfg.warmup_events || cfg.rare_count <= 0 || prior >= cfg.rare_count || idx < cfg.rare_half_life_events) return undefined;
    if (t.lastAlert >= 0 && idx - t.lastAlert < cfg.rare_half_life_events) return undefined;
    if (this.isLearned(source, tid)) return undefined;
    t.lastAlert = idx;
    return this.anomaly(e, source, s, tid, 'rare', prior, severityOf(e.level, 1), -Math.log2((prior + 0.5) / (s.total + 1)));
  }

  /** A never-seen message inside known template `tid` (key: its words): judged as first seen, once; null when seen before. */
  private newMessage(e: LogEvent, source: string, s: SourceState, tid: number, key: string, words: string[]): Anomaly | undefined | null {
    const cfg = this.config;
    const k = `${tid}\u0000${key}`;
    if (cfg.warmup_events !== 0 || s.messages.has(k)) return null;
    // Only values changed (a new path, number or address in a known message): a new value, not a new message.
    if (words.length === 0 && cfg.known_words_bits > 0) return null;
    s.messages.set(k, true);
    if (s.messages.size > cfg.max_templates) s.messages.delete(s.messages.keys().next().value as string);
    return this.firstSeen(e, source, s, tid, this.fleetKey(e, key), 'message', words);
  }

  /** Counts `words` into the source's vocabulary; returns how many it had never seen. */
  private learnWords(s: SourceState, words: readonly string[]): number {
    let unseen = 0;
    for (const w of words) {
      const n = s.words.get(w);
      if (n === undefined) {
        unseen++;
        s.words.set(w, 1);
        if (s.words.size > this.config.max_words) s.words.delete(s.words.keys().next().value as string);
      } else {
        // Refresh its place: words in use are not evicted.
        s.words.delete(w);
        s.words.set(w, n + 1);
      }
    }
    return unseen;
  }

  private fleetKey(e: LogEvent, words: string | undefined): string | undefined {
    if (this.config.max_fleet_templates <= 0) return undefined;
    const text = typeof e.template === 'string' && e.template !== '' ? e.template : rawOf(e);
    const key = text.length > FLEET_KEY_CHARS ? `${text.slice(0, FLEET_KEY_CHARS)}\u0000${createHash('sha1').update(text).digest('hex').slice(0, 16)}` : text;
    return words === undefined ? key : `${key}\u0000${words}`;
  }

  /** Counts one event into the source's (and the fleet's) discovery rates; `rank`: class of a new type, -1 for none. */
  private learnEvent(s: SourceState, rank: number): void {
    const k = this.discoveryDecay;
    for (let c = 0; c < 4; c++) s.found[c] = s.found[c] * k + (c === rank ? 1 : 0);
    s.seen = s.seen * k + 1;
    if (this.config.max_fleet_templates > 0) {
      for (let c = 0; c < 4; c++) this.fleetFound[c] = this.fleetFound[c] * k + (c === rank ? 1 : 0);
      this.fleetSeen = this.fleetSeen * k + 1;
    }
  }

  /**
   * A new type not reported at first sight that comes back promptly (within `bucket_seconds` of its
   * first sighting): one-offs are the common case of a type first seen, so a burst is evidence —
   * n prompt sightings add log2(n) bits, up to `burst_bits`; after that the type is just known.
   */
  private repeated(e: LogEvent, source: string, s: SourceState, tid: number, t: TemplateState): Anomaly | undefined {
    const cfg = this.config;
    const ts = Number.isFinite(e.ts) ? e.ts : 0;
    const n = Math.round(t.count);
    const gain = Math.min(Math.log2(n), cfg.burst_bits);
    if (Math.abs(ts - t.firstTs) > cfg.bucket_seconds * 1000 || gain <= Math.log2(n - 1)) {
      t.pending = Number.NaN;
      return undefined;
    }
    const score = t.pending + gain;
    if (score < cfg.min_surprise_bits || this.isLearned(source, tid)) return undefined;
    t.pending = Number.NaN;
    const message = typeof e.message === 'string' ? e.message : rawOf(e);
    const cls = worseClass(levelClass(e.level), textClass(message));
    const sev = Math.max(1, CLASS_RANK[cls] - 1);
    const inGroup = this.inGroup(s, ts);
    if (inGroup && sev <= s.groupRank) return undefined;
    s.groupRank = inGroup ? Math.max(s.groupRank, sev) : sev;
    s.groupAt = ts;
    s.groupIdx = s.events;
    return this.anomaly(e, source, s, tid, 'new', 0, SEVERITY_OF_RANK[sev], score, 0, cls, n);
  }

  /** A message type (or message) first seen by this source: known to the fleet, or judged by its surprise. */
  private firstSeen(e: LogEvent, source: string, s: SourceState, tid: number, key: string | undefined, what: 'new' | 'message', words: readonly string[], fresh?: TemplateState): Anomaly | undefined {
    const cfg = this.config;
    const unseenWords = this.learnWords(s, words);
    const message = typeof e.message === 'string' ? e.message : rawOf(e);
    const cls = worseClass(levelClass(e.level), textClass(message));
    const rank = CLASS_RANK[cls];
    // Rates before this event: how likely a new type of this class was, given what the source (and
    // fleet) did lately — a source that often logs new fatal-looking types makes one more less news.
    // Only failures (error or fatal level or wording) get a rate of their own: warnings are routine.
    const tail = rank >= CLASS_RANK.error ? rank : 0;
    const pSource = discoveryRate(s.found, s.seen, tail);
    const pFleet = discoveryRate(this.fleetFound, this.fleetSeen, tail);
    const member = s.fromFleet > 0 && s.fromFleet >= s.own;
    if (key !== undefined) {
      const known = this.fleet.get(key);
      this.fleet.delete(key);
      this.fleet.set(key, Math.min((known ?? 0) + 1, 1e9));
      if (this.fleet.size > cfg.max_fleet_templates) this.fleet.delete(this.fleet.keys().next().value as string);
      if (known !== undefined && cfg.warmup_events === 0) {
        s.fromFleet++;
        this.learnEvent(s, -1);
        return undefined;
      }
    }
    s.own++;
    this.learnEvent(s, rank);
    if (cfg.warmup_events > 0) {
      // A fixed warm-up (the behaviour before surprise): every type first seen after it is news.
      if (s.events <= cfg.warmup_events || this.isLearned(source, tid)) return undefined;
      return this.anomaly(e, source, s, tid, what, 0, SEVERITY_OF_RANK[Math.max(1, CLASS_RANK[levelClass(e.level)])], cfg.min_surprise_bits, Number.POSITIVE_INFINITY, cls);
    }
    const ts = Number.isFinite(e.ts) ? e.ts : 0;
    const inGroup = this.inGroup(s, ts);
    s.groupAt = ts;
    s.groupIdx = s.events;
    if (!inGroup) s.groupRank = -1;
    if (this.isLearned(source, tid)) return undefined;
    const bits = -Math.log2(member ? Math.min(pSource, pFleet) : pSource);
    // A recombination of words the source already used is weaker news than a type that brings new words.
    const score = bits + CLASS_BITS[cls] - Math.max(0, cfg.known_words_bits - unseenWords);
    // A type with no word (an empty message, a dump of values) or a line of a dump (a named number, a
    // heading, values with their names: `words.ts`) is not an event: never news on its own, not even
    // in a burst.
    if ((words.length === 0 && cfg.known_words_bits > 0) || isDumpField(templateText(e))) return undefined;
    if (score < cfg.min_surprise_bits) {
      // Not news yet; a prompt burst may make it (`repeated`).
      if (fresh) fresh.pending = score;
      return undefined;
    }
    // Severity from level and wording; one step lower while the source itself has not settled.
    const sev = Math.max(1, rank - (bits >= cfg.min_surprise_bits ? 0 : 1));
    if (sev <= s.groupRank) return undefined;
    s.groupRank = sev;
    return this.anomaly(e, source, s, tid, what, 0, SEVERITY_OF_RANK[sev], score, bits, cls);
  }

  /**
   * Whether a first-seen type at `ts` joins the source's open group (a flood): close in event time
   * and in the source's own events — a source that logged a discovery half-life of events since its
   * last new type has settled again, and its next never-seen type is news of its own.
   */
  private inGroup(s: SourceState, ts: number): boolean {
    return Math.abs(ts - s.groupAt) <= this.config.group_seconds * 1000 && s.events - s.groupIdx < this.config.discovery_half_life_events;
  }

  private anomaly(e: LogEvent, source: string, s: SourceState, tid: number, what: 'new' | 'message' | 'rare', prior: number, severity: Severity, score: number, bits = score, cls: LevelClass = 'other', sightings = 1): Anomaly {
    const bucketMs = this.config.bucket_seconds * 1000;
    const ts = Number.isFinite(e.ts) ? e.ts : 0;
    const bucket = Math.floor(ts / bucketMs);
    const template = typeof e.template === 'string' && e.template !== '' ? e.template : rawOf(e);
    const level = typeof e.level === 'string' && e.level !== '' ? e.level : undefined;
    const lvl = level ? ` (level ${level})` : cls === 'fatal' || cls === 'error' ? ` (reads as ${cls === 'fatal' ? 'fatal' : 'an error'})` : '';
    const settled = what === 'rare' ? '' : bits >= this.config.min_surprise_bits ? '' : ', while the source is still learning';
    let title: string;
    const times = sightings > 1 ? `, ${sightings} times within ${this.config.bucket_seconds} s` : '';
    if (what === 'new') title = `New message type on ${source}: '${clip(template)}'${lvl}${times}${settled}.`;
    else if (what === 'message') {
      const message = typeof e.message === 'string' && e.message !== '' ? e.message : rawOf(e);
      title = `New message on ${source}: '${clip(message)}', a never-seen variant of '${clip(template, 80)}'${lvl}${settled}.`;
    } else title = `Rare message type on ${source}: '${clip(template)}' seen about ${Math.round(prior)} times in the last ${this.config.rare_half_life_events} events${lvl}.`;
    const feature = what === 'new' ? 'new_template' : what === 'message' ? 'new_message' : 'rare_template';
    return {
      id: anomalyId('novelty', source, what === 'message' ? `${tid}:message:${(e.novel?.words ?? []).join(' ')}` : `${tid}:${what}`, bucket),
      ts,
      source,
      detector: 'novelty',
      score,
      severity,
      title,
      explanation: [{ feature, templateId: tid, template, observed: 1, expected: what === 'rare' ? prior : Math.pow(2, -bits), contribution: score }],
      context: s.ring.toArray(ts),
      window: { start: bucket * bucketMs, end: (bucket + 1) * bucketMs },
      templateId: tid,
    };
  }

  snapshot(): Snapshot {
    const sources: unknown[] = [];
    for (const [name, s] of this.sources) {
      const ts: number[] = [];
      const texts: string[] = [];
      for (const [id, t] of s.templates) {
        ts.push(id, t.count, t.at, t.lastAlert, t.pending === t.pending ? t.pending : -1, t.firstTs);
        texts.push(t.text);
      }
      sources.push({
        name,
        events: s.events,
        total: s.total,
        found: [...s.found],
        seen: s.seen,
        group: [Number.isFinite(s.groupAt) ? s.groupAt : null, s.groupRank, s.groupIdx],
        fleet: [s.fromFleet, s.own],
        messages: [...s.messages.keys()],
        lines: s.ring.toArray(),
        times: s.ring.timesArray(),
        templates: ts,
        texts,
        words: [...s.words],
      });
    }
    return {
      kind: 'novelty',
      version: NOVELTY_SNAPSHOT_VERSION,
      data: { sources, fleet: [...this.fleet], fleetRate: [[...this.fleetFound], this.fleetSeen], evictedTemplates: this.evictedTemplates, evictedSources: this.evictedSources },
    };
  }

  restore(snap: Snapshot): void {
    const d = snapshotData(snap, 'novelty', NOVELTY_SNAPSHOT_VERSION);
    expectShape(Array.isArray(d.sources), 'novelty', 'source list');
    const sources = new Map<string, SourceState>();
    for (const raw of d.sources as Record<string, unknown>[]) {
      const ok = raw && typeof raw.name === 'string' && typeof raw.events === 'number' && typeof raw.total === 'number' && Array.isArray(raw.templates);
      expectShape(Boolean(ok), 'novelty', 'source entry');
      const flat = raw.templates as number[];
      const width = snap.version === 1 ? 4 : 6;
      expectShape(flat.length % width === 0, 'novelty', 'template list');
      const templates = new Map<number, TemplateState>();
      for (let i = 0; i < flat.length; i += width) {
        const pending = width === 6 && flat[i + 4] >= 0 ? flat[i + 4] : Number.NaN;
        const text = Array.isArray(raw.texts) && typeof raw.texts[i / width] === 'string' ? (raw.texts[i / width] as string) : '';
        templates.set(flat[i], { count: flat[i + 1], at: flat[i + 2], lastAlert: flat[i + 3], pending, firstTs: width === 6 ? flat[i + 5] : 0, text });
      }
      // Versions 1 and 2 kept no vocabulary: the source relearns it (until then no type is a recombination).
      const words = new Map<string, number>();
      if (Array.isArray(raw.words)) for (const w of raw.words as unknown[]) if (Array.isArray(w) && typeof w[0] === 'string') words.set(w[0], num(w[1], 1));
      const events = raw.events as number;
      // Version 1 kept no discovery rate: a source restored from it had a fixed warm-up behind it,
      // so it starts as settled as its event count allows (no new type among its recent events).
      const seenV1 = (1 - Math.pow(this.discoveryDecay, events)) / (1 - this.discoveryDecay);
      const group = Array.isArray(raw.group) ? (raw.group as unknown[]) : [];
      const fleet = Array.isArray(raw.fleet) ? (raw.fleet as unknown[]) : [];
      const messages = new Map<string, true>();
      if (Array.isArray(raw.messages)) for (const m of raw.messages) if (typeof m === 'string') messages.set(m, true);
      sources.set(raw.name as string, {
        events,
        total: raw.total as number,
        found: Array.isArray(raw.found) && raw.found.length === 4 ? (raw.found as unknown[]).map((x) => num(x, 0)) : [0, 0, 0, 0],
        seen: num(raw.seen, seenV1),
        groupAt: num(group[0], Number.NaN),
        groupRank: num(group[1], -1),
        groupIdx: num(group[2], events),
        fromFleet: num(fleet[0], 0),
        own: num(fleet[1], 0),
        templates,
        messages,
        words,
        ring: LineRing.from(this.config.context_lines, raw.lines, this.config.max_line_chars, raw.times),
      });
    }
    const fleet = new Map<string, number>();
    if (Array.isArray(d.fleet)) for (const f of d.fleet as unknown[]) if (Array.isArray(f) && typeof f[0] === 'string') fleet.set(f[0], num(f[1], 1));
    const rate = Array.isArray(d.fleetRate) ? (d.fleetRate as unknown[]) : [];
    this.sources = sources;
    this.fleet = fleet;
    this.fleetFound = Array.isArray(rate[0]) && rate[0].length === 4 ? (rate[0] as unknown[]).map((x) => num(x, 0)) : [0, 0, 0, 0];
    this.fleetSeen = num(rate[1], 0);
    this.evictedTemplates = typeof d.evictedTemplates === 'number' ? d.evictedTemplates : 0;
    this.evictedSources = typeof d.evictedSources === 'number' ? d.evictedSources : 0;
  }
}

/** The event's template text ('' when it has none). */
function templateText(e: LogEvent): string {
  return typeof e.template === 'string' ? e.template : '';
}

/**
 * How likely a new type at least as severe as class `rank` was, given decayed new types per class
 * `found` among `seen` events: (new types of that class or worse + ½) / (events + 2), and never more
 * than the rate of any new type (Laplace, + 1). A source that keeps logging new info types but never
 * a fatal-looking one makes its first fatal-looking type news even while it is still learning.
 */
function discoveryRate(found: readonly number[], seen: number, rank: number): number {
  let all = 0;
  let worse = 0;
  for (let c = 0; c < found.length; c++) {
    all += found[c];
    if (c >= rank) worse += found[c];
  }
  return Math.min((all + 1) / (seen + 2), (worse + 0.5) / (seen + 2));
}

function num(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}
