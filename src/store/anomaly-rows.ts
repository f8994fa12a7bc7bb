/**
 * @module store/anomaly-rows
 * An anomaly as one row of the `anomalies` table, both ways: the checks a row must pass before it
 * is written (a malformed anomaly fails its batch, only a duplicate id is skipped), the bounds that
 * keep a hostile line from being copied into every anomaly it touches (text, context lines, their
 * attributes), and the row read back as an `Anomaly`.
 */
import { type Attrs, boundAttrs } from '../core/attrs.js';
import { type Anomaly, type AnomalyStatus, type Contribution, SEVERITIES, type Severity } from '../core/event.js';
import { AnomalogError } from '../core/errors.js';
import { parseColumn } from './json.js';

export const COLUMNS =
  'id, ts, source, detector, severity, score, title, explanation, context, window_start, window_end, session_key, template_id, status, attrs, context_attrs';

/** A row as better-sqlite3 returns it. */
export interface Raw {
  id: string;
  ts: number;
  source: string;
  detector: string;
  severity: Severity;
  score: number;
  title: string;
  explanation: string;
  context: string;
  window_start: number | null;
  window_end: number | null;
  session_key: string | null;
  template_id: number | null;
  status: AnomalyStatus;
  attrs: string | null;
  context_attrs: string | null;
}

/** Longest JSON of one anomaly's context attributes stored; beyond it they are left out (the lines stay). */
const MAX_CONTEXT_ATTRS_JSON = 64 * 1024;

const SEVERITY_SET = new Set<string>(SEVERITIES);

/**
 * Longest context line or explanation template stored with an anomaly (characters): they are for
 * reading, and a hostile line (up to `max_line_bytes`) must not be copied into every anomaly it touches.
 */
export const MAX_STORED_TEXT = 16 * 1024;
/** Most context lines stored with one anomaly. */
export const MAX_CONTEXT_LINES = 50;

function clip(s: string): string {
  return s.length <= MAX_STORED_TEXT ? s : `${s.slice(0, MAX_STORED_TEXT)}… [${s.length - MAX_STORED_TEXT} more characters not stored]`;
}

export function boundContext(lines: readonly string[]): readonly string[] {
  const kept = lines.length > MAX_CONTEXT_LINES ? lines.slice(-MAX_CONTEXT_LINES) : lines;
  return kept.some((l) => typeof l === 'string' && l.length > MAX_STORED_TEXT) ? kept.map((l) => (typeof l === 'string' ? clip(l) : l)) : kept;
}

export function boundExplanation(list: readonly Contribution[]): readonly Contribution[] {
  return list.some((c) => (c.template?.length ?? 0) > MAX_STORED_TEXT || c.feature.length > MAX_STORED_TEXT)
    ? list.map((c) => ({ ...c, feature: clip(c.feature), ...(c.template === undefined ? {} : { template: clip(c.template) }) }))
    : list;
}

/**
 * The context lines' attributes as stored: bounded like any attributes, aligned with the stored
 * (possibly shortened: the last `kept`) context lines; null when there are none, they do not line up,
 * or their JSON would pass MAX_CONTEXT_ATTRS_JSON.
 */
export function contextAttrsJson(list: readonly (Attrs | null)[] | undefined, context: readonly string[], kept: number): string | null {
  if (!Array.isArray(list) || list.length !== context.length) return null;
  const out = list.slice(list.length - kept).map((x) => boundAttrs(x) ?? null);
  if (out.every((x) => x === null)) return null;
  const json = JSON.stringify(out);
  return json.length > MAX_CONTEXT_ATTRS_JSON ? null : json;
}

/**
 * Only a duplicate id is skipped silently (ON CONFLICT (id) DO NOTHING, unlike INSERT OR IGNORE,
 * which would also swallow a NOT NULL failure); anything else malformed fails the whole batch.
 */
export function checkAnomaly(a: Anomaly): void {
  let bad: string | undefined;
  if (typeof a.id !== 'string' || a.id === '') bad = 'id';
  else if (!Number.isFinite(a.ts)) bad = 'ts';
  else if (typeof a.score !== 'number' || Number.isNaN(a.score)) bad = 'score';
  else if (!SEVERITY_SET.has(a.severity)) bad = 'severity';
  else if (typeof a.source !== 'string' || typeof a.detector !== 'string' || typeof a.title !== 'string') bad = 'source/detector/title';
  if (bad !== undefined) {
    throw new AnomalogError('ANOMALOG_ERR_STORE_QUERY', `Anomaly ${String(a.id)} has an invalid ${bad}; the batch was not stored.`);
  }
}

export function toAnomaly(r: Raw): Anomaly {
  const a: Anomaly = {
    id: r.id,
    ts: r.ts,
    source: r.source,
    detector: r.detector,
    score: r.score,
    severity: r.severity,
    title: r.title,
    explanation: parseColumn<Contribution[]>(r.explanation, `explanation of anomaly ${r.id}`),
    context: parseColumn<string[]>(r.context, `context of anomaly ${r.id}`),
  };
  // Only feedback sets a status: an anomaly without any reads back exactly as it was written.
  if (r.status !== 'open') a.status = r.status;
  if (r.window_start !== null && r.window_end !== null) a.window = { start: r.window_start, end: r.window_end };
  if (r.session_key !== null) a.sessionKey = r.session_key;
  if (r.template_id !== null) a.templateId = r.template_id;
  if (r.attrs !== null) a.attrs = parseColumn<Attrs>(r.attrs, `attrs of anomaly ${r.id}`);
  if (r.context_attrs !== null) a.contextAttrs = parseColumn<(Attrs | null)[]>(r.context_attrs, `context attrs of anomaly ${r.id}`);
  return a;
}
