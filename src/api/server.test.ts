import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { Anomaly } from '../core/event.js';
import { openStore, type Store } from '../store/index.js';
import { type Api, buildApi } from './server.js';
import { httpSourceConfigSchema } from '../sources/http/config.js';
import { HttpSource } from '../sources/http/http-source.js';

const anomaly = (i: number, over: Partial<Anomaly> = {}): Anomaly => ({
  id: `a${String(i).padStart(4, '0')}`,
  ts: 1_700_000_000_000 + i * 1000,
  source: i % 2 ? 'file:/var/log/app.log' : 'syslog',
  detector: i % 3 ? 'novelty' : 'rate',
  score: i / 10,
  severity: i % 5 ? 'warning' : 'error',
  title: `Anomaly number ${i}.`,
  explanation: [{ feature: 'T1', templateId: 1, template: 'disk <NUM> full', observed: 3, expected: 0.1, contribution: 1 }],
  context: ['<img src=x onerror=alert(1)>', '{{7*7}}'],
  ...over,
});

describe('HTTP API', () => {
  let store: Store;
  let api: Api;
  const clock = new ManualClock(1_700_000_100_000);

  beforeAll(() => {
    store = openStore(':memory:', { clock });
    store.insertAnomalies(Array.from({ length: 250 }, (_, i) => anomaly(i)));
    store.upsertTemplates([
      { source: 'syslog', templateId: 1, template: 'disk <NUM> full', count: 5, firstSeen: 1, lastSeen: 9, exampleParams: ['91'] },
      { source: 'syslog', templateId: 2, template: 'user <*> logged in', count: 50, firstSeen: 2, lastSeen: 8 },
    ]);
    api = buildApi({ store, clock, version: 'test', health: () => ({ sources: 1 }) });
  });
  afterAll(async () => {
    await api.app.close();
    store.close();
  });

  it('reports health', async () => {
    const r = await api.app.inject({ url: '/api/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', version: 'test', sources: 1, streamClients: 0 });
  });

  it('pages anomalies newest first with filters and a next cursor', async () => {
    const seen = new Set<string>();
    let url = '/api/anomalies?limit=100&source=syslog';
    for (let page = 0; page < 5; page++) {
      const body = (await api.app.inject({ url })).json() as { anomalies: Anomaly[]; next: string | null };
      for (const a of body.anomalies) {
        expect(a.source).toBe('syslog');
        expect(seen.has(a.id)).toBe(false);
        seen.add(a.id);
      }
      if (body.next === null) break;
      url = `/api/anomalies?limit=100&source=syslog&next=${encodeURIComponent(body.next)}`;
    }
    expect(seen.size).toBe(125);
    const first = (await api.app.inject({ url: '/api/anomalies?limit=2' })).json() as { anomalies: Anomaly[] };
    expect(first.anomalies[0].ts).toBeGreaterThan(first.anomalies[1].ts);
    const errors = (await api.app.inject({ url: '/api/anomalies?severity=error&detector=rate&limit=1000' })).json() as { anomalies: Anomaly[] };
    expect(errors.anomalies.every((a) => a.severity === 'error' && a.detector === 'rate')).toBe(true);
    expect(errors.anomalies.length).toBe(17);
  });

  it('filters anomalies by a title substring (?q=, case-insensitive), bounded in length', async () => {
    const body = (await api.app.inject({ url: '/api/anomalies?q=NUMBER%2012&limit=1000' })).json() as { anomalies: Anomaly[] };
    expect(body.anomalies.map((a) => a.title).sort()).toEqual(['Anomaly number 12.', ...Array.from({ length: 10 }, (_, i) => `Anomaly number ${120 + i}.`)].sort());
    expect((await api.app.inject({ url: `/api/anomalies?q=${'x'.repeat(201)}` })).statusCode).toBe(400);
  });

  it('returns one anomaly with context verbatim, 404 for an unknown id', async () => {
    const a = (await api.app.inject({ url: '/api/anomalies/a0007' })).json() as Anomaly;
    expect(a.title).toBe('Anomaly number 7.');
    expect(a.context).toEqual(['<img src=x onerror=alert(1)>', '{{7*7}}']);
    expect(a.explanation[0].template).toBe('disk <NUM> full');
    const missing = await api.app.inject({ url: '/api/anomalies/nope' });
    expect(missing.statusCode).toBe(404);
  });

  it('rejects bad query parameters with a 400 that names them', async () => {
    const r = await api.app.inject({ url: '/api/anomalies?severity=loud' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/severity/);
    const unknown = await api.app.inject({ url: '/api/anomalies?sevrity=error' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatch(/sevrity/);
    expect((await api.app.inject({ url: '/api/anomalies?limit=5000' })).statusCode).toBe(400);
    const cursor = await api.app.inject({ url: '/api/anomalies?next=not-a-cursor' });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().code).toBe('ANOMALOG_ERR_STORE_QUERY');
  });

  it('lists and searches templates', async () => {
    const r = (await api.app.inject({ url: '/api/templates?search=disk' })).json() as { templates: { template: string }[]; total: number };
    expect(r.total).toBe(1);
    expect(r.templates[0].template).toBe('disk <NUM> full');
  });

  it('streams new anomalies to live-feed clients over a real socket', async () => {
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (api.app.server.address() as { port: number }).port;
    const got = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/stream' }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        let buf = '';
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          if (buf.includes('event: anomaly')) {
            req.destroy();
            resolve(buf);
          }
        });
        setTimeout(() => api.feed.publish([anomaly(999, { title: 'Line one.\n\ndata: forged' })]), 50);
      });
      req.on('error', reject);
      req.end();
    });
    const data = got.split('\n').filter((l) => l.startsWith('data: '));
    expect(data).toHaveLength(1);
    expect(JSON.parse(data[0].slice(6)).title).toBe('Line one.\n\ndata: forged');
  });

  it('says how to turn HTTP ingest on when a shipper posts to a service without it', async () => {
    for (const url of ['/ingest?source=x', '/_bulk', '/web/_bulk', '/loki/api/v1/push', '/v1/logs']) {
      const r = await api.app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: 'hello' });
      expect(r.statusCode).toBe(404);
      expect(r.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_NOT_FOUND', error: expect.stringMatching(/HTTP ingest is off: add a source `- type: http`/) });
    }
    const other = await api.app.inject({ method: 'POST', url: '/nothing' });
    expect(other.json().error).toBe('No route POST /nothing.');
    // curl's Accept: */* at the root: where the UI and the API are.
    const root = await api.app.inject({ method: 'GET', url: '/', headers: { accept: '*/*' } });
    expect(root.statusCode).toBe(404);
    expect(root.json().error).toMatch(/web UI answers browsers \(Accept: text\/html\).*\/api\//);
  });
});

describe('HTTP ingest body errors through the API', () => {
  it('names the accepted content types (415) and says when JSON is malformed (400), with our code', async () => {
    const store = openStore(':memory:', { clock: new ManualClock(0) });
    const api = buildApi({ store, clock: new ManualClock(0), version: 'test' });
    new HttpSource(httpSourceConfigSchema.parse({})).register(api.app);
    await api.app.ready();
    try {
      const form = await api.app.inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'x' });
      expect(form.statusCode).toBe(415);
      expect(form.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_BODY', error: expect.stringMatching(/^Unsupported Content-Type "application\/x-www-form-urlencoded": send text\/plain or application\/x-ndjson \(POST \/ingest\)/) });
      const bad = await api.app.inject({ method: 'POST', url: '/loki/api/v1/push', headers: { 'content-type': 'application/json' }, payload: '{"streams": [' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'ANOMALOG_ERR_API_BODY', error: expect.stringMatching(/^The body is not valid JSON/) });
    } finally {
      await api.app.close();
      store.close();
    }
  });
});
