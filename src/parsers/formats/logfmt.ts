/**
 * @module parsers/formats/logfmt
 * logfmt: `key=value key="quoted value" flag` (Heroku, go-kit, logrus text, Grafana/Loki apps).
 *
 * time from `ts`/`time`/`timestamp`/`t`/`@timestamp`/`date`, level from `level`/`lvl`/`severity`/
 * `at` (Heroku), message from `msg`/`message`/`event`/`error`; without one, the other pairs as
 * `key=value …` (key names stay in the template, values become parameters). All other pairs go to
 * `fields` as strings (a bare key is `true`). A line without any `key=value` pair is unmatched.
 */
import type { LogRecord } from '../../core/event.js';
import { normalizeLevel } from './level.js';
import { TimestampParser, epochToMs } from './timestamp.js';
import type { FormatStats, RecordFormat } from './types.js';

const TIME_KEYS = ['ts', 'time', 'timestamp', 't', '@timestamp', 'date', 'datetime'];
const LEVEL_KEYS = ['level', 'lvl', 'severity', 'loglevel', 'at'];
const MESSAGE_KEYS = ['msg', 'message', 'event', 'error', 'err'];

/**
 * Parses logfmt pairs into `out` (cleared first). Returns the number of `key=value` pairs; bare
 * keys are stored as `true` but not counted. Never throws; an unterminated quote runs to the end.
 */
export function parseLogfmt(text: string, out: Record<string, string | true>): number {
  let pairs = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) <= 32) i++;
    if (i >= n) break;
    const ks = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c <= 32 || c === 61 || c === 34) break;
      i++;
    }
    const key = text.slice(ks, i);
    if (i < n && text.charCodeAt(i) === 34) {
      // a quote inside a key: not logfmt here; skip the token
      while (i < n && text.charCodeAt(i) > 32) i++;
      continue;
    }
    if (i >= n || text.charCodeAt(i) !== 61) {
      if (key.length > 0) out[key] = true;
      continue;
    }
    i++; // '='
    let value: string;
    if (i < n && text.charCodeAt(i) === 34) {
      const r = readQuoted(text, i + 1);
      value = r.value;
      i = r.end;
    } else {
      const vs = i;
      while (i < n && text.charCodeAt(i) > 32) i++;
      value = text.slice(vs, i);
    }
    if (key.length > 0) {
      out[key] = value;
      pairs++;
    }
  }
  return pairs;
}

function readQuoted(text: string, start: number): { value: string; end: number } {
  let i = start;
  let value = '';
  let from = start;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) return { value: value + text.slice(from, i), end: i + 1 };
    if (c === 92 && i + 1 < n) {
      value += text.slice(from, i);
      const e = text[i + 1];
      value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
      i += 2;
      from = i;
      continue;
    }
    i++;
  }
  return { value: value + text.slice(from), end: n };
}

export class LogfmtFormat implements RecordFormat {
  readonly name = 'logfmt';
  readonly stats: FormatStats = { matched: 0, unmatched: 0 };
  private readonly ts = new TimestampParser();

  extract(text: string, line: number, arrivalTs: number, source: string): LogRecord {
    const fields: Record<string, string | true> = {};
    if (parseLogfmt(text, fields) === 0) {
      this.stats.unmatched++;
      return { ts: arrivalTs, source, level: undefined, message: text, fields: undefined, raw: text, line, tsFromArrival: true };
    }
    this.stats.matched++;
    let t = NaN;
    for (const k of TIME_KEYS) {
      const v = fields[k];
      if (typeof v !== 'string') continue;
      t = this.ts.parse(v, arrivalTs);
      if (Number.isNaN(t) && /^\d+(?:\.\d+)?$/.test(v)) t = epochToMs(Number(v));
      if (!Number.isNaN(t)) {
        delete fields[k];
        break;
      }
    }
    let level: string | undefined;
    for (const k of LEVEL_KEYS) {
      const v = fields[k];
      if (typeof v !== 'string') continue;
      level = normalizeLevel(v);
      if (level !== undefined) {
        delete fields[k];
        break;
      }
    }
    let message: string | undefined;
    for (const k of MESSAGE_KEYS) {
      const v = fields[k];
      if (typeof v === 'string') {
        message = v;
        delete fields[k];
        break;
      }
    }
    if (message === undefined) message = renderPairs(fields);
    const fromArrival = Number.isNaN(t);
    return { ts: fromArrival ? arrivalTs : t, source, level, message, fields, raw: text, line, tsFromArrival: fromArrival };
  }
}

function renderPairs(fields: Record<string, string | true>): string {
  let s = '';
  for (const k of Object.keys(fields)) {
    const v = fields[k];
    s += (s.length > 0 ? ' ' : '') + (v === true ? k : k + '=' + v);
  }
  return s;
}
