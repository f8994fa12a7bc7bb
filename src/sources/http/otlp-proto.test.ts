import { describe, expect, it } from 'vitest';
import { otlpProtobuf } from '../../../test/harness/loki-push.js';
import { decodeOtlpPush } from './decode.js';
import { encodeOtlpLogsResponse } from './otlp-proto.js';

describe('OTLP/HTTP protobuf logs', () => {
  it('become the same records as the JSON encoding: time, severity (from the number when there is no text), body, attributes', () => {
    const body = otlpProtobuf('billing', [
      { timeNs: 1_700_000_000_123_000_000, severityNumber: 17, body: 'charge 42 failed' },
      { timeNs: 1_700_000_001_000_000_000, severityNumber: 9, body: { msg: 'charge 43 ok', user: '7' }, attrs: { region: 'eu' } },
    ]);
    const d = decodeOtlpPush(body, 'http', 0);
    expect(d.rejected).toBe(0);
    expect(d.records.map((r) => [r.source, r.arrivalTs, JSON.parse(r.text)])).toEqual([
      ['http:billing', 1_700_000_000_123, { 'service.name': 'billing', ts: 1_700_000_000_123, message: 'charge 42 failed', level: 'error' }],
      ['http:billing', 1_700_000_001_000, { 'service.name': 'billing', region: 'eu', ts: 1_700_000_001_000, message: '{"msg":"charge 43 ok","user":"7"}', level: 'info' }],
    ]);
    // The JSON encoding with a severityNumber and no severityText reads the same way.
    const json = { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', severityNumber: 'SEVERITY_NUMBER_WARN', body: { stringValue: 'slow' } }] }] }] };
    const j = decodeOtlpPush(json, 'http', 0);
    expect(JSON.parse(j.records[0].text)).toMatchObject({ message: 'slow', level: 'warn' });
  });

  it('answer with an ExportLogsServiceResponse: empty, or partial_success with the rejected count and why', () => {
    expect(encodeOtlpLogsResponse(0, '')).toHaveLength(0);
    // field 1 (partial_success, length 5): field 1 varint 2, field 2 string "x"
    expect([...encodeOtlpLogsResponse(2, 'x')]).toEqual([0x0a, 5, 0x08, 2, 0x12, 1, 0x78]);
  });
});
