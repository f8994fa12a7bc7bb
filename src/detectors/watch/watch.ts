/**
 * @module detectors/watch/watch
 * Recurrences of problems a person confirmed. `real` feedback on an anomaly about a template makes
 * that template (and its close variants on the same source) an alerting rule: every later burst of
 * it is reported — even though it is no longer new to novelty, or too sparse for a rate spike. One
 * report per burst (a recurrence after `regroup_seconds` of quiet), and one more per `repeat_seconds`
 * while a long burst goes on, so an episode of a thousand lines is one or a few anomalies.
 *
 * The watch list comes from the feedback (src/feedback calls `confirmed`), at start again from the
 * stored feedback; the snapshot keeps only each watch's burst timing, so a restart does not report a
 * burst that was already reported.
 * @example
 * const d = new WatchDetector(watchConfigSchema.parse({}));
 * d.confirmed({ source: 'app', templateId: 7, template: 'disk <*> failed', on: true });
 * d.observe(events); // a burst of template 7 on app → one anomaly
 */
import type { Confirmed, StreamDetector } from '../../core/detector.js';
import type { Anomaly, LogEvent, Severity } from '../../core/event.js';
import { SEVERITIES } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import { templateWords, wordOverlap } from '../../parsers/drain/words.js';
import { isDumpField } from '../novelty/words.js';
import { anomalyId, clip, expectShape, LineRing, rawOf, snapshotData, sourceOf } from '../shared/common.js';
import type { WatchConfig } from './config.js';

export const WATCH_SNAPSHOT_VERSION = 1;

interface Confirmation {
  template: string;
  words: Set<string>;
  severity: Severity;
}

/** One burst of a watched template: a span of event time, its lines counted, its last report. */
interface Burst {
  start: number;
  end: number;
  lastAlert: number;
  count: number;
}

/**
 * Bursts remembered per watched template, newest last. A line inside (or within `regroup_seconds` of)
 * one of them belongs to it: a file replayed over hours already read is not a new burst there. 32 is
 * a memory bound (a replay that revisits an older burst reports it again: the safe side), not tuned.
 */
export const WATCH_BURSTS_KEPT = 32;

interface Watched {
  /** The confirmed template this one is watched for (itself when it was confirmed). */
  of: number;
  template: string;
  severity: Severity;
  /** Its bursts by event time, newest last (at most `WATCH_BURSTS_KEPT`). */
  bursts: Burst[];
  /** A held new message type (not confirmed): reported when it comes back; `since` is its first sighting. */
  held?: { since: number };
}

interface SourceState {
  confirmed: Map<number, Confirmation>;
  watched: Map<number, Watched>;
  /** Template ids judged not close to any confirmed one (cleared when a confirmation arrives). */
  notClose: Set<number>;
  /** Template ids whose watch a person took back: never watched again as a close variant. */
  refused: Set<number>;
  ring: LineRing;
}

export interface WatchStats {
  watched: number;
  confirmed: number;
  reported: number;
}

export class WatchDetector implements StreamDetector {
  readonly kind = 'watch';
  readonly stats: WatchStats = { watched: 0, confirmed: 0, reported: 0 };
  private readonly sources = new Map<string, SourceState>();
  /** Burst timing from a snapshot, waiting for its watch to be confirmed again at start. */
  private readonly restored = new Map<string, Burst>();
  private readonly regroupMs: number;
  private readonly repeatMs: number;

  constructor(private readonly cfg: WatchConfig) {
    this.regroupMs = cfg.regroup_seconds * 1000;
    this.repeatMs = cfg.repeat_seconds * 1000;
  }

  confirmed(what: Confirmed): boolean {
    if (!Number.isInteger(what.templateId)) return false;
    if (what.on && what.held === true) this.hold(what);
    else if (what.on) this.watch(what);
    else this.unwatch(what.source, what.templateId);
    this.count();
    return true;
  }

  observe(events: readonly LogEvent[]): Anomaly[] {
    if (this.sources.size === 0) return [];
    const out: Anomaly[] = [];
    for (const e of events) {
      const st = this.sources.get(sourceOf(e));
      if (st === undefined || !Number.isFinite(e.ts)) continue;
      st.ring.push(rawOf(e), this.cfg.max_line_chars, e.ts);
      const w = st.watched.get(e.templateId) ?? this.closeVariant(st, e);
      if (w === undefined) continue;
      const a = this.seen(st, w, e);
      if (a) out.push(a);
    }
    return out;
  }

  tick(): Anomaly[] {
    return [];
  }

  private watch(what: Confirmed): void {
    let st = this.sources.get(what.source);
    if (st === undefined) {
      st = { confirmed: new Map(), watched: new Map(), notClose: new Set(), refused: new Set(), ring: new LineRing(this.cfg.context_lines) };
      this.sources.set(what.source, st);
    }
    const template = what.template ?? st.watched.get(what.templateId)?.template ?? `template ${what.templateId}`;
    const severity = what.severity !== undefined && SEVERITIES.indexOf(what.severity) >= 1 ? what.severity : 'error';
    st.confirmed.delete(what.templateId);
    st.confirmed.set(what.templateId, { template, words: templateWords(template), severity });
    st.refused.delete(what.templateId);
    st.notClose.clear();
    const old = st.watched.get(what.templateId);
    const w: Watched = old ?? { of: what.templateId, template, severity, bursts: [] };
    Object.assign(w, { of: what.templateId, template, severity, held: undefined });
    this.resume(what.source, what.templateId, w);
    st.watched.set(what.templateId, w);
    this.bound();
  }

  /**
   * A held new message type: watched by its own id only (no close variants: nobody confirmed it), its
   * first burst counted as seen so that only a return after `regroup_seconds` of quiet is reported.
   * A template already watched, or taken back, is left as it is.
   */
  private hold(what: Confirmed): void {
    let st = this.sources.get(what.source);
    if (st?.watched.has(what.templateId) || st?.refused.has(what.templateId)) return;
    if (st === undefined) {
      st = { confirmed: new Map(), watched: new Map(), notClose: new Set(), refused: new Set(), ring: new LineRing(this.cfg.context_lines) };
      this.sources.set(what.source, st);
    }
    const since = what.since !== undefined && Number.isFinite(what.since) ? what.since : Number.NEGATIVE_INFINITY;
    const severity = what.severity !== undefined && SEVERITIES.indexOf(what.severity) >= 1 ? what.severity : 'error';
    const template = what.template ?? `template ${what.templateId}`;
    const bursts = Number.isFinite(since) ? [{ start: since, end: since, lastAlert: since, count: 1 }] : [];
    st.watched.set(what.templateId, { of: what.templateId, template, severity, bursts, held: { since } });
    this.bound();
  }

  private unwatch(source: string, templateId: number): void {
    const st = this.sources.get(source);
    if (st === undefined) return;
    st.confirmed.delete(templateId);
    st.refused.add(templateId);
    if (st.refused.size > this.cfg.max_checked) st.refused.delete(st.refused.values().next().value as number);
    for (const [id, w] of st.watched) if (id === templateId || w.of === templateId) st.watched.delete(id);
    if (st.confirmed.size === 0 && st.watched.size === 0) this.sources.delete(source);
  }

  /**
   * A template not watched yet: watched from now on when close to a confirmed one (judged once per
   * template id). Never a line of a dump (`tlb error.......<NUM>` beside a confirmed `data TLB error
   * interrupt`): a dump's lines are values of the event its first line reports, not events (novelty
   * never reports them either, src/detectors/novelty/words.ts) — a confirmed problem recurs as its
   * own message, not as a register value that shares its words. A dump line a person confirmed
   * itself is still watched (by its id).
   */
  private closeVariant(st: SourceState, e: LogEvent): Watched | undefined {
    if (this.cfg.similar_words_share <= 0 || typeof e.template !== 'string' || st.notClose.has(e.templateId) || st.refused.has(e.templateId)) return undefined;
    const words = templateWords(e.template);
    let best: [number, Confirmation] | undefined;
    let bestShare = 0;
    if (!isDumpField(e.template)) {
      for (const [id, c] of st.confirmed) {
        const share = wordOverlap(words, c.words);
        if (share >= this.cfg.similar_words_share && share > bestShare) [best, bestShare] = [[id, c], share];
      }
    }
    if (best === undefined) {
      if (st.notClose.size >= this.cfg.max_checked) st.notClose.clear();
      st.notClose.add(e.templateId);
      return undefined;
    }
    const w: Watched = { of: best[0], template: e.template, severity: best[1].severity, bursts: [] };
    this.resume(sourceOf(e), e.templateId, w);
    st.watched.set(e.templateId, w);
    this.bound();
    this.count();
    return w;
  }

  /**
   * One more line of a watched template: a report when it starts a burst, or a long burst's next hour.
   * Bursts are spans of event time, not of reading order: a line within `regroup_seconds` of a burst
   * already seen — before or after it, or inside it — belongs to that burst. A source whose clock
   * jumps back to hours not seen yet (a replayed old file, a host set wrong) starts a burst there; one
   * that replays hours already reported (an old file read again, lines shipped twice, a sample that
   * revisits its hours as BGL_20k does) is the same problem at the same time, reported once: its
   * lines are counted, and only a burst running on *past* what was read reports its next hour.
   */
  private seen(st: SourceState, w: Watched, e: LogEvent): Anomaly | undefined {
    const ts = e.ts;
    let b: Burst | undefined;
    for (let i = w.bursts.length - 1; i >= 0 && b === undefined; i--) {
      const x = w.bursts[i];
      if (ts >= x.start - this.regroupMs && ts <= x.end + this.regroupMs) b = x;
    }
    const newBurst = b === undefined;
    if (b === undefined) {
      b = { start: ts, end: ts, lastAlert: ts, count: 1 };
      w.bursts.push(b);
      if (w.bursts.length > WATCH_BURSTS_KEPT) w.bursts.shift();
    } else {
      b.count++;
      const onward = ts > b.end;
      b.start = Math.min(b.start, ts);
      b.end = Math.max(b.end, ts);
      // A held message type is news when it comes back, not every hour it stays (it is no confirmed problem).
      if (!onward || w.held !== undefined || ts - b.lastAlert < this.repeatMs) return undefined;
      b.lastAlert = ts;
    }
    this.stats.reported++;
    const source = sourceOf(e);
    const confirmedAs = st.confirmed.get(w.of)?.template ?? w.template;
    const variant = w.of !== e.templateId ? `, a close variant of '${clip(confirmedAs, 80)}'` : '';
    const since = newBurst ? '' : ` (${b.count} times since ${clockTime(b.start)})`;
    const title = w.held
      ? `New message type back on ${source}: '${clip(w.template)}'${since}, first seen ${dateTime(w.held.since)}; held until now because new message types of this source are mostly dismissed.`
      : `Confirmed problem again on ${source}: '${clip(w.template)}'${variant}${since}.`;
    return {
      id: anomalyId('watch', source, e.templateId, Math.floor(ts / 1000)),
      ts,
      source,
      detector: 'watch',
      score: b.count,
      severity: w.severity,
      title,
      explanation: [{ feature: w.held ? 'held_new_template' : 'confirmed_template', templateId: e.templateId, template: w.template, observed: b.count, expected: 0, contribution: 1 }],
      context: st.ring.toArray(ts),
      templateId: e.templateId,
    };
  }

  private resume(source: string, templateId: number, w: Watched): void {
    const key = `${source}\u0000${templateId}`;
    const r = this.restored.get(key);
    if (r === undefined) return;
    this.restored.delete(key);
    w.bursts = [r];
  }

  /** At most `max_watches` watched templates: the oldest source's oldest ones go first. */
  private bound(): void {
    let total = 0;
    for (const st of this.sources.values()) total += st.watched.size;
    for (const [source, st] of this.sources) {
      if (total <= this.cfg.max_watches) break;
      for (const id of st.watched.keys()) {
        if (total <= this.cfg.max_watches) break;
        st.watched.delete(id);
        st.confirmed.delete(id);
        total--;
      }
      if (st.watched.size === 0 && st.confirmed.size === 0) this.sources.delete(source);
    }
  }

  private count(): void {
    let watched = 0;
    let confirmed = 0;
    for (const st of this.sources.values()) {
      watched += st.watched.size;
      confirmed += st.confirmed.size;
    }
    this.stats.watched = watched;
    this.stats.confirmed = confirmed;
  }

  /**
   * Each watch's newest burst (last line, last report, start, count): a restart inside a burst does
   * not report it again. Older bursts are not kept (a replay after a restart that revisits them
   * reports them again: the safe side).
   */
  snapshot(): Snapshot {
    const timing: [string, number, number | null, number | null, number | null, number][] = [];
    const entry = (source: string, id: number, b: Burst) => timing.push([source, id, finite(b.end), finite(b.lastAlert), finite(b.start), b.count]);
    for (const [source, st] of this.sources) {
      for (const [id, w] of st.watched) {
        const b = w.bursts.at(-1);
        if (b) entry(source, id, b);
      }
    }
    for (const [key, r] of this.restored) {
      const [source, id] = key.split('\u0000');
      entry(source, Number(id), r);
    }
    return { kind: 'watch', version: WATCH_SNAPSHOT_VERSION, data: { timing: timing.slice(-this.cfg.max_watches) } };
  }

  restore(s: Snapshot): void {
    const d = snapshotData(s, 'watch', WATCH_SNAPSHOT_VERSION);
    expectShape(Array.isArray(d.timing), 'watch', 'timing');
    this.restored.clear();
    for (const t of d.timing as unknown[]) {
      expectShape(Array.isArray(t) && t.length === 6 && typeof t[0] === 'string' && Number.isInteger(t[1]), 'watch', 'timing entry');
      const [source, id, seen, alert, start, count] = t as [string, number, unknown, unknown, unknown, unknown];
      const [end, lastAlert, begin] = [num(seen), num(alert), num(start)];
      // A burst without a finite span (never seen) is no burst.
      if (!Number.isFinite(end)) continue;
      const r: Burst = { start: Number.isFinite(begin) ? Math.min(begin, end) : end, end, lastAlert: Number.isFinite(lastAlert) ? lastAlert : end, count: typeof count === 'number' && count >= 0 ? count : 0 };
      const w = this.sources.get(source)?.watched.get(id);
      if (w) w.bursts = [r];
      else if (this.restored.size < this.cfg.max_watches) this.restored.set(`${source}\u0000${id}`, r);
    }
  }
}

/** `HH:MM UTC` of an event time (a date out of range shows as such, never throws). */
function clockTime(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? 'an unknown time' : `${d.toISOString().slice(11, 16)} UTC`;
}

/** `YYYY-MM-DD HH:MM UTC` of an event time. */
function dateTime(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? 'at an unknown time' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : Number.NEGATIVE_INFINITY;
}
