/**
 * @module sources/http/hec
 * Splunk HTTP Event Collector bodies → raw records, and Splunk's answers. `POST
 * /services/collector/event` takes JSON event objects, one after another with or without whitespace
 * between them (`{"event":…}{"event":…}`: how HEC clients batch); `POST /services/collector/raw`
 * takes lines, with the channel in `X-Splunk-Request-Channel` or `?channel=`. Like the other
 * decoders these keep the valid events of a body and never throw on hostile input.
 */
import type { RawRecord } from '../../core/source.js';
import type { Decoded } from './decode.js';
import { streamName } from './decode.js';
import { kept } from '../../core/text.js';

/** Splunk's HEC status answers (`{"text", "code"}`) with their HTTP statuses, as Splunk sends them. */
export const HEC = {
  success: { status: 200, text: 'Success', code: 0 },
  tokenRequired: { status: 401, text: 'Token is required', code: 2 },
  invalidAuthorization: { status: 401, text: 'Invalid authorization', code: 3 },
  invalidToken: { status: 403, text: 'Invalid token', code: 4 },
  noData: { status: 400, text: 'No data', code: 5 },
  invalidDataFormat: { status: 400, text: 'Invalid data format', code: 6 },
  serverBusy: { status: 503, text: 'Server is busy', code: 9 },
  channelMissing: { status: 400, text: 'Data channel is missing', code: 10 },
  invalidChannel: { status: 400, text: 'Invalid data channel', code: 11 },
  eventRequired: { status: 400, text: 'Event field is required', code: 12 },
  eventBlank: { status: 400, text: 'Event field cannot be blank', code: 13 },
  healthy: { status: 200, text: 'HEC is healthy', code: 17 },
  unhealthy: { status: 503, text: 'HEC is unhealthy, queues are full', code: 18 },
} as const;

export type HecAnswer = (typeof HEC)[keyof typeof HEC];

/** What an HEC body came to: the records, and for a bad event Splunk's answer and its 0-based number. */
export interface HecDecoded extends Decoded {
  failure?: { answer: HecAnswer; eventNumber: number };
}

/** The fields of an event (or raw query parameters) that may name the source. */
export type HecSourceField = 'source' | 'sourcetype' | 'host' | 'index';

const MAX_ERRORS = 5;

function reject(out: HecDecoded, answer: HecAnswer, eventNumber: number, why: string): void {
  out.rejected++;
  if (out.errors.length < MAX_ERRORS) out.errors.push(`event ${eventNumber}: ${why}`);
  out.failure ??= { answer, eventNumber };
}

/**
 * The top-level JSON values of `body` written one after another (`{…}{…}`, `{…}\n{…}`): their
 * texts, or, at a byte that cannot start or continue one, the texts so far and that offset.
 */
export function splitConcatenated(body: string): { parts: string[]; badAt?: number } {
  const parts: string[] = [];
  let i = 0;
  const n = body.length;
  while (i < n) {
    const c = body.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    if (c !== 123 /* { */) return { parts, badAt: i };
    let depth = 0;
    let inString = false;
    let j = i;
    for (; j < n; j++) {
      const d = body.charCodeAt(j);
      if (inString) {
        if (d === 92 /* \ */) j++;
        else if (d === 34 /* " */) inString = false;
      } else if (d === 34) inString = true;
      else if (d === 123 || d === 91 /* [ */) depth++;
      else if (d === 125 /* } */ || d === 93 /* ] */) {
        if (--depth === 0) break;
      }
    }
    if (j >= n) return { parts, badAt: i };
    parts.push(body.slice(i, j + 1));
    i = j + 1;
  }
  return { parts };
}

/** HEC `time`: epoch seconds (number or numeric string, with decimals) → epoch ms; else undefined. */
function hecTime(v: unknown): number | undefined {
  const s = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(s) && s > 0 ? Math.round(s * 1000) : undefined;
}

/** `<prefix>:<first of fields present>` (`hec` when none is). */
function hecSource(meta: Record<string, unknown>, fields: readonly HecSourceField[], prefix: string): string {
  const name = fields.map((f) => meta[f]).find((v) => typeof v === 'string' && v !== '');
  return `${prefix}:${streamName(name, 'hec')}`;
}

function metadata(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['host', 'source', 'sourcetype', 'index'] as const) if (typeof o[k] === 'string') out[k] = o[k];
  return out;
}

/**
 * `POST /services/collector/event`: each event object's `event` (a string, or an object whose keys
 * the JSON parser reads: `message`, `severity`…) becomes one JSON line with `time` as `ts` (ms) and
 * the indexed `fields` beside it; `host`/`source`/`sourcetype`/`index` and the fields go to attrs.
 */
export function decodeHecEvents(body: string, prefix: string, now: number, sourceFields: readonly HecSourceField[]): HecDecoded {
  const out: HecDecoded = { records: [], errors: [], rejected: 0 };
  const { parts, badAt } = splitConcatenated(body);
  if (parts.length === 0 && badAt === undefined) {
    reject(out, HEC.noData, 0, 'no data');
    return out;
  }
  for (let i = 0; i < parts.length; i++) {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(parts[i]) as Record<string, unknown>;
    } catch {
      reject(out, HEC.invalidDataFormat, i, 'invalid JSON');
      continue;
    }
    const rec = hecEventRecord(o, prefix, now, sourceFields);
    if (typeof rec === 'string') reject(out, rec === 'blank' ? HEC.eventBlank : HEC.eventRequired, i, rec === 'blank' ? 'the event field is blank' : 'no event field');
    else out.records.push(rec);
  }
  if (badAt !== undefined) reject(out, HEC.invalidDataFormat, parts.length, `not a JSON object at offset ${badAt}`);
  return out;
}

function hecEventRecord(o: Record<string, unknown>, prefix: string, now: number, sourceFields: readonly HecSourceField[]): RawRecord | 'missing' | 'blank' {
  const ev = o.event;
  if (ev === undefined || ev === null) return 'missing';
  if (ev === '' || (typeof ev === 'object' && !Array.isArray(ev) && Object.keys(ev).length === 0)) return 'blank';
  const meta = metadata(o);
  const fields = o.fields !== null && typeof o.fields === 'object' && !Array.isArray(o.fields) ? (o.fields as Record<string, unknown>) : {};
  const ts = hecTime(o.time);
  // As a JSON line, so the per-source parser reads time, level and message like any JSON log.
  const line: Record<string, unknown> = typeof ev === 'object' && !Array.isArray(ev) ? { ...fields, ...(ev as Record<string, unknown>) } : { ...fields, message: typeof ev === 'string' ? ev : JSON.stringify(ev) };
  if (ts !== undefined) line.ts = ts;
  return { source: hecSource(meta, sourceFields, prefix), text: JSON.stringify(line), arrivalTs: now, attrs: { ...fields, ...meta } };
}

const GUID = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/**
 * `POST /services/collector/raw`: one record per line; `host`, `source`, `sourcetype`, `index` from
 * the query. The channel (`X-Splunk-Request-Channel` or `?channel=`) is required and a GUID, as in
 * Splunk.
 */
export function decodeHecRaw(body: string, query: Record<string, unknown>, channel: unknown, prefix: string, now: number, sourceFields: readonly HecSourceField[]): HecDecoded {
  const out: HecDecoded = { records: [], errors: [], rejected: 0 };
  if (typeof channel !== 'string' || channel === '') {
    reject(out, HEC.channelMissing, 0, 'no X-Splunk-Request-Channel header or channel parameter');
    return out;
  }
  if (!GUID.test(channel)) {
    reject(out, HEC.invalidChannel, 0, 'the channel is not a GUID');
    return out;
  }
  const meta = metadata(query);
  const source = hecSource(meta, sourceFields, prefix);
  const attrs = { ...meta, channel };
  for (const raw of body.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') out.records.push({ source, text: kept(line), arrivalTs: now, attrs });
  }
  if (out.records.length === 0) reject(out, HEC.noData, 0, 'no data');
  return out;
}
