/**
 * @module api/rate-history
 * The bounded, in-memory time series behind `GET /api/stats` and the web UI's charts: lines per
 * source in 10 s buckets for the last hour, anomalies per severity in the same buckets, totals since
 * start, and lines per minute for the last hour of a bounded set of templates (the sparklines).
 * Fed by the engine's `onEvents`/`onAnomalies` hooks — the hot path — so each batch costs one clock
 * read and a plain loop of counter increments; nothing is allocated per event except when a source or
 * template is seen for the first time. Time is the service clock at processing (an ingest rate), not
 * the events' own timestamps. Nothing here survives a restart.
 * @example
 * const history = new RateHistory({ clock });
 * engine.onEvents = (e) => history.addEvents(e);
 * engine.onAnomalies = (a) => history.addAnomalies(a);
 * history.snapshot({ templates: [{ source: 'http:ingest', templateId: 3 }] });
 */
import type { Clock } from '../core/clock.js';
import { type Anomaly, type LogEvent, SEVERITIES, type Severity } from '../core/event.js';
import { eventRuns, type EventRun } from '../core/event-runs.js';

export { eventRuns, type EventRun } from '../core/event-runs.js';

export { SEVERITIES };

export interface RateHistoryOptions {
  clock: Clock;
  /** Width of a rate bucket (ms), default 10 s. */
  bucketMs?: number;
  /** Buckets kept, default 360 (one hour of 10 s buckets). */
  buckets?: number;
  /** Sources with their own series; later ones are counted under `(other)`. Default 64. */
  maxSources?: number;
  /** Templates with a per-minute series; the least recently seen are evicted. Default 2000. */
  maxTemplates?: number;
  /** Minutes of history per template, default 60. */
  templateMinutes?: number;
}

/** A fixed ring of counts indexed by bucket number; a slot is zeroed when its bucket comes round again. */
class Ring {
  readonly counts: Float64Array;
  private readonly slots: Float64Array;
  total = 0;

  constructor(size: number) {
    this.counts = new Float64Array(size);
    this.slots = new Float64Array(size).fill(-1);
  }

  add(bucket: number, n: number): void {
    const i = bucket % this.counts.length;
    if (this.slots[i] !== bucket) {
      this.slots[i] = bucket;
      this.counts[i] = 0;
    }
    this.counts[i] += n;
    this.total += n;
  }

  /** Counts of the `size` buckets ending at `last` (oldest first); buckets never written are 0. */
  series(last: number): number[] {
    const n = this.counts.length;
    const out = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const b = last - n + 1 + k;
      const i = ((b % n) + n) % n;
      out[k] = b >= 0 && this.slots[i] === b ? this.counts[i] : 0;
    }
    return out;
  }
}

interface SourceSeries {
  lines: Ring;
  anomalies: number;
  bySeverity: Record<Severity, number>;
}

interface TemplateSeries {
  ring: Ring;
  lastSeen: number;
}

export interface TemplateKey {
  source: string;
  templateId: number;
}

export interface StatsSnapshot {
  now: number;
  bucketMs: number;
  /** Start of the first bucket of every `lines`/`anomalies` series (epoch ms). */
  start: number;
  sources: { source: string; lines: number[]; totalLines: number; anomalies: number; bySeverity: Record<Severity, number> }[];
  anomalies: Record<Severity, number[]>;
  totals: { lines: number; anomalies: number; bySeverity: Record<Severity, number> };
  templates: { source: string; templateId: number; minuteMs: number; start: number; counts: number[] | null }[];
}

export const OTHER_SOURCES = '(other)';
const MINUTE = 60_000;

export class RateHistory {
  private readonly clock: Clock;
  private readonly bucketMs: number;
  private readonly buckets: number;
  private readonly maxSources: number;
  private readonly maxTemplates: number;
  private readonly templateMinutes: number;
  private readonly sources = new Map<string, SourceSeries>();
  private readonly severity: Record<Severity, Ring>;
  private readonly templates = new Map<string, Map<number, TemplateSeries>>();
  private templateCount = 0;
  /** Templates evicted to stay under `maxTemplates` (counted for /api/stats readers). */
  evictedTemplates = 0;

  constructor(opts: RateHistoryOptions) {
    this.clock = opts.clock;
    this.bucketMs = opts.bucketMs ?? 10_000;
    this.buckets = opts.buckets ?? 360;
    this.maxSources = opts.maxSources ?? 64;
    this.maxTemplates = opts.maxTemplates ?? 2000;
    this.templateMinutes = opts.templateMinutes ?? 60;
    this.severity = { info: new Ring(this.buckets), warning: new Ring(this.buckets), error: new Ring(this.buckets), critical: new Ring(this.buckets) };
  }

  /** One batch of mined events: one clock read, counters per run of equal source and template. */
  addEvents(events: readonly LogEvent[]): void {
    this.addRuns(eventRuns(events));
  }

  /** A batch already summarised (`eventRuns`; what the engine's worker thread sends). */
  addRuns(runs: readonly EventRun[]): void {
    if (runs.length === 0) return;
    const now = this.clock.now();
    const bucket = Math.floor(now / this.bucketMs);
    const minute = Math.floor(now / MINUTE);
    for (const r of runs) {
      this.source(r.source).lines.add(bucket, r.lines);
      this.countTemplates(r, minute);
    }
  }

  /** Newly stored anomalies: per severity and per source. */
  addAnomalies(anomalies: readonly Anomaly[]): void {
    if (anomalies.length === 0) return;
    const bucket = Math.floor(this.clock.now() / this.bucketMs);
    for (const a of anomalies) {
      const ring = this.severity[a.severity];
      if (ring === undefined) continue;
      ring.add(bucket, 1);
      const s = this.source(a.source);
      s.anomalies++;
      s.bySeverity[a.severity]++;
    }
  }

  snapshot(opts: { templates?: readonly TemplateKey[] } = {}): StatsSnapshot {
    const now = this.clock.now();
    const last = Math.floor(now / this.bucketMs);
    const lastMinute = Math.floor(now / MINUTE);
    const sources: StatsSnapshot['sources'] = [];
    let lines = 0;
    for (const [source, s] of this.sources) {
      lines += s.lines.total;
      sources.push({ source, lines: s.lines.series(last), totalLines: s.lines.total, anomalies: s.anomalies, bySeverity: { ...s.bySeverity } });
    }
    const anomalies = {} as Record<Severity, number[]>;
    const bySeverity = {} as Record<Severity, number>;
    let total = 0;
    for (const sev of SEVERITIES) {
      anomalies[sev] = this.severity[sev].series(last);
      bySeverity[sev] = this.severity[sev].total;
      total += this.severity[sev].total;
    }
    const templates = (opts.templates ?? []).map(({ source, templateId }) => {
      const t = this.templates.get(source)?.get(templateId);
      return { source, templateId, minuteMs: MINUTE, start: (lastMinute - this.templateMinutes + 1) * MINUTE, counts: t ? t.ring.series(lastMinute) : null };
    });
    return {
      now,
      bucketMs: this.bucketMs,
      start: (last - this.buckets + 1) * this.bucketMs,
      sources,
      anomalies,
      totals: { lines, anomalies: total, bySeverity },
      templates,
    };
  }

  private source(id: string): SourceSeries {
    let s = this.sources.get(id);
    if (s !== undefined) return s;
    if (this.sources.size >= this.maxSources && id !== OTHER_SOURCES) return this.source(OTHER_SOURCES);
    s = { lines: new Ring(this.buckets), anomalies: 0, bySeverity: { info: 0, warning: 0, error: 0, critical: 0 } };
    this.sources.set(id, s);
    return s;
  }

  /** Per-minute counts of one run's templates. */
  private countTemplates(run: EventRun, minute: number): void {
    const source = run.source;
    let bySource = this.templates.get(source);
    if (bySource === undefined) {
      bySource = new Map();
      this.templates.set(source, bySource);
    }
    for (let k = 0; k < run.templateIds.length; k++) {
      const id = run.templateIds[k];
      let t = bySource.get(id);
      if (t === undefined) {
        if (this.templateCount >= this.maxTemplates) {
          this.evictTemplates();
          this.templates.set(source, bySource);
        }
        t = { ring: new Ring(this.templateMinutes), lastSeen: minute };
        bySource.set(id, t);
        this.templateCount++;
      }
      t.lastSeen = minute;
      t.ring.add(minute, run.counts[k]);
    }
  }

  /** Drops the least recently seen tenth of the templates in one pass (amortised: rare, bounded). */
  private evictTemplates(): void {
    const seen: number[] = [];
    for (const m of this.templates.values()) for (const t of m.values()) seen.push(t.lastSeen);
    seen.sort((a, b) => a - b);
    const drop = Math.max(1, Math.floor(this.maxTemplates / 10));
    const cutoff = seen[Math.min(drop, seen.length) - 1];
    let left = drop;
    for (const [source, m] of this.templates) {
      for (const [id, t] of m) {
        if (left > 0 && t.lastSeen <= cutoff) {
          m.delete(id);
          left--;
          this.templateCount--;
          this.evictedTemplates++;
        }
      }
      if (m.size === 0) this.templates.delete(source);
    }
  }
}
