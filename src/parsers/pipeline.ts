/**
 * @module parsers/pipeline
 * One source's parser: numbered lines → multi-line joining → record format → masking + template
 * mining → LogEvents. Per-source state (format, miner) is snapshotted explicitly.
 * @example
 * const p = new LogParser({ source: 'app', format: '<Date> <Time> <Level> <Component>: <Content>' });
 * const events = p.pushLines(lines, arrivalMs); // then p.flush(arrivalMs) at end of input
 */
import type { LogEvent, LogRecord } from '../core/event.js';
import { AnomalogError } from '../core/errors.js';
import type { MinerMode, Parser, Snapshot } from '../core/parser.js';
// Modules, not the folders' index files: those also export the config schemas, which load zod
// (about 100 modules, a sizeable share of the CLI's start-up) and the parser never needs them.
import { TemplateMiner, type MinerOptions } from './drain/miner.js';
import { createFormat, detectFormat } from './formats/detect.js';
import { INFER_SAMPLE, inferLayout } from './formats/infer-layout.js';
import { InferredFormat, type LayoutChange } from './formats/inferred.js';
import { MessageLayout } from './formats/message-layout.js';
import type { FormatSpec, RecordFormat } from './formats/types.js';
import type { RawLine } from './lines/line-splitter.js';
import { MultilineJoiner } from './multiline/multiline.js';

export interface LogParserOptions {
  source?: string;
  /** A layout string (`<Date> <Time> <Level>: <Content>`), a format spec, or undefined to auto-detect. */
  format?: string | FormatSpec;
  /** Join continuation lines (stack traces); default on for plain text and layouts, off for structured formats. */
  multiline?: boolean;
  miner?: MinerOptions;
  /** Lines looked at to auto-detect the format. */
  detectSample?: number;
  /** Called when an inferred layout is revised while running (a new header after a deploy). */
  onLayoutChange?: (change: LayoutChange & { source: string }) => void;
}

export interface LogParserStats {
  lines: number;
  emptyLines: number;
  events: number;
  unmatched: number;
  /** Line number of the first record that did not match the format (where to look first). */
  firstUnmatchedLine?: number;
  /** Times an inferred layout was revised while running. */
  layoutChanges: number;
}

export const PARSER_SNAPSHOT_KIND = 'anomalog.parser';
export const PARSER_SNAPSHOT_VERSION = 1;

const STRUCTURED = new Set(['json', 'logfmt', 'syslog', 'access-log']);
/** Structured formats whose message may hold a whole raw line (relays): its header is inferred too. */
const MESSAGE_LAYOUT = new Set(['json', 'logfmt', 'syslog']);

export class LogParser implements Parser {
  readonly source: string;
  readonly miner: TemplateMiner;
  private spec: FormatSpec | null;
  private format: RecordFormat | null = null;
  private joiner: MultilineJoiner | null = null;
  /** Header layout of the messages of a structured format (null for text formats). */
  private messageLayout: MessageLayout | null = null;
  private textLayoutChanges = 0;
  private readonly multilineOpt: boolean | undefined;
  private readonly detectSample: number;
  private readonly onLayoutChange: LogParserOptions['onLayoutChange'];
  /** Lines held until the format is auto-detected. */
  private undetected: RawLine[] = [];
  readonly stats: LogParserStats = { lines: 0, emptyLines: 0, events: 0, unmatched: 0, layoutChanges: 0 };

  constructor(opts: LogParserOptions = {}) {
    this.source = opts.source ?? 'default';
    this.miner = new TemplateMiner(opts.miner);
    this.multilineOpt = opts.multiline;
    this.detectSample = opts.detectSample ?? 50;
    this.onLayoutChange = opts.onLayoutChange;
    this.spec = typeof opts.format === 'string' ? { kind: 'header', layout: opts.format } : (opts.format ?? null);
    if (this.spec && typeof opts.format === 'string' && !opts.format.includes('<')) {
      this.spec = { kind: opts.format as FormatSpec['kind'] };
    }
    if (this.spec) this.setFormat(this.spec);
  }

  /** True while lines are held back: a multi-line event still open, or lines waiting for format detection. */
  get pending(): boolean {
    return this.undetected.length > 0 || (this.joiner?.pending ?? false);
  }

  /** Number of the earliest input line held back (no event yet), if any. */
  get pendingLine(): number | undefined {
    return this.undetected.length > 0 ? this.undetected[0].line : this.joiner?.pendingLine;
  }

  /** The format in use (null until auto-detection has seen enough lines); an inferred layout as it is now. */
  get formatSpec(): FormatSpec | null {
    const f = this.format;
    if (f instanceof InferredFormat) return f.layout === null ? { kind: 'inferred' } : { kind: 'inferred', layout: f.layout };
    return this.spec;
  }

  /** The header layout inferred on the messages of a structured format (null: none, or a text format). */
  get messageLayoutText(): string | null {
    return this.messageLayout?.layout ?? null;
  }

  /** Parses numbered lines; events of a multi-line record come out when the record is complete. */
  pushLines(lines: RawLine[], arrivalTs: number, mode: MinerMode = 'learn'): LogEvent[] {
    const out: LogEvent[] = [];
    this.run(lines, arrivalTs, mode, false, out);
    return out;
  }

  /** Emits what is still buffered (end of input). */
  flush(arrivalTs: number, mode: MinerMode = 'learn'): LogEvent[] {
    const out: LogEvent[] = [];
    this.run([], arrivalTs, mode, true, out);
    return out;
  }

  /**
   * `pushLines` for callers that need only the miner's state (`anomalog templates`): the same
   * records are mined in the same order, but no event is built. Returns the number of records mined.
   */
  feedLines(lines: RawLine[], arrivalTs: number, mode: MinerMode = 'learn'): number {
    return this.run(lines, arrivalTs, mode, false, null);
  }

  /** `flush` without events (see `feedLines`); returns the number of records mined. */
  feedEnd(arrivalTs: number, mode: MinerMode = 'learn'): number {
    return this.run([], arrivalTs, mode, true, null);
  }

  /** Parser contract: records already extracted by a source → events. */
  parse(records: LogRecord[], mode: MinerMode = 'learn'): LogEvent[] {
    const out: LogEvent[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) out[i] = this.mine(records[i], mode, records[i].attrs);
    this.stats.events += records.length;
    return out;
  }

  snapshot(): Snapshot {
    const data: Record<string, unknown> = { source: this.source, format: this.formatSpec, miner: this.miner.snapshot() };
    if (this.messageLayout !== null) {
      data.messageLayout = this.messageLayout.layout;
      data.messageLayoutState = this.messageLayout.state();
    }
    if (this.format instanceof InferredFormat) data.formatState = this.format.state();
    return { kind: PARSER_SNAPSHOT_KIND, version: PARSER_SNAPSHOT_VERSION, data };
  }

  restore(s: Snapshot): void {
    if (!s || s.kind !== PARSER_SNAPSHOT_KIND) throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_INVALID', 'Not a parser snapshot.');
    if (s.version > PARSER_SNAPSHOT_VERSION) {
      throw new AnomalogError('ANOMALOG_ERR_SNAPSHOT_VERSION', `Parser snapshot version ${s.version} is newer than this build reads (${PARSER_SNAPSHOT_VERSION}).`, { hint: 'Upgrade anomalog.' });
    }
    const d = s.data as { format: FormatSpec | null; miner: Snapshot; messageLayout?: string | null; messageLayoutState?: unknown; formatState?: unknown };
    this.miner.restore(d.miner);
    if (d.format) this.setFormat(d.format);
    const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    // Where layout revision stood (snapshots before these fields: the layout alone).
    if (this.messageLayout !== null && isObj(d.messageLayoutState)) this.messageLayout.restoreState(d.messageLayoutState);
    else if (this.messageLayout !== null && d.messageLayout !== undefined) this.messageLayout.set(typeof d.messageLayout === 'string' ? d.messageLayout : null);
    if (this.format instanceof InferredFormat && isObj(d.formatState)) this.format.restoreState(d.formatState);
  }

  private setFormat(spec: FormatSpec): void {
    this.spec = spec;
    this.format =
      spec.kind === 'inferred'
        ? new InferredFormat(spec.layout ?? null, (c) => {
            this.textLayoutChanges++;
            this.onLayoutChange?.({ ...c, source: this.source });
          })
        : createFormat(spec);
    this.messageLayout = MESSAGE_LAYOUT.has(spec.kind) ? new MessageLayout() : null;
    const multiline = this.multilineOpt ?? !STRUCTURED.has(spec.kind);
    const start = this.format.isRecordStart?.bind(this.format);
    this.joiner = multiline ? new MultilineJoiner({ isRecordStart: start }) : null;
  }

  /** Lines in → records mined; events appended to `out`, or none built when `out` is null. */
  private run(lines: RawLine[], arrivalTs: number, mode: MinerMode, end: boolean, out: LogEvent[] | null): number {
    if (this.format === null) {
      for (const l of lines) this.undetected.push(l);
      if (!end && this.undetected.length < this.detectSample) return 0;
      return this.detectAndDrain(arrivalTs, mode, end, out);
    }
    return this.process(lines, arrivalTs, mode, end, out);
  }

  private detectAndDrain(arrivalTs: number, mode: MinerMode, end: boolean, out: LogEvent[] | null): number {
    const sample: string[] = [];
    for (const l of this.undetected) if (l.text.length > 0) sample.push(l.text);
    const spec = detectFormat(sample);
    // Plain text: infer the header layout from the same sample (none found: read as plain, retried while running).
    this.setFormat(spec.kind === 'plain' ? { kind: 'inferred', layout: inferLayout(recordStarts(this.undetected))?.layout } : spec);
    const lines = this.undetected;
    this.undetected = [];
    return this.process(lines, arrivalTs, mode, end, out);
  }

  private process(lines: RawLine[], arrivalTs: number, mode: MinerMode, end: boolean, out: LogEvent[] | null): number {
    const format = this.format as RecordFormat;
    this.stats.lines += lines.length;
    let records: RawLine[] = lines;
    const joiner = this.joiner;
    if (joiner !== null) {
      records = joiner.push(lines);
      if (end) records = records.concat(joiner.flush());
    }
    const unmatchedBefore = format.stats.unmatched;
    const ml = this.messageLayout;
    const mined = out === null ? this.mineMessages(format, ml, records, arrivalTs, mode) : this.mineEvents(format, ml, records, arrivalTs, mode, out);
    this.stats.unmatched += format.stats.unmatched - unmatchedBefore;
    this.stats.layoutChanges = this.textLayoutChanges + (ml?.changes ?? 0);
    this.stats.events += mined;
    return mined;
  }

  private mineEvents(format: RecordFormat, ml: MessageLayout | null, records: RawLine[], arrivalTs: number, mode: MinerMode, out: LogEvent[]): number {
    const unmatchedBefore = format.stats.unmatched;
    let mined = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r.text.length === 0 || isBlank(r.text)) {
        this.stats.emptyLines++;
        continue;
      }
      let rec = format.extract(r.text, r.line, arrivalTs, this.source);
      if (ml !== null) rec = ml.apply(rec);
      if (this.stats.firstUnmatchedLine === undefined && format.stats.unmatched !== unmatchedBefore) this.stats.firstUnmatchedLine = r.line;
      out.push(this.mine(rec, mode, r.attrs));
      mined++;
    }
    return mined;
  }

  /**
   * The loop of `mineEvents` without records or events: only each record's message goes to the
   * miner (the format's `message` when it has one, else `extract(…).message`), and the miner's
   * result is dropped unread (so its params are never cut). Far less garbage per line.
   */
  private mineMessages(format: RecordFormat, ml: MessageLayout | null, records: RawLine[], arrivalTs: number, mode: MinerMode): number {
    const unmatchedBefore = format.stats.unmatched;
    const miner = this.miner;
    let mined = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const text = r.text;
      if (text.length === 0 || isBlank(text)) {
        this.stats.emptyLines++;
        continue;
      }
      let message: string;
      if (ml !== null) message = ml.apply(format.extract(text, r.line, arrivalTs, this.source)).message;
      else if (format.message !== undefined) message = format.message(text, arrivalTs, r.line);
      else message = format.extract(text, r.line, arrivalTs, this.source).message;
      if (this.stats.firstUnmatchedLine === undefined && format.stats.unmatched !== unmatchedBefore) this.stats.firstUnmatchedLine = r.line;
      miner.process(message, mode);
      mined++;
    }
    return mined;
  }

  private mine(rec: LogRecord, mode: MinerMode, attrs: LogRecord['attrs']): LogEvent {
    const m = this.miner.process(rec.message, mode);
    // One object literal with every field: adding fields to the record would change its hidden class per line.
    const ev: LogEvent = {
      ts: rec.ts,
      source: rec.source,
      level: rec.level,
      message: rec.message,
      fields: rec.fields,
      raw: rec.raw,
      cursor: rec.cursor,
      line: rec.line,
      tsFromArrival: rec.tsFromArrival,
      attrs,
      templateId: m.templateId,
      template: m.template,
      params: m.params,
      change: m.change,
    };
    // Rare (a never-seen message absorbed into a template): set only then.
    if (m.novel !== undefined) ev.novel = m.novel;
    return ev;
  }
}

/**
 * The first lines of the records the built-in multi-line rules make of `lines`: stack traces,
 * `Caused by:` and a panic's lines are not header candidates. Stops once it has as many as
 * inference looks at (the first batch of a file can hold tens of thousands of lines).
 */
function recordStarts(lines: readonly RawLine[]): string[] {
  const j = new MultilineJoiner({});
  const out: string[] = [];
  let usable = 0;
  const take = (records: RawLine[]): void => {
    for (const r of records) {
      if (r.text.length === 0) continue;
      const nl = r.text.indexOf('\n');
      out.push(nl === -1 ? r.text : r.text.slice(0, nl));
      const c = r.text.charCodeAt(0);
      if (c !== 32 && c !== 9) usable++;
    }
  };
  for (let i = 0; i < lines.length && usable < INFER_SAMPLE; i += 256) take(j.push(lines.slice(i, i + 256)));
  if (usable < INFER_SAMPLE) take(j.flush());
  return out;
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c === 32 || c === 9 || c === 13)) return false;
  }
  return true;
}
