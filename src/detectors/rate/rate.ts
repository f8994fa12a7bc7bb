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
import { keptCut } from '../../core/text.js';
import { levelClass, rawOf, sourceOf } from '../shared/common.js';
import { AcceptedCounts } from './accepted.js';
import type { RateConfig } from './config.js';
import { changeAnomaly, type Finding, surpriseRank } from './findings.js';
import type { SpotGate } from './gate.js';
import type { SeriesShape } from './series.js';
import { EmptyRuns, type EmptyRunsOptions } from './silence.js';
import { learnOccupancy, newSource, newTemplate, restoreState, snapshotState, type SourceSeries } from './state.js';
import { Baseline, lowerTail, upperTail } from './tail.js';

export { RATE_SNAPSHOT_VERSION } from './state.js';

/** Severity by rank: a level class's rank (other 0, warn 1, error 2, fatal 3) is the lowest severity of its template's spike. */
const LEVEL_RANK = { other: 0, warn: 1, error: 2, fatal: 3 } as const;

export interface RateStats {
  sources: number;
  templates: number;
  evictedTemplates: number;
  evictedSources: number;
}

export class RateDetector implements StreamDetector {
  readonly kind = 'rate';
  private sources = new Map<string, SourceSeries>();
  /** The source last moved to the end of `sources` (the most recently seen): moving it again changes nothing. */
  private lastSource: string | undefined;
  private evictedTemplates = 0;
  private evictedSources = 0;
  private readonly ms: number;
  private readonly alpha: number;
  /** EWMA weight of a series' occupancy: over about a day of intervals (a sparse series is judged on its usual rhythm, not on the run-up to a burst). */
  private readonly occAlpha: number;
  /** Runs of empty intervals: silence. */
  private readonly empty: EmptyRuns;
  /** "Learn as normal" feedback: re-applied at start, not snapshotted. */
  private readonly accepted: AcceptedCounts;

  constructor(private readonly config: RateConfig) {
    this.ms = config.interval_seconds * 1000;
    this.alpha = 2 / (config.baseline_intervals + 1);
    this.occAlpha = Math.min(this.alpha, 2 / (Math.max(config.baseline_intervals, 86_400 / config.interval_seconds) + 1));
    this.accepted = new AcceptedCounts(config.max_templates);
    this.empty = this.emptyRuns({ config, alpha: this.alpha, occAlpha: this.occAlpha, accepted: this.accepted, report: (s, a, out) => this.emit(s, undefined, a, 2, 2, out) });
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
        // Least recently seen first (eviction): moved to the end unless it is there already.
        if (name !== this.lastSource) {
          this.sources.delete(name);
          this.sources.set(name, s);
          this.lastSource = name;
        }
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
        if (tid !== s.lastTemplate) {
          s.templates.touch(tid);
          s.lastTemplate = tid;
        }
        // The template generalised since (same id, new text): titles show what it is now.
        if (t.templateSrc !== e.template && typeof e.template === 'string' && e.template !== '') {
          t.templateSrc = e.template;
          t.template = keptCut(e.template, 256);
        }
      } else {
        const text = typeof e.template === 'string' && e.template !== '' ? e.template : raw;
        t = newTemplate(text, typeof e.template === 'string' ? e.template : undefined);
        // The least recently seen goes beyond max_templates (an O(1) LRU: a Map's oldest is found
        // by walking the holes its deletes left, per new template under a flood of them).
        if (s.templates.set(tid, t) !== undefined) this.evictedTemplates++;
        s.lastTemplate = tid;
      }
      t.count++;
      const rank = LEVEL_RANK[levelClass(e.level)];
      if (rank > t.level) t.level = rank;
      // A cut is copied: a view into a long line would keep all of it (core/text.ts).
      t.sample = keptCut(raw, cap);
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
    return this.accepted.learn(what);
  }

  private addSource(name: string, k: number): SourceSeries {
    const s = newSource(this.config, k);
    this.sources.set(name, s);
    this.lastSource = name;
    if (this.sources.size > this.config.max_sources) {
      this.sources.delete(this.sources.keys().next().value as string);
      this.evictedSources++;
    }
    return s;
  }

  /** How runs of empty intervals are closed (the tests' oracle steps through them). */
  protected emptyRuns(o: EmptyRunsOptions): EmptyRuns {
    return new EmptyRuns(o);
  }

  /**
   * Closes intervals s.interval … k-1; beyond `max_catchup_intervals` the gap is silence, not
   * learned. Only the open interval can have events: the rest of the gap is one run of empty
   * intervals (silence.ts).
   */
  private advance(name: string, s: SourceSeries, k: number, out: Anomaly[]): void {
    let steps = 0;
    if (s.interval < k && (s.fresh || s.count > 0)) {
      this.close(name, s, out);
      s.interval++;
      steps++;
    }
    const empty = Math.min(k - s.interval, this.config.max_catchup_intervals - steps);
    if (empty > 0) this.empty.close(name, s, empty, out);
    if (s.interval < k) {
      s.silent += k - s.interval;
      s.interval = k;
    }
  }

  /**
   * Tests a count against its baseline — or, for a sparse series, against its usual burst size
   * (`bursts`; no drops: a sparse series is often empty).
   */
  private test(c: number, b: Baseline, gate: SpotGate | undefined, bursts?: Baseline): Finding | undefined {
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
    // A gap it came back from unreported is its habit; a reported silence was an outage, not learned —
    // until it recurs: two reported silences of about one length (a job that writes an hour a day,
    // a host switched off every night) are the source's rhythm, not two outages: the source came back
    // from both, so the longer becomes its habit. "About one length" is within 20%, a periodic
    // writer's jitter, set on that principle; outages of unlike lengths stay outages.
    if (s.silent > 0 && s.silenceReported) {
      if (s.lastOutage > 0 && Math.min(s.lastOutage, s.silent) >= 0.8 * Math.max(s.lastOutage, s.silent)) s.longestGap = Math.max(s.longestGap, s.lastOutage, s.silent);
      s.lastOutage = s.silent;
    } else if (s.silent > 0 && s.base.n >= this.config.warmup_intervals) s.longestGap = Math.max(s.longestGap, s.silent);
    s.silent = 0;
    s.silenceReported = false;
    learnOccupancy(s, 1, this.alpha);
    let f = this.test(c, sb, s.gate, this.sparse(s.shape));
    if (f && this.accepted.accepts(name, '*', c, f.kind)) f = undefined;
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
      if (g && this.accepted.accepts(name, tid, tc, g.kind)) g = undefined;
      if (g && !(g.kind === 'drop' && f?.kind === 'drop')) {
        const ref = bursts ?? tb;
        const a = changeAnomaly(this.config, name, s, [tid, t], tc, ref, g, level);
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
        const a = changeAnomaly(this.config, name, s, undefined, c, ref, f);
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

  snapshot(): Snapshot {
    return snapshotState({ sources: this.sources, evictedTemplates: this.evictedTemplates, evictedSources: this.evictedSources });
  }

  restore(snap: Snapshot): void {
    const st = restoreState(snap, this.config);
    this.sources = st.sources;
    this.lastSource = undefined;
    this.evictedTemplates = st.evictedTemplates;
    this.evictedSources = st.evictedSources;
  }
}
