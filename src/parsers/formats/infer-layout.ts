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
 *   weak field right before a time (a file name, a label) written over 2+ tokens or followed by
 *   another strong field.
 * - A token padded by 2+ spaces right after the header is an aligned column (`Info   CBS   …`).
 * - Weak columns (anything: host, node, facility names) are header only when a strong field
 *   follows within 3 of them; the header ends at its last strong field, at the first
 *   `component:` column, or after a `<Program> -` that most lines put right after it.
 * - A header must hold a time, a level or a leading bracketed field; otherwise there is no layout.
 * - The layout must fit (match) at least {@link MIN_FIT} of the sample, else its last field is
 *   dropped until it does.
 */
import { classify, isLevelWord, type Column, majoritySep, MAX_COLS, SEP_PIPE, SEP_PIPE_SPACED, SEP_SPACE, tokenize, tokenText, type LineTokens } from './header-columns.js';
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
/**
 * Characters of a sample line that a layout can depend on: tokenizing reads the first 320
 * (header-columns.ts) and the fit check matches the header at the line's start. Samples kept for a
 * later inference hold no more than this (a copy: core/text.ts), so a megabyte line is not kept
 * whole in a parser's state and snapshot (issue 17).
 */
export const INFER_LINE_CHARS = 2000;
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
  const colon = levelColonPrefix(lines);
  if (colon !== null) return colon;
  const cols = headerColumns(lines);
  if (cols === null) return null;
  const at = tokensOf(cols);
  const last = cols[cols.length - 1].kind;
  if (last !== 'component' && last !== 'separator' && paddedColumn(lines, at)) cols.push({ kind: 'padded', width: 1, bracketed: false, spaced: false, trail: 0, sep: majoritySep(lines, at) });
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

/**
 * Python's default logging layout, `LEVEL:logger:message` (`WARNING:root:disk almost full`): a
 * level word then `:` opening most lines, and a space-free logger name then `:` after it.
 */
function levelColonPrefix(lines: readonly LineTokens[]): InferredLayout | null {
  let level = 0;
  let logger = 0;
  for (const l of lines) {
    const t = l.text;
    const c1 = t.indexOf(':');
    if (c1 <= 0 || c1 > 13 || !isLevelWord(t.slice(0, c1)) || t.charCodeAt(c1 + 1) === 32) continue;
    level++;
    const c2 = t.indexOf(':', c1 + 1);
    const sp = t.indexOf(' ', c1 + 1);
    if (c2 > c1 + 1 && (sp === -1 || c2 < sp)) logger++;
  }
  const need = 0.9 * lines.length;
  if (level < need) return null;
  const layout = logger >= need ? '<Level>:<Logger>:<Content>' : '<Level>:<Content>';
  const fit = countFit(layout, lines);
  return fit >= MIN_FIT * lines.length ? { layout, fit, lines: lines.length } : null;
}

/** The header's columns, or null. */
function headerColumns(lines: readonly LineTokens[]): Column[] | null {
  const ts = new TimestampParser();
  const cols: Column[] = [];
  let tok = 0;
  let weak = 0;
  while (tok < MAX_COLS) {
    let c = classify(lines, tok, ts);
    if (c === null) break;
    // A number right after a weak field is a value of the message (`user 7 logged in`), not a pid —
    // unless `|` delimits the fields.
    if (c.kind === 'number' && c.sep === SEP_SPACE && cols.length > 0 && cols[cols.length - 1].kind === 'weak') c = { ...c, kind: 'weak' };
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
  if (first === 'weak') {
    // One weak field (a label, a file name) may open a header only right before a time, and only
    // when that time is more than one number (`user 1700000000 logged in` is no header).
    if (!(head.length > 1 && head[1].kind === 'time')) return null;
    if (head[1].width < 2 && head.filter((c) => c.kind !== 'weak').length < 2) return null;
  }
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

/**
 * True when most lines pad the token at `at` with 2+ spaces before the next (`Info   CBS    Loaded
 * …`): an aligned column of a fixed-width header, not a word of free text.
 */
function paddedColumn(lines: readonly LineTokens[], at: number): boolean {
  let hits = 0;
  for (const l of lines) {
    if (l.count <= at + 1) continue;
    const gap = l.t[3 * (at + 1)] - l.t[3 * at + 1];
    if (gap >= 2 && l.t[3 * (at + 1) + 2] === 0) hits++;
  }
  return hits >= 0.9 * lines.length;
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
      case 'padded':
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
  // 4–5 tokens (asctime, RFC 2822): the order differs by shape; time-like names, read together.
  let s = name('Date');
  for (let k = 1; k < width - 1; k++) s += ` ${name('Date')}`;
  return `${s} ${name('Time')}`;
}

function countFit(layout: string, lines: readonly LineTokens[]): number {
  const f = new HeaderPatternFormat(layout);
  let fit = 0;
  for (const l of lines) if (f.isRecordStart(l.text)) fit++;
  return fit;
}
