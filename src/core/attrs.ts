/**
 * @module core/attrs
 * A record's attributes as they are stored and filtered by: flat string pairs. Sources fill
 * `RawRecord.attrs` with what the transport carried (Loki labels, OTLP resource and log attributes,
 * HEC metadata, the syslog connection); the parser adds the record's own structured fields (syslog
 * header, JSON keys, logfmt pairs). Both are hostile input — a client picks the keys, the values and
 * how many — so what is kept is bounded here, once, for every host and the store.
 * @example
 * storedAttrs({ hostname: 'web-1', sd: { 'meta@1': { ip: '10.0.0.1' } } }, { transport: 'tcp' });
 * // → { hostname: 'web-1', 'sd.meta@1.ip': '10.0.0.1', transport: 'tcp' }
 */
import { kept } from './text.js';

/** Attributes as stored: flat string → string (nested keys joined with `.`). */
export type Attrs = Record<string, string>;

/** Most attributes kept per record (the first ones, transport attributes first). */
export const MAX_ATTRS = 32;
/** Longest attribute name kept (characters); longer names are left out. */
export const MAX_ATTR_KEY = 128;
/** Longest attribute value kept (characters); longer values are cut and end with `…`. */
export const MAX_ATTR_VALUE = 256;
/** Nesting followed when flattening (`sd.<id>.<param>` is 3). */
const MAX_DEPTH = 3;

/**
 * The stored attributes of one record: the transport's `attrs` first (they win a name clash: they
 * are what the shipper said), then the parsed `fields`. Scalars become strings, nested objects are
 * flattened (`a.b`), arrays are kept as JSON; null/undefined values are left out. At most
 * `MAX_ATTRS` pairs; `undefined` when there are none.
 */
export function storedAttrs(fields: Readonly<Record<string, unknown>> | undefined, attrs: Readonly<Record<string, unknown>> | undefined): Attrs | undefined {
  if (fields === undefined && attrs === undefined) return undefined;
  const out: Attrs = {};
  const n = { count: 0 };
  if (attrs !== undefined) add(out, n, '', attrs, 0);
  if (fields !== undefined) add(out, n, '', fields, 0);
  return n.count === 0 ? undefined : out;
}

function add(out: Attrs, n: { count: number }, prefix: string, obj: Readonly<Record<string, unknown>>, depth: number): void {
  for (const k in obj) {
    if (n.count >= MAX_ATTRS) return;
    if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (key.length === 0 || key.length > MAX_ATTR_KEY || Object.prototype.hasOwnProperty.call(out, key)) continue;
    const v = obj[k];
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && !Array.isArray(v)) {
      if (depth + 1 < MAX_DEPTH) add(out, n, key, v as Record<string, unknown>, depth + 1);
      continue;
    }
    let s: string;
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
    else if (Array.isArray(v)) s = safeJson(v);
    else continue;
    // A cut is copied: a view of a megabyte value would keep it alive (core/text.ts).
    out[key] = s.length > MAX_ATTR_VALUE ? kept(`${s.slice(0, MAX_ATTR_VALUE - 1)}…`) : s;
    n.count++;
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

/**
 * `a` bounded as `storedAttrs` bounds it, for attributes that arrive already flat from elsewhere (the
 * store checks what it is handed; a worker thread's anomalies cross a thread boundary).
 */
export function boundAttrs(a: unknown): Attrs | undefined {
  if (a === null || typeof a !== 'object' || Array.isArray(a)) return undefined;
  return storedAttrs(undefined, a as Record<string, unknown>);
}

/** The pairs every one of `list` has with the same value (undefined entries have none). */
export function sharedAttrs(list: readonly (Attrs | undefined)[]): Attrs | undefined {
  if (list.length === 0 || list[0] === undefined) return undefined;
  let out: Attrs | undefined;
  for (const k in list[0]) {
    const v = list[0][k];
    let all = true;
    for (let i = 1; i < list.length && all; i++) all = list[i]?.[k] === v;
    if (all) (out ??= {})[k] = v;
  }
  return out;
}
