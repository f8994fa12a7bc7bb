/**
 * @module features/time-window
 * Fixed (tumbling) or sliding time windows per source, on event time. Window k of a source covers
 * [k·step, k·step + size); with step = size they tumble, with step < size they overlap and one
 * event lands in ⌈size/step⌉ windows. A window closes when the source's event time passes its end
 * (or at `flush`). Events older than an already closed window are late: counted in `late`, not
 * added. State is bounded: at most `max_sources` sources (LRU; an evicted source's windows are
 * closed and returned, never dropped) and `max_events` template ids per window (the count goes on,
 * the stored sequence stops). Windows with no events are not emitted.
 *
 * @example
 * const w = new TimeWindower({ size_ms: 3_600_000 });            // 1 h tumbling
 * const s = new TimeWindower({ size_ms: 600_000, step_ms: 60_000 }); // 10 min every minute
 */
import { AnomalogError } from '../core/errors.js';
import type { LogEvent } from '../core/event.js';
import type { ClosedWindow } from './session-window.js';
import { severityClass } from './sequences.js';

export interface TimeWindowOptions {
  size_ms: number;
  /** Defaults to size_ms (tumbling windows). */
  step_ms?: number;
  max_sources: number;
  max_events: number;
  sample_lines: number;
}

interface OpenWindow {
  templates: number[];
  levels: number[];
  samples: string[];
  count: number;
}

interface SourceState {
  /** Window index → contents. */
  windows: Map<number, OpenWindow>;
  /** Highest window index already closed. */
  closedUpTo: number;
  watermark: number;
}

export class TimeWindower {
  readonly size: number;
  readonly step: number;
  private readonly options: TimeWindowOptions;
  private readonly sources = new Map<string, SourceState>();
  late = 0;

  constructor(opts: Partial<TimeWindowOptions> & { size_ms: number }) {
    this.options = { max_sources: 10_000, max_events: 100_000, sample_lines: 5, ...opts };
    this.size = opts.size_ms;
    this.step = opts.step_ms ?? opts.size_ms;
    if (!(this.size > 0) || !(this.step > 0) || this.step > this.size) {
      throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', 'Time windows need size_ms > 0 and 0 < step_ms ≤ size_ms.');
    }
  }

  /** Adds a batch; returns the windows it closed, per source in time order. */
  add(events: readonly LogEvent[]): ClosedWindow[] {
    const closed: ClosedWindow[] = [];
    for (const e of events) {
      const st = this.state(e.source, closed);
      const first = Math.floor((e.ts - this.size) / this.step) + 1;
      const last = Math.floor(e.ts / this.step);
      if (last <= st.closedUpTo) {
        this.late++;
        continue;
      }
      for (let k = Math.max(first, st.closedUpTo + 1); k <= last; k++) {
        let w = st.windows.get(k);
        if (!w) {
          w = { templates: [], levels: [], samples: [], count: 0 };
          st.windows.set(k, w);
        }
        w.count++;
        if (w.templates.length < this.options.max_events) {
          w.templates.push(e.templateId);
          w.levels.push(severityClass(e.level));
        }
        if (w.samples.length < this.options.sample_lines) w.samples.push(e.raw);
      }
      if (e.ts > st.watermark) {
        st.watermark = e.ts;
        this.closeUntil(e.source, st, e.ts, closed);
      }
    }
    return closed;
  }

  /** Closes windows of every source that end at or before `now` (event time). */
  tick(now: number): ClosedWindow[] {
    const closed: ClosedWindow[] = [];
    for (const [src, st] of this.sources) this.closeUntil(src, st, now, closed);
    return closed;
  }

  /** End of input: closes every open window. */
  flush(): ClosedWindow[] {
    const closed: ClosedWindow[] = [];
    for (const [src, st] of this.sources) this.closeUntil(src, st, Infinity, closed);
    this.sources.clear();
    return closed;
  }

  private state(source: string, closed: ClosedWindow[]): SourceState {
    let st = this.sources.get(source);
    if (st) {
      this.sources.delete(source);
      this.sources.set(source, st);
      return st;
    }
    if (this.sources.size >= this.options.max_sources) {
      const [oldSrc, old] = this.sources.entries().next().value as [string, SourceState];
      this.sources.delete(oldSrc);
      this.closeUntil(oldSrc, old, Infinity, closed);
    }
    st = { windows: new Map(), closedUpTo: -Infinity, watermark: -Infinity };
    this.sources.set(source, st);
    return st;
  }

  private closeUntil(source: string, st: SourceState, now: number, closed: ClosedWindow[]): void {
    const ready: number[] = [];
    for (const k of st.windows.keys()) if (k * this.step + this.size <= now) ready.push(k);
    ready.sort((a, b) => a - b);
    for (const k of ready) {
      const w = st.windows.get(k) as OpenWindow;
      st.windows.delete(k);
      const start = k * this.step;
      closed.push({
        key: `${source}@${start}`,
        source,
        templates: Int32Array.from(w.templates),
        levels: Uint8Array.from(w.levels),
        window: { start, end: start + this.size },
        reason: now === Infinity ? 'end-of-input' : 'window-end',
        samples: w.samples,
      });
    }
    if (Number.isFinite(now)) {
      const lastClosed = Math.floor((now - this.size) / this.step);
      if (lastClosed > st.closedUpTo) st.closedUpTo = lastClosed;
    }
  }
}
