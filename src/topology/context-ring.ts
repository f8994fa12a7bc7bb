/**
 * @module topology/context-ring
 * A bounded ring of recent raw lines per source, so an anomaly can show what was logged around it,
 * and with each line what its record carried (transport attributes and parsed fields, by reference;
 * turned into bounded string pairs only for the anomalies that use them — core/attrs.ts).
 * Raw logs are not the product's archive: only the last `size` lines per source are kept, and at
 * most `maxSources` sources (the least recently written is dropped).
 */
import { type Attrs, sharedAttrs, storedAttrs } from '../core/attrs.js';
import type { Anomaly, LogEvent } from '../core/event.js';
import { kept } from '../core/text.js';

const MAX_LINE_CHARS = 2000;
/** A context line cut by a detector's own ring matches a ring line that starts with this much of it. */
const PREFIX_MATCH = 1000;

type Bag = Readonly<Record<string, unknown>> | undefined;

interface Ring {
  ts: Float64Array;
  templates: Float64Array;
  lines: string[];
  fields: Bag[];
  attrs: Bag[];
  next: number;
  filled: number;
}

export class ContextRing {
  private readonly rings = new Map<string, Ring>();

  constructor(
    private readonly size: number,
    private readonly maxSources = 10_000,
  ) {}

  add(events: readonly LogEvent[]): void {
    for (const e of events) {
      let r = this.rings.get(e.source);
      if (r === undefined) {
        if (this.rings.size >= this.maxSources) this.rings.delete(this.rings.keys().next().value as string);
        const n = this.size;
        r = { ts: new Float64Array(n), templates: new Float64Array(n), lines: new Array<string>(n).fill(''), fields: new Array<Bag>(n).fill(undefined), attrs: new Array<Bag>(n).fill(undefined), next: 0, filled: 0 };
        this.rings.set(e.source, r);
      }
      const i = r.next;
      r.ts[i] = e.ts;
      r.templates[i] = e.templateId;
      // A cut of a long line is copied: a view into it would keep the whole line (core/text.ts).
      r.lines[i] = e.raw.length > MAX_LINE_CHARS ? kept(e.raw.slice(0, MAX_LINE_CHARS) + '…') : e.raw;
      // A long record's parsed fields may hold its long values (a JSON record's megabyte stack trace):
      // 20 of them per source were kept whole. It keeps the pairs they would be stored as, copied.
      r.fields[i] = e.fields !== undefined && e.raw.length > MAX_LINE_CHARS ? ownPairs(storedAttrs(e.fields, undefined)) : e.fields;
      r.attrs[i] = e.attrs;
      r.next = (i + 1) % this.size;
      if (r.filled < this.size) r.filled++;
    }
  }

  /** Lines of `source` up to time `ts` (oldest first), at most `size`. */
  around(source: string, ts: number): string[] {
    const r = this.rings.get(source);
    if (r === undefined) return [];
    const out: string[] = [];
    for (const i of this.indexes(r, ts)) out.push(r.lines[i]);
    return out;
  }

  /**
   * Completes a found anomaly from the ring: its context lines when the detector gave none, the
   * attributes of each context line (found by its text among the ring's lines), and its own
   * attributes — those of its template's latest record, or, about no one template, those every
   * context record shares.
   */
  annotate(a: Anomaly): void {
    const r = this.rings.get(a.source);
    if (r === undefined) return;
    const kept = this.indexes(r, a.ts);
    if (a.context.length === 0) a.context = kept.map((i) => r.lines[i]);
    if (a.contextAttrs === undefined && a.context.length > 0) {
      let any = false;
      const per = a.context.map((line) => {
        const i = this.find(r, line);
        const at = i < 0 ? undefined : storedAttrs(r.fields[i], r.attrs[i]);
        if (at !== undefined) any = true;
        return at ?? null;
      });
      if (any) a.contextAttrs = per;
    }
    if (a.attrs !== undefined) return;
    if (a.templateId !== undefined) {
      for (let k = kept.length - 1; k >= 0; k--) {
        const i = kept[k];
        if (r.templates[i] === a.templateId) {
          const at = storedAttrs(r.fields[i], r.attrs[i]);
          if (at !== undefined) a.attrs = at;
          return;
        }
      }
    }
    // The context records that have attributes (a line not found in the ring says nothing).
    const list: Attrs[] = [];
    if (a.contextAttrs !== undefined) for (const x of a.contextAttrs) if (x !== null) list.push(x);
    // No context line found in the ring (a detector's own sample): the ring's records up to the anomaly.
    if (list.length === 0)
      for (const i of kept) {
        const at = storedAttrs(r.fields[i], r.attrs[i]);
        if (at !== undefined) list.push(at);
      }
    const shared = sharedAttrs(list);
    if (shared !== undefined) a.attrs = shared;
  }

  /** Ring slots of `r` with time ≤ `ts`, oldest first. */
  private indexes(r: Ring, ts: number): number[] {
    const out: number[] = [];
    for (let k = r.filled; k > 0; k--) {
      const i = (r.next - k + this.size) % this.size;
      if (r.ts[i] <= ts) out.push(i);
    }
    return out;
  }

  /** The newest slot holding `line` (or, for a long line a detector cut, one starting like it); -1 when none. */
  private find(r: Ring, line: string): number {
    const prefix = line.length >= PREFIX_MATCH ? line.slice(0, PREFIX_MATCH) : null;
    for (let k = 0; k < r.filled; k++) {
      const i = (r.next - 1 - k + this.size) % this.size;
      const l = r.lines[i];
      if (l === line || (prefix !== null && l.startsWith(prefix))) return i;
    }
    return -1;
  }
}

/** `a` with every value its own string: a short value cut from a long line would keep the line (core/text.ts). */
function ownPairs(a: Attrs | undefined): Attrs | undefined {
  if (a !== undefined) for (const k of Object.keys(a)) a[k] = kept(a[k]);
  return a;
}
