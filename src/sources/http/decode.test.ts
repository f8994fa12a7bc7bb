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

describe('plain-text NDJSON lines', () => {
  it('do not keep their request body alive once kept downstream', async () => {
    const { decodeNdjson } = await import('./decode.js');
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const keep: string[] = [];
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = heap();
    for (let b = 0; b < 40; b++) {
      const body = Array.from({ length: 5000 }, (_, i) => `GET /item/${b}/${i} served in ${i % 97} ms by worker ${i % 7}`).join('\n');
      keep.push(decodeNdjson(body, 'x', 0).records[10].text);
    }
    expect(keep[3]).toBe('GET /item/3/10 served in 10 ms by worker 3');
    // 40 bodies of ~250 KB (one byte per ASCII character in V8): ~10 MB if the kept lines pinned them.
    expect(heap() - before).toBeLessThan(5_000_000);
  });
});
