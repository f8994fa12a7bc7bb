/**
 * @module detectors/shared/common
 * Pieces the streaming detectors (novelty, rate, params) share: deterministic anomaly ids, snapshot
 * checks, level → severity, a bounded per-source ring of recent raw lines for context, and a
 * Poisson / negative-binomial tail probability.
 */
import { createHash } from 'node:crypto';
import { AnomalogError } from '../../core/errors.js';
import { SEVERITIES, type LogEvent, type Severity } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';
import { keptCut } from '../../core/text.js';
import { type LevelClass, levelClass } from '../../core/event-read.js';

/** sha1(detector, source, key, bucket) as 20 hex chars: the same event data always gives the same id. */
export function anomalyId(detector: string, source: string, key: string | number, bucket: number): string {
  return createHash('sha1').update(`${detector}\0${source}\0${key}\0${bucket}`).digest('hex').slice(0, 20);
}

/** Checks kind and version of a snapshot; returns its data. Newer versions are refused. */
export function snapshotData(s: Snapshot, kind: string, version: number): Record<string, unknown> {
  if (!s || typeof s !== 'object' || s.kind !== kind) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `Expected a "${kind}" detector snapshot, got "${String(s?.kind)}".`);
  }
  if (typeof s.version !== 'number' || s.version > version || s.version < 1) {
    throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `${kind} snapshot version ${String(s.version)} is not supported (this build reads 1..${version}).`, {
      hint: 'Upgrade anomalog or start the detector without the saved state.',
    });
  }
  if (!s.data || typeof s.data !== 'object') throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `The ${kind} snapshot has no data.`);
  return s.data as Record<string, unknown>;
}

/** Throws SNAPSHOT_INVALID unless `ok`. */
export function expectShape(ok: boolean, kind: string, what: string): void {
  if (!ok) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', `The ${kind} snapshot has a malformed ${what}.`);
}

export { type LevelClass, levelClass } from '../../core/event-read.js';


/** Severity of a finding from the event level, `shift` steps down (rare vs new). */
export function severityOf(level: string | undefined, shift = 0): Severity {
  const c = levelClass(level);
  const base = c === 'fatal' ? 3 : c === 'error' ? 2 : c === 'warn' ? 1 : 0;
  return SEVERITIES[Math.max(0, base - shift)];
}

/** Short, printable version of a template or value for a title. */
export function clip(s: string, max = 120): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/**
 * The last `size` raw lines of one source with their event times. `toArray` gives them in time order
 * (stable: lines of equal time keep their arrival order), optionally only those up to a time — a
 * log whose lines arrive slightly out of order, or an anomaly found when a later line closed its
 * interval, still shows its context in the order things happened.
 */
export class LineRing {
  private readonly lines: string[];
  private readonly times: Float64Array;
  private next = 0;
  private filled = 0;
  constructor(private readonly size: number) {
    this.lines = new Array<string>(Math.max(1, size));
    this.times = new Float64Array(Math.max(1, size));
  }
  push(line: string, maxChars: number, ts = Number.NEGATIVE_INFINITY): void {
    if (this.size <= 0) return;
    // A cut is copied, so the ring never keeps a long line alive (core/text.ts).
    this.lines[this.next] = keptCut(line, maxChars);
    this.times[this.next] = Number.isFinite(ts) ? ts : Number.NEGATIVE_INFINITY;
    this.next = (this.next + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }
  /** Time order (oldest first); with `until`, only lines at or before it. */
  toArray(until = Number.POSITIVE_INFINITY): string[] {
    const idx: number[] = [];
    for (let i = 0; i < this.filled; i++) {
      const k = (this.next - this.filled + i + this.size) % this.size;
      if (this.times[k] <= until) idx.push(k);
    }
    // Insertion sort: the ring is short and almost always already in order.
    for (let i = 1; i < idx.length; i++) {
      const k = idx[i];
      let j = i - 1;
      while (j >= 0 && this.times[idx[j]] > this.times[k]) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = k;
    }
    const out: string[] = [];
    for (const k of idx) out.push(this.lines[k]);
    return out;
  }
  /** Event times in the order of `toArray()` (snapshot companion; -Infinity: unknown). */
  timesArray(): (number | null)[] {
    const idx: number[] = [];
    for (let i = 0; i < this.filled; i++) idx.push((this.next - this.filled + i + this.size) % this.size);
    idx.sort((a, b) => this.times[a] - this.times[b]);
    return idx.map((k) => (Number.isFinite(this.times[k]) ? this.times[k] : null));
  }
  /** Lines (oldest first) and, when saved since snapshots carry them, their times. */
  static from(size: number, lines: unknown, maxChars: number, times?: unknown): LineRing {
    const r = new LineRing(size);
    const ts = Array.isArray(times) && Array.isArray(lines) && times.length === lines.length ? times : undefined;
    if (Array.isArray(lines)) {
      for (let i = 0; i < lines.length; i++) {
        const l: unknown = lines[i];
        const t: unknown = ts?.[i];
        if (typeof l === 'string') r.push(l, maxChars, typeof t === 'number' ? t : Number.NEGATIVE_INFINITY);
      }
    }
    return r;
  }
}

/**
 * The value of `key` in an LRU map (insertion order = least recently used first), made the most
 * recent; created by `create` when missing, evicting the least recent beyond `max`.
 */
export function touchLru<K, V>(map: Map<K, V>, key: K, create: () => V, max: number): V {
  let v = map.get(key);
  if (v !== undefined) {
    map.delete(key);
    map.set(key, v);
    return v;
  }
  v = create();
  map.set(key, v);
  if (map.size > max) map.delete(map.keys().next().value as K);
  return v;
}

/** The findings of `one` over a batch, one event at a time; entries that are not objects are skipped (hostile input). */
export function eachFinding<A>(events: readonly LogEvent[], one: (e: LogEvent) => A | undefined): A[] {
  const out: A[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (!e || typeof e !== 'object') continue;
    const a = one(e);
    if (a) out.push(a);
  }
  return out;
}

export { rawOf } from '../../core/event-read.js';

/** Source name of an event ('default' when missing). */
export function sourceOf(e: { source?: unknown }): string {
  return typeof e.source === 'string' && e.source !== '' ? e.source : 'default';
}

/** Parses a detector config with its strict schema; every issue is reported with its key path. */
export function parseDetectorConfig<T>(type: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown): T {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${[type, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `Invalid ${type} detector config: ${issues.join('; ')}.`);
}

/**
 * How a message reads when its level is unknown or says little: level words written in it (`FATAL`,
 * `SEVERE`, `ERROR`, `WARNING` as whole upper-case words, as syslog-style and Java loggers print them)
 * and error-like words (failed, panic, refused, timed out, unable…). A message that also says it was
 * handled (corrected, recovered, retrying, succeeded) reads as `other`.
 */
export function textClass(text: string): LevelClass {
  if (LEVEL_FATAL.test(text)) return 'fatal';
  if (LEVEL_ERROR.test(text)) return 'error';
  const benign = BENIGN_WORDS.test(text);
  if (!benign && ERROR_WORDS.test(text)) return 'error';
  if (LEVEL_WARN.test(text)) return 'warn';
  return 'other';
}

const LEVEL_FATAL = /\b(?:FATAL|CRITICAL|CRIT|SEVERE|EMERG|EMERGENCY|ALERT|PANIC)\b/;
const LEVEL_ERROR = /\b(?:ERROR|ERR|FAILURE|FAILED)\b/;
const LEVEL_WARN = /\b(?:WARN|WARNING)\b/;
const ERROR_WORDS =
  /\b(?:errors?|fail(?:s|ed|ure|ing)?|fatal|panic|exception|denied|refused|time[sd]? ?out|unable|cannot|can't|could ?n[o']t|invalid|abort(?:ed|ing)?|crash(?:ed)?|corrupt(?:ed|ion)?|unreachable|killed|segfault|segmentation|out of memory|oom)\b/i;
const BENIGN_WORDS = /\b(?:corrected|correctable|recovered|retrying|succeeded|successful(?:ly)?|resolved)\b/i;

/** The more severe of two level classes. */
export function worseClass(a: LevelClass, b: LevelClass): LevelClass {
  return CLASS_RANK[a] >= CLASS_RANK[b] ? a : b;
}

export const CLASS_RANK: Record<LevelClass, number> = { other: 0, warn: 1, error: 2, fatal: 3 };

/**
 * A per-source alarm budget: at most `perHour` findings per hour of event time (a token bucket that
 * refills continuously), so one misbehaving source cannot bury a person in alerts; findings the
 * caller calls urgent pass without spending. Bounded by the caller's source cap; snapshot is
 * `[tokens, at]`.
 */
export class AlarmBudget {
  tokens: number;
  at: number;
  constructor(
    private readonly perHour: number,
    tokens = perHour,
    at = Number.NEGATIVE_INFINITY,
  ) {
    this.tokens = tokens;
    this.at = at;
  }
  /** True when a finding at `ts` may be reported (and spends a token unless `urgent`). */
  take(ts: number, urgent: boolean): boolean {
    if (this.perHour <= 0) return true;
    if (Number.isFinite(ts) && ts > this.at) {
      this.tokens = Number.isFinite(this.at) ? Math.min(this.perHour, this.tokens + ((ts - this.at) / 3_600_000) * this.perHour) : this.perHour;
      this.at = ts;
    } else if (!Number.isFinite(this.at) && Number.isFinite(ts)) this.at = ts;
    if (urgent) return true;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
  toArray(): [number, number | null] {
    return [this.tokens, Number.isFinite(this.at) ? this.at : null];
  }
  static from(perHour: number, a: unknown): AlarmBudget {
    const v = Array.isArray(a) ? a : [];
    const tokens = typeof v[0] === 'number' && Number.isFinite(v[0]) ? Math.min(perHour, Math.max(0, v[0])) : perHour;
    const at = typeof v[1] === 'number' && Number.isFinite(v[1]) ? v[1] : Number.NEGATIVE_INFINITY;
    return new AlarmBudget(perHour, tokens, at);
  }
}
