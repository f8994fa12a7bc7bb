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
 * are capped the same way (`state.ts`: what is kept and how it is bounded).
 *
 * @example
 * const d = new NoveltyDetector(noveltyConfigSchema.parse({}));
 * d.observe(events); // [{ title: "New message type on api: 'Connection to <IP> refused' (level error).", … }]
 */
import type { LearnAsNormal, StreamDetector } from '../../core/detector.js';
import type { Anomaly, LogEvent, Severity } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import { kept } from '../../core/text.js';
import { CLASS_RANK, eachFinding, type LevelClass, levelClass, rawOf, severityOf, sourceOf, textClass, worseClass } from '../shared/common.js';
import { Lru } from '../shared/lru.js';
import type { NoveltyConfig } from './config.js';
import { type FindingFacts, noveltyFinding } from './finding.js';
import { fleetKey, type FleetKnowledge, NoveltyFleet } from './fleet.js';
import { keptText, MAX_KEPT_TEXT, newSource, NOVELTY_SNAPSHOT_VERSION, restoreSources, snapshotSources, type SourceState, type TemplateState, wordHash } from './state.js';
import { absorbedWords, isDumpField, wordsOf } from './words.js';

export { NOVELTY_SNAPSHOT_VERSION } from './state.js';

export interface NoveltyStats {
  sources: number;
  templates: number;
  evictedTemplates: number;
  evictedSources: number;
  fleetTemplates: number;
  /** Words dropped from sources' vocabularies (least recently used beyond `max_words`). */
  evictedWords: number;
}

/** Bits of surprise a level or wording adds. */
const CLASS_BITS: Record<LevelClass, number> = { other: 0, warn: 1, error: 3, fatal: 4 };
const SEVERITY_OF_RANK: Severity[] = ['warning', 'warning', 'error', 'critical'];
/**
 * Sightings below which a template is young: its wildcards' words are checked against the source's
 * vocabulary (the miner marks never-seen values of older templates itself, `LogEvent.novel`).
 */
const YOUNG_TEMPLATE = 20;

export class NoveltyDetector implements StreamDetector {
  readonly kind = 'novelty';
  private sources: Lru<string, SourceState>;
  private evictedTemplates = 0;
  private evictedWords = 0;
  private readonly decay: number;
  private readonly discoveryDecay: number;
  /** source + template ids learned as normal by feedback (re-applied at start, not snapshotted). */
  private readonly learned: Lru<string, true>;

  /**
   * @param fleet what the sources learn together (fleet.ts); by default this detector's own. A host
   *   may pass one shared by several detectors; only the detector's own is snapshotted.
   */
  constructor(
    private readonly config: NoveltyConfig,
    private readonly fleet: FleetKnowledge = new NoveltyFleet(config.max_fleet_templates),
  ) {
    this.decay = Math.pow(2, -1 / config.rare_half_life_events);
    this.discoveryDecay = Math.pow(2, -1 / config.discovery_half_life_events);
    this.sources = new Lru(config.max_sources);
    this.learned = new Lru(config.max_templates);
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
    const fleetTemplates = this.fleet instanceof NoveltyFleet ? this.fleet.size : 0;
    return { sources: this.sources.size, templates, evictedTemplates: this.evictedTemplates, evictedSources: this.sources.evicted, fleetTemplates, evictedWords: this.evictedWords };
  }

  /** "Learn as normal" feedback: the template of the source is known; it is never flagged new or rare. */
  learnAsNormal(what: LearnAsNormal): boolean {
    if (what.templateId === undefined || !Number.isFinite(what.templateId)) return false;
    this.learned.set(`${what.source}\u0000${what.templateId}`, true);
    return true;
  }

  private isLearned(source: string, tid: number): boolean {
    return this.learned.size > 0 && this.learned.has(`${source}\u0000${tid}`);
  }

  private sourceState(name: string): SourceState {
    let s = this.sources.touch(name);
    if (s === undefined) this.sources.set(name, (s = newSource(this.config)));
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
    const t = s.templates.touch(tid);
    if (!t) {
      const text = templateText(e);
      const fresh: TemplateState = { count: 1, at: idx, lastAlert: -1, pending: Number.NaN, firstTs: Number.isFinite(e.ts) ? e.ts : 0, text: keptText(text) };
      if (s.templates.set(tid, fresh) !== undefined) this.evictedTemplates++;
      return this.firstSeen(e, source, s, tid, this.keyOf(e, undefined), 'new', wordsOf(text), fresh);
    }
    const prior = t.count * Math.pow(2, -(idx - t.at) / cfg.rare_half_life_events);
    t.count = prior + 1;
    t.at = idx;
    if (t.pending === t.pending) {
      const a = this.repeated(e, source, s, tid, t);
      if (a) return a;
    }
    const novel = e.novel;
    const text = templateText(e);
    // Only a text short enough to be read for words is kept (state.ts): a longer one never counts as changed.
    const changed = text !== t.text && text.length <= MAX_KEPT_TEXT;
    if (changed) t.text = keptText(text);
    if (novel && typeof novel === 'object' && Array.isArray(novel.words)) {
      const list = novel.words.slice(0, 8).map((w) => String(w).slice(0, 64));
      const a = this.newMessage(e, source, s, tid, list.join(' '), list.flatMap(wordsOf));
      if (a !== null) return a;
    } else if (cfg.warmup_events === 0 && (changed || (prior < YOUNG_TEMPLATE && text.includes('<*>')))) {
      // The miner generalised this template for this message, or a young template's wildcards took
      // it, without marking it novel (the miner does that for older templates only): the words it
      // absorbed that the source never used make it a never-seen message.
      const absorbed = absorbedWords(text, typeof e.message === 'string' ? e.message : '');
      const unseen = absorbed.filter((w) => !s.words.has(wordHash(w)));
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
    const score = -Math.log2((prior + 0.5) / (s.total + 1));
    return this.finding(e, source, s, tid, { what: 'rare', prior, severity: severityOf(e.level, 1), score, bits: score, cls: 'other', sightings: 1 });
  }

  /** A never-seen message inside known template `tid` (key: its words): judged as first seen, once; null when seen before. */
  private newMessage(e: LogEvent, source: string, s: SourceState, tid: number, key: string, words: string[]): Anomaly | undefined | null {
    const cfg = this.config;
    const k = `${tid}\u0000${key}`;
    if (cfg.warmup_events !== 0 || s.messages.has(k)) return null;
    // Only values changed (a new path, number or address in a known message): a new value, not a new message.
    if (words.length === 0 && cfg.known_words_bits > 0) return null;
    s.messages.set(kept(k), true);
    return this.firstSeen(e, source, s, tid, this.keyOf(e, key), 'message', words);
  }

  /** Counts `words` into the source's vocabulary; returns how many it had never seen. */
  private learnWords(s: SourceState, words: readonly string[]): number {
    let unseen = 0;
    for (const w of words) {
      const h = wordHash(w);
      const n = s.words.get(h);
      // Refreshes a known word's place (words in use are not evicted); a new one may evict the least recently used.
      if (n !== undefined) s.words.set(h, n + 1);
      else {
        unseen++;
        if (s.words.set(h, 1) !== undefined) this.evictedWords++;
      }
    }
    return unseen;
  }

  private keyOf(e: LogEvent, words: string | undefined): string | undefined {
    if (!this.fleet.enabled) return undefined;
    return fleetKey(typeof e.template === 'string' && e.template !== '' ? e.template : rawOf(e), words);
  }

  /** Counts one event into the source's (and the fleet's) discovery rates; `rank`: class of a new type, -1 for none. */
  private learnEvent(s: SourceState, rank: number): void {
    s.discovery.learn(rank, this.discoveryDecay);
    if (this.fleet.enabled) this.fleet.rate.learn(rank, this.discoveryDecay);
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
    return this.finding(e, source, s, tid, { what: 'new', prior: 0, severity: SEVERITY_OF_RANK[sev], score, bits: 0, cls, sightings: n });
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
    const pSource = s.discovery.rate(tail);
    const pFleet = this.fleet.rate.rate(tail);
    const member = s.fromFleet > 0 && s.fromFleet >= s.own;
    if (key !== undefined && this.fleet.sighted(key, e) && cfg.warmup_events === 0) {
      s.fromFleet++;
      this.learnEvent(s, -1);
      return undefined;
    }
    s.own++;
    this.learnEvent(s, rank);
    if (cfg.warmup_events > 0) {
      // A fixed warm-up (the behaviour before surprise): every type first seen after it is news.
      if (s.events <= cfg.warmup_events || this.isLearned(source, tid)) return undefined;
      return this.finding(e, source, s, tid, { what, prior: 0, severity: SEVERITY_OF_RANK[Math.max(1, CLASS_RANK[levelClass(e.level)])], score: cfg.min_surprise_bits, bits: Number.POSITIVE_INFINITY, cls, sightings: 1 });
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
    if (words.length === 0 && cfg.known_words_bits > 0) return undefined;
    // A type that not even a full burst could make news (`repeated` adds at most burst_bits) is not
    // read further: in a flood of new types the dump-line check was most of the cost left.
    if (score + cfg.burst_bits < cfg.min_surprise_bits || isDumpField(templateText(e))) return undefined;
    if (score < cfg.min_surprise_bits) {
      // Not news yet; a prompt burst may make it (`repeated`).
      if (fresh) fresh.pending = score;
      return undefined;
    }
    // Severity from level and wording; one step lower while the source itself has not settled.
    const sev = Math.max(1, rank - (bits >= cfg.min_surprise_bits ? 0 : 1));
    if (sev <= s.groupRank) return undefined;
    s.groupRank = sev;
    return this.finding(e, source, s, tid, { what, prior: 0, severity: SEVERITY_OF_RANK[sev], score, bits, cls, sightings: 1 });
  }

  /**
   * Whether a first-seen type at `ts` joins the source's open group (a flood): close in event time
   * and in the source's own events — a source that logged a discovery half-life of events since its
   * last new type has settled again, and its next never-seen type is news of its own.
   */
  private inGroup(s: SourceState, ts: number): boolean {
    return Math.abs(ts - s.groupAt) <= this.config.group_seconds * 1000 && s.events - s.groupIdx < this.config.discovery_half_life_events;
  }

  private finding(e: LogEvent, source: string, s: SourceState, tid: number, f: FindingFacts): Anomaly {
    return noveltyFinding(this.config, e, source, s, tid, f);
  }

  snapshot(): Snapshot {
    const fleet = this.fleet instanceof NoveltyFleet ? this.fleet.snapshot() : { fleet: [], fleetRate: [[0, 0, 0, 0], 0] };
    return {
      kind: 'novelty',
      version: NOVELTY_SNAPSHOT_VERSION,
      data: { sources: snapshotSources(this.sources), ...fleet, evictedTemplates: this.evictedTemplates, evictedSources: this.sources.evicted, evictedWords: this.evictedWords },
    };
  }

  restore(snap: Snapshot): void {
    const { sources, data: d } = restoreSources(snap, this.config, this.discoveryDecay);
    const restored = new Lru<string, SourceState>(this.config.max_sources);
    for (const [name, s] of sources) restored.set(name, s);
    restored.evicted = typeof d.evictedSources === 'number' ? d.evictedSources : 0;
    this.sources = restored;
    if (this.fleet instanceof NoveltyFleet) this.fleet.restore(d.fleet, d.fleetRate);
    this.evictedTemplates = typeof d.evictedTemplates === 'number' ? d.evictedTemplates : 0;
    this.evictedWords = typeof d.evictedWords === 'number' ? d.evictedWords : 0;
  }
}

/** The event's template text ('' when it has none). */
function templateText(e: LogEvent): string {
  return typeof e.template === 'string' ? e.template : '';
}
