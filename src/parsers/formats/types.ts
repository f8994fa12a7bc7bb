/**
 * @module parsers/formats/types
 * The record-format seam: one line (or joined multi-line text) → one LogRecord, never throwing.
 */
import type { LogRecord } from '../../core/event.js';

/** Counters every format keeps. */
export interface FormatStats {
  /** Records whose text matched the format's shape. */
  matched: number;
  /** Records that did not match; they still became records (whole text = message). */
  unmatched: number;
}

/**
 * Names of the built-in formats (`header` = a Loghub-style layout string; `inferred` = a layout
 * inferred from the source's lines, revised while it runs).
 */
export type FormatKind = 'json' | 'logfmt' | 'syslog' | 'access-log' | 'plain' | 'header' | 'inferred';

/** Which format to use, as detected or as given by `--format`. */
export interface FormatSpec {
  kind: FormatKind;
  /** The layout string, for kind `header` (e.g. `<Date> <Time> <Level> <Component>: <Content>`) and `inferred` (none: no header found). */
  layout?: string;
}

export interface RecordFormat {
  readonly name: string;
  readonly stats: FormatStats;
  /**
   * Turns one record's text into a LogRecord. Never throws: text that does not match becomes a
   * record whose message is the whole text (counted in `stats.unmatched`).
   * `arrivalTs` is used when the text has no timestamp (then `tsFromArrival` is true) and as the
   * reference year for timestamps without one.
   */
  extract(text: string, line: number, arrivalTs: number, source: string): LogRecord;
  /**
   * Optional fast path: exactly `extract(text, line, arrivalTs, …).message`, with the same effect on
   * `stats` and state, without building the record (callers that only mine templates use it).
   */
  message?(text: string, arrivalTs: number, line: number): string;
  /** True when `text` can begin a new record; used to join multi-line events. */
  isRecordStart?(text: string): boolean;
}
