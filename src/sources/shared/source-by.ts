/**
 * @module sources/shared/source-by
 * `source_by`: one source component, many record sources. A syslog relay carries many hosts and
 * programs, a Loki or OTLP push many services and pods; each deserves its own baseline (parser state,
 * templates, rates), so a record's source id gets the values of the attributes `source_by` names:
 * `syslog` + `[hostname, appname]` → `syslog:web-1/nginx`; `http:shop` + `[pod]` → `http:shop/shop-7f9c`.
 * A missing value reads `-` (syslog's own nil value); a record with none of them keeps the base id.
 *
 * The values come from clients, so the number of ids is bounded: the first `maxSources`
 * (`pipeline.max_sources`) distinct ids since start get their own; a record that would open one more
 * goes to `<base>…_overflow` (one shared baseline) — counted (`overflow_records`,
 * `anomalog_source_overflow_records_total`) and logged once, never dropped.
 * @example
 * const by = new SourceBy(['hostname', 'appname'], 1000, logger);
 * record.source = by.id('syslog', (k) => header[k]);
 */
import type { Logger } from '../../core/component.js';

/** Longest value kept in an id (characters); the rest is cut. */
const MAX_VALUE = 64;
export const OVERFLOW = '_overflow';

export class SourceBy {
  /** Records sent to an overflow source because the bound was reached. */
  overflowRecords = 0;
  private readonly seen = new Set<string>();
  private warned = false;

  constructor(
    readonly keys: readonly string[],
    private readonly maxSources: number,
    private readonly logger: Logger,
  ) {}

  /** True when `source_by` names any attribute (otherwise `id` returns the base). */
  get active(): boolean {
    return this.keys.length > 0;
  }

  /** The record source id of a record of `base` whose attributes `get` reads. */
  id(base: string, get: (key: string) => unknown): string {
    const keys = this.keys;
    if (keys.length === 0) return base;
    let split = '';
    let any = false;
    for (let i = 0; i < keys.length; i++) {
      const v = get(keys[i]);
      const s = valueOf(v);
      if (s !== undefined) any = true;
      split += (i === 0 ? '' : '/') + (s ?? '-');
    }
    if (!any) return base;
    const id = join(base, split);
    if (this.seen.has(id)) return id;
    if (this.seen.size < this.maxSources) {
      this.seen.add(id);
      return id;
    }
    this.overflowRecords++;
    if (!this.warned) {
      this.warned = true;
      this.logger.warn('More distinct sources than pipeline.max_sources: further ones share an overflow source.', { base, max_sources: this.maxSources, overflow: join(base, OVERFLOW), source_by: keys });
    }
    return join(base, OVERFLOW);
  }
}

/** `syslog` + `a/b` → `syslog:a/b`; `http:shop` + `a` → `http:shop/a` (the base already names its stream). */
function join(base: string, split: string): string {
  return base.includes(':') ? `${base}/${split}` : `${base}:${split}`;
}

/** A value as part of a source id: scalars only; characters outside `[\w.\-:@]` (the `/` separator included) become `_`. */
function valueOf(v: unknown): string | undefined {
  if (typeof v === 'number' || typeof v === 'boolean') v = String(v);
  if (typeof v !== 'string' || v === '') return undefined;
  return v.slice(0, MAX_VALUE * 4).replace(/[^\w.\-:@]/g, '_').slice(0, MAX_VALUE);
}

/**
 * `obj[key]`, or for a dotted key absent as such, the nested path (`host.name` → `obj.host.name`):
 * Elasticsearch documents nest what OTLP and Loki name flat.
 */
export function lookup(obj: Readonly<Record<string, unknown>> | undefined, key: string): unknown {
  if (obj === undefined) return undefined;
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  if (!key.includes('.')) return undefined;
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
