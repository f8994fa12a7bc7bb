/**
 * @module features/session-window
 * Groups events into sessions by a key taken from the message with a regex (every distinct match
 * in a line, so an HDFS line naming two blocks feeds both) or from a structured field. A session
 * closes when its key has been silent for `inactivity_ms` of event time, when it has lasted
 * `max_duration_ms`, when it holds `max_events` events, when the LRU cap `max_sessions` evicts it,
 * or at end of input (`flush`). Time is event time (`LogEvent.ts`), never the wall clock; `tick(now)`
 * lets a live pipeline close silent sessions when no events arrive.
 *
 * @example
 * const w = new SessionWindower({ key_regex: 'blk_-?\\d+', inactivity_ms: 60_000 });
 * const closed = [...w.add(events), ...w.flush()];
 */
import { AnomalogError } from '../core/errors.js';
import type { LogEvent } from '../core/event.js';
import { severityClass, type Sequence } from './sequences.js';

export interface SessionWindowOptions {
  key_regex?: string;
  key_field?: string;
  inactivity_ms: number;
  max_duration_ms: number;
  max_sessions: number;
  max_events: number;
  /** Raw lines kept per session as context for explanations. */
  sample_lines: number;
}

export const DEFAULT_SESSION_OPTIONS: Omit<SessionWindowOptions, 'key_regex' | 'key_field'> = {
  inactivity_ms: 5 * 60_000,
  max_duration_ms: 24 * 3_600_000,
  max_sessions: 100_000,
  max_events: 10_000,
  sample_lines: 5,
};

export type CloseReason = 'inactivity' | 'max-duration' | 'max-events' | 'evicted' | 'end-of-input' | 'window-end';

export interface ClosedWindow extends Sequence {
  window: { start: number; end: number };
  reason: CloseReason;
  samples: string[];
}

interface OpenSession {
  key: string;
  source: string;
  start: number;
  last: number;
  templates: number[];
  levels: number[];
  samples: string[];
}

export class SessionWindower {
  readonly options: SessionWindowOptions;
  private readonly regex: RegExp | null;
  /** Insertion order = least recently touched first (re-inserted on every event). */
  private readonly open = new Map<string, OpenSession>();
  private watermark = -Infinity;
  /** Events that carried no session key. */
  unkeyed = 0;

  constructor(opts: Partial<SessionWindowOptions>) {
    this.options = { ...DEFAULT_SESSION_OPTIONS, ...opts };
    if (!this.options.key_regex === !this.options.key_field) {
      throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', 'Sessions need exactly one of key_regex or key_field.');
    }
    try {
      this.regex = this.options.key_regex ? new RegExp(this.options.key_regex, 'g') : null;
    } catch (e) {
      throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `Session key regex is invalid: ${String(e)}`, { cause: e });
    }
  }

  get openSessions(): number {
    return this.open.size;
  }

  /** Adds a batch in event-time order; returns the sessions it closed. */
  add(events: readonly LogEvent[]): ClosedWindow[] {
    const closed: ClosedWindow[] = [];
    for (const e of events) {
      if (e.ts > this.watermark) this.watermark = e.ts;
      const keys = this.keysOf(e);
      if (keys.length === 0) {
        this.unkeyed++;
        continue;
      }
      for (const k of keys) this.addTo(k, e, closed);
    }
    this.sweep(this.watermark, closed);
    return closed;
  }

  /** Closes sessions silent for the inactivity timeout as of `now` (event-time clock). */
  tick(now: number): ClosedWindow[] {
    const closed: ClosedWindow[] = [];
    this.sweep(now, closed);
    return closed;
  }

  /** End of input: closes every open session. */
  flush(): ClosedWindow[] {
    const closed: ClosedWindow[] = [];
    for (const s of this.open.values()) closed.push(close(s, 'end-of-input'));
    this.open.clear();
    return closed;
  }

  private keysOf(e: LogEvent): string[] {
    if (this.regex) {
      const keys: string[] = [];
      this.regex.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = this.regex.exec(e.message)) !== null) {
        const k = m[1] ?? m[0];
        if (!keys.includes(k)) keys.push(k);
        if (m[0].length === 0) this.regex.lastIndex++;
      }
      return keys;
    }
    const v = e.fields?.[this.options.key_field as string];
    return v === undefined || v === null || v === '' ? [] : [String(v)];
  }

  private addTo(key: string, e: LogEvent, closed: ClosedWindow[]): void {
    const o = this.options;
    let s = this.open.get(key);
    if (s) {
      this.open.delete(key);
      if (e.ts - s.last > o.inactivity_ms) {
        closed.push(close(s, 'inactivity'));
        s = undefined;
      } else if (e.ts - s.start > o.max_duration_ms) {
        closed.push(close(s, 'max-duration'));
        s = undefined;
      }
    }
    if (!s) {
      if (this.open.size >= o.max_sessions) {
        const [oldKey, oldest] = this.open.entries().next().value as [string, OpenSession];
        this.open.delete(oldKey);
        closed.push(close(oldest, 'evicted'));
      }
      s = { key, source: e.source, start: e.ts, last: e.ts, templates: [], levels: [], samples: [] };
    }
    s.templates.push(e.templateId);
    s.levels.push(severityClass(e.level));
    if (e.ts > s.last) s.last = e.ts;
    if (s.samples.length < o.sample_lines) s.samples.push(e.raw);
    if (s.templates.length >= o.max_events) closed.push(close(s, 'max-events'));
    else this.open.set(key, s);
  }

  private sweep(now: number, closed: ClosedWindow[]): void {
    const limit = this.options.inactivity_ms;
    for (const [k, s] of this.open) {
      // Least recently touched first; with event times roughly in order the scan stops early.
      if (now - s.last <= limit) break;
      this.open.delete(k);
      closed.push(close(s, 'inactivity'));
    }
  }
}

function close(s: OpenSession, reason: CloseReason): ClosedWindow {
  return {
    key: s.key,
    source: s.source,
    templates: Int32Array.from(s.templates),
    levels: Uint8Array.from(s.levels),
    window: { start: s.start, end: s.last },
    reason,
    samples: s.samples,
  };
}
