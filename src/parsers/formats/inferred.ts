/**
 * @module parsers/formats/inferred
 * The zero-config text format: a header layout inferred from the source's own lines
 * ({@link inferLayout}), applied like a `--format` layout; a line it does not fit (and every line
 * while no layout was found) is read as {@link PlainFormat} reads it (a leading timestamp and level
 * word stripped). Revised while it runs: when most recent lines stop fitting (a new version after a
 * deploy writes another header), or while there is no layout, the layout is inferred again from
 * the last lines; a change is counted and reported through `onChange`.
 *
 * Without a layout, tries back off: after 1024 lines, then after twice as many each time a try
 * finds nothing, up to every 65,536 lines — lines that showed no header keep showing none, and
 * each try costs a sample's inference. A try comes at once (at the next look, every 256 lines)
 * when most recent lines open with a timestamp and the last try's lines did not: the lines
 * changed, and a header may now be there.
 */
import type { LogRecord } from '../../core/event.js';
import { HeaderPatternFormat } from './header-pattern.js';
import { keptCut } from '../../core/text.js';
import { INFER_LINE_CHARS, inferLayout } from './infer-layout.js';
import { PlainFormat } from './plain.js';
import type { FormatStats, RecordFormat } from './types.js';

/** Recent lines kept for revising the layout. */
const RING = 64;
/** Records between looks at the misfit share. */
const CHECK_EVERY = 256;
/** Records before the first new try while there is no layout; doubled after each try that finds none. */
const RETRY_FIRST = 1024;
/** Longest wait between tries while there is no layout. */
const RETRY_MAX = 65_536;
/** Share of recent records that must not fit before the layout is revised. */
const REVISE_MISFIT = 0.5;

/** Where revising stands (the recent lines, the counters): kept in the parser's snapshot, so a restored parser looks and tries again when the running one would. */
export interface InferredState {
  ring: string[];
  seen: number;
  misfits: number;
  retryIn: number;
  retryWait: number;
  timedAtCheck: number;
  triedTimed: boolean;
  timedLines: number;
  changes: number;
  tries: number;
}

const count = (v: unknown, dflt = 0): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : dflt);

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
  private readonly ring: string[] = new Array<string>(RING).fill('');
  private seen = 0;
  private misfits = 0;
  /** While there is no layout: records until the next try, and the wait after a try that finds none. */
  private retryIn = RETRY_FIRST;
  private retryWait = RETRY_FIRST;
  /** Plain's count of timestamped lines at the last look, and whether most lines of the last try had one. */
  private timedAtCheck = 0;
  private triedTimed = false;
  /** Layout changes made while running. */
  changes = 0;
  /** Inferences run while running (revisions and tries without a layout). */
  tries = 0;

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

  state(): InferredState {
    return {
      ring: this.ring.slice(),
      seen: this.seen,
      misfits: this.misfits,
      retryIn: this.retryIn,
      retryWait: this.retryWait,
      timedAtCheck: this.timedAtCheck,
      triedTimed: this.triedTimed,
      timedLines: this.plain.timedLines,
      changes: this.changes,
      tries: this.tries,
    };
  }

  /** Restores `state()` (a snapshot field: checked field by field). */
  restoreState(s: Partial<InferredState>): void {
    if (Array.isArray(s.ring) && s.ring.length === RING && s.ring.every((x) => typeof x === 'string')) for (let i = 0; i < RING; i++) this.ring[i] = s.ring[i];
    this.seen = count(s.seen);
    this.misfits = count(s.misfits);
    this.retryIn = typeof s.retryIn === 'number' && Number.isInteger(s.retryIn) ? s.retryIn : RETRY_FIRST;
    this.retryWait = count(s.retryWait, RETRY_FIRST) || RETRY_FIRST;
    this.timedAtCheck = count(s.timedAtCheck);
    this.triedTimed = s.triedTimed === true;
    this.plain.timedLines = count(s.timedLines);
    this.changes = count(s.changes);
    this.tries = count(s.tries);
  }

  extract(text: string, line: number, arrivalTs: number, source: string): LogRecord {
    this.remember(text);
    const h = this.header;
    let rec: LogRecord | null = null;
    if (h !== null) {
      const before = h.stats.unmatched;
      rec = h.extract(text, line, arrivalTs, source);
      if (h.stats.unmatched !== before) rec = null;
    }
    if (rec === null) {
      this.misfit(h);
      rec = this.plain.extract(text, line, arrivalTs, source);
    } else this.stats.matched++;
    if (++this.seen % CHECK_EVERY === 0) this.check(line);
    return rec;
  }

  /** `extract(…).message` without the record (see RecordFormat.message); the same effect on state. */
  message(text: string, arrivalTs: number, line: number): string {
    this.remember(text);
    const h = this.header;
    let m: string | null = null;
    if (h !== null) {
      const before = h.stats.unmatched;
      m = h.message(text);
      if (h.stats.unmatched !== before) m = null;
    }
    if (m === null) {
      this.misfit(h);
      m = this.plain.message(text, arrivalTs);
    } else this.stats.matched++;
    if (++this.seen % CHECK_EVERY === 0) this.check(line);
    return m;
  }

  /**
   * Keeps the last RING lines before each look (every CHECK_EVERY records), in order: the sample a
   * revision or a new try infers from. Lines further from a look are not stored (a store per line
   * costs more than the rest of this format's work on a line without a header). A long line is kept
   * as a copy of its head ({@link INFER_LINE_CHARS}): 64 whole megabyte lines were 64 MiB per source.
   */
  private remember(text: string): void {
    const slot = (this.seen % CHECK_EVERY) - (CHECK_EVERY - RING);
    if (slot >= 0) this.ring[slot] = keptCut(text, INFER_LINE_CHARS);
  }

  private misfit(h: HeaderPatternFormat | null): void {
    this.misfits++;
    if (h !== null) this.stats.unmatched++;
    else this.stats.matched++;
  }

  private check(line: number): void {
    const misfits = this.misfits;
    this.misfits = 0;
    if (this.header !== null ? misfits <= REVISE_MISFIT * CHECK_EVERY : !this.retryDue()) return;
    const sample = this.ring.slice();
    this.tries++;
    const found = inferLayout(sample);
    const to = found?.layout ?? null;
    const from = this.layout;
    if (to === null && from === null) {
      this.retryWait = Math.min(2 * this.retryWait, RETRY_MAX);
      this.retryIn = this.retryWait;
      return;
    }
    if (to === from) return;
    // Keep the current layout unless the new one fits the recent lines clearly better.
    if (to === null && from !== null && misfits < CHECK_EVERY) {
      const fits = sample.filter((s) => (this.header as HeaderPatternFormat).isRecordStart(s)).length;
      if (fits > 0.2 * sample.length) return;
    }
    this.header = to === null ? null : new HeaderPatternFormat(to);
    if (to === null) this.retryIn = this.retryWait = RETRY_FIRST;
    this.changes++;
    this.onChange?.({ from, to, line });
  }

  /**
   * Without a layout, at a look (every CHECK_EVERY records): true when the wait since the last try
   * is over, or when most lines since the last look opened with a timestamp and the last try's
   * lines did not.
   */
  private retryDue(): boolean {
    const timed = this.plain.timedLines;
    const nowTimed = timed - this.timedAtCheck > CHECK_EVERY / 2;
    this.timedAtCheck = timed;
    this.retryIn -= CHECK_EVERY;
    if (this.retryIn > 0 && !(nowTimed && !this.triedTimed)) return false;
    this.triedTimed = nowTimed;
    return true;
  }
}
