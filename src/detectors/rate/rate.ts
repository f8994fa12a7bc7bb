/**
 * @module detectors/rate/rate
 * The `rate` streaming detector: counts per interval, per template and per source, against an EWMA
 * baseline of mean and variance. A count is anomalous when its Poisson / negative-binomial tail
 * probability (variance = max(EWMA variance, mean)) is below `tail_probability`: spikes (upper tail)
 * and drops (lower tail). A source with no events for `silence_intervals` intervals, when its
 * baseline makes that improbable, is reported silent once. Intervals are driven by event time:
 * an event of a later interval closes the open one; `tick(now)` closes every interval ending by
 * `now`, also when nothing arrives. Anomalous intervals are not learned until they last
 * `relearn_intervals` (then the new level is accepted); a silent source's baseline is frozen.
 * Severity grows with the score (warning; error at twice the threshold), and a template's spike is
 * at least as severe as the most severe log level among its events in that interval (an ERROR
 * template's spike is `error`, a FATAL one's `critical`).
 *
 * @example
 * const d = new RateDetector(rateConfigSchema.parse({ interval_seconds: 60 }));
 * d.observe(events);
 * d.tick(clock.now()); // "Source api went silent: no events for 3 intervals of 60 s, about 540 expected per interval."
 */
import type { LearnAsNormal, StreamDetector } from '../../core/detector.js';
import type { Anomaly, Contribution, LogEvent } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import { SEVERITIES } from '../../core/event.js';
import { AlarmBudget, anomalyId, clip, expectShape, levelClass, LineRing, rawOf, snapshotData, sourceOf } from '../shared/common.js';
import type { RateConfig } from './config.js';
import { type GateOptions, SpotGate } from './gate.js';
import { Season } from './season.js';
import { SeriesShape } from './series.js';
import { Baseline, lowerTail, upperTail } from './tail.js';

/**
 * 2: template entries carry the open interval's most severe level; 3: occupancy, burst sizes and
 * episodes per series, the alarm budget and event-time clock per source (1 and 2 are still read).
 */
export const RATE_SNAPSHOT_VERSION = 3;

/** Severity by rank: a level class's rank (other 0, warn 1, error 2, fatal 3) is the lowest severity of its template's spike. */
const LEVEL_RANK = { other: 0, warn: 1, error: 2, fatal: 3 } as const;

interface TemplateSeries {
  count: number;
  /** True until its first interval closes: that interval is partial (first seen mid-interval), so it is not learned. */
  fresh: boolean;
  base: Baseline;
  template: string;
  /** The event's template text the title was taken from (a template generalises; its title follows). */
  templateSrc: string | undefined;
  sample: string;
  /** Most severe level class among the open interval's events (LEVEL_RANK), reset when it closes. */
  level: number;
  shape: SeriesShape;
}

interface SourceSeries {
  /** Index of the open interval (floor(ts / interval)). */
  interval: number;
  count: number;
  base: Baseline;
  /** Consecutive empty intervals. */
  silent: number;
  silenceReported: boolean;
  /** Longest gap (intervals) the source came back from by itself: shorter silences are its habit (a batch writer, a sparse log). */
  longestGap: number;
  /** EWMA of "the interval had events" (1 = never empty), and its value when the current silence began. */
  occupancy: number;
  occupancyBefore: number;
  /** Intervals learned into `occupancy` (a plain mean until the EWMA's span is reached). */
  occupancyN: number;
  /** True until the first interval closes (the detector started mid-interval): not learned. */
  fresh: boolean;
  /** Hour-of-day profile of the count. */
  season: Season;
  /** SPOT on tail scores (threshold `spot` only). */
  gate: SpotGate | undefined;
  templates: Map<number, TemplateSeries>;
  ring: LineRing;
  /** Burst sizes and episodes of the source's own count (its occupancy is `occupancy` above). */
  shape: SeriesShape;
  budget: AlarmBudget;
  /** Latest event time, and whether events arrived since the last tick. */
  lastTs: number;
  pending: boolean;
  /** True: events arrive about when they happen (wall-clock ticks close intervals); false: read from history; undefined: not known yet. */
  live: boolean | undefined;
}

export interface RateStats {
  sources: number;
  templates: number;
  evictedTemplates: number;
  evictedSources: number;
}

type Finding = { kind: 'spike' | 'drop'; p: number } | undefined;

/** Counts a person accepted as normal ("learn" feedback) for a source ('*') or template. */
interface Accepted {
  hi: number;
  lo: number;
  silence: boolean;
}

/** A learned spike count is accepted up to this factor above it (a drop this factor below it). */
const ACCEPT_HEADROOM = 1.5;

export class RateDetector implements StreamDetector {
  readonly kind = 'rate';
  private sources = new Map<string, SourceSeries>();
  private evictedTemplates = 0;
  private evictedSources = 0;
  private readonly ms: number;
  private readonly alpha: number;
  /** EWMA weight of a series' occupancy: over about a day of intervals (a sparse series is judged on its usual rhythm, not on the run-up to a burst). */
  private readonly occAlpha: number;
  private readonly gate: GateOptions;
  /** Per `source\0template` (or `source\0*`): accepted by feedback, re-applied at start, not snapshotted. */
  private readonly accepted = new Map<string, Accepted>();

  constructor(private readonly config: RateConfig) {
    this.ms = config.interval_seconds * 1000;
    this.alpha = 2 / (config.baseline_intervals + 1);
    this.occAlpha = Math.min(this.alpha, 2 / (Math.max(config.baseline_intervals, 86_400 / config.interval_seconds) + 1));
    this.gate = { q: config.spot_q, level: 0.98, calibration: config.spot_calibration, maxPeaks: 1000 };
  }

  observe(events: readonly LogEvent[]): Anomaly[] {
    const out: Anomaly[] = [];
    const cap = this.config.max_line_chars;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (!e || typeof e !== 'object') continue;
      const k = Math.floor(e.ts / this.ms);
      const name = sourceOf(e);
      let s = this.sources.get(name);
      if (!s) {
        if (!Number.isFinite(k)) continue;
        s = this.addSource(name, k);
      } else {
        this.sources.delete(name);
        this.sources.set(name, s);
        if (k > s.interval && Number.isFinite(k)) this.advance(name, s, k, out);
      }
      const raw = rawOf(e);
      s.count++;
      s.ring.push(raw, cap, e.ts);
      if (e.ts > s.lastTs) s.lastTs = e.ts;
      s.pending = true;
      const tid = Number.isFinite(e.templateId) ? e.templateId : -1;
      let t = s.templates.get(tid);
      if (t) {
        s.templates.delete(tid);
        // The template generalised since (same id, new text): titles show what it is now.
        if (t.templateSrc !== e.template && typeof e.template === 'string' && e.template !== '') {
          t.templateSrc = e.template;
          t.template = e.template.slice(0, 256);
        }
      } else {
        const text = typeof e.template === 'string' && e.template !== '' ? e.template : raw;
        t = { count: 0, fresh: true, base: new Baseline(), template: text.slice(0, 256), templateSrc: typeof e.template === 'string' ? e.template : undefined, sample: '', level: 0, shape: new SeriesShape() };
        if (s.templates.size >= this.config.max_templates) {
          s.templates.delete(s.templates.keys().next().value as number);
          this.evictedTemplates++;
        }
      }
      s.templates.set(tid, t);
      t.count++;
      const rank = LEVEL_RANK[levelClass(e.level)];
      if (rank > t.level) t.level = rank;
      t.sample = raw.length > cap ? raw.slice(0, cap) : raw;
    }
    return out;
  }

  tick(now: number): Anomaly[] {
    const out: Anomaly[] = [];
    // Interval k is open while its end is after now - lateness: close all before it.
    const k = Math.floor((now - this.config.allowed_lateness_seconds * 1000) / this.ms);
    if (!Number.isFinite(k)) return out;
    const lag = this.config.live_lag_seconds * 1000;
    for (const [name, s] of this.sources) {
      // Classified when events arrived since the last tick: were they recent by this clock?
      if (s.pending) {
        s.pending = false;
        s.live = now - s.lastTs <= lag;
      }
      // A source read from history keeps its own event time (its events close its intervals): the
      // wall clock would make an old file look silent the moment it is read.
      if (s.live === true && k > s.interval) this.advance(name, s, k, out);
    }
    return out;
  }

  stats(): RateStats {
    let templates = 0;
    for (const s of this.sources.values()) templates += s.templates.size;
    return { sources: this.sources.size, templates, evictedTemplates: this.evictedTemplates, evictedSources: this.evictedSources };
  }

  /** "Learn as normal" feedback: counts up to the observed spike (down to the drop), or silence, are normal. */
  learnAsNormal(what: LearnAsNormal): boolean {
    const f = what.feature ?? '';
    const obs = what.observed;
    const silence = f.endsWith('_silence');
    const spike = f.endsWith('_spike') && obs !== undefined && Number.isFinite(obs);
    const drop = f.endsWith('_drop') && obs !== undefined && Number.isFinite(obs);
    if (!silence && !spike && !drop) return false;
    const key = `${what.source}\0${what.templateId ?? '*'}`;
    const a = this.accepted.get(key) ?? { hi: Number.NEGATIVE_INFINITY, lo: Number.POSITIVE_INFINITY, silence: false };
    if (silence) a.silence = true;
    if (spike) a.hi = Math.max(a.hi, obs);
    if (drop) a.lo = Math.min(a.lo, obs);
    this.accepted.delete(key);
    this.accepted.set(key, a);
    if (this.accepted.size > this.config.max_templates) this.accepted.delete(this.accepted.keys().next().value as string);
    return true;
  }

  private accepts(name: string, tid: number | '*', c: number, kind: 'spike' | 'drop' | 'silence'): boolean {
    if (this.accepted.size === 0) return false;
    const a = this.accepted.get(`${name}\0${tid}`);
    if (!a) return false;
    if (kind === 'silence') return a.silence;
    return kind === 'spike' ? c <= a.hi * ACCEPT_HEADROOM : c >= a.lo / ACCEPT_HEADROOM;
  }

  private addSource(name: string, k: number): SourceSeries {
    const s: SourceSeries = {
      interval: k,
      count: 0,
      base: new Baseline(),
      silent: 0,
      silenceReported: false,
      longestGap: 0,
      occupancy: 1,
      occupancyBefore: 1,
      occupancyN: 0,
      fresh: true,
      season: new Season(),
      gate: this.newGate(),
      templates: new Map(),
      ring: new LineRing(this.config.context_lines),
      shape: new SeriesShape(),
      budget: new AlarmBudget(this.config.max_alerts_per_hour),
      lastTs: Number.NEGATIVE_INFINITY,
      pending: false,
      live: undefined,
    };
    this.sources.set(name, s);
    if (this.sources.size > this.config.max_sources) {
      this.sources.delete(this.sources.keys().next().value as string);
      this.evictedSources++;
    }
    return s;
  }

  /**
   * Closes intervals s.interval … k-1; beyond `max_catchup_intervals` the gap is silence, not
   * learned. Only the open interval can have events: the rest of the gap is one run of empty
   * intervals (`closeEmpty`).
   */
  private advance(name: string, s: SourceSeries, k: number, out: Anomaly[]): void {
    let steps = 0;
    if (s.interval < k && (s.fresh || s.count > 0)) {
      this.close(name, s, out);
      s.interval++;
      steps++;
    }
    const empty = Math.min(k - s.interval, this.config.max_catchup_intervals - steps);
    if (empty > 0) this.closeEmpty(name, s, empty, out);
    if (s.interval < k) {
      s.silent += k - s.interval;
      s.interval = k;
    }
  }

  private newGate(): SpotGate | undefined {
    return this.config.threshold === 'spot' ? new SpotGate(this.gate) : undefined;
  }

  /**
   * Tests a count against its baseline — or, for a sparse series, against its usual burst size
   * (`bursts`; no drops: a sparse series is often empty).
   */
  private test(c: number, b: Baseline, gate: SpotGate | undefined, bursts?: Baseline): Finding {
    const cfg = this.config;
    if (bursts) {
      if (b.n < cfg.warmup_intervals || bursts.n < cfg.warmup_bursts || c === 0) return undefined;
      b = bursts;
    } else if (b.n < cfg.warmup_intervals) return undefined;
    const mean = b.mean;
    if (gate) {
      const up = upperTail(c, mean, b.spread);
      const p = Math.min(up, lowerTail(c, mean, b.spread));
      if (!gate.observe(-Math.log10(Math.max(p, 1e-300)))) return undefined;
      if (c > mean && c >= cfg.min_spike_count && c >= mean * cfg.min_change_ratio) return { kind: 'spike', p };
      if (!bursts && c < mean && c * cfg.min_change_ratio <= mean) return { kind: 'drop', p };
      return undefined;
    }
    if (c >= cfg.min_spike_count && c >= mean * cfg.min_change_ratio) {
      const p = upperTail(c, mean, b.spread);
      if (p < cfg.tail_probability) return { kind: 'spike', p };
    } else if (!bursts && c * cfg.min_change_ratio <= mean) {
      const p = lowerTail(c, mean, b.spread);
      if (p < cfg.tail_probability) return { kind: 'drop', p };
    }
    return undefined;
  }

  /** Learns c unless the interval was anomalous (then only after `relearn_intervals` in a row). */
  private learn(b: Baseline, c: number, anomalous: boolean): void {
    if (anomalous && ++b.streak < this.config.relearn_intervals) return;
    if (!anomalous) b.streak = 0;
    b.learn(c, this.alpha);
  }

  /** Learns a closed interval into a series' shape: occupancy, and the burst size when it had events. */
  private learnShape(shape: SeriesShape, c: number, anomalous: boolean): void {
    shape.learnOccupancy(c > 0, this.occAlpha);
    if (c > 0) this.learn(shape.bursts, c, anomalous);
  }

  /** The burst baseline when the series is sparse, else undefined. */
  private sparse(shape: SeriesShape): Baseline | undefined {
    return shape.sparse(this.config.sparse_occupancy, this.config.warmup_intervals) ? shape.bursts : undefined;
  }

  /** EWMA of "the interval had events", a plain mean over the first intervals (no start-value bias). */
  private learnOccupancy(s: SourceSeries, had: 0 | 1): void {
    s.occupancyN++;
    s.occupancy += Math.max(this.alpha, 1 / s.occupancyN) * (had - s.occupancy);
  }

  /**
   * Closes `n` empty intervals from s.interval on (s.interval ends after them). The source steps
   * through them one by one (its silence is decided per interval, and it is one series); its
   * templates only learn "no events" — they decide nothing in an empty interval —, so they learn
   * the whole run at once in closed form (`learnEmpty`): a gap costs O(templates), not
   * O(templates × intervals).
   */
  private closeEmpty(name: string, s: SourceSeries, n: number, out: Anomaly[]): void {
    const perHour = 3_600_000 / this.ms;
    const seasonal = this.config.seasonal && this.ms <= 3_600_000;
    const offset = this.config.utc_offset_minutes * 60_000;
    let idle = 0;
    let zeros = 0;
    for (let i = 0; i < n; i++, s.interval++) {
      const h = seasonal ? s.season.hourOf(s.interval * this.ms, offset) : -1;
      // What the source expects now (its hour's profile once known), read in place: no allocation per interval.
      const ready = s.season.ready(h, perHour, this.config.seasonal_min_days);
      const mean = ready ? s.season.stats[2 * h] : s.base.mean;
      const variance = ready ? s.season.stats[2 * h + 1] : s.base.variance;
      if (s.silent === 0) s.occupancyBefore = s.occupancy;
      s.silent++;
      // Learned even while the baseline is frozen (bursty sources show here as often empty), but not
      // during a silence already reported: a steady source's outage must not make it look bursty.
      if (!s.silenceReported) {
        this.learnOccupancy(s, 0);
        s.shape.learnOccupancy(false, this.occAlpha);
        idle++;
      }
      const p = Math.pow(lowerTail(0, mean, Math.max(variance, mean)), s.silent);
      const improbable = s.base.n >= this.config.warmup_intervals && p < this.config.tail_probability;
      const steady = s.occupancyBefore >= this.config.silence_min_occupancy;
      if (improbable && steady && s.silent >= this.config.silence_intervals && s.silent > s.longestGap && !s.silenceReported && !this.accepts(name, '*', 0, 'silence')) {
        s.silenceReported = true;
        this.emit(s, undefined, this.silence(name, s, p, mean), 2, 2, out);
      }
      if (improbable) continue; // frozen: a dead source must not teach its baseline that silence is normal
      s.season.learn(h, 0, perHour);
      s.base.learn(0, this.alpha);
      zeros++;
    }
    if (idle > 0 || zeros > 0) for (const t of s.templates.values()) this.learnEmpty(t, idle, zeros);
  }

  /**
   * A template's share of a run of empty intervals: `idle` of them lower its occupancy, `zeros`
   * (those the source's baseline was not frozen in) are learned as a count of 0. Closed form;
   * the step-by-step version is the tests' oracle.
   */
  protected learnEmpty(t: TemplateSeries, idle: number, zeros: number): void {
    t.shape.learnIdle(idle, this.occAlpha);
    if (zeros === 0) return;
    t.base.learnZeros(zeros, this.alpha);
    t.level = 0;
  }

  /** Closes the open interval s.interval, which had events (or is the source's first, partial one: not learned). */
  private close(name: string, s: SourceSeries, out: Anomaly[]): void {
    const c = s.count;
    s.count = 0;
    if (s.fresh) {
      s.fresh = false;
      for (const t of s.templates.values()) {
        t.count = 0;
        t.level = 0;
        t.fresh = false;
      }
      return;
    }
    const h = this.config.seasonal && this.ms <= 3_600_000 ? s.season.hourOf(s.interval * this.ms, this.config.utc_offset_minutes * 60_000) : -1;
    const perHour = 3_600_000 / this.ms;
    const sb = s.season.baseline(h, perHour, this.config.seasonal_min_days, s.base.n) ?? s.base;
    // A gap it came back from unreported is its habit; a reported silence was an outage, not learned.
    if (s.silent > 0 && !s.silenceReported && s.base.n >= this.config.warmup_intervals) s.longestGap = Math.max(s.longestGap, s.silent);
    s.silent = 0;
    s.silenceReported = false;
    this.learnOccupancy(s, 1);
    let f = this.test(c, sb, s.gate, this.sparse(s.shape));
    if (f && this.accepts(name, '*', c, f.kind)) f = undefined;
    // With a time-of-day profile, a template expects its recent share of what the source expects now.
    const ratio = sb === s.base ? 1 : sb.mean / Math.max(s.base.mean, 1e-9);
    // Templates that moved the way the source did explain a source-level finding; template drops
    // inside a source drop are reported there, not one anomaly each.
    const drivers: Contribution[] = [];
    for (const [tid, t] of s.templates) {
      const tc = t.count;
      const level = t.level;
      t.count = 0;
      t.level = 0;
      if (t.fresh) {
        t.fresh = false;
        continue;
      }
      const tb = ratio === 1 ? t.base : new Baseline(t.base.mean * ratio, t.base.variance * ratio * ratio, t.base.n);
      const bursts = this.sparse(t.shape);
      if (f && t.base.n > 0) {
        const ref = bursts && tc > 0 ? bursts : tb;
        const dz = (tc - ref.mean) / Math.sqrt(Math.max(ref.spread, 1e-9));
        if (dz !== 0 && dz > 0 === (f.kind === 'spike')) {
          drivers.push({ feature: 'template_count', templateId: tid, template: t.template, observed: tc, expected: ref.mean, contribution: dz });
        }
      }
      let g = this.test(tc, tb, s.gate, bursts);
      if (g && this.accepts(name, tid, tc, g.kind)) g = undefined;
      if (g && !(g.kind === 'drop' && f?.kind === 'drop')) {
        const ref = bursts ?? tb;
        const a = this.change(name, s, [tid, t], tc, ref, g, level);
        this.emit(s, t.shape, a, surpriseRank(tc, ref.mean, g.kind, (g.kind === 'spike' ? ref.streak : t.base.streak) + 1), level, out);
      } else if (!g) t.shape.normal(s.interval);
      this.learn(t.base, tc, g !== undefined);
      this.learnShape(t.shape, tc, g !== undefined);
    }
    if (f) {
      const sparse = this.sparse(s.shape);
      const ref = sparse ?? sb;
      const rank = surpriseRank(c, ref.mean, f.kind, ref.streak + 1);
      // A sparse source's volume is the sum of its templates' bursts: a bigger burst than usual is
      // reported by the templates that made it; the volume alone only when critical (100× its bursts).
      if (!sparse || rank >= 3) {
        const a = this.change(name, s, undefined, c, ref, f);
        drivers.sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution));
        for (let i = 0; i < drivers.length && i < 5; i++) a.explanation.push(drivers[i]);
        this.emit(s, s.shape, a, rank, 0, out);
      }
    } else s.shape.normal(s.interval);
    this.learn(s.base, c, f !== undefined);
    this.learnShape(s.shape, c, f !== undefined);
    s.season.learn(h, c, perHour);
  }

  /**
   * One problem, one alarm: a finding is reported when it opens an episode of its series (or is more
   * severe than what the episode reported), and when the source's alarm budget allows — a finding
   * critical by its surprise alone passes anyway. Severity: the surprise rank, at least the events'
   * level rank (spikes).
   */
  private emit(s: SourceSeries, shape: SeriesShape | undefined, a: Anomaly, rank: number, levelRank: number, out: Anomaly[]): void {
    const severityRank = Math.max(rank, Math.min(3, levelRank));
    a.severity = SEVERITIES[severityRank];
    const length = Math.ceil((this.config.episode_seconds * 1000) / this.ms);
    if (shape && !shape.report(s.interval, severityRank, length)) return;
    if (!s.budget.take(a.ts, rank >= 3)) return;
    shape?.reported(severityRank);
    out.push(a);
  }

  private window(s: SourceSeries): { start: number; end: number } {
    return { start: s.interval * this.ms, end: (s.interval + 1) * this.ms };
  }

  /** `level`: the template's most severe level rank in the interval; a spike is at least that severe. */
  private change(name: string, s: SourceSeries, tpl: [number, TemplateSeries] | undefined, c: number, b: Baseline, f: NonNullable<Finding>, level = 0): Anomaly {
    const score = -Math.log10(Math.max(f.p, 1e-300));
    const expected = b.mean;
    const what = tpl ? `'${clip(tpl[1].template)}'` : 'volume';
    const word = f.kind === 'spike' ? 'Spike' : 'Drop';
    const of = tpl ? `of ${what} on ${name}` : `in volume on ${name}`;
    const contribution: Contribution = { feature: tpl ? `template_${f.kind}` : `source_${f.kind}`, observed: c, expected, contribution: score };
    if (tpl) {
      contribution.templateId = tpl[0];
      contribution.template = tpl[1].template;
    }
    const w = this.window(s);
    const sparse = b !== s.base && b.n > 0 && (tpl ? b === tpl[1].shape.bursts : b === s.shape.bursts);
    const a: Anomaly = {
      id: anomalyId('rate', name, `${tpl ? tpl[0] : '*'}:${f.kind}`, s.interval),
      ts: w.end,
      source: name,
      detector: 'rate',
      score,
      severity: SEVERITIES[Math.max(1, f.kind === 'spike' ? Math.min(3, level) : 0)],
      title: `${word} ${of}: ${c} events in ${this.config.interval_seconds} s, about ${fmt(expected)} expected${sparse ? ' in one of its bursts' : ''}.`,
      explanation: [contribution],
      context: tpl ? [tpl[1].sample] : s.ring.toArray(w.end - 1),
      window: w,
    };
    if (tpl) a.templateId = tpl[0];
    return a;
  }

  private silence(name: string, s: SourceSeries, p: number, expected: number): Anomaly {
    const start = s.interval - s.silent + 1;
    const w = { start: start * this.ms, end: (s.interval + 1) * this.ms };
    const score = -Math.log10(Math.max(p, 1e-300));
    return {
      id: anomalyId('rate', name, '*:silence', start),
      ts: w.end,
      source: name,
      detector: 'rate',
      score,
      severity: 'error',
      title: `Source ${name} went silent: no events for ${s.silent} intervals of ${this.config.interval_seconds} s, about ${fmt(expected)} expected per interval.`,
      explanation: [{ feature: 'source_silence', observed: 0, expected: expected * s.silent, contribution: score }],
      context: s.ring.toArray(),
      window: w,
    };
  }

  snapshot(): Snapshot {
    const sources: unknown[] = [];
    for (const [name, s] of this.sources) {
      const templates: unknown[] = [];
      for (const [id, t] of s.templates) templates.push([id, t.count, ...t.base.toArray(), t.template, t.sample, t.fresh, t.level, t.shape.toArray()]);
      sources.push({
        name,
        interval: s.interval,
        count: s.count,
        base: s.base.toArray(),
        silent: s.silent,
        silenceReported: s.silenceReported,
        longestGap: s.longestGap,
        occupancy: s.occupancy,
        occupancyBefore: s.occupancyBefore,
        occupancyN: s.occupancyN,
        fresh: s.fresh,
        season: s.season.toArray(),
        gate: s.gate ? s.gate.toJSON() : null,
        lines: s.ring.toArray(),
        times: s.ring.timesArray(),
        templates,
        shape: s.shape.toArray(),
        budget: s.budget.toArray(),
        clock: [Number.isFinite(s.lastTs) ? s.lastTs : null, s.pending, s.live ?? null],
      });
    }
    return { kind: 'rate', version: RATE_SNAPSHOT_VERSION, data: { sources, evictedTemplates: this.evictedTemplates, evictedSources: this.evictedSources } };
  }

  restore(snap: Snapshot): void {
    const d = snapshotData(snap, 'rate', RATE_SNAPSHOT_VERSION);
    const entryLength = snap.version === 1 ? 9 : snap.version === 2 ? 10 : 11;
    expectShape(Array.isArray(d.sources), 'rate', 'source list');
    const cap = this.config.max_line_chars;
    const sources = new Map<string, SourceSeries>();
    for (const r of d.sources as Record<string, unknown>[]) {
      expectShape(Boolean(r) && typeof r.name === 'string' && Number.isFinite(r.interval) && Array.isArray(r.templates), 'rate', 'source entry');
      const templates = new Map<number, TemplateSeries>();
      const clock = Array.isArray(r.clock) ? (r.clock as unknown[]) : [];
      for (const t of r.templates as unknown[][]) {
        expectShape(Array.isArray(t) && t.length === entryLength, 'rate', 'template entry');
        const level = Math.min(3, Math.max(0, Math.trunc(Number(t[9]) || 0)));
        // Before version 3 a template's shape was not kept: it starts as a steady series with no bursts learned.
        templates.set(Number(t[0]), { count: Number(t[1]) || 0, base: Baseline.from(t.slice(2, 6)), template: String(t[6]), templateSrc: undefined, sample: String(t[7]), fresh: t[8] === true, level, shape: SeriesShape.from(t[10]) });
      }
      sources.set(r.name as string, {
        interval: r.interval as number,
        count: Number(r.count) || 0,
        base: Baseline.from(r.base),
        silent: Number(r.silent) || 0,
        silenceReported: r.silenceReported === true,
        longestGap: Number(r.longestGap) || 0,
        // Absent in snapshots written before occupancy existed: a steady source until shown otherwise.
        occupancy: unit(r.occupancy),
        occupancyBefore: unit(r.occupancyBefore),
        occupancyN: Number.isInteger(r.occupancyN) && (r.occupancyN as number) >= 0 ? (r.occupancyN as number) : 0,
        fresh: r.fresh === true,
        season: Season.from(r.season),
        gate: this.config.threshold === 'spot' ? SpotGate.from(this.gate, r.gate) : undefined,
        templates,
        ring: LineRing.from(this.config.context_lines, r.lines, cap, r.times),
        shape: SeriesShape.from(r.shape),
        budget: AlarmBudget.from(this.config.max_alerts_per_hour, r.budget),
        lastTs: typeof clock[0] === 'number' ? clock[0] : Number.NEGATIVE_INFINITY,
        pending: clock[1] === true,
        // Unknown before version 3: judged again when events arrive (a restored old file is not silent).
        live: typeof clock[2] === 'boolean' ? clock[2] : undefined,
      });
    }
    this.sources = sources;
    this.evictedTemplates = Number(d.evictedTemplates) || 0;
    this.evictedSources = Number(d.evictedSources) || 0;
  }
}

/**
 * Severity rank of a count's surprise: warning; error from 10× the expected count (or a tenth of it,
 * for a drop) or once it lasted 3 intervals; critical from 100× (or a hundredth), and when an error
 * level of change has lasted 3 intervals.
 */
function surpriseRank(c: number, expected: number, kind: 'spike' | 'drop', lasted: number): number {
  const ratio = kind === 'spike' ? c / Math.max(expected, 0.01) : Math.max(expected, 0) / Math.max(c, 0.5);
  const big = kind === 'spike' ? c >= 100 : expected >= 100;
  let rank = ratio >= 100 && big ? 3 : ratio >= 10 ? 2 : 1;
  if (lasted >= 3) rank = Math.min(3, rank + 1);
  return rank;
}

function fmt(x: number): string {
  return x >= 10 ? String(Math.round(x)) : x.toFixed(1);
}

/** A share in [0, 1] from a snapshot; 1 when missing or malformed. */
function unit(v: unknown): number {
  return typeof v === 'number' && v >= 0 && v <= 1 ? v : 1;
}
