/**
 * @module detectors/params/params
 * The `params` streaming detector: numeric parameters (latency, sizes, status codes…) per
 * (source, template, position) against their learned distribution. Values are parsed with units
 * (`160ms`, `5KB`), compared on a log scale by default, and scored with a robust z-score
 * (x − median) / max(1.4826·MAD, `min_spread`) over a window of `window_samples` recent values (once
 * full, every `window_stride`-th value enters it). A value is anomalous when the z-score's one-sided
 * normal tail is below `tail_probability`, in an allowed `direction`, after `min_samples`, and (by
 * default) beyond every value learned as normal; one anomaly per series and direction per time
 * bucket. Median and MAD resist contamination, so a lasting shift becomes the new normal once it
 * fills half the window (window_samples × window_stride / 2 values).
 *
 * @example
 * const d = new ParamsDetector(paramsConfigSchema.parse({ direction: 'high' }));
 * d.observe(events); // "Parameter 1 of 'GET <PATH> served in <NUM>' on api is unusually high: 912ms (median 50 over 128 recent values)."
 */
import type { LearnAsNormal, StreamDetector } from '../../core/detector.js';
import type { Anomaly, LogEvent } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import { AlarmBudget, anomalyId, clip, expectShape, LineRing, rawOf, severityOf, snapshotData, sourceOf } from '../shared/common.js';
import { hasUnit, measurementPositions } from './measures.js';
import type { ParamsConfig } from './config.js';
import { fromScale, normalUpperQuantile, parseNumeric, toScale } from './numbers.js';
import { Series } from './series.js';

/** 2: series values as base64 float64; 3: alerted values per series; 4: the window stride's phase (1–3 are still read). */
export const PARAMS_SNAPSHOT_VERSION = 4;

interface TemplateParams {
  source: string;
  templateId: number;
  series: (Series | null)[];
  /** Use stamp for the LRU cap (a counter, not a reordering of the map on every event). */
  used: number;
  /** Placeholder positions that are measurements, for the template text `measuredFor` (recomputed when it generalises). */
  measured: boolean[] | undefined;
  measuredFor: string | undefined;
}

export interface ParamsStats {
  templates: number;
  series: number;
  evictedTemplates: number;
}

export class ParamsDetector implements StreamDetector {
  readonly kind = 'params';
  /** source → template id → its series (two levels: no key string built per event). */
  private templates = new Map<string, Map<number, TemplateParams>>();
  private templateCount = 0;
  private useClock = 0;
  private rings = new Map<string, LineRing>();
  /** The ring of the previous event's source: batches mostly come from one source. */
  private lastRing: { source: string; ring: LineRing } | null = null;
  private evictedTemplates = 0;
  private readonly z: number;
  /** Per `source\0template\0position`: [low, high] accepted by feedback (compared scale); re-applied at start. */
  private readonly accepted = new Map<string, [number, number]>();
  /** Per source: the alarm budget (LRU, `max_sources`). */
  private budgets = new Map<string, AlarmBudget>();

  constructor(private readonly config: ParamsConfig) {
    this.z = normalUpperQuantile(config.tail_probability);
  }

  observe(events: readonly LogEvent[]): Anomaly[] {
    const out: Anomaly[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (!e || typeof e !== 'object') continue;
      const source = sourceOf(e);
      this.ring(source).push(rawOf(e), this.config.max_line_chars);
      if (Array.isArray(e.params) && e.params.length > 0) this.one(e, source, out);
    }
    return out;
  }

  /** Parameters are judged as they arrive; time reveals nothing more. */
  tick(_now: number): Anomaly[] {
    return [];
  }

  stats(): ParamsStats {
    let series = 0;
    for (const t of this.allTemplates()) for (const s of t.series) if (s) series++;
    return { templates: this.templateCount, series, evictedTemplates: this.evictedTemplates };
  }

  /** "Learn as normal" feedback: values of that parameter between the learned ones are normal. */
  learnAsNormal(what: LearnAsNormal): boolean {
    const m = /^param_(\d+)$/.exec(what.feature ?? '');
    const obs = what.observed;
    if (!m || what.templateId === undefined || obs === undefined || !Number.isFinite(obs)) return false;
    const key = `${what.source}\0${what.templateId}\0${Number(m[1]) - 1}`;
    const y = toScale(obs, this.config.log_scale);
    const r = this.accepted.get(key) ?? [y, y];
    this.accepted.delete(key);
    this.accepted.set(key, [Math.min(r[0], y), Math.max(r[1], y)]);
    if (this.accepted.size > this.config.max_templates) this.accepted.delete(this.accepted.keys().next().value as string);
    return true;
  }

  /** True when feedback accepted y for this series: up to the learned high, down to the learned low. */
  private accepts(source: string, tid: number, pos: number, y: number, high: boolean): boolean {
    if (this.accepted.size === 0) return false;
    const r = this.accepted.get(`${source}\0${tid}\0${pos}`);
    return r !== undefined && (high ? y <= r[1] : y >= r[0]);
  }

  private ring(source: string): LineRing {
    const last = this.lastRing;
    if (last !== null && last.source === source) return last.ring;
    let r = this.rings.get(source);
    if (r) {
      this.rings.delete(source);
    } else {
      r = new LineRing(this.config.context_lines);
      if (this.rings.size >= this.config.max_sources) this.rings.delete(this.rings.keys().next().value as string);
    }
    this.rings.set(source, r);
    this.lastRing = { source, ring: r };
    return r;
  }

  private entry(source: string, tid: number): TemplateParams {
    let bySource = this.templates.get(source);
    if (bySource === undefined) {
      bySource = new Map();
      this.templates.set(source, bySource);
    }
    let t = bySource.get(tid);
    if (t === undefined) {
      if (this.templateCount >= this.config.max_templates) this.evictOldest();
      t = { source, templateId: tid, series: [], used: 0, measured: undefined, measuredFor: undefined };
      bySource.set(tid, t);
      this.templateCount++;
    }
    t.used = ++this.useClock;
    return t;
  }

  /** Evicts the least recently used ~1/16 of the templates at once, so a full cap costs one scan per many inserts. */
  private evictOldest(): void {
    const stamps = new Float64Array(this.templateCount);
    let k = 0;
    for (const bySource of this.templates.values()) for (const t of bySource.values()) stamps[k++] = t.used;
    const n = Math.min(k, Math.max(this.templateCount - this.config.max_templates + 1, Math.ceil(this.config.max_templates / 16)));
    if (n === 0) return;
    // Stamps are unique: everything at or below the n-th smallest is exactly the n oldest.
    const cut = stamps.sort()[n - 1];
    for (const [source, bySource] of this.templates) {
      for (const [tid, t] of bySource) if (t.used <= cut) bySource.delete(tid);
      if (bySource.size === 0) this.templates.delete(source);
    }
    this.templateCount -= n;
    this.evictedTemplates += n;
  }

  private *allTemplates(): Iterable<TemplateParams> {
    for (const bySource of this.templates.values()) yield* bySource.values();
  }

  private one(e: LogEvent, source: string, out: Anomaly[]): void {
    const cfg = this.config;
    const n = Math.min(e.params.length, cfg.max_positions);
    let t: TemplateParams | undefined;
    const all = cfg.positions === 'all';
    for (let pos = 0; pos < n; pos++) {
      const x = parseNumeric(e.params[pos]);
      if (Number.isNaN(x)) continue;
      if (!all && !this.measured(e, source, pos)) continue;
      const y = toScale(x, cfg.log_scale);
      t ??= this.entry(source, Number.isFinite(e.templateId) ? e.templateId : -1);
      let s = t.series[pos];
      if (!s) s = t.series[pos] = new Series(cfg.window_samples);
      let anomalous = false;
      if (s.n >= cfg.min_samples) {
        const z = (y - s.median) / Math.max(1.4826 * s.mad, cfg.min_spread);
        const med = fromScale(s.median, cfg.log_scale);
        const high = z > this.z && cfg.direction !== 'low' && (!cfg.outside_range || y > s.max) && changed(x, med, cfg.min_change_ratio);
        const low = z < -this.z && cfg.direction !== 'high' && (!cfg.outside_range || y < s.min) && changed(med, x, cfg.min_change_ratio);
        if ((high || low) && !this.accepts(source, t.templateId, pos, y, high) && !this.recurring(s, y)) {
          anomalous = true;
          const a = this.anomaly(e, source, t, pos, s, x, z, high ? 'high' : 'low');
          if (a) out.push(a);
        }
      }
      s.push(y, !anomalous, cfg.refresh_samples, cfg.min_samples, cfg.window_stride);
    }
  }

  /** True when parameter `pos` of the event is a measurement (cached per template text). */
  private measured(e: LogEvent, source: string, pos: number): boolean {
    const value = e.params[pos];
    if (typeof value === 'string' && hasUnit(value)) return true;
    const t = this.entry(source, Number.isFinite(e.templateId) ? e.templateId : -1);
    const text = typeof e.template === 'string' ? e.template : '';
    if (t.measured === undefined || t.measuredFor !== text) {
      t.measured = measurementPositions(text);
      t.measuredFor = text;
    }
    return t.measured[pos] === true;
  }

  private budget(source: string): AlarmBudget {
    let b = this.budgets.get(source);
    if (b) {
      this.budgets.delete(source);
    } else {
      b = new AlarmBudget(this.config.max_alerts_per_hour);
      if (this.budgets.size >= this.config.max_sources) this.budgets.delete(this.budgets.keys().next().value as string);
    }
    this.budgets.set(source, b);
    return b;
  }

  /**
   * An exact value beyond the range that has already alerted in `accept_after_alerts` time buckets
   * recurs: it is taken into the range (pushed as normal) instead of alerting once a bucket forever —
   * the status code 503 of an access log. Continuous values (latencies) rarely repeat exactly, so a
   * recurring slowdown keeps alerting; values beyond the new range still alert.
   */
  private recurring(s: Series, y: number): boolean {
    const limit = this.config.accept_after_alerts;
    if (limit === 0 || s.alertsOf(y) < limit) return false;
    s.forgetAlerts(y);
    return true;
  }

  private anomaly(e: LogEvent, source: string, t: TemplateParams, pos: number, s: Series, x: number, z: number, dir: 'high' | 'low'): Anomaly | undefined {
    const bucketMs = this.config.bucket_seconds * 1000;
    const ts = Number.isFinite(e.ts) ? e.ts : 0;
    const bucket = Math.floor(ts / bucketMs);
    if ((dir === 'high' ? s.lastHigh : s.lastLow) === bucket) return undefined;
    if (dir === 'high') s.lastHigh = bucket;
    else s.lastLow = bucket;
    s.noteAlert(toScale(x, this.config.log_scale));
    const template = typeof e.template === 'string' && e.template !== '' ? e.template : rawOf(e);
    const expected = fromScale(s.median, this.config.log_scale);
    const score = Math.abs(z);
    const ratio = dir === 'high' ? x / Math.max(Math.abs(expected), 1e-9) : Math.abs(expected) / Math.max(Math.abs(x), 1e-9);
    if (!this.budget(source).take(ts, ratio >= 100)) return undefined;
    let severity = severityOf(e.level);
    if (severity === 'info') severity = ratio >= 100 ? 'critical' : ratio >= 10 || score >= 2 * this.z ? 'error' : 'warning';
    const raw = String(e.params[pos]);
    const a: Anomaly = {
      id: anomalyId('params', source, `${t.templateId}:${pos}:${dir}`, bucket),
      ts,
      source,
      detector: 'params',
      score,
      severity,
      title: `Parameter ${pos + 1} of '${clip(template)}' on ${source} is unusually ${dir}: ${clip(raw, 40)} (median ${inUnitOf(raw, x, expected)} over ${s.filled} recent values).`,
      explanation: [{ feature: `param_${pos + 1}`, templateId: t.templateId, template, observed: x, expected, contribution: z }],
      context: this.ring(source).toArray(),
      window: { start: bucket * bucketMs, end: (bucket + 1) * bucketMs },
      templateId: t.templateId,
    };
    return a;
  }

  snapshot(): Snapshot {
    const templates: unknown[] = [];
    // Least recently used first, as `restore` rebuilds the LRU order from the list order.
    const ordered = [...this.allTemplates()].sort((a, b) => a.used - b.used);
    for (const t of ordered) templates.push([t.source, t.templateId, t.series.map((s) => (s ? s.toArray() : null))]);
    const rings: unknown[] = [];
    for (const [name, r] of this.rings) rings.push([name, r.toArray()]);
    // The alarm budgets too: a restored detector (a restart, a Kafka partition's next owner) must not alert more than the running one would.
    const budgets = [...this.budgets].map(([source, b]) => [source, b.toArray()]);
    return { kind: 'params', version: PARAMS_SNAPSHOT_VERSION, data: { templates, rings, budgets, evictedTemplates: this.evictedTemplates } };
  }

  restore(snap: Snapshot): void {
    const d = snapshotData(snap, 'params', PARAMS_SNAPSHOT_VERSION);
    expectShape(Array.isArray(d.templates) && Array.isArray(d.rings), 'params', 'template or context list');
    const cfg = this.config;
    const templates = new Map<string, Map<number, TemplateParams>>();
    let count = 0;
    for (const raw of d.templates as unknown[][]) {
      expectShape(Array.isArray(raw) && typeof raw[0] === 'string' && typeof raw[1] === 'number' && Array.isArray(raw[2]), 'params', 'template entry');
      const series = (raw[2] as unknown[]).map((a) => (a === null ? null : (Series.from(a, cfg.window_samples) ?? null)));
      const source = raw[0] as string;
      let bySource = templates.get(source);
      if (bySource === undefined) templates.set(source, (bySource = new Map()));
      if (!bySource.has(raw[1] as number)) count++;
      bySource.set(raw[1] as number, { source, templateId: raw[1] as number, series, used: count, measured: undefined, measuredFor: undefined });
    }
    const rings = new Map<string, LineRing>();
    for (const r of d.rings as unknown[][]) if (Array.isArray(r) && typeof r[0] === 'string') rings.set(r[0], LineRing.from(cfg.context_lines, r[1], cfg.max_line_chars));
    this.templates = templates;
    this.templateCount = count;
    this.useClock = count;
    this.rings = rings;
    this.lastRing = null;
    this.evictedTemplates = Number(d.evictedTemplates) || 0;
    // Older snapshots have no budgets: full budgets, as before.
    this.budgets = new Map();
    if (Array.isArray(d.budgets)) for (const b of d.budgets as unknown[]) if (Array.isArray(b) && typeof b[0] === 'string') this.budgets.set(b[0], AlarmBudget.from(cfg.max_alerts_per_hour, b[1]));
  }
}

/** x ≥ ratio × base, on magnitudes (base ≤ 0 compares on the log scale's sign only). */
function changed(x: number, base: number, ratio: number): boolean {
  return Math.abs(x) >= ratio * Math.abs(base) && x !== base;
}

/**
 * The median written in the unit of the raw value it is compared with: `1.5s` is judged in
 * milliseconds, so its median (in ms) is shown back in seconds — `median 0.05s`, not `median 50`.
 */
function inUnitOf(raw: string, x: number, median: number): string {
  const m = /^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s?([a-zA-Zµ%]{1,3})\s*$/.exec(raw);
  if (!m) return fmt(median);
  const shown = Number(m[1]);
  const factor = shown !== 0 ? x / shown : Number.NaN;
  if (!Number.isFinite(factor) || factor === 0) return fmt(median);
  return `${fmt(median / factor)}${m[2] === '%' ? '%' : m[2]}`;
}

function fmt(x: number): string {
  const a = Math.abs(x);
  return a >= 100 ? String(Math.round(x)) : a >= 1 ? String(Math.round(x * 10) / 10) : x.toPrecision(2);
}
