import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { RawRecord } from '../../core/source.js';
import { lokiProtobuf, otlpProtobuf } from '../../../test/harness/loki-push.js';
import { httpSourceConfigSchema } from './config.js';
import { HttpSource } from './http-source.js';

/** An http source with `options` on its own fastify app; `records` collects what it emits. */
async function serve(options: Record<string, unknown>, maxSources?: number) {
  const app = Fastify();
  const source = new HttpSource(httpSourceConfigSchema.parse(options), new ManualClock(1_700_000_000_000), 'http#0', () => false, undefined, maxSources);
  const records: RawRecord[] = [];
  const ac = new AbortController();
  const running = source.run(async (b) => void records.push(...b.records), ac.signal);
  source.register(app);
  await app.ready();
  const post = (url: string, payload: string | Buffer | Uint8Array, type: string) => app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: (payload instanceof Uint8Array ? Buffer.from(payload) : payload) as string });
  const stop = async () => {
    ac.abort();
    await running;
    await app.close();
  };
  return { source, records, post, stop };
}

describe('http source_by', () => {
  it('is off by default: each protocol\'s stream name is the source', async () => {
    expect(httpSourceConfigSchema.parse({}).source_by).toEqual([]);
    const s = await serve({});
    await s.post('/loki/api/v1/push', JSON.stringify({ streams: [{ stream: { service_name: 'shop', pod: 'p1' }, values: [['1', 'a']] }] }), 'application/json');
    expect(s.records.map((r) => r.source)).toEqual(['http:shop']);
    await s.stop();
  });

  it('splits Loki (JSON and protobuf), OTLP and HEC streams by their attributes, NDJSON and bulk documents by their fields', async () => {
    const s = await serve({ source_by: ['pod', 'host.name', 'host'] });
    await s.post('/loki/api/v1/push', JSON.stringify({ streams: [{ stream: { service_name: 'shop', pod: 'p1' }, values: [['1', 'a']] }, { stream: { service_name: 'shop', pod: 'p2' }, values: [['1', 'b']] }] }), 'application/json');
    await s.post('/loki/api/v1/push', lokiProtobuf([{ labels: '{service_name="shop", pod="p3"}', entries: [{ s: 1, ns: 0, line: 'c' }] }]), 'application/x-protobuf');
    await s.post('/v1/logs', otlpProtobuf('billing', [{ timeNs: 1e18, body: 'd', attrs: { 'host.name': 'h9' } }]), 'application/x-protobuf');
    await s.post('/services/collector/event', JSON.stringify({ host: 'web-4', source: 'app', event: 'e' }), 'application/json');
    await s.post('/ingest?source=api', '{"msg":"f","host":{"name":"nested-1"}}\n{"msg":"g","pod":"p5"}\nplain line\n', 'application/x-ndjson');
    await s.post('/_bulk', '{"index":{"_index":"logs"}}\n{"message":"h","host.name":"flat-2"}\n', 'application/x-ndjson');
    expect(s.records.map((r) => [r.text.includes('"') ? JSON.parse(r.text).message ?? JSON.parse(r.text).msg : r.text, r.source])).toEqual([
      ['a', 'http:shop/p1/-/-'],
      ['b', 'http:shop/p2/-/-'],
      ['c', 'http:shop/p3/-/-'],
      ['d', 'http:billing/-/h9/-'],
      ['e', 'http:app/-/-/web-4'],
      ['f', 'http:api/-/nested-1/-'],
      ['g', 'http:api/p5/-/-'],
      ['plain line', 'http:api'],
      ['h', 'http:logs/-/flat-2/-'],
    ]);
    await s.stop();
  });

  it('opens at most pipeline.max_sources record sources; the rest share <stream>/_overflow, counted', async () => {
    const s = await serve({ source_by: ['pod'] }, 2);
    const streams = ['p1', 'p2', 'p3', 'p1', 'p4'].map((pod, i) => ({ stream: { app: 'web', pod }, values: [[String(i + 1), `line ${i}`]] }));
    const r = await s.post('/loki/api/v1/push', JSON.stringify({ streams }), 'application/json');
    expect(r.statusCode).toBe(204);
    expect(s.records.map((x) => x.source)).toEqual(['http:web/p1', 'http:web/p2', 'http:web/_overflow', 'http:web/p1', 'http:web/_overflow']);
    expect(s.source.stats()).toMatchObject({ overflow_records: 2, received: 5, dropped: 0 });
    await s.stop();
  });
});
