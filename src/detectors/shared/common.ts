/**
 * @module detectors/shared/common
 * Pieces the streaming detectors (novelty, rate, params) share: deterministic anomaly ids, snapshot
 * checks, level → severity, a bounded per-source ring of recent raw lines for context, and a
 * Poisson / negative-binomial tail probability.
 */
import { createHash } from 'node:crypto';
import { AnomalogError } from '../../core/errors.js';
import { SEVERITIES, type Severity } from '../../core/event.js';
import type { Snapshot } from '../../core/parser.js';

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

export type LevelClass = 'fatal' | 'error' | 'warn' | 'other';

/** Level (normalised to trace/debug/info/notice/warn/error/fatal, or anything else) → class. */
export function levelClass(level: string | undefined): LevelClass {
  switch (level) {
    case 'fatal':
    case 'critical':
      return 'fatal';
    case 'error':
      return 'error';
    case 'warn':
    case 'warning':
      return 'warn';
    default:
      return 'other';
  }
}


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

/** The last `size` raw lines of one source. */
export class LineRing {
  private readonly lines: string[];
  private next = 0;
  private filled = 0;
  constructor(private readonly size: number) {
    this.lines = new Array<string>(Math.max(1, size));
  }
  push(line: string, maxChars: number): void {
    if (this.size <= 0) return;
    this.lines[this.next] = line.length > maxChars ? line.slice(0, maxChars) : line;
    this.next = (this.next + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }
  /** Oldest first. */
  toArray(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.filled; i++) out.push(this.lines[(this.next - this.filled + i + this.size) % this.size]);
    return out;
  }
  static from(size: number, lines: unknown, maxChars: number): LineRing {
    const r = new LineRing(size);
    if (Array.isArray(lines)) for (const l of lines) if (typeof l === 'string') r.push(l, maxChars);
    return r;
  }
}

/** Raw text of an event, whatever the event looks like. */
export function rawOf(e: { raw?: unknown; message?: unknown }): string {
  if (typeof e.raw === 'string') return e.raw;
  if (typeof e.message === 'string') return e.message;
  return '';
}

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
