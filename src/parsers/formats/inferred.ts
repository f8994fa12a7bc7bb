/**
 * @module parsers/formats/inferred
 * The zero-config text format: a header layout inferred from the source's own lines
 * ({@link inferLayout}), applied like a `--format` layout; a line it does not fit (and every line
 * while no layout was found) is read as {@link PlainFormat} reads it (a leading timestamp and level
 * word stripped). Revised while it runs: when most recent lines stop fitting (a new version after a
 * deploy writes another header), or every 1024 lines while there is no layout, the layout is
 * inferred again from the last lines; a change is counted and reported through `onChange`.
 */
import type { LogRecord } from '../../core/event.js';
import { HeaderPatternFormat } from './header-pattern.js';
import { inferLayout } from './infer-layout.js';
import { PlainFormat } from './plain.js';
import type { FormatStats, RecordFormat } from './types.js';

/** Recent lines kept for revising the layout. */
const RING = 64;
/** Records between looks at the misfit share. */
const CHECK_EVERY = 256;
/** Records between new tries while there is no layout. */
const RETRY_EVERY = 1024;
/** Share of recent records that must not fit before the layout is revised. */
const REVISE_MISFIT = 0.5;

export interface LayoutChange {
  from: string | null;
  to: string | null;
  /** Line number where the change was noticed. */
  line: number;
}

export class InferredFormat implements RecordFormat {
  readonly name = 'inferred';
  readonly stats: FormatStats = { matched: 0, unmatched: 0 };
  private header: HeaderPatternFormat | null = null;
  private readonly plain = new PlainFormat();
  private readonly ring: string[] = [];
  private ringPos = 0;
  private seen = 0;
  private misfits = 0;
  /** Layout changes made while running. */
  changes = 0;

  constructor(
    layout: string | null,
    private readonly onChange?: (c: LayoutChange) => void,
  ) {
    if (layout !== null) this.header = new HeaderPatternFormat(layout);
  }

  /** The layout in use (null: none found, lines are read as plain text). */
  get layout(): string | null {
    return this.header === null ? null : this.header.layoutText;
  }

  extract(text: string, line: number, arrivalTs: number, source: string): LogRecord {
    const ring = this.ring;
    if (ring.length < RING) ring.push(text);
    else ring[this.ringPos] = text;
    this.ringPos = (this.ringPos + 1) % RING;
    const h = this.header;
    let rec: LogRecord | null = null;
    if (h !== null) {
      const before = h.stats.unmatched;
      rec = h.extract(text, line, arrivalTs, source);
      if (h.stats.unmatched !== before) rec = null;
    }
    if (rec === null) {
      this.misfits++;
      if (h !== null) this.stats.unmatched++;
      else this.stats.matched++;
      rec = this.plain.extract(text, line, arrivalTs, source);
    } else this.stats.matched++;
    if (++this.seen % CHECK_EVERY === 0) this.check(line);
    return rec;
  }

  private check(line: number): void {
    const misfits = this.misfits;
    this.misfits = 0;
    if (this.header !== null ? misfits <= REVISE_MISFIT * CHECK_EVERY : this.seen % RETRY_EVERY !== 0) return;
    const sample = this.ring.slice(this.ringPos).concat(this.ring.slice(0, this.ringPos));
    const found = inferLayout(sample);
    const to = found?.layout ?? null;
    const from = this.layout;
    if (to === from || (to === null && from === null)) return;
    // Keep the current layout unless the new one fits the recent lines clearly better.
    if (to === null && from !== null && misfits < CHECK_EVERY) {
      const fits = sample.filter((s) => (this.header as HeaderPatternFormat).isRecordStart(s)).length;
      if (fits > 0.2 * sample.length) return;
    }
    this.header = to === null ? null : new HeaderPatternFormat(to);
    this.changes++;
    this.onChange?.({ from, to, line });
  }
}
