/**
 * @module detectors/rate/state
 * What the rate detector keeps per source and per template, and its snapshot: version 3 (1 and 2
 * are still read). Holds no decisions: rate.ts closes intervals, findings.ts words what they show.
 */
import type { Snapshot } from '../../core/parser.js';
import { keptCut } from '../../core/text.js';
import { AlarmBudget, expectShape, LineRing, snapshotData } from '../shared/common.js';
import { Lru } from '../shared/lru.js';
import type { RateConfig } from './config.js';
import { type GateOptions, SpotGate } from './gate.js';
import { Season } from './season.js';
import { SeriesShape } from './series.js';
import { Baseline } from './tail.js';

/**
 * 2: template entries carry the open interval's most severe level; 3: occupancy, burst sizes and
 * episodes per series, the alarm budget and event-time clock per source (1 and 2 are still read);
 * each source's `born` interval is optional (older version-3 snapshots lack it).
 */
export const RATE_SNAPSHOT_VERSION = 3;

export interface TemplateSeries {
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

export interface SourceSeries {
  /** Index of the open interval (floor(ts / interval)). */
  interval: number;
  /** Index of the interval it was first seen in; -Infinity when restored from a snapshot that did not keep it (long-lived). */
  born: number;
  count: number;
  base: Baseline;
  /** Consecutive empty intervals. */
  silent: number;
  silenceReported: boolean;
  /** Longest gap (intervals) the source came back from by itself: shorter silences are its habit (a batch writer, a sparse log). */
  longestGap: number;
  /** Length (intervals) of the last reported silence the source came back from; 0 when none (rate.ts: twice is a habit). */
  lastOutage: number;
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
  /** Least recently seen first, at most `max_templates` (an O(1) LRU: detectors/shared/lru.ts). */
  templates: Lru<number, TemplateSeries>;
  /** The template last moved to the end of `templates` (not in the snapshot: a restored map is in its own order). */
  lastTemplate: number | undefined;
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

/** The detector's whole state: its sources (least recently seen first) and what it evicted. */
export interface RateState {
  sources: Map<string, SourceSeries>;
  evictedTemplates: number;
  evictedSources: number;
}

/** SPOT options of a config (threshold `spot`). */
export function gateOptions(config: RateConfig): GateOptions {
  return { q: config.spot_q, level: 0.98, calibration: config.spot_calibration, maxPeaks: 1000 };
}

/** A source first seen in interval k: its first interval is partial (`fresh`), steady until shown otherwise. */
export function newSource(config: RateConfig, k: number): SourceSeries {
  return {
    interval: k,
    born: k,
    count: 0,
    base: new Baseline(),
    silent: 0,
    silenceReported: false,
    longestGap: 0,
    lastOutage: 0,
    occupancy: 1,
    occupancyBefore: 1,
    occupancyN: 0,
    fresh: true,
    season: new Season(),
    gate: config.threshold === 'spot' ? new SpotGate(gateOptions(config)) : undefined,
    templates: new Lru(config.max_templates),
    lastTemplate: undefined,
    ring: new LineRing(config.context_lines),
    shape: new SeriesShape(),
    budget: new AlarmBudget(config.max_alerts_per_hour),
    lastTs: Number.NEGATIVE_INFINITY,
    pending: false,
    live: undefined,
  };
}

/** A template first seen in the open interval (`template`: its text, or the raw line when it has none). */
export function newTemplate(template: string, templateSrc: string | undefined): TemplateSeries {
  return { count: 0, fresh: true, base: new Baseline(), template: keptCut(template, 256), templateSrc, sample: '', level: 0, shape: new SeriesShape() };
}

export function snapshotState(st: RateState): Snapshot {
  const sources: unknown[] = [];
  for (const [name, s] of st.sources) {
    const templates: unknown[] = [];
    for (const [id, t] of s.templates) templates.push([id, t.count, ...t.base.toArray(), t.template, t.sample, t.fresh, t.level, t.shape.toArray()]);
    sources.push({
      name,
      interval: s.interval,
      born: Number.isFinite(s.born) ? s.born : null,
      count: s.count,
      base: s.base.toArray(),
      silent: s.silent,
      silenceReported: s.silenceReported,
      longestGap: s.longestGap,
      lastOutage: s.lastOutage,
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
  return { kind: 'rate', version: RATE_SNAPSHOT_VERSION, data: { sources, evictedTemplates: st.evictedTemplates, evictedSources: st.evictedSources } };
}

/** Reads a snapshot (any version up to `RATE_SNAPSHOT_VERSION`); a malformed one throws the snapshot error. */
export function restoreState(snap: Snapshot, config: RateConfig): RateState {
  const d = snapshotData(snap, 'rate', RATE_SNAPSHOT_VERSION);
  const entryLength = snap.version === 1 ? 9 : snap.version === 2 ? 10 : 11;
  expectShape(Array.isArray(d.sources), 'rate', 'source list');
  const cap = config.max_line_chars;
  const sources = new Map<string, SourceSeries>();
  for (const r of d.sources as Record<string, unknown>[]) {
    expectShape(Boolean(r) && typeof r.name === 'string' && Number.isFinite(r.interval) && Array.isArray(r.templates), 'rate', 'source entry');
    const templates = new Lru<number, TemplateSeries>(config.max_templates);
    const clock = Array.isArray(r.clock) ? (r.clock as unknown[]) : [];
    for (const t of r.templates as unknown[][]) {
      expectShape(Array.isArray(t) && t.length === entryLength, 'rate', 'template entry');
      const level = Math.min(3, Math.max(0, Math.trunc(Number(t[9]) || 0)));
      // Before version 3 a template's shape was not kept: it starts as a steady series with no bursts learned.
      templates.set(Number(t[0]), { count: Number(t[1]) || 0, base: Baseline.from(t.slice(2, 6)), template: String(t[6]), templateSrc: undefined, sample: String(t[7]), fresh: t[8] === true, level, shape: SeriesShape.from(t[10]) });
    }
    sources.set(r.name as string, {
      interval: r.interval as number,
      // Absent before it was kept: taken as long-lived (its silences are judged as before).
      born: typeof r.born === 'number' && Number.isFinite(r.born) ? r.born : Number.NEGATIVE_INFINITY,
      count: Number(r.count) || 0,
      base: Baseline.from(r.base),
      silent: Number(r.silent) || 0,
      silenceReported: r.silenceReported === true,
      longestGap: Number(r.longestGap) || 0,
      lastOutage: Number(r.lastOutage) || 0,
      // Absent in snapshots written before occupancy existed: a steady source until shown otherwise.
      occupancy: unit(r.occupancy),
      occupancyBefore: unit(r.occupancyBefore),
      occupancyN: Number.isInteger(r.occupancyN) && (r.occupancyN as number) >= 0 ? (r.occupancyN as number) : 0,
      fresh: r.fresh === true,
      season: Season.from(r.season),
      gate: config.threshold === 'spot' ? SpotGate.from(gateOptions(config), r.gate) : undefined,
      templates,
      lastTemplate: undefined,
      ring: LineRing.from(config.context_lines, r.lines, cap, r.times),
      shape: SeriesShape.from(r.shape),
      budget: AlarmBudget.from(config.max_alerts_per_hour, r.budget),
      lastTs: typeof clock[0] === 'number' ? clock[0] : Number.NEGATIVE_INFINITY,
      pending: clock[1] === true,
      // Unknown before version 3: judged again when events arrive (a restored old file is not silent).
      live: typeof clock[2] === 'boolean' ? clock[2] : undefined,
    });
  }
  return { sources, evictedTemplates: Number(d.evictedTemplates) || 0, evictedSources: Number(d.evictedSources) || 0 };
}

/** A share in [0, 1] from a snapshot; 1 when missing or malformed. */
function unit(v: unknown): number {
  return typeof v === 'number' && v >= 0 && v <= 1 ? v : 1;
}

/** A source's occupancy learns one interval: EWMA of "it had events", a plain mean over its first intervals (no start-value bias). */
export function learnOccupancy(s: SourceSeries, had: 0 | 1, alpha: number): void {
  s.occupancyN++;
  s.occupancy += Math.max(alpha, 1 / s.occupancyN) * (had - s.occupancy);
}
