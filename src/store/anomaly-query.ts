/**
 * @module store/anomaly-query
 * The filters of an anomaly query (`AnomalyQuery`) as SQL: each combination of filters present is
 * one shape (a bit set), and each shape one fixed WHERE clause of bound parameters — never text from
 * the query — prepared once and reused (at most 128 shapes × attribute-filter counts).
 */
import { MAX_ATTR_KEY, MAX_ATTR_VALUE } from '../core/attrs.js';
import type { AnomalyStatus, Severity } from '../core/event.js';
import { AnomalogError } from '../core/errors.js';

export interface AnomalyQuery {
  /** Inclusive lower bound on `ts` (epoch ms). */
  since?: number;
  /** Exclusive upper bound on `ts` (epoch ms). */
  until?: number;
  source?: string;
  detector?: string;
  severity?: Severity;
  /** Latest feedback verdict, or `open` for anomalies without feedback. */
  status?: AnomalyStatus;
  /** Substring of the title (case-insensitive for ASCII letters; `%` and `_` are plain characters). */
  q?: string;
  /**
   * Attribute pairs the anomaly's record must have, all of them (exact values): `{ hostname: 'web-1' }`.
   * At most `MAX_ATTR_FILTERS`.
   */
  attrs?: Readonly<Record<string, string>>;
  /** Page size, default 100, capped at 1000. */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

/** Most attribute filters in one query (each is one indexed lookup). */
export const MAX_ATTR_FILTERS = 4;

/** Filter bits of a query's shape. */
export const F_SINCE = 1;
export const F_UNTIL = 2;
export const F_SOURCE = 4;
export const F_DETECTOR = 8;
export const F_SEVERITY = 16;
export const F_CURSOR = 32;
export const F_STATUS = 64;
export const F_TITLE = 128;
/** Bits 8–10: how many attribute filters (0 … MAX_ATTR_FILTERS). */
export const F_ATTRS_SHIFT = 8;

/** The WHERE clause of one filter shape: fixed fragments chosen by which filters are present. */
export function whereOf(shape: number): string {
  const w: string[] = [];
  if (shape & F_SINCE) w.push('ts >= @since');
  if (shape & F_UNTIL) w.push('ts < @until');
  if (shape & F_SOURCE) w.push('source = @source');
  if (shape & F_DETECTOR) w.push('detector = @detector');
  if (shape & F_SEVERITY) w.push('severity = @severity');
  if (shape & F_STATUS) w.push('status = @status');
  if (shape & F_TITLE) w.push("title LIKE @q ESCAPE '\\'");
  for (let i = 0; i < shape >> F_ATTRS_SHIFT; i++) w.push(`id IN (SELECT anomaly_id FROM anomaly_attrs WHERE key = @ak${i} AND value = @av${i})`);
  if (shape & F_CURSOR) w.push('(ts, id) < (@cts, @cid)');
  return w.length ? `WHERE ${w.join(' AND ')}` : '';
}

/** Binds the attribute filters as `@ak<i>`/`@av<i>`; returns how many (an error beyond MAX_ATTR_FILTERS or for an empty name). */
export function attrFilters(attrs: Readonly<Record<string, string>> | undefined, params: Record<string, unknown>): number {
  if (attrs === undefined) return 0;
  const keys = Object.keys(attrs);
  if (keys.length > MAX_ATTR_FILTERS) {
    throw new AnomalogError('ANOMALOG_ERR_STORE_QUERY', `At most ${MAX_ATTR_FILTERS} attribute filters per query, got ${keys.length}.`);
  }
  keys.forEach((k, i) => {
    const v = attrs[k];
    if (k === '' || k.length > MAX_ATTR_KEY || typeof v !== 'string' || v.length > MAX_ATTR_VALUE) {
      throw new AnomalogError('ANOMALOG_ERR_STORE_QUERY', `An attribute filter needs a name of 1 to ${MAX_ATTR_KEY} characters and a value of at most ${MAX_ATTR_VALUE}.`);
    }
    params[`ak${i}`] = k;
    params[`av${i}`] = v;
  });
  return keys.length;
}
