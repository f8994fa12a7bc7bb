/**
 * @module topology/context-ring
 * A bounded ring of recent raw lines per source, so an anomaly can show what was logged around it.
 * Raw logs are not the product's archive: only the last `size` lines per source are kept, and at
 * most `maxSources` sources (the least recently written is dropped).
 */
import type { LogEvent } from '../core/event.js';

const MAX_LINE_CHARS = 2000;

export class ContextRing {
  private readonly rings = new Map<string, { ts: Float64Array; lines: string[]; next: number; filled: number }>();

  constructor(
    private readonly size: number,
    private readonly maxSources = 10_000,
  ) {}

  add(events: readonly LogEvent[]): void {
    for (const e of events) {
      let r = this.rings.get(e.source);
      if (r === undefined) {
        if (this.rings.size >= this.maxSources) this.rings.delete(this.rings.keys().next().value as string);
        r = { ts: new Float64Array(this.size), lines: new Array<string>(this.size).fill(''), next: 0, filled: 0 };
        this.rings.set(e.source, r);
      }
      r.ts[r.next] = e.ts;
      r.lines[r.next] = e.raw.length > MAX_LINE_CHARS ? e.raw.slice(0, MAX_LINE_CHARS) + '…' : e.raw;
      r.next = (r.next + 1) % this.size;
      if (r.filled < this.size) r.filled++;
    }
  }

  /** Lines of `source` up to time `ts` (oldest first), at most `size`. */
  around(source: string, ts: number): string[] {
    const r = this.rings.get(source);
    if (r === undefined) return [];
    const out: string[] = [];
    for (let k = r.filled; k > 0; k--) {
      const i = (r.next - k + this.size) % this.size;
      if (r.ts[i] <= ts) out.push(r.lines[i]);
    }
    return out;
  }
}
