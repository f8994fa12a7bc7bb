/**
 * @module detectors/novelty/novelty
 * The `novelty` streaming detector: a template never seen before for its source (after the source's
 * warm-up), or a known template that is rare relative to its history. Counts are exponentially
 * decayed per event of the source (half-life `rare_half_life_events`), so "rare" means "fewer than
 * `rare_count` occurrences in about the last half-life of events". After an alert a template stays
 * quiet for one half-life. Per-source state is an LRU map capped at `max_templates` (evictions
 * counted); sources are capped the same way.
 *
 * @example
 * const d = new NoveltyDetector(noveltyConfigSchema.parse({ warmup_events: 500 }));
 * d.observe(events); // [{ title: "New message type on api: 'Connection to <IP> refused' (level error).", … }]
 */
import type { LearnAsNormal, StreamDetector } from '../../core/detector.js';
import type { Anomaly, LogEvent, Severity } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import { anomalyId, clip, expectShape, LineRing, rawOf, severityOf, snapshotData, sourceOf } from '../shared/common.js';
import type { NoveltyConfig } from './config.js';

export const NOVELTY_SNAPSHOT_VERSION = 1;

interface TemplateState {
  /** Decayed count as of event index `at`. */
  count: number;
  at: number;
  /** Event index of the last alert for this template (-1: none). */
  lastAlert: number;
}

interface SourceState {
  /** Events of this source so far. */
  events: number;
  /** Decayed total of events. */
  total: number;
  templates: Map<number, TemplateState>;
  ring: LineRing;
}

export interface NoveltyStats {
  sources: number;
  templates: number;
  evictedTemplates: number;
  evictedSources: number;
}

const SEV_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

export class NoveltyDetector implements StreamDetector {
  readonly kind = 'novelty';
  private sources = new Map<string, SourceState>();
  private evictedTemplates = 0;
  private evictedSources = 0;
  private readonly decay: number;
  /** source + template ids learned as normal by feedback (re-applied at start, not snapshotted). */
  private readonly learned = new Set<string>();

  constructor(private readonly config: NoveltyConfig) {
    this.decay = Math.pow(2, -1 / config.rare_half_life_events);
  }

  observe(events: readonly LogEvent[]): Anomaly[] {
    const out: Anomaly[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (!e || typeof e !== 'object') continue;
      const a = this.one(e);
      if (a) out.push(a);
    }
    return out;
  }

  /** Novelty needs no clock: nothing is revealed by time alone. */
  tick(_now: number): Anomaly[] {
    return [];
  }

  stats(): NoveltyStats {
    let templates = 0;
    for (const s of this.sources.values()) templates += s.templates.size;
    return { sources: this.sources.size, templates, evictedTemplates: this.evictedTemplates, evictedSources: this.evictedSources };
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
    s = { events: 0, total: 0, templates: new Map(), ring: new LineRing(this.config.context_lines) };
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
    s.ring.push(rawOf(e), cfg.max_line_chars);
    const tid = Number.isFinite(e.templateId) ? e.templateId : -1;
    const t = s.templates.get(tid);
    const warm = idx >= cfg.warmup_events;
    if (!t) {
      s.templates.set(tid, { count: 1, at: idx, lastAlert: warm ? idx : -1 });
      if (s.templates.size > cfg.max_templates) {
        s.templates.delete(s.templates.keys().next().value as number);
        this.evictedTemplates++;
      }
      return warm && !this.isLearned(source, tid) ? this.anomaly(e, source, s, tid, 'new', 0) : undefined;
    }
    s.templates.delete(tid);
    s.templates.set(tid, t);
    // --- issue 13 (parser side, minimal): a never-seen message absorbed into a known template. ---
    if (e.novel !== undefined && warm && !this.isLearned(source, tid)) {
      t.count = t.count * Math.pow(2, -(idx - t.at) / cfg.rare_half_life_events) + 1;
      t.at = idx;
      return this.novelAnomaly(e, source, s, tid, e.novel);
    }
    // --- end issue 13 ---
    const prior = t.count * Math.pow(2, -(idx - t.at) / cfg.rare_half_life_events);
    t.count = prior + 1;
    t.at = idx;
    // "Rare in about the last rare_half_life_events events" means something only once the source has
    // that much history: before, a template seen twice in the first 2,000 events is merely young.
    if (!warm || cfg.rare_count <= 0 || prior >= cfg.rare_count || idx < cfg.rare_half_life_events) return undefined;
    if (t.lastAlert >= 0 && idx - t.lastAlert < cfg.rare_half_life_events) return undefined;
    if (this.isLearned(source, tid)) return undefined;
    t.lastAlert = idx;
    return this.anomaly(e, source, s, tid, 'rare', prior);
  }

  private anomaly(e: LogEvent, source: string, s: SourceState, tid: number, what: 'new' | 'rare', prior: number): Anomaly {
    const bucketMs = this.config.bucket_seconds * 1000;
    const ts = Number.isFinite(e.ts) ? e.ts : 0;
    const bucket = Math.floor(ts / bucketMs);
    const template = typeof e.template === 'string' && e.template !== '' ? e.template : rawOf(e);
    const level = typeof e.level === 'string' && e.level !== '' ? e.level : undefined;
    const lvl = level ? ` (level ${level})` : '';
    // Surprise in bits of this template given the decayed history of the source (Laplace-smoothed).
    const score = -Math.log2((prior + 0.5) / (s.total + 1));
    let severity = severityOf(level, what === 'new' ? 0 : 1);
    if (what === 'new' && SEV_RANK[severity] < SEV_RANK.warning) severity = 'warning';
    const title =
      what === 'new'
        ? `New message type on ${source}: '${clip(template)}'${lvl}.`
        : `Rare message type on ${source}: '${clip(template)}' seen about ${Math.round(prior)} times in the last ${this.config.rare_half_life_events} events${lvl}.`;
    const a: Anomaly = {
      id: anomalyId('novelty', source, `${tid}:${what}`, bucket),
      ts,
      source,
      detector: 'novelty',
      score,
      severity,
      title,
      explanation: [{ feature: what === 'new' ? 'new_template' : 'rare_template', templateId: tid, template, observed: 1, expected: prior, contribution: score }],
      context: s.ring.toArray(),
      window: { start: bucket * bucketMs, end: (bucket + 1) * bucketMs },
      templateId: tid,
    };
    return a;
  }

  /** Issue 13: `event.novel` reported as first time seen (one id per source, template and words). */
  private novelAnomaly(e: LogEvent, source: string, s: SourceState, tid: number, novel: NonNullable<LogEvent['novel']>): Anomaly {
    const a = this.anomaly(e, source, s, tid, 'new', 0);
    const words = novel.words.join(' ');
    a.id = anomalyId('novelty', source, `${tid}:novel:${words}`, 0);
    a.title = `First time seen on ${source}: '${clip(e.message)}' (${novel.kind === 'generalised' ? 'new words' : 'new value'} '${clip(words)}' in '${clip(a.explanation[0]?.template ?? '')}').`;
    a.explanation = [{ feature: 'new_template', templateId: tid, template: e.template, observed: 1, expected: 0, contribution: a.score }];
    return a;
  }

  snapshot(): Snapshot {
    const sources: unknown[] = [];
    for (const [name, s] of this.sources) {
      const ts: number[] = [];
      for (const [id, t] of s.templates) ts.push(id, t.count, t.at, t.lastAlert);
      sources.push({ name, events: s.events, total: s.total, lines: s.ring.toArray(), templates: ts });
    }
    return {
      kind: 'novelty',
      version: NOVELTY_SNAPSHOT_VERSION,
      data: { sources, evictedTemplates: this.evictedTemplates, evictedSources: this.evictedSources },
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
      expectShape(flat.length % 4 === 0, 'novelty', 'template list');
      const templates = new Map<number, TemplateState>();
      for (let i = 0; i < flat.length; i += 4) templates.set(flat[i], { count: flat[i + 1], at: flat[i + 2], lastAlert: flat[i + 3] });
      sources.set(raw.name as string, {
        events: raw.events as number,
        total: raw.total as number,
        templates,
        ring: LineRing.from(this.config.context_lines, raw.lines, this.config.max_line_chars),
      });
    }
    this.sources = sources;
    this.evictedTemplates = typeof d.evictedTemplates === 'number' ? d.evictedTemplates : 0;
    this.evictedSources = typeof d.evictedSources === 'number' ? d.evictedSources : 0;
  }
}
