/**
 * @module parsers/formats/header-pattern
 * Header layouts in Loghub's syntax: `<Date> <Time> <Pid> <Level> <Component>: <Content>`.
 *
 * Accepts the `log_format` strings of Loghub's settings.json as they are: the text between fields
 * is regex source (so `\[`, `\|` and optional groups such as `(\[<PID>\])?` work), and every run of
 * spaces matches any run of whitespace — the way logpai's `generate_logformat_regex` compiles them,
 * anchored at both ends and applied to the line with surrounding whitespace stripped.
 *
 * One deliberate difference keeps matching linear-time on any input (logpai's lazy `(.*?)` fields
 * backtrack combinatorially on a long line that does not match): a field takes text up to the
 * first occurrence of what follows it — up to the next whitespace when a space follows, up to the
 * next `:` when `:` follows, and so on — instead of being allowed to stretch past it. Only a field
 * followed by a group, a class or another field keeps logpai's lazy `(.*?)`. Header fields are
 * capped at 512 characters, which bounds backtracking on hostile lines. Plain layouts (all of
 * Loghub's but Linux and Thunderbird) are matched by a char-code scanner, not the regex engine.
 * On all 24,000 lines of the 12 Loghub 2k systems this yields exactly logpai's header fields and
 * Content (header-pattern.test.ts checks the fixture excerpts).
 * The Content field takes the rest of the record, newlines included (multi-line events).
 *
 * The regex is compiled once from the user's layout, never from log lines.
 *
 * @example
 * const f = new HeaderPatternFormat('<Date> <Time> <Pid> <Level> <Component>: <Content>');
 * f.extract('081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating', 1, now, 'hdfs');
 * // → { message: 'PacketResponder 1 terminating', level: 'info', fields: { Date: '081109', … }, ts: … }
 */
import type { LogRecord } from '../../core/event.js';
import { compileLayout, scanLayout, type CompiledLayout } from './layout.js';
import { normalizeLevel } from './level.js';
import { TimeFieldPlan, isTimeFieldName } from './time-fields.js';
import type { FormatStats, RecordFormat } from './types.js';

const LEVEL_NAMES = /^(?:level|severity|lvl|loglevel|log_level|log\.level|priority)$/i;

export class HeaderPatternFormat implements RecordFormat {
  readonly name = 'header';
  readonly stats: FormatStats = { matched: 0, unmatched: 0 };
  readonly layout: CompiledLayout;
  /** The layout text it was built from. */
  readonly layoutText: string;
  private readonly levelSlot: number;
  private readonly time: TimeFieldPlan;
  /** Field values of the last successful match. */
  private readonly values: (string | undefined)[];
  private readonly bounds: Int32Array;
  /** Builds the `fields` object (header fields but Content) from the values. */
  private readonly makeFields: (values: readonly (string | undefined)[]) => Record<string, unknown>;
  /**
   * The layout is `<Content>` alone (message = the whole text, trimmed): it matches every text
   * (the scanner would take all of it, the regex is `^([\s\S]*)$`), so no scan is run.
   */
  private readonly contentOnly: boolean;

  constructor(layout: string) {
    this.layout = compileLayout(layout);
    this.layoutText = layout;
    const { names, content } = this.layout;
    this.levelSlot = names.findIndex((n, i) => i !== content && LEVEL_NAMES.test(n));
    const slots: number[] = [];
    names.forEach((n, i) => {
      if (i !== content && isTimeFieldName(n)) slots.push(i);
    });
    this.time = new TimeFieldPlan(slots);
    this.values = new Array<string | undefined>(names.length).fill(undefined);
    this.makeFields = fieldsFactory(names, content);
    this.bounds = new Int32Array(2 * names.length);
    this.contentOnly = names.length === 1 && this.layout.regex.source === '^([\\s\\S]*)$';
  }

  /** A record starts with a line that matches the layout (checked without extracting fields). */
  isRecordStart(text: string): boolean {
    if (this.contentOnly) return true;
    const s = trimmed(text);
    const { steps, regex } = this.layout;
    if (steps !== null && scanLayout(steps, s, this.bounds)) return true;
    return regex.test(s) || this.matchEmptyContent(s);
  }

  /**
   * A header with an empty message (BGL's `… RAS KERNEL FATAL`): trimmed, the line lacks the
   * separator before Content, so it matches only with it put back. Such a match counts only when
   * the layout's time fields parse as a time — otherwise loose layouts would take stack-trace
   * lines for headers (`Traceback (most recent call last):` fits `<Date> <Time> <Level> <Logger>: `).
   */
  private matchEmptyContent(s: string): boolean {
    if (this.time.empty || this.layout.content !== this.values.length - 1 || s.length === 0) return false;
    if (!this.matchExact(`${s} `)) return false;
    return !Number.isNaN(this.time.resolve(this.values, 0));
  }

  extract(text: string, line: number, arrivalTs: number, source: string): LogRecord {
    if (!this.match(text) && !this.matchEmptyContent(trimmed(text))) {
      this.stats.unmatched++;
      return { ts: arrivalTs, source, level: undefined, message: text, fields: undefined, raw: text, line, tsFromArrival: true };
    }
    this.stats.matched++;
    const content = this.layout.content;
    const values = this.values;
    const fields = this.makeFields(values);
    const level = this.levelSlot >= 0 ? normalizeLevel(values[this.levelSlot]) : undefined;
    const t = this.time.empty ? NaN : this.time.resolve(values, arrivalTs);
    const fromArrival = Number.isNaN(t);
    return {
      ts: fromArrival ? arrivalTs : t,
      source,
      level,
      message: trimStart(values[content] ?? ''),
      fields,
      raw: text,
      line,
      tsFromArrival: fromArrival,
    };
  }

  /** `extract(text, …).message` without the record (see RecordFormat.message). */
  message(text: string): string {
    if (this.contentOnly) {
      // `<Content>` alone: every text matches, and the message is the text trimmed (as below).
      this.stats.matched++;
      return trimStart(trimmed(text));
    }
    if (!this.match(text) && !this.matchEmptyContent(trimmed(text))) {
      this.stats.unmatched++;
      return text;
    }
    this.stats.matched++;
    return trimStart(this.values[this.layout.content] ?? '');
  }

  /** Matches `text` (surrounding whitespace ignored, like logpai); fills `values`. */
  private match(text: string): boolean {
    return this.matchExact(trimmed(text));
  }

  private matchExact(s: string): boolean {
    const { steps, regex, groups } = this.layout;
    const values = this.values;
    if (this.contentOnly) {
      values[0] = s;
      return true;
    }
    if (steps !== null && scanLayout(steps, s, this.bounds)) {
      const bounds = this.bounds;
      for (let i = 0; i < values.length; i++) values[i] = s.slice(bounds[2 * i], bounds[2 * i + 1]);
      return true;
    }
    let m = regex.exec(s);
    if (m === null) {
      // A joined multi-line record whose Content is not the last field: match the first line.
      const nl = s.indexOf('\n');
      if (nl === -1 || this.layout.content === values.length - 1) return false;
      m = regex.exec(s.slice(0, nl));
      if (m === null) return false;
      const g = groups[this.layout.content];
      m[g] = (m[g] ?? '') + s.slice(nl);
    }
    for (let i = 0; i < values.length; i++) values[i] = m[groups[i]];
    return true;
  }
}

function trimStart(s: string): string {
  return s.charCodeAt(0) <= 32 ? s.trimStart() : s;
}

function trimmed(text: string): string {
  return text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32 ? text.trim() : text;
}

/**
 * A function returning `{ Date: v[0], Time: v[1], … }` for this layout's field names. It is
 * generated as an object literal (the names are JSON-quoted, so no name can inject code; they
 * come from the layout, never from log lines) because V8 then builds every record's fields with
 * one fixed shape, about 10× faster than adding keys one by one. When code generation is
 * disabled (`--disallow-code-generation-from-strings`), a plain loop does the same.
 * An optional field that did not match (`(\[<PID>\])?`) is present with value undefined.
 */
export function fieldsFactory(
  names: readonly string[],
  skip: number,
): (values: readonly (string | undefined)[]) => Record<string, unknown> {
  const entries: string[] = [];
  names.forEach((n, i) => {
    if (i !== skip) entries.push(`${JSON.stringify(n)}: v[${i}]`);
  });
  const loop = (values: readonly (string | undefined)[]): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      if (i !== skip) Object.defineProperty(o, names[i], { value: values[i], enumerable: true, writable: true, configurable: true });
    }
    return o;
  };
  // In a literal, `"__proto__": x` would set the prototype instead of a field.
  if (names.includes('__proto__')) return loop;
  try {
    return new Function('v', `return { ${entries.join(', ')} };`) as (v: readonly (string | undefined)[]) => Record<string, unknown>;
  } catch {
    return loop;
  }
}
