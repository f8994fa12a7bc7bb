/**
 * @module parsers/multiline/multiline
 * Joins continuation lines into the event they belong to: Java stack traces (`\tat …`,
 * `Caused by: …`, `... N more`, a `com.x.FooException: msg` line under a log line), Python
 * tracebacks (`Traceback (most recent call last):`, the indented frames, the final `KeyError: …`,
 * chained-exception banners), Go panics (`goroutine N [running]:`, `main.main()` + indented file
 * lines, `created by …`), and any indented line. With a header layout, the format decides:
 * a line that does not match the layout continues the previous event.
 *
 * A joined event is the lines joined with "\n"; it keeps the first line's number (and the last
 * line's byte offset as `end`). Blank lines inside an event (Go's panic has them) are kept only
 * when a continuation follows them; otherwise they come out as their own (empty) lines, so line
 * numbers never shift. Events are bounded by `maxLines` and `maxBytes` (UTF-16 units of the
 * joined text): at the cap the event is closed and the next line starts a new one (counted).
 *
 * An event is complete only when the next one starts: a live source should call `flush()` after
 * a short idle time so a trailing stack trace is not held back.
 *
 * @example
 * const joiner = new MultilineJoiner({});
 * const events = joiner.push(lines); // …at end of input or when idle: joiner.flush()
 */
import type { RawLine } from '../lines/line-splitter.js';

export interface MultilineOptions {
  /** True when a line begins a new event (a header layout's match); default: built-in rules. */
  isRecordStart?: (text: string) => boolean;
  /** Most lines per joined event. Default 500. */
  maxLines?: number;
  /** Most characters per joined event. Default 256 Ki. */
  maxBytes?: number;
}

export interface MultilineStats {
  /** Events emitted (blank lines included). */
  events: number;
  /** Continuation lines joined into an earlier line. */
  joinedLines: number;
  /** Events closed because they reached maxLines or maxBytes. */
  capped: number;
}

export const DEFAULT_MAX_LINES = 500;
export const DEFAULT_MAX_BYTES = 256 * 1024;

/** Context carried across lines by the built-in rules. */
const NONE = 0;
const PY_TRACEBACK = 1;
const GO_PANIC = 2;

const JAVA_MORE = /^\s*\.\.\. \d+ (?:more|common frames omitted)/;
const JAVA_EXCEPTION_LINE = /^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Fault)(?::|$)/;
const PY_CHAIN = /^(?:During handling of the above exception|The above exception was the direct cause)/;
const PY_FINAL = /^[A-Za-z_][\w.]*(?::|$)/;
const GO_ROUTINE = /^goroutine \d+ \[/;
const GO_FRAME = /^(?:[\w.\-/]*[\w)]\(.*\)|created by |\[signal |goroutine \d+ \[|exit status \d+$)/;

/**
 * True when the first word (`[\w$]*`) is followed by a `.`, as in `com.x.FooException`: the start
 * JAVA_EXCEPTION_LINE needs. Most lines fail here, at their first space, without running the regex.
 */
function dotAfterFirstWord(t: string): boolean {
  for (let p = 1; p < t.length; p++) {
    const c = t.charCodeAt(p);
    if (c === 46) return true;
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36)) return false;
  }
  return false;
}

export class MultilineJoiner {
  readonly stats: MultilineStats = { events: 0, joinedLines: 0, capped: 0 };
  private readonly isStart: ((text: string) => boolean) | undefined;
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private current: RawLine | null = null;
  /** Texts joined so far when the current event has continuations (null otherwise). */
  private parts: string[] | null = null;
  private chars = 0;
  private last: RawLine | null = null;
  private truncated = false;
  private blanks: RawLine[] = [];
  private mode = NONE;

  constructor(opts: MultilineOptions = {}) {
    this.isStart = opts.isRecordStart;
    this.maxLines = Math.max(1, opts.maxLines ?? DEFAULT_MAX_LINES);
    this.maxBytes = Math.max(1, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  }

  /** Feeds lines; returns the events completed by them. */
  push(lines: readonly RawLine[]): RawLine[] {
    const out: RawLine[] = [];
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      const text = l.text;
      if (this.current === null) {
        if (isBlank(text)) this.emit(out, l);
        else this.open(l);
        continue;
      }
      if (isBlank(text)) {
        this.blanks.push(l);
        if (this.blanks.length > this.maxLines) this.close(out);
        continue;
      }
      if (this.continues(text)) this.append(out, l);
      else {
        this.close(out);
        this.open(l);
      }
    }
    return out;
  }

  /** True while an event is held open, waiting to see whether the next line continues it. */
  get pending(): boolean {
    return this.current !== null;
  }

  /** Line number of the first line of the event held open, if any. */
  get pendingLine(): number | undefined {
    return this.current?.line;
  }

  /** Emits the open event (end of input, or the source went idle). */
  flush(): RawLine[] {
    const out: RawLine[] = [];
    if (this.current !== null) this.close(out);
    return out;
  }

  private continues(text: string): boolean {
    const c = text.charCodeAt(0);
    if (this.isStart !== undefined) {
      // Trace markers continue even when a loose layout would match them (`Caused by: x` fits `<Date> <Time> …`).
      // Cheap first-character gates before the regex (this runs on every line of a layout).
      if (c === 9 || (c === 67 && text.startsWith('Caused by: ')) || (c === 83 && text.startsWith('Suppressed: '))) return true;
      if (mayStartJavaMore(c) && JAVA_MORE.test(text)) return true;
      return !this.isStart(text);
    }
    const indented = c === 32 || c === 9;
    switch (this.mode) {
      case PY_TRACEBACK:
        if (indented || text.startsWith('Traceback (') || PY_CHAIN.test(text)) return true;
        this.mode = NONE;
        return PY_FINAL.test(text);
      case GO_PANIC:
        if (indented || GO_FRAME.test(text)) return true;
        this.mode = NONE;
        return false;
    }
    if (indented) return true;
    if (c === 84 || c === 68 ? text.startsWith('Traceback (most recent call last)') || PY_CHAIN.test(text) : false) {
      this.mode = PY_TRACEBACK;
      return true;
    }
    if (c === 103 && GO_ROUTINE.test(text)) {
      this.mode = GO_PANIC;
      return true;
    }
    // Cheap first-character gates before any regex: most lines start no continuation.
    if (c === 67) return text.startsWith('Caused by: ');
    if (c === 83) return text.startsWith('Suppressed: ');
    if (c === 46) return JAVA_MORE.test(text);
    return c >= 97 && c <= 122 && dotAfterFirstWord(text) && JAVA_EXCEPTION_LINE.test(text);
  }

  private open(l: RawLine): void {
    this.current = l;
    this.last = l;
    this.parts = null;
    this.chars = l.text.length;
    this.truncated = l.truncated === true;
    if (this.isStart === undefined) {
      // First-character gates: this runs on every line without a layout.
      const t = l.text;
      const c = t.charCodeAt(0);
      this.mode =
        (c === 112 && t.startsWith('panic: ')) || (c === 102 && t.startsWith('fatal error: ')) ? GO_PANIC
        : c === 84 && t.startsWith('Traceback (most recent call last)') ? PY_TRACEBACK
        : NONE;
    }
  }

  private append(out: RawLine[], l: RawLine): void {
    const blanks = this.blanks;
    let add = l.text.length + 1;
    for (let i = 0; i < blanks.length; i++) add += blanks[i].text.length + 1;
    const lines = (this.parts?.length ?? 1) + blanks.length + 1;
    if (lines > this.maxLines || this.chars + add > this.maxBytes) {
      this.stats.capped++;
      this.close(out);
      this.open(l);
      return;
    }
    if (this.parts === null) this.parts = [(this.current as RawLine).text];
    for (let i = 0; i < blanks.length; i++) this.parts.push(blanks[i].text);
    this.stats.joinedLines += blanks.length + 1;
    this.blanks = [];
    this.parts.push(l.text);
    this.chars += add;
    this.last = l;
    if (l.truncated === true) this.truncated = true;
  }

  /** Emits the open event, then any blank lines that followed it. */
  private close(out: RawLine[]): void {
    const cur = this.current as RawLine;
    if (this.parts === null) this.emit(out, cur);
    else {
      const joined: RawLine = { text: this.parts.join('\n'), line: cur.line };
      const end = (this.last as RawLine).end;
      if (end !== undefined) joined.end = end;
      if (this.truncated) joined.truncated = true;
      if (cur.attrs !== undefined) joined.attrs = cur.attrs;
      this.emit(out, joined);
    }
    for (let i = 0; i < this.blanks.length; i++) this.emit(out, this.blanks[i]);
    this.blanks = [];
    this.current = null;
    this.last = null;
    this.parts = null;
    this.mode = NONE;
  }

  private emit(out: RawLine[], l: RawLine): void {
    this.stats.events++;
    out.push(l);
  }
}

/** False when a text starting with char code `c` cannot match JAVA_MORE (it starts with `\s` or `.`). */
function mayStartJavaMore(c: number): boolean {
  return c === 46 || c === 32 || (c >= 9 && c <= 13) || c >= 160;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
