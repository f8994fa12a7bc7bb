/**
 * @module sources/http/decode
 * Request bodies of the formats shippers already speak → raw records. Each decoder keeps the valid
 * records of a body and reports the bad parts (a 4xx then says what was rejected while the valid
 * records are still taken). Decoders never throw on hostile input.
 */
import type { RawRecord } from '../../core/source.js';
import { DEFAULT_LOKI_SOURCE_LABELS } from './config.js';
import { decodeLokiProtobuf } from './loki-proto.js';
import { capUtf8 } from './cap-utf8.js';
import { cutLongStrings } from './long-values.js';
import { decodeOtlpProtobuf } from './otlp-proto.js';

export { capUtf8 } from './cap-utf8.js';

export interface Decoded {
  records: RawRecord[];
  /** Parts that could not be read, with why (at most a few kept). */
  errors: string[];
  rejected: number;
  /** Elasticsearch bulk: one per action, in order (for the per-item answer). */
  bulkItems?: BulkItem[];
  /** Records taken when they were handed on in parts (`records` then holds none); else `records.length`. */
  accepted?: number;
}

/** How many records of a body were taken. */
export function acceptedOf(d: Decoded): number {
  return d.accepted ?? d.records.length;
}

const MAX_ERRORS = 5;

function note(out: Decoded, why: string): void {
  out.rejected++;
  if (out.errors.length < MAX_ERRORS) out.errors.push(why);
}

/**
 * Cuts every record's text at `maxBytes` UTF-8 bytes (at a character boundary; marked `truncated`)
 * and rejects records beyond `maxRecords`, in place. Returns how many were cut. Every ingest body
 * goes through it, so no route keeps a longer line than the file, stdin and syslog sources do.
 */
export function boundRecords(d: Decoded, maxBytes: number, maxRecords: number): number {
  if (d.records.length > maxRecords) {
    const over = d.records.length - maxRecords;
    d.records.length = maxRecords;
    d.rejected += over;
    if (d.errors.length < MAX_ERRORS) d.errors.push(`${over} record(s) beyond max_records (${maxRecords}) of one request: send smaller batches`);
  }
  let cut = 0;
  for (const r of d.records) {
    const t = capUtf8(r.text, maxBytes);
    if (t !== r.text) {
      r.text = t;
      r.truncated = true;
      cut++;
    }
  }
  return cut;
}

/** A JSON object's text for the parser: its own line (JSON format is auto-detected per source). */
function recordText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return null;
}

/**
 * A stream name from the client (an Elasticsearch index, a Loki label, an OTLP service.name) as part
 * of a source id: characters outside `[\w.\-/:@]` become `_`, at most 128 of them; empty → fallback.
 */
export function streamName(raw: unknown, fallback: string): string {
  if (typeof raw !== 'string' || raw.length === 0) return fallback;
  return raw.slice(0, 512).replace(/[^\w.\-/:@]/g, '_').slice(0, 128);
}

/** Records per part of an `/ingest` body: what the pipeline is handed at once (engine.ts slices alike). */
export const INGEST_PART_RECORDS = 4096;

/** A part of a body decoded piece by piece, with how many of its records were cut while decoding. */
export interface DecodedPart extends Decoded {
  truncated: number;
}

/**
 * `POST /ingest`: NDJSON (one JSON object or string per line) or plain text lines, read from the
 * body's bytes in parts of `partRecords` records. Only one part's strings exist at a time (the body
 * is never one string, nor 100,000 records at once), and a plain line longer than `maxLineBytes` is
 * cut at a character boundary before it becomes a string (marked `truncated`, counted in the part).
 * A JSON line longer than `maxLineBytes` has its over-long strings cut in its bytes before it is parsed
 * (`long-values.ts`); the record is then cut, marked and counted by `boundRecords`.
 */
export function* ndjsonParts(body: Buffer, source: string, now: number, maxLineBytes = Number.POSITIVE_INFINITY, partRecords = INGEST_PART_RECORDS): Generator<DecodedPart> {
  let out: DecodedPart = { records: [], errors: [], rejected: 0, truncated: 0 };
  const n = body.length;
  let lineNo = 0;
  for (let s = 0; s <= n; ) {
    let e = body.indexOf(10, s);
    if (e < 0) e = n;
    const next = e + 1;
    lineNo++;
    if (e > s && body[e - 1] === 13) e--;
    if (!blank(body, s, e)) {
      const c = body[s];
      if (c === 123 /* { */ || c === 34 /* " */) {
        try {
          // An over-long line's long strings are cut in its bytes first (long-values.ts).
          const json = e - s > maxLineBytes ? cutLongStrings(body.subarray(s, e), maxLineBytes).body.toString('utf8') : body.toString('utf8', s, e);
          const text = recordText(JSON.parse(json));
          if (text === null) note(out, `line ${lineNo}: not an object or string`);
          else out.records.push({ source, text, arrivalTs: now });
        } catch {
          note(out, `line ${lineNo}: invalid JSON`);
        }
      } else if (e - s > maxLineBytes) {
        let cut = s + maxLineBytes;
        while (cut > s && (body[cut] & 0xc0) === 0x80) cut--;
        out.records.push({ source, text: body.toString('utf8', s, cut), arrivalTs: now, truncated: true });
        out.truncated++;
      } else {
        out.records.push({ source, text: body.toString('utf8', s, e), arrivalTs: now });
      }
      if (out.records.length >= partRecords) {
        yield out;
        out = { records: [], errors: [], rejected: 0, truncated: 0 };
      }
    }
    s = next;
  }
  if (out.records.length > 0 || out.rejected > 0) yield out;
}

/** Whether bytes [s, e) are only whitespace (as `String.prototype.trim` sees it). */
function blank(b: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    // A non-ASCII byte may start a Unicode space (U+00A0, U+2028, U+FEFF…): decide on the text.
    return c >= 0x80 ? b.toString('utf8', s, e).trim() === '' : false;
  }
  return true;
}

/** `POST /ingest` as one `Decoded` (tests, small bodies): every part of `ndjsonParts`, nothing cut. */
export function decodeNdjson(body: string | Buffer, source: string, now: number): Decoded {
  const out: Decoded = { records: [], errors: [], rejected: 0 };
  for (const part of ndjsonParts(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, source, now)) {
    for (const r of part.records) out.records.push(r);
    out.rejected += part.rejected;
    for (const e of part.errors) if (out.errors.length < MAX_ERRORS) out.errors.push(e);
  }
  return out;
}

/** Elasticsearch bulk: what became of one action, for the per-item answer (one item per action, in order). */
export interface BulkItem {
  op: 'index' | 'create' | 'update' | 'delete';
  index: string;
  /** Why the document was refused (answered as that item's 400); absent when it was taken. */
  error?: string;
}

/**
 * `POST /_bulk` (Elasticsearch bulk API: action line, then document line); `index` from
 * `/{index}/_bulk`. As in Elasticsearch, a bad document fails its own item (`bulkItems`), while an
 * unreadable action line is the request's error (counted in `rejected` without an item).
 */
export function decodeEsBulk(body: string, prefix: string, now: number, defaultIndex = 'default'): Decoded {
  const items: BulkItem[] = [];
  const out: Decoded = { records: [], errors: [], rejected: 0, bulkItems: items };
  const lines = body.split('\n').filter((l) => l.trim() !== '');
  const refuse = (item: BulkItem, why: string) => {
    item.error = why;
    items.push(item);
    note(out, why);
  };
  for (let i = 0; i < lines.length; i++) {
    let action: Record<string, { _index?: string } | undefined>;
    try {
      action = JSON.parse(lines[i]) as typeof action;
    } catch {
      note(out, `line ${i + 1}: invalid JSON action`);
      continue;
    }
    const op = action && typeof action === 'object' ? Object.keys(action)[0] : undefined;
    if (op !== 'index' && op !== 'create' && op !== 'update' && op !== 'delete') {
      note(out, `line ${i + 1}: unsupported bulk action ${JSON.stringify(op ?? null)}`);
      continue;
    }
    const index = streamName(action[op]?._index ?? defaultIndex, 'default');
    // A log sink has nothing to delete: answered like a delete of a missing document.
    if (op === 'delete') {
      items.push({ op, index });
      continue;
    }
    i++;
    if (i >= lines.length) {
      note(out, `line ${i}: action without a document`);
      break;
    }
    if (op === 'update') {
      refuse({ op, index }, `line ${i}: update actions are not taken (send index or create)`);
      continue;
    }
    try {
      const text = recordText(JSON.parse(lines[i]));
      if (text === null) refuse({ op, index }, `line ${i + 1}: document is not an object`);
      else {
        out.records.push({ source: `${prefix}:${index}`, text, arrivalTs: now });
        items.push({ op, index });
      }
    } catch {
      refuse({ op, index }, `line ${i + 1}: invalid JSON document`);
    }
  }
  return out;
}

/**
 * `POST /loki/api/v1/push` (JSON): streams of labels with [nanosecond timestamp, line, structured
 * metadata?] values. The source is named by the first of `sourceLabels` the stream has.
 */
export function decodeLoki(body: unknown, prefix: string, now: number, sourceLabels: readonly string[] = DEFAULT_LOKI_SOURCE_LABELS): Decoded {
  const out: Decoded = { records: [], errors: [], rejected: 0 };
  const streams = (body as { streams?: unknown })?.streams;
  if (!Array.isArray(streams)) {
    note(out, 'body has no "streams" array');
    return out;
  }
  for (const st of streams) {
    const labels = (st as { stream?: Record<string, unknown> })?.stream ?? {};
    const values = (st as { values?: unknown })?.values;
    if (!Array.isArray(values)) {
      note(out, 'a stream has no "values" array');
      continue;
    }
    const name = sourceLabels.map((k) => labels[k]).find((v) => typeof v === 'string' && v !== '') as string | undefined;
    const source = `${prefix}:${streamName(name, 'loki')}`;
    for (const v of values) {
      if (!Array.isArray(v) || typeof v[1] !== 'string') {
        note(out, 'a value is not [timestamp, line]');
        continue;
      }
      const ns = Number(v[0]);
      // Structured metadata (Loki 3, pino-loki's `meta`): string pairs next to the labels.
      const meta = v[2] !== null && typeof v[2] === 'object' && !Array.isArray(v[2]) ? (v[2] as Record<string, unknown>) : undefined;
      out.records.push({ source, text: v[1], arrivalTs: Number.isFinite(ns) && ns > 0 ? Math.floor(ns / 1e6) : now, attrs: meta ? { ...meta, ...labels } : { ...labels } });
    }
  }
  return out;
}

/**
 * `POST /loki/api/v1/push` in either encoding: a Buffer is Loki's protobuf (Snappy-compressed, the
 * default of Promtail and Alloy; at most `maxUncompressed` bytes once uncompressed), anything else
 * the JSON push.
 */
export function decodeLokiPush(body: unknown, prefix: string, now: number, maxUncompressed: number, sourceLabels: readonly string[] = DEFAULT_LOKI_SOURCE_LABELS, maxLineBytes = Number.POSITIVE_INFINITY): Decoded {
  return body instanceof Uint8Array ? fromProtobuf(() => decodeLoki(decodeLokiProtobuf(body, maxUncompressed, maxLineBytes), prefix, now, sourceLabels)) : decodeLoki(body, prefix, now, sourceLabels);
}

/**
 * `POST /v1/logs` in either encoding: a Buffer is OTLP protobuf (the Collector's and SDKs' default), anything else the JSON export.
 * `maxLineBytes`: protobuf string values longer than that are decoded only in part (still over-long, for `boundRecords`).
 */
export function decodeOtlpPush(body: unknown, prefix: string, now: number, maxLineBytes = Number.POSITIVE_INFINITY): Decoded {
  return body instanceof Uint8Array ? fromProtobuf(() => decodeOtlp(decodeOtlpProtobuf(body, maxLineBytes), prefix, now)) : decodeOtlp(body, prefix, now);
}

/** A protobuf decoder's refusal (it throws with a reason) as one rejected part. */
function fromProtobuf(decode: () => Decoded): Decoded {
  try {
    return decode();
  } catch (e) {
    const out: Decoded = { records: [], errors: [], rejected: 0 };
    note(out, (e as Error).message);
    return out;
  }
}

/** OTLP SeverityNumber ranges (1–4 trace … 21–24 fatal), for records without a severityText. */
const SEVERITY_BANDS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function severityOfNumber(n: unknown): string | undefined {
  const v = typeof n === 'number' ? n : typeof n === 'string' ? /^SEVERITY_NUMBER_([A-Z]+)/.exec(n)?.[1]?.toLowerCase() : undefined;
  if (typeof v === 'string') return SEVERITY_BANDS.includes(v) ? v : undefined;
  return typeof v === 'number' && v >= 1 && v <= 24 ? SEVERITY_BANDS[Math.floor((v - 1) / 4)] : undefined;
}

interface OtlpAttr {
  key?: string;
  value?: Record<string, unknown>;
}

function attrValue(v: Record<string, unknown> | undefined): unknown {
  if (!v) return undefined;
  return v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue ?? undefined;
}

function attrs(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(list)) for (const a of list as OtlpAttr[]) if (typeof a?.key === 'string') out[a.key] = attrValue(a.value);
  return out;
}

/** `POST /v1/logs` (OTLP/HTTP JSON): resourceLogs → scopeLogs → logRecords. */
export function decodeOtlp(body: unknown, prefix: string, now: number): Decoded {
  const out: Decoded = { records: [], errors: [], rejected: 0 };
  const resourceLogs = (body as { resourceLogs?: unknown })?.resourceLogs;
  if (!Array.isArray(resourceLogs)) {
    note(out, 'body has no "resourceLogs" array');
    return out;
  }
  for (const rl of resourceLogs as { resource?: { attributes?: unknown }; scopeLogs?: unknown }[]) {
    const res = attrs(rl?.resource?.attributes);
    const source = `${prefix}:${streamName(res['service.name'], 'otlp')}`;
    const scopes = Array.isArray(rl?.scopeLogs) ? (rl.scopeLogs as { logRecords?: unknown }[]) : [];
    for (const sl of scopes) {
      const recs = Array.isArray(sl?.logRecords) ? (sl.logRecords as Record<string, unknown>[]) : [];
      for (const r of recs) {
        const bodyValue = attrValue(r?.body as Record<string, unknown> | undefined);
        const text = typeof bodyValue === 'string' ? bodyValue : bodyValue === undefined ? null : String(bodyValue);
        if (text === null) {
          note(out, 'a logRecord has no body value');
          continue;
        }
        const ns = Number(r.timeUnixNano ?? r.observedTimeUnixNano);
        const ts = Number.isFinite(ns) && ns > 0 ? Math.floor(ns / 1e6) : now;
        const fields = { ...res, ...attrs(r.attributes) };
        // As a JSON line, so the per-source parser reads time, level and message like any JSON log.
        const line: Record<string, unknown> = { ...fields, ts, message: text };
        const level = typeof r.severityText === 'string' && r.severityText !== '' ? r.severityText : severityOfNumber(r.severityNumber);
        if (level !== undefined) line.level = level;
        out.records.push({ source, text: JSON.stringify(line), arrivalTs: ts, attrs: fields });
      }
    }
  }
  return out;
}
