/**
 * @module parsers/formats/infer-layout
 * Zero-config layout inference: from sample lines of one source, the header — the leading columns
 * whose values are times, levels, numbers (pids), bracketed fields, separators, host or node names,
 * ending at a `component:` — expressed in the `--format` layout syntax, so the layout machinery
 * ({@link HeaderPatternFormat}) splits header from message, and a user can see it and pin it.
 *
 * Principles (no dataset-specific rule):
 * - A column is a header field of some kind when at least 90% of the sample lines agree on it.
 * - The header starts with a strong field (time, level, number, bracketed, separator), or with one
 *   weak field right before a time (a file name, a label).
 * - Weak columns (anything: host, node, facility names) are header only when a strong field
 *   follows within 3 of them; the header ends at its last strong field, at the first
 *   `component:` column, or after a `<Program> -` that most lines put right after it.
 * - A header must hold a time, a level or a leading bracketed field; otherwise there is no layout.
 * - The layout must fit (match) at least {@link MIN_FIT} of the sample, else its last field is
 *   dropped until it does.
 */
import { classify, type Column, majoritySep, MAX_COLS, SEP_PIPE, SEP_PIPE_SPACED, tokenize, tokenText, type LineTokens } from './header-columns.js';
import { HeaderPatternFormat } from './header-pattern.js';
import { TimestampParser } from './timestamp.js';

export interface InferredLayout {
  /** The layout, in `--format` syntax. */
  layout: string;
  /** Sample lines it matches. */
  fit: number;
  /** Sample lines looked at. */
  lines: number;
}

/** Share of the sample a layout must match. */
export const MIN_FIT = 0.6;
/** Sample lines used at most. */
export const INFER_SAMPLE = 200;
const MAX_WEAK_RUN = 3;

/** Infers a header layout from sample lines; null when they show no header. */
export function inferLayout(sample: readonly string[]): InferredLayout | null {
  const lines: LineTokens[] = [];
  for (const s of sample) {
    if (lines.length >= INFER_SAMPLE) break;
    const c = s.charCodeAt(0);
    if (s.length === 0 || c === 32 || c === 9) continue;
    lines.push(tokenize(s.indexOf('\n') === -1 ? s : s.slice(0, s.indexOf('\n'))));
  }
  if (lines.length === 0) return null;
  const cols = headerColumns(lines);
  if (cols === null) return null;
  const tail = programBeforeDash(lines, tokensOf(cols));
  for (let keep = cols.length; keep > 0; keep--) {
    const head = cols.slice(0, keep);
    if (!hasAnchor(head)) return null;
    const layout = render(head, keep === cols.length ? tail : false, majoritySep(lines, tokensOf(head)));
    const fit = countFit(layout, lines);
    if (fit >= MIN_FIT * lines.length) return { layout, fit, lines: lines.length };
  }
  return null;
}

/** The header's columns, or null. */
function headerColumns(lines: readonly LineTokens[]): Column[] | null {
  const ts = new TimestampParser();
  const cols: Column[] = [];
  let tok = 0;
  let weak = 0;
  while (tok < MAX_COLS) {
    const c = classify(lines, tok, ts);
    if (c === null) break;
    cols.push(c);
    tok += c.width;
    if (c.kind === 'component') break;
    if (c.kind === 'weak') {
      if (++weak > MAX_WEAK_RUN) break;
    } else weak = 0;
  }
  // The header ends at its last strong field.
  let end = cols.length;
  while (end > 0 && cols[end - 1].kind === 'weak') end--;
  const head = cols.slice(0, end);
  if (head.length === 0) return null;
  const first = head[0].kind;
  if (first === 'weak' && !(head.length > 1 && head[1].kind === 'time')) return null;
  if (first === 'component') return null;
  return head;
}

function hasAnchor(cols: readonly Column[]): boolean {
  return cols.some((c) => c.kind === 'time' || c.kind === 'level') || (cols[0].kind === 'bracket');
}

function tokensOf(cols: readonly Column[]): number {
  let n = 0;
  for (const c of cols) n += c.width;
  return n;
}

/** True when most lines put a lone `-` 1–2 tokens after the header (`chrome.exe - …`, `chrome.exe *64 - …`). */
function programBeforeDash(lines: readonly LineTokens[], at: number): boolean {
  let hits = 0;
  for (const l of lines) {
    for (let k = at + 1; k <= at + 2 && k < l.count; k++) {
      if (tokenText(l, k) === '-') {
        hits++;
        break;
      }
    }
  }
  return hits >= 0.9 * lines.length;
}

/** Columns → layout text. */
function render(cols: readonly Column[], programDash: boolean, contentSep: number): string {
  const used = new Map<string, number>();
  const name = (base: string): string => {
    const k = (used.get(base) ?? 0) + 1;
    used.set(base, k);
    return `<${k === 1 ? base : base + k}>`;
  };
  let out = '';
  let times = 0;
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i];
    if (i > 0) out += sepText(c.sep);
    let f: string;
    switch (c.kind) {
      case 'time':
        f = c.bracketed ? `\\[${name('Timestamp')}\\]` : timeFields(c.width, times, name);
        times++;
        break;
      case 'level':
        f = c.bracketed ? `\\[${name('Level')}\\]` : name('Level');
        break;
      case 'number':
        f = name(i === 0 ? 'Id' : 'Pid');
        break;
      case 'separator':
        // A lone `-` opening the line is a value (a nil label), not a separator between fields.
        f = i === 0 ? name('Label') : '-';
        break;
      case 'bracket':
        f = c.spaced ? `\\[${name('Thread')}\\]` : name('Thread');
        break;
      case 'component':
        f = name('Component');
        break;
      default:
        f = name(times > 0 && !used.has('Host') ? 'Host' : 'Field');
    }
    out += f;
    if (c.trail !== 0) out += String.fromCharCode(c.trail);
  }
  if (programDash) out += ` ${name('Program')} -`;
  return `${out}${programDash ? ' ' : sepText(contentSep)}<Content>`;
}

function sepText(sep: number): string {
  return sep === SEP_PIPE ? '\\|' : sep === SEP_PIPE_SPACED ? ' \\| ' : ' ';
}

/** Field names of a time written over `width` tokens (time-like names, see time-fields.ts). */
function timeFields(width: number, nth: number, name: (b: string) => string): string {
  if (width === 1) return name(nth === 0 ? 'Timestamp' : 'Time');
  if (width === 2) return `${name('Date')} ${name('Time')}`;
  if (width === 3) return `${name('Month')} ${name('Day')} ${name('Time')}`;
  if (width === 4) return `${name('Month')} ${name('Day')} ${name('Time')} ${name('Year')}`;
  return `${name('Weekday')} ${name('Month')} ${name('Day')} ${name('Time')} ${name('Year')}`;
}

function countFit(layout: string, lines: readonly LineTokens[]): number {
  const f = new HeaderPatternFormat(layout);
  let fit = 0;
  for (const l of lines) if (f.isRecordStart(l.text)) fit++;
  return fit;
}
