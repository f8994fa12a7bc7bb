/**
 * @module telemetry/labels
 * Label values come from outside (file paths, `?source=` of HTTP ingest, syslog hosts): each metric
 * family keeps at most `max` distinct values of a label, later ones are counted under `_other`, so
 * a client inventing source names cannot grow the scrape without bound. Values are cut to 200
 * characters and made well-formed UTF-8 (the exposition format is UTF-8; prom-client escapes `\`,
 * `"` and newlines).
 */

/** The label value that collects everything past the cap. */
export const OTHER = '_other';
const MAX_VALUE_CHARS = 200;

export class LabelCap {
  private readonly seen = new Map<string, string>();

  constructor(private readonly max: number) {}

  /** The value to use for `raw`: itself (cleaned) while fewer than `max` values were seen, else `_other`. */
  get(raw: string): string {
    const known = this.seen.get(raw);
    if (known !== undefined) return known;
    if (this.seen.size >= this.max) return OTHER;
    const clean = wellFormed(raw.length > MAX_VALUE_CHARS ? raw.slice(0, MAX_VALUE_CHARS) : raw);
    this.seen.set(raw, clean);
    return clean;
  }
}

/** Replaces lone surrogates (not encodable as UTF-8) with U+FFFD. */
function wellFormed(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return Buffer.from(s, 'utf8').toString('utf8');
  }
  return s;
}
