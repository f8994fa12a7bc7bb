/**
 * @module parsers/formats/json
 * JSON lines (NDJSON): one object per line, as written by pino, bunyan, winston, logrus/zap/slog
 * JSON handlers, logstash/ECS encoders, log4j2 JsonLayout, Serilog CLEF, structlog, Docker's
 * json-file driver, GELF.
 *
 * - time: the first of `@timestamp`, `timestamp`, `time`, `ts`, `t`, `@t`, `datetime`, `date`,
 *   `timeMillis`, `instant` (log4j2 `{epochSecond, nanoOfSecond}`); strings via TimestampParser,
 *   numbers as epoch s/ms/µs/ns.
 * - level: `level`, `severity`, `lvl`, `log.level` (flat or nested), `@l`, `levelname`,
 *   `loglevel`, `severity_text`/`severityText`; names or pino/syslog numbers, normalized.
 * - message: `message`, `msg`, `log`, `@m`, `@mt`, `event`, `body`, `short_message`; non-strings
 *   are JSON-encoded. No message key → the other top-level scalars rendered as `key=value …`
 *   (keeps key names in the template, values become parameters).
 * - fields: every other key as parsed (nested objects kept); `service` and `logger` are also set
 *   from `service.name`/`app`/`application`/`component` and `logger_name`/`loggerName`/`name`
 *   when those keys are absent.
 *
 * A line that is not a JSON object becomes a record with the whole line as message (unmatched).
 */
import type { LogRecord } from '../../core/event.js';
import { normalizeLevel } from './level.js';
import { TimestampParser, epochToMs } from './timestamp.js';
import type { FormatStats, RecordFormat } from './types.js';

const TIME_KEYS = ['@timestamp', 'timestamp', 'time', 'ts', 't', '@t', 'datetime', 'date', 'timeMillis', 'instant'];
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'log.level', '@l', 'levelname', 'loglevel', 'severity_text', 'severityText', 'level_name'];
const MESSAGE_KEYS = ['message', 'msg', 'log', '@m', '@mt', 'event', 'body', 'short_message'];
const SERVICE_KEYS = ['service.name', 'service', 'app', 'application', 'component'];
const LOGGER_KEYS = ['logger', 'logger_name', 'loggerName', 'name'];

export class JsonFormat implements RecordFormat {
  readonly name = 'json';
  readonly stats: FormatStats = { matched: 0, unmatched: 0 };
  private readonly ts = new TimestampParser();

  isRecordStart(text: string): boolean {
    return firstNonSpace(text) === 123;
  }

  extract(text: string, line: number, arrivalTs: number, source: string): LogRecord {
    const obj = parseObject(text);
    if (obj === null) {
      this.stats.unmatched++;
      return { ts: arrivalTs, source, level: undefined, message: text, fields: undefined, raw: text, line, tsFromArrival: true };
    }
    this.stats.matched++;
    const fields: Record<string, unknown> = obj;
    // The first time key whose value parses, and the first level key whose value is a level:
    // a `time` holding a duration ("12ms") is left in the fields.
    let t = NaN;
    for (const k of TIME_KEYS) {
      const v = lookup(obj, k);
      if (v === undefined || v === null || v === '') continue;
      t = this.time(v, arrivalTs);
      if (!Number.isNaN(t)) {
        remove(fields, k);
        break;
      }
    }
    let level: string | undefined;
    for (const k of LEVEL_KEYS) {
      const v = lookup(obj, k);
      if (v === undefined || v === null || v === '') continue;
      level = normalizeLevel(v);
      if (level !== undefined) {
        remove(fields, k);
        break;
      }
    }
    const msgKey = firstKey(obj, MESSAGE_KEYS);
    let message: string;
    if (msgKey !== undefined) {
      const m = lookup(obj, msgKey);
      message = typeof m === 'string' ? m : JSON.stringify(m) ?? '';
      remove(fields, msgKey);
    } else {
      message = renderScalars(fields);
    }
    alias(fields, 'service', SERVICE_KEYS);
    alias(fields, 'logger', LOGGER_KEYS);
    const fromArrival = Number.isNaN(t);
    return { ts: fromArrival ? arrivalTs : t, source, level, message, fields, raw: text, line, tsFromArrival: fromArrival };
  }

  private time(v: unknown, arrivalTs: number): number {
    if (typeof v === 'string') {
      const t = this.ts.parse(v, arrivalTs);
      if (!Number.isNaN(t)) return t;
      const n = Number(v);
      return v.length > 0 && Number.isFinite(n) ? epochToMs(n) : NaN;
    }
    if (typeof v === 'number') return epochToMs(v);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.epochSecond === 'number') {
        return o.epochSecond * 1000 + Math.floor((typeof o.nanoOfSecond === 'number' ? o.nanoOfSecond : 0) / 1e6);
      }
    }
    return NaN;
  }
}

/** The object on the line, or null (not JSON, or JSON that is not an object). Never throws. */
export function parseObject(text: string): Record<string, unknown> | null {
  if (firstNonSpace(text) !== 123) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function firstNonSpace(text: string): number {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  return text.charCodeAt(i);
}

/** Value of a key that may be dotted: a flat `"log.level"` key or nested `{log: {level}}`. */
function lookup(obj: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(obj, key)) return obj[key];
  const dot = key.indexOf('.');
  if (dot === -1) return undefined;
  const inner = obj[key.slice(0, dot)];
  if (inner === null || typeof inner !== 'object') return undefined;
  return lookup(inner as Record<string, unknown>, key.slice(dot + 1));
}

function firstKey(obj: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = lookup(obj, k);
    if (v !== undefined && v !== null && v !== '') return k;
  }
  return undefined;
}

/** Removes a (possibly nested) key; drops a parent object left empty. */
function remove(obj: Record<string, unknown>, key: string): void {
  if (Object.hasOwn(obj, key)) {
    delete obj[key];
    return;
  }
  const dot = key.indexOf('.');
  if (dot === -1) return;
  const head = key.slice(0, dot);
  const inner = obj[head];
  if (inner === null || typeof inner !== 'object') return;
  remove(inner as Record<string, unknown>, key.slice(dot + 1));
  if (Object.keys(inner).length === 0) delete obj[head];
}

function alias(fields: Record<string, unknown>, name: string, keys: readonly string[]): void {
  if (fields[name] !== undefined) return;
  for (const k of keys) {
    const v = lookup(fields, k);
    if (typeof v === 'string' && v.length > 0) {
      fields[name] = v;
      return;
    }
  }
}

/** `key=value` for top-level scalars, in key order: a message for lines without one. */
export function renderScalars(fields: Record<string, unknown>): string {
  let s = '';
  for (const k of Object.keys(fields)) {
    const v = fields[k];
    if (v === null || typeof v === 'object') continue;
    s += (s.length > 0 ? ' ' : '') + k + '=' + String(v);
  }
  return s;
}
