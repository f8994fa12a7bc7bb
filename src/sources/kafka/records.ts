/**
 * @module sources/kafka/records
 * Kafka records → raw records: the value is the log line (a raw line, or a shipper's JSON event —
 * Filebeat, Vector, Fluent Bit — that the parser's `json` format reads); the source id comes from
 * the key, a JSON field or the topic; Kafka headers become `attrs`. Keys, headers and values are
 * client input: bounded, decoded as UTF-8 (invalid bytes → U+FFFD), never interpreted further.
 */
import type { RawRecord } from '../../core/source.js';

/** Longest source id taken from a key or field (longer ones are cut). */
export const MAX_SOURCE_ID = 200;
/** Most headers kept per record, and longest header value (longer ones are cut). */
const MAX_HEADERS = 32;
const MAX_HEADER_BYTES = 1024;

/** One consumed Kafka message, client-independent. */
export interface KafkaRecordIn {
  key: Buffer | null;
  value: Buffer | null;
  /** Producer or broker time (epoch ms as a decimal string, as the client gives it). */
  timestamp: string;
  offset: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface SourceNaming {
  topic: string;
  from: 'key' | 'field' | 'topic';
  field?: string;
}

export interface ConvertStats {
  truncated: number;
  /** Records without a value (tombstones): skipped, counted. */
  empty: number;
}

/** The source id of a record (bounded; the topic when the record names none). */
export function sourceIdOf(m: KafkaRecordIn, naming: SourceNaming, parsed?: unknown): string {
  let id: string | undefined;
  if (naming.from === 'key' && m.key !== null && m.key.length > 0) id = m.key.toString('utf8', 0, Math.min(m.key.length, MAX_SOURCE_ID * 4));
  else if (naming.from === 'field' && naming.field !== undefined && parsed !== undefined) {
    const v = fieldAt(parsed, naming.field);
    if (typeof v === 'string' || typeof v === 'number') id = String(v);
  }
  if (id === undefined || id.length === 0) return naming.topic;
  return id.length > MAX_SOURCE_ID ? id.slice(0, MAX_SOURCE_ID) : id;
}

/** Longest key whose source id is remembered (`SourceIds`); longer keys are decoded each time. */
const MAX_REMEMBERED_KEY = 64;
const REMEMBERED_KEYS = 16;

/**
 * The source ids of the last few distinct keys: a partition's records carry a handful of keys over
 * and over, and decoding each one again allocated a string per record (as much as its value's).
 * Keys are copied (a client's key is a view into the whole fetch response) and compared byte by byte.
 */
export class SourceIds {
  private readonly keys: Buffer[] = [];
  private readonly ids: string[] = [];
  private next = 0;

  of(m: KafkaRecordIn, naming: SourceNaming): string {
    const key = m.key;
    if (naming.from !== 'key' || key === null || key.length === 0 || key.length > MAX_REMEMBERED_KEY) return sourceIdOf(m, naming);
    for (let i = 0; i < this.keys.length; i++) if (sameBytes(this.keys[i], key)) return this.ids[i];
    const id = sourceIdOf(m, naming);
    const slot = this.keys.length < REMEMBERED_KEYS ? this.keys.length : this.next++ % REMEMBERED_KEYS;
    this.keys[slot] = Buffer.from(key);
    this.ids[slot] = id;
    return id;
  }
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A dotted path into a JSON value (`host.name`); own properties only. */
export function fieldAt(v: unknown, path: string): unknown {
  let cur = v;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Kafka headers as attrs (strings, bounded), or undefined when there are none. */
export function headerAttrs(h: KafkaRecordIn['headers']): Record<string, string> | undefined {
  if (h === undefined) return undefined;
  let out: Record<string, string> | undefined;
  let n = 0;
  // `for…in`, not `Object.keys`: kafkajs gives every record a headers object, nearly always empty,
  // and the key array was allocated per record. Own keys only, in the same order.
  for (const k in h) {
    if (!Object.prototype.hasOwnProperty.call(h, k)) continue;
    if (n >= MAX_HEADERS) break;
    const raw = h[k];
    const v = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (v === undefined) continue;
    const s = typeof v === 'string' ? v.slice(0, MAX_HEADER_BYTES) : v.toString('utf8', 0, Math.min(v.length, MAX_HEADER_BYTES));
    (out ??= Object.create(null) as Record<string, string>)[k.slice(0, 200)] = s;
    n++;
  }
  return out;
}

/**
 * Converts one partition's messages (in offset order) to raw records; `offsets[i]` is the Kafka
 * offset of `records[i]`. Tombstones (no value) are skipped and counted.
 */
export function toRawRecords(messages: readonly KafkaRecordIn[], naming: SourceNaming, arrivalTs: number, maxBytes: number, stats: ConvertStats): { records: RawRecord[]; offsets: number[] } {
  const records: RawRecord[] = [];
  const offsets: number[] = [];
  for (const m of messages) {
    const offset = Number(m.offset);
    const r = toRawRecord(m, offset, naming, arrivalTs, maxBytes, stats);
    if (r === undefined) continue;
    records.push(r);
    offsets.push(offset);
  }
  return { records, offsets };
}

/** One message (at `offset`, already read from `m.offset`) as a raw record; undefined for a tombstone (counted). */
export function toRawRecord(m: KafkaRecordIn, offset: number, naming: SourceNaming, arrivalTs: number, maxBytes: number, stats: ConvertStats, ids?: SourceIds): RawRecord | undefined {
  const value = m.value;
  if (value === null || value.length === 0) {
    stats.empty++;
    return undefined;
  }
  const truncated = value.length > maxBytes;
  if (truncated) stats.truncated++;
  // A shipper's trailing line break is not part of the record; inner ones (a stack trace) stay.
  let end = truncated ? maxBytes : value.length;
  while (end > 0 && (value[end - 1] === 10 || value[end - 1] === 13)) end--;
  const text = value.toString('utf8', 0, end);
  let parsed: unknown;
  if (naming.from === 'field' && text.charCodeAt(0) === 123 /* { */) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  const r: RawRecord = { source: ids !== undefined && parsed === undefined ? ids.of(m, naming) : sourceIdOf(m, naming, parsed), text, arrivalTs, line: offset + 1 };
  // kafkajs gives every record a headers object, nearly always empty.
  if (m.headers !== undefined) {
    const attrs = headerAttrs(m.headers);
    if (attrs !== undefined) r.attrs = attrs;
  }
  if (truncated) r.truncated = true;
  return r;
}
