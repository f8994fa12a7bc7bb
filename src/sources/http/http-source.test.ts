import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { ManualClock, systemClock } from '../../core/clock.js';
import { Engine } from '../../topology/engine.js';
import { MemoryStore } from '../../../test/harness/memory-store.js';
import { httpSourceConfigSchema } from './config.js';
import { HttpSource } from './http-source.js';
import { gzipSync } from 'node:zlib';
import { lokiProtobuf, otlpProtobuf } from '../../../test/harness/loki-push.js';

const app = Fastify();
const store = new MemoryStore();
const source = new HttpSource(httpSourceConfigSchema.parse({ token: 'sekrit-token-1' }), new ManualClock(1_700_000_000_000));
const engine = new Engine({ sources: [source], detectors: [], store, anomalies: store, clock: systemClock, parserOptions: () => ({ multiline: false }), tickMs: 10, multilineIdleMs: 20 });
const ac = new AbortController();
let running: Promise<void>;
const auth = { authorization: 'Bearer sekrit-token-1' };

beforeAll(async () => {
  source.register(app);
  await app.ready();
  running = engine.run(ac.signal);
  await new Promise((r) => setTimeout(r, 10));
});
afterAll(async () => {
  ac.abort();
  await running;
  await app.close();
});

/** Templates of a source once the engine has flushed them (format detection waits for an idle moment). */
async function templatesOf(src: string): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const t = [...store.templates.values()].filter((x) => x.source === src).map((x) => x.template);
    if (t.length > 0) return t;
    await new Promise((r) => setTimeout(r, 20));
  }
  return [];
}

describe('HTTP ingest', () => {
  it('takes NDJSON and plain lines, and rejects bad lines with a 400 while keeping the good ones', async () => {
    const body = '{"ts":"2026-11-24T01:00:00Z","level":"info","msg":"user 7 logged in"}\n{"msg":"user 8 logged in"}\n{broken\n';
    const r = await app.inject({ method: 'POST', url: '/ingest?source=auth', headers: { ...auth, 'content-type': 'application/x-ndjson' }, payload: body });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ accepted: 2, rejected: 1 });
    expect(r.json().error).toMatch(/line 3: invalid JSON/);
    await app.inject({ method: 'POST', url: '/ingest?source=auth', headers: { ...auth, 'content-type': 'application/x-ndjson' }, payload: '{"msg":"user 9 logged in"}\n' });
    expect(await templatesOf('http:auth')).toContain('user <NUM> logged in');
  });

  it('speaks the Elasticsearch bulk API', async () => {
    const body = '{"index":{"_index":"nginx"}}\n{"@timestamp":"2026-11-24T01:00:00Z","message":"GET /a 200 12ms"}\n{"create":{"_index":"nginx"}}\n{"message":"GET /b 200 15ms"}\n';
    const r = await app.inject({ method: 'POST', url: '/_bulk', headers: { ...auth, 'content-type': 'application/x-ndjson' }, payload: body });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ errors: false });
    expect(r.json().items).toHaveLength(2);
    // labelled application/json, as some shippers send it; the index from the path
    const j = await app.inject({ method: 'POST', url: '/web/_bulk', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"index":{}}\n{"message":"GET /c 500 9ms"}\n' });
    expect(j.statusCode).toBe(200);
    expect(await templatesOf('http:web')).toContain('GET /c <NUM> <DURATION>');
  });

  it('takes PUT as well as POST on every bulk route, the 8.x clients\' content type, and answers with the product header', async () => {
    const body = '{"create":{"_index":"put-idx"}}\n{"message":"job 4 started"}\n';
    for (const url of ['/_bulk', '/put-idx/_bulk']) {
      const r = await app.inject({ method: 'PUT', url: `${url}?refresh=false`, headers: { ...auth, 'content-type': 'application/vnd.elasticsearch+x-ndjson; compatible-with=8' }, payload: body });
      expect(r.statusCode).toBe(200);
      expect(r.headers['x-elastic-product']).toBe('Elasticsearch');
      expect(r.json()).toEqual({ took: 0, errors: false, items: [{ create: { _index: 'put-idx', result: 'created', status: 201 } }] });
    }
    // One item per action, in order: a bad document fails its own item (the rest is taken), a delete is not_found.
    const mixed = '{"index":{"_index":"put-idx"}}\n{"message":"job 5 started"}\n{"delete":{"_index":"put-idx","_id":"1"}}\n{"create":{"_index":"put-idx"}}\n{broken\n{"update":{"_index":"put-idx","_id":"2"}}\n{"doc":{}}\n{"index":{"_index":"put-idx"}}\n{"message":"job 6 started"}\n';
    const m = await app.inject({ method: 'POST', url: '/_bulk', headers: { ...auth, 'content-type': 'application/x-ndjson' }, payload: mixed });
    expect(m.statusCode).toBe(200);
    expect(m.json()).toMatchObject({
      errors: true,
      items: [
        { index: { status: 201 } },
        { delete: { status: 404, result: 'not_found' } },
        { create: { status: 400, error: { type: 'document_parsing_exception', reason: 'line 5: invalid JSON document' } } },
        { update: { status: 400 } },
        { index: { status: 201 } },
      ],
    });
    // An unreadable action line is the request's error, as in Elasticsearch.
    const badAction = await app.inject({ method: 'POST', url: '/_bulk', headers: { ...auth, 'content-type': 'application/x-ndjson' }, payload: '{oops\n' });
    expect(badAction.statusCode).toBe(400);
    const probe = await app.inject({ method: 'GET', url: '/' });
    expect(probe.headers['x-elastic-product']).toBe('Elasticsearch');
    expect(probe.json()).toMatchObject({ version: { number: '8.19.0', build_flavor: 'default' } });
  });

  it('speaks Loki push JSON with nanosecond timestamps and labels', async () => {
    const payload = { streams: [{ stream: { job: 'api', env: 'prod' }, values: [['1700000000000000000', 'connection from 10.0.0.1 closed'], ['1700000001000000000', 'connection from 10.0.0.2 closed']] }] };
    const r = await app.inject({ method: 'POST', url: '/loki/api/v1/push', headers: auth, payload });
    // Loki's answer: 204 without a body (clients that check it log an error for anything else).
    expect(r.statusCode).toBe(204);
    expect(r.body).toBe('');
    expect(await templatesOf('http:api')).toContain('connection from <IP> closed');
  });

  it('names a Loki stream by the first of loki_source_labels it has (application before job)', async () => {
    const payload = { streams: [{ stream: { application: 'shop', logger: 'root', severity: 'error', job: 'other' }, values: [['1700000000000000000', 'cart 5 emptied']] }] };
    expect((await app.inject({ method: 'POST', url: '/loki/api/v1/push', headers: auth, payload })).statusCode).toBe(204);
    expect(await templatesOf('http:shop')).toContain('cart <NUM> emptied');
  });

  it('speaks Loki protobuf push (Snappy, as Promtail and Alloy send it), and refuses a corrupt one with a 400', async () => {
    const payload = Buffer.from(lokiProtobuf([{ labels: '{service_name="promtail-app", job="x"}', entries: [{ s: 1_700_000_000, ns: 0, line: 'worker 3 finished batch 17' }, { s: 1_700_000_001, ns: 0, line: 'worker 4 finished batch 18' }] }]));
    const r = await app.inject({ method: 'POST', url: '/loki/api/v1/push', headers: { ...auth, 'content-type': 'application/x-protobuf' }, payload });
    expect(r.statusCode).toBe(204);
    expect(await templatesOf('http:promtail-app')).toContain('worker <NUM> finished batch <NUM>');
    const bad = await app.inject({ method: 'POST', url: '/loki/api/v1/push', headers: { ...auth, 'content-type': 'application/x-protobuf' }, payload: Buffer.from([1, 2, 3, 4]) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ accepted: 0, rejected: 1, code: 'ANOMALOG_ERR_API_BODY', error: expect.stringMatching(/not a Snappy-compressed Loki push/) });
  });

  it('speaks OTLP/HTTP JSON logs with severity and service.name', async () => {
    const payload = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
          scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', severityText: 'ERROR', body: { stringValue: 'payment 42 declined' } }] }],
        },
      ],
    };
    const r = await app.inject({ method: 'POST', url: '/v1/logs', headers: auth, payload });
    expect(r.statusCode).toBe(200);
    // OTLP's ExportLogsServiceResponse: empty when all was taken; partialSuccess when some was not.
    expect(r.json()).toEqual({});
    const some = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'payment 43 declined' } }, { severityText: 'INFO' }] }] }] };
    const partial = await app.inject({ method: 'POST', url: '/v1/logs', headers: auth, payload: some });
    expect([partial.statusCode, partial.json()]).toEqual([200, { partialSuccess: { rejectedLogRecords: '1', errorMessage: 'a logRecord has no body value' } }]);
    expect(await templatesOf('http:checkout')).toContain('payment <NUM> declined');
  });

  it('speaks OTLP/HTTP protobuf, gzip-compressed as the Collector sends it, with severity numbers and structured bodies', async () => {
    const body = otlpProtobuf('billing', [
      { timeNs: 1_700_000_000_000_000_000, severityNumber: 17, body: 'charge 42 failed for order 7' },
      { timeNs: 1_700_000_001_000_000_000, severityNumber: 9, body: { msg: 'charge 43 ok' }, attrs: { region: 'eu' } },
    ]);
    const r = await app.inject({ method: 'POST', url: '/v1/logs', headers: { ...auth, 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, payload: gzipSync(body) });
    expect(r.statusCode).toBe(200);
    // An empty ExportLogsServiceResponse, in protobuf like the request.
    expect([r.headers['content-type'], r.rawPayload.length]).toEqual(['application/x-protobuf', 0]);
    const templates = await templatesOf('http:billing');
    expect(templates).toContain('charge <NUM> failed for order <NUM>');
    const events = [...store.templates.values()].filter((t) => t.source === 'http:billing');
    expect(events.length).toBeGreaterThanOrEqual(2);
    const bad = await app.inject({ method: 'POST', url: '/v1/logs', headers: { ...auth, 'content-type': 'application/x-protobuf' }, payload: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_BODY', error: expect.stringMatching(/not an OTLP ExportLogsServiceRequest/) });
  });

  it('takes gzip and deflate bodies on every ingest route; a corrupt or unknown encoding is a clear 4xx', async () => {
    const gz = await app.inject({ method: 'POST', url: '/ingest?source=zipped', headers: { ...auth, 'content-type': 'text/plain', 'content-encoding': 'gzip' }, payload: gzipSync('disk 1 almost full\ndisk 2 almost full\n') });
    expect(gz.statusCode).toBe(200);
    expect(gz.json()).toMatchObject({ accepted: 2 });
    expect(await templatesOf('http:zipped')).toContain('disk <NUM> almost full');
    const corrupt = await app.inject({ method: 'POST', url: '/ingest?source=zipped', headers: { ...auth, 'content-type': 'text/plain', 'content-encoding': 'gzip' }, payload: Buffer.from('not gzip at all') });
    expect(corrupt.statusCode).toBe(400);
    // (This bare server answers errors in Fastify's shape; the service's API says `error` instead of `message`.)
    expect(corrupt.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_BODY', message: expect.stringMatching(/^The body is not valid gzip/) });
    // A gzip bomb: 20 KiB on the wire, 20 MiB inflated — stopped at max_body_bytes (10 MiB) of inflated data.
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x61));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const big = await app.inject({ method: 'POST', url: '/ingest?source=zipped', headers: { ...auth, 'content-type': 'text/plain', 'content-encoding': 'gzip' }, payload: bomb });
    expect(big.statusCode).toBe(413);
    const br = await app.inject({ method: 'POST', url: '/_bulk', headers: { ...auth, 'content-type': 'application/x-ndjson', 'content-encoding': 'br' }, payload: 'x' });
    expect(br.statusCode).toBe(415);
    expect(br.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_BODY', message: expect.stringMatching(/Unsupported Content-Encoding "br"/) });
  });

  it('refuses requests without the token, garbage bodies and oversized bodies with clear 4xx', async () => {
    expect((await app.inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'text/plain' }, payload: 'x' })).statusCode).toBe(401);
    const garbage = await app.inject({ method: 'POST', url: '/v1/logs', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"resourceLogs": [' });
    expect(garbage.statusCode).toBe(400);
    const wrongShape = await app.inject({ method: 'POST', url: '/loki/api/v1/push', headers: auth, payload: { nope: 1 } });
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.json().error).toMatch(/streams/);
    const big = await app.inject({ method: 'POST', url: '/ingest', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'x'.repeat(11 * 1024 * 1024) });
    expect(big.statusCode).toBe(413);
  });
});

describe('HTTP ingest under load', () => {
  it('answers 429 with Retry-After while the pipeline is busy, before reading the body, and counts it', async () => {
    let busy = true;
    const app2 = Fastify();
    const src = new HttpSource(httpSourceConfigSchema.parse({}), new ManualClock(1), 'http#1', () => busy);
    src.register(app2);
    await app2.ready();
    const emitted: number[] = [];
    const ac2 = new AbortController();
    const run = src.run(async (b) => void emitted.push(b.records.length), ac2.signal);
    for (const url of ['/ingest?source=a', '/_bulk', '/loki/api/v1/push', '/v1/logs']) {
      const r = await app2.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: 'x\n' });
      expect(r.statusCode).toBe(429);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_BUSY' });
    }
    expect(src.stats()).toMatchObject({ throttled: 4, received: 0 });
    busy = false;
    const ok = await app2.inject({ method: 'POST', url: '/ingest?source=a', headers: { 'content-type': 'text/plain' }, payload: 'one\ntwo\n' });
    expect(ok.statusCode).toBe(200);
    expect(emitted).toEqual([2]);
    ac2.abort();
    await run;
    await app2.close();
  });
});
