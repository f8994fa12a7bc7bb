import { describe, expect, it } from 'vitest';
import { decodeEsBulk, decodeLoki, decodeOtlp, streamName } from './decode.js';

// Source ids are made from names the client chooses: they key parser state, metrics labels and the
// UI, so every decoder cleans and cuts them the same way.
const HOSTILE = `<script>alert(1)</script> ${'x'.repeat(1000)}\n\u0000`;

describe('stream names from clients', () => {
  it('keep word characters and . - / : @, replace the rest, and stop at 128 characters', () => {
    expect(streamName('api-gw/eu-1:web@k8s', 'd')).toBe('api-gw/eu-1:web@k8s');
    const s = streamName(HOSTILE, 'd');
    expect(s).toHaveLength(128);
    expect(s).toMatch(/^[\w.\-/:@]+$/);
    expect(streamName('', 'fallback')).toBe('fallback');
    expect(streamName(42, 'fallback')).toBe('fallback');
  });

  it('are applied to Elasticsearch indices (action and path), Loki labels and OTLP service names', () => {
    const es = decodeEsBulk(`${JSON.stringify({ index: { _index: HOSTILE } })}\n{"message":"m"}\n`, 'es', 0);
    const esPath = decodeEsBulk('{"index":{}}\n{"message":"m"}\n', 'es', 0, HOSTILE);
    const loki = decodeLoki({ streams: [{ stream: { app: HOSTILE }, values: [['1', 'line']] }] }, 'loki', 0);
    const otlp = decodeOtlp(
      { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: HOSTILE } }] }, scopeLogs: [{ logRecords: [{ body: { stringValue: 'line' } }] }] }] },
      'otlp',
      0,
    );
    for (const d of [es, esPath, loki, otlp]) {
      expect(d.records).toHaveLength(1);
      const [prefix, ...rest] = d.records[0].source.split(':');
      expect(['es', 'loki', 'otlp']).toContain(prefix);
      expect(rest.join(':')).toMatch(/^[\w.\-/:@]{128}$/);
    }
  });
});
