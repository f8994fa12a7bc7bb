/**
 * @module parsers/drain/shape-cache
 * Two lines that are equal except for digits inside masked values (`blk_123` vs `blk_987`, same
 * length) mask to the same template with params at the same offsets: masking decides by character
 * classes, not digit values. Digits elsewhere (`Slf4jLogger`, `ttyS0` stay constant) and a `0x`
 * prefix must be equal. So the miner remembers, per line shape, the cluster and the param spans of
 * the first such line and answers the next ones with one hashing pass and one comparison pass, no
 * masking. The exemplar comparison rules out hash collisions.
 */

export interface ShapeEntry<C> {
  /** The first line of this shape. */
  exemplar: string;
  /** The miner's cluster (held directly: no id lookup per line; the miner marks evicted ones). */
  cluster: C;
  /** Cluster version the spans were computed for. */
  version: number;
  /** Param spans: (start, end, digits may differ: 1|0) triples, in line order. */
  spans: Int32Array;
  next: ShapeEntry<C> | null;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export class ShapeCache<C> {
  private readonly table = new Map<number, ShapeEntry<C>>();
  /** Lines seen verbatim more than once → their entry (V8 hashes and compares these natively). */
  private readonly exact = new Map<string, ShapeEntry<C>>();
  /** Lines seen once (admission filter for `exact`: a line must come back before it is kept). */
  private readonly seenOnce = new Set<string>();
  private entries = 0;

  constructor(private readonly cap: number) {}

  /** FNV-1a over the line with every digit read as `1` (a `0` before `x`/`X` stays `0`). */
  hash(text: string): number {
    let h = 0x811c9dc5 ^ text.length;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c >= 48 && c <= 57 && !(c === 48 && i + 1 < n && (text.charCodeAt(i + 1) | 32) === 120)) c = 49;
      h = Math.imul(h ^ c, 0x01000193);
    }
    return h & 0x3fffffff;
  }

  /** The entry of a line repeated verbatim, without hashing it in JS. */
  getExact(text: string): ShapeEntry<C> | undefined {
    return this.exact.get(text);
  }

  get(text: string, h: number): ShapeEntry<C> | null {
    for (let e = this.table.get(h) ?? null; e !== null; e = e.next) {
      if (sameShape(text, e.exemplar, e.spans)) {
        // A verbatim repeat (its exemplar, or a line seen once before): keep the line itself so its
        // next occurrences skip hashing. Lines that never repeat only pass through `seenOnce`.
        if (text === e.exemplar || this.seenOnce.has(text)) {
          if (this.exact.size >= this.cap) this.exact.clear();
          this.exact.set(text, e);
        } else {
          if (this.seenOnce.size >= this.cap) this.seenOnce.clear();
          this.seenOnce.add(text);
        }
        return e;
      }
    }
    return null;
  }

  set(text: string, h: number, cluster: C, version: number, spans: Int32Array): void {
    const head = this.table.get(h) ?? null;
    for (let e = head; e !== null; e = e.next) {
      if (e.exemplar === text) {
        e.cluster = cluster;
        e.version = version;
        e.spans = spans;
        return;
      }
    }
    if (this.entries >= this.cap) this.clear();
    this.table.set(h, { exemplar: text, cluster, version, spans, next: this.table.get(h) ?? null });
    this.entries++;
  }

  get size(): number {
    return this.entries;
  }

  clear(): void {
    this.table.clear();
    this.exact.clear();
    this.seenOnce.clear();
    this.entries = 0;
  }
}

/** Equal, except digits against digits inside lenient spans (and never a `0` before `x`). */
export function sameShape(a: string, b: string, spans: Int32Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (!isDigitCode(x) || !isDigitCode(y)) return false;
    while (k < spans.length && spans[k + 1] <= i) k += 3;
    if (k >= spans.length || spans[k] > i || spans[k + 2] === 0) return false;
    if ((x === 48 || y === 48) && i + 1 < n && (a.charCodeAt(i + 1) | 32) === 120) return false;
  }
  return true;
}
