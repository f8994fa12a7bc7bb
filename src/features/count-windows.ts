/**
 * @module features/count-windows
 * Per-source count windows, the serve path's windowing (the streaming `model` detector counts its
 * events here; `vectorize.ts` (`Vectorizer.fitCounts`) turns the closed windows into model input): tumbling time windows in event
 * time, or sessions keyed by a regex capture / structured field. A window holds plain counters
 * (template id → count, events, errors, warnings) and a few sample lines — never the event list —
 * so the per-event cost is two map operations and memory is O(distinct templates) per window.
 *
 * A time window closes when its source's event time passes its end, or on `tick(now)` when the
 * source's estimated event time (last event time + clock time since) passes it: a source whose
 * clock is skewed against ours still gets whole windows. Sessions close after `inactivity`,
 * `max_duration`, or when `max_open` evicts the least recently active one.
 *
 * @example
 * const w = new SourceWindows({ mode: 'time', size_ms: 60_000 }, { sample_lines: 5, max_line_chars: 500, max_window_templates: 2000 });
 * const closed = w.add(events);      // windows this batch closed
 * const late = w.tick(clock.now());  // windows closed by the passing of time
 */
import type { LogEvent } from '../core/event.js';
import { levelClass, rawOf } from '../core/event-read.js';
import type { ClosedCounts } from './vectorize.js';

export type WindowSpec =
  | { mode: 'time'; size_ms: number }
  | { mode: 'session'; key_regex?: string; key_field?: string; inactivity_ms: number; max_duration_ms: number; max_open: number };

/** An open window or session. */
export interface OpenWindow {
  key: string;
  start: number;
  last: number;
  counts: Map<number, number>;
  /** Template text of each id, from its first event in the window. */
  texts: Map<number, string>;
  events: number;
  errors: number;
  warns: number;
  samples: string[];
}

export type { ClosedCounts } from './vectorize.js';

export interface Closed {
  counts: ClosedCounts;
  texts: Map<number, string>;
  samples: string[];
}

const MAX_KEY_CHARS = 200;
/** Template id of the events past a window's `max_window_templates` distinct templates. */
export const OTHER_TEMPLATE = -2;

export function newWindow(key: string, start: number): OpenWindow {
  return { key, start, last: start, counts: new Map(), texts: new Map(), events: 0, errors: 0, warns: 0, samples: [] };
}

export function closeWindow(w: OpenWindow, end: number): Closed {
  const ids = [...w.counts.keys()].sort((a, b) => a - b);
  const counts = ids.map((id) => w.counts.get(id) as number);
  return { counts: { key: w.key, start: w.start, end, ids, counts, events: w.events, errors: w.errors, warns: w.warns }, texts: w.texts, samples: w.samples };
}

/** The windows of one source. */
export class SourceWindows {
  /** Highest event time seen. */
  watermark = -Infinity;
  /**
   * Clock time from which the watermark is known: the first tick after it advanced (events carry
   * no arrival time here, so the estimate lags by at most one tick rather than running ahead).
   */
  advancedAt = Number.NaN;
  /** The watermark advanced since the last tick. */
  advanced = false;
  /** End of the last closed time window: events before it are late (counted, not added). */
  closedEnd = -Infinity;
  /** Time mode: the one open window. Session mode: open sessions, least recently active first. */
  current: OpenWindow | null = null;
  readonly sessions = new Map<string, OpenWindow>();
  late = 0;
  unkeyed = 0;
  private readonly regex: RegExp | null;

  private readonly sampleLines: number;
  private readonly maxLineChars: number;
  private readonly maxTemplates: number;

  constructor(
    private readonly spec: WindowSpec,
    limits: { sample_lines: number; max_line_chars: number; max_window_templates: number },
  ) {
    this.sampleLines = limits.sample_lines;
    this.maxLineChars = limits.max_line_chars;
    this.maxTemplates = limits.max_window_templates;
    this.regex = spec.mode === 'session' && spec.key_regex ? new RegExp(spec.key_regex) : null;
  }

  /** Adds events of this source (in arrival order); returns the windows they closed. */
  add(events: readonly LogEvent[], from: number, to: number, out: Closed[]): void {
    for (let i = from; i < to; i++) {
      const e = events[i];
      let ts = e.ts;
      if (!Number.isFinite(ts) || ts < -8.64e15 || ts > 8.64e15) ts = Number.isFinite(this.watermark) ? this.watermark : Number.NaN;
      if (Number.isNaN(ts)) continue;
      if (ts > this.watermark) {
        this.watermark = ts;
        this.advanced = true;
      }
      const w = this.spec.mode === 'time' ? this.timeWindow(ts, out) : this.session(e, ts, out);
      if (w !== null) this.count(w, e, ts);
    }
  }

  private count(w: OpenWindow, e: LogEvent, ts: number): void {
    let tid = typeof e.templateId === 'number' && Number.isFinite(e.templateId) ? e.templateId : -1;
    let c = w.counts.get(tid);
    if (c === undefined && w.counts.size >= this.maxTemplates) {
      // Bounded: templates past the cap share one id.
      tid = OTHER_TEMPLATE;
      c = w.counts.get(tid);
    }
    if (c === undefined) {
      w.counts.set(tid, 1);
      w.texts.set(tid, typeof e.template === 'string' ? e.template.slice(0, this.maxLineChars) : '');
    } else w.counts.set(tid, c + 1);
    w.events++;
    if (ts > w.last) w.last = ts;
    const lc = levelClass(e.level);
    if (lc === 'error' || lc === 'fatal') w.errors++;
    else if (lc === 'warn') w.warns++;
    if (w.samples.length < this.sampleLines) {
      const raw = rawOf(e);
      w.samples.push(raw.length > this.maxLineChars ? raw.slice(0, this.maxLineChars) : raw);
    }
  }

  private timeWindow(ts: number, out: Closed[]): OpenWindow | null {
    const size = (this.spec as { size_ms: number }).size_ms;
    const start = Math.floor(ts / size) * size;
    const cur = this.current;
    if (start < this.closedEnd && (cur === null || start < cur.start)) {
      // Its window was already scored: a second fragment would be scored (and flagged) on its own.
      this.late++;
      return null;
    }
    if (cur !== null && start <= cur.start) {
      if (start < cur.start) this.late++;
      return cur;
    }
    if (cur !== null) this.closeTime(cur, size, out);
    this.current = newWindow('window', start);
    return this.current;
  }

  private closeTime(w: OpenWindow, size: number, out: Closed[]): void {
    out.push(closeWindow(w, w.start + size));
    this.closedEnd = w.start + size;
    this.current = null;
  }

  private session(e: LogEvent, ts: number, out: Closed[]): OpenWindow | null {
    const spec = this.spec as Extract<WindowSpec, { mode: 'session' }>;
    const key = this.keyOf(e, spec);
    if (key === null) {
      this.unkeyed++;
      return null;
    }
    let w = this.sessions.get(key);
    if (w !== undefined) {
      this.sessions.delete(key);
      if (ts - w.last >= spec.inactivity_ms || ts - w.start >= spec.max_duration_ms) {
        out.push(closeWindow(w, w.last));
        w = undefined;
      }
    }
    if (w === undefined) {
      w = newWindow(key, ts);
      if (this.sessions.size >= spec.max_open) {
        const [oldKey, old] = this.sessions.entries().next().value as [string, OpenWindow];
        this.sessions.delete(oldKey);
        out.push(closeWindow(old, old.last));
      }
    }
    this.sessions.set(key, w);
    return w;
  }

  private keyOf(e: LogEvent, spec: Extract<WindowSpec, { mode: 'session' }>): string | null {
    let key: unknown;
    if (this.regex !== null) {
      if (typeof e.message !== 'string') return null;
      const m = this.regex.exec(e.message);
      key = m === null ? null : (m[1] ?? m[0]);
    } else {
      const f = e.fields as Record<string, unknown> | undefined;
      key = f && typeof f === 'object' ? f[spec.key_field as string] : undefined;
      if (typeof key === 'number') key = String(key);
    }
    if (typeof key !== 'string' || key === '') return null;
    return key.length > MAX_KEY_CHARS ? key.slice(0, MAX_KEY_CHARS) : key;
  }

  /** Closes what the passing of (clock) time ended: the source's event time is estimated as watermark + clock time since. */
  tick(now: number, out: Closed[]): void {
    if (!Number.isFinite(now)) return;
    if (this.advanced || Number.isNaN(this.advancedAt)) {
      this.advancedAt = now;
      this.advanced = false;
    }
    const elapsed = Math.max(0, now - this.advancedAt);
    const est = this.watermark + elapsed;
    if (!Number.isFinite(est)) return;
    if (this.spec.mode === 'time') {
      const size = this.spec.size_ms;
      // A little grace for events that arrive slightly after their window ended.
      const grace = Math.min(10_000, size / 4);
      const cur = this.current;
      if (cur !== null && est >= cur.start + size + grace) this.closeTime(cur, size, out);
      return;
    }
    const spec = this.spec;
    for (const [key, w] of this.sessions) {
      if (est - w.last >= spec.inactivity_ms || est - w.start >= spec.max_duration_ms) {
        this.sessions.delete(key);
        out.push(closeWindow(w, w.last));
      }
    }
  }

  /** Open windows as plain data for a snapshot: the time window, or the `maxSessions` most recently active sessions. */
  openWindows(maxSessions: number): unknown[] {
    const all = [...this.sessions.values()];
    const list = this.current !== null ? [this.current] : all.slice(Math.max(0, all.length - maxSessions));
    return list.map((w) => ({
      key: w.key,
      start: w.start,
      last: w.last,
      counts: flatten(w.counts),
      texts: [...w.texts.entries()],
      events: w.events,
      errors: w.errors,
      warns: w.warns,
      samples: [...w.samples],
    }));
  }

  restoreOpen(list: unknown[]): void {
    for (const raw of list) {
      const r = raw as Record<string, unknown>;
      if (!r || typeof r.key !== 'string' || typeof r.start !== 'number' || !Array.isArray(r.counts)) continue;
      const w = newWindow(r.key, r.start);
      w.last = typeof r.last === 'number' ? r.last : r.start;
      const flat = r.counts as number[];
      for (let i = 0; i + 1 < flat.length; i += 2) w.counts.set(flat[i], flat[i + 1]);
      if (Array.isArray(r.texts)) for (const p of r.texts as [number, string][]) if (Array.isArray(p)) w.texts.set(p[0], String(p[1]));
      w.events = Number(r.events) || 0;
      w.errors = Number(r.errors) || 0;
      w.warns = Number(r.warns) || 0;
      if (Array.isArray(r.samples)) w.samples.push(...(r.samples as unknown[]).filter((s): s is string => typeof s === 'string'));
      if (this.spec.mode === 'time') this.current = w;
      else this.sessions.set(w.key, w);
    }
  }
}

function flatten(m: Map<number, number>): number[] {
  const out: number[] = [];
  for (const [k, v] of m) out.push(k, v);
  return out;
}
