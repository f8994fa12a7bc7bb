/**
 * @module sources/http/otlp-proto
 * OTLP/HTTP logs in protobuf — the OpenTelemetry Collector's `otlphttp` exporter and the SDKs'
 * default encoding — decoded into the OTLP JSON shape (`decodeOtlp` takes it from there), so both
 * encodings become the same records for string, number and bool values. Nested values (kvlist,
 * array) are rendered as JSON text here and bytes as base64 — the JSON path does not read those
 * yet (rendering them belongs in decode.ts's `attrValue`, for both). Field numbers from
 * opentelemetry-proto (logs/v1, common/v1, resource/v1, collector/logs/v1); unknown fields are read
 * past; nesting deeper than 16 is refused (hostile bodies).
 *
 *   ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
 *   ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
 *   Resource { repeated KeyValue attributes = 1; }
 *   ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; }
 *   LogRecord { fixed64 time_unix_nano = 1; SeverityNumber severity_number = 2; string severity_text = 3;
 *               AnyValue body = 5; repeated KeyValue attributes = 6; fixed64 observed_time_unix_nano = 11; }
 *   KeyValue { string key = 1; AnyValue value = 2; }
 *   AnyValue { oneof { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
 *              ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
 *   ArrayValue { repeated AnyValue values = 1; }   KeyValueList { repeated KeyValue values = 1; }
 */
import { PbfReader, PbfWriter } from 'pbf';
import { readCappedString } from './proto-strings.js';

/** A decoded AnyValue in OTLP JSON's shape (one key set). */
export type OtlpJsonValue = { stringValue?: string; boolValue?: boolean; intValue?: number; doubleValue?: number };
interface KeyValue {
  key: string;
  value: OtlpJsonValue;
}
interface LogRecord {
  timeUnixNano?: number;
  observedTimeUnixNano?: number;
  severityNumber?: number;
  severityText?: string;
  body?: OtlpJsonValue;
  attributes: KeyValue[];
}
interface ResourceLogs {
  resource: { attributes: KeyValue[] };
  scopeLogs: { logRecords: LogRecord[] }[];
}

const MAX_DEPTH = 16;

/**
 * Protobuf ExportLogsServiceRequest → `{ resourceLogs: [...] }`; throws with a reason on a body it
 * cannot read. A string value (body, attribute) longer than `maxValueBytes` is decoded only in part
 * (proto-strings.ts), still over-long: the record built from it is cut, marked and counted as before.
 */
export function decodeOtlpProtobuf(body: Uint8Array, maxValueBytes = Number.POSITIVE_INFINITY): { resourceLogs: ResourceLogs[] } {
  const resourceLogs: ResourceLogs[] = [];
  try {
    const pbf = new PbfReader(body);
    valueBytes.set(pbf, maxValueBytes);
    pbf.readFields((tag, out, p) => {
      if (tag === 1) out.push(p.readMessage(readResourceLogs, { resource: { attributes: [] }, scopeLogs: [] }));
    }, resourceLogs);
  } catch (e) {
    throw new Error(`not an OTLP ExportLogsServiceRequest (${(e as Error).message})`);
  }
  return { resourceLogs };
}

/** Each reader's bound on string values (the nested readers all get the same reader). */
const valueBytes = new WeakMap<PbfReader, number>();

function readResourceLogs(tag: number, rl: ResourceLogs, pbf: PbfReader): void {
  if (tag === 1) pbf.readMessage((t, r: ResourceLogs['resource'], p) => t === 1 && r.attributes.push(readKeyValue(p, 0)), rl.resource);
  else if (tag === 2) rl.scopeLogs.push(pbf.readMessage((t, sl: ResourceLogs['scopeLogs'][number], p) => t === 2 && sl.logRecords.push(p.readMessage(readLogRecord, { attributes: [] })), { logRecords: [] }));
}

function readLogRecord(tag: number, r: LogRecord, pbf: PbfReader): void {
  if (tag === 1) r.timeUnixNano = pbf.readFixed64();
  else if (tag === 11) r.observedTimeUnixNano = pbf.readFixed64();
  else if (tag === 2) r.severityNumber = pbf.readVarint();
  else if (tag === 3) r.severityText = pbf.readString();
  else if (tag === 5) r.body = readAnyValue(pbf, 0);
  else if (tag === 6) r.attributes.push(readKeyValue(pbf, 0));
}

function readKeyValue(pbf: PbfReader, depth: number): KeyValue {
  return pbf.readMessage(
    (tag, kv: KeyValue, p) => {
      if (tag === 1) kv.key = p.readString();
      else if (tag === 2) kv.value = readAnyValue(p, depth + 1);
    },
    { key: '', value: {} },
  );
}

function readAnyValue(pbf: PbfReader, depth: number): OtlpJsonValue {
  const v = plainOf(pbf, depth);
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  return v === undefined ? {} : { stringValue: JSON.stringify(v) };
}

/** An AnyValue as a plain JS value (objects and arrays for kvlist and array values). */
function plainOf(pbf: PbfReader, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new Error('values nested too deeply');
  const holder: { v: unknown } = { v: undefined };
  pbf.readMessage((tag, h: { v: unknown }, p) => {
    if (tag === 1) h.v = readCappedString(p, valueBytes.get(p) ?? Number.POSITIVE_INFINITY);
    else if (tag === 2) h.v = p.readBoolean();
    else if (tag === 3) h.v = p.readVarint(true);
    else if (tag === 4) h.v = p.readDouble();
    else if (tag === 7) h.v = Buffer.from(p.readBytes()).toString('base64');
    else if (tag === 5) {
      const arr: unknown[] = [];
      p.readMessage((t, a: unknown[], q) => t === 1 && a.push(plainOf(q, depth + 1)), arr);
      h.v = arr;
    } else if (tag === 6) {
      const obj: Record<string, unknown> = {};
      p.readMessage((t, o: Record<string, unknown>, q) => {
        if (t !== 1) return;
        const kv = q.readMessage((tt, x: { k: string; v: unknown }, r) => (tt === 1 ? (x.k = r.readString()) : tt === 2 ? (x.v = plainOf(r, depth + 1)) : undefined), { k: '', v: undefined as unknown });
        Object.defineProperty(o, kv.k, { value: kv.v, enumerable: true, writable: true, configurable: true });
      }, obj);
      h.v = obj;
    }
  }, holder);
  return holder.v;
}

/**
 * The `ExportLogsServiceResponse` OTLP/HTTP answers with, in protobuf: empty when every record was
 * taken, else `partial_success { rejected_log_records = 1; error_message = 2; }` (field 1).
 */
export function encodeOtlpLogsResponse(rejected: number, errorMessage: string): Uint8Array {
  const w = new PbfWriter();
  if (rejected > 0) w.writeMessage(1, (_: unknown, pw: PbfWriter) => (pw.writeVarintField(1, rejected), pw.writeStringField(2, errorMessage)), null);
  return w.finish();
}
