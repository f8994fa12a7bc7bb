import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validate } from '../config/load.js';
import { serveConfigSchema } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/component.js';
import type { Anomaly } from '../core/event.js';
import { buildService, type Service } from '../topology/build.js';
import { checkSchema, resolveRef, type Schema } from '../../test/harness/schema-check.js';

type Operation = { parameters?: Schema[]; responses: Record<string, Schema> };
type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
interface Injected {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

const specText = readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8');
const spec = parse(specText) as Spec;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options'];
const TOKEN = 'openapi-test-token';
const auth = { authorization: `Bearer ${TOKEN}` };

/**
 * `METHOD /path/{param}` of every route fastify registered (HEAD, added implicitly, ignored). A path
 * registered again with a route constraint (the UI's `GET /` for text/html clients) is printed as
 * a second line without a branch; it is the same documented operation, listed once.
 */
function registeredRoutes(app: FastifyInstance): string[] {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    if (line.trim() === '' || /^(?:[│ ] {3})* {4}[^└├│ ]/.test(line)) continue;
    const m = /^((?:[│ ] {3})*)[└├]── (\S+)(?: \(([A-Z, ]+)\))?(?: \{.*\})?$/.exec(line);
    if (!m) throw new Error(`Unexpected line in fastify's route tree: ${JSON.stringify(line)}`);
    stack.length = m[1].length / 4;
    stack.push(m[2]);
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') out.add(`${method} ${path}`);
  }
  return [...out].sort();
}

function documentedRoutes(): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(spec.paths)) for (const m of Object.keys(item)) if (METHODS.includes(m)) out.push(`${m.toUpperCase()} ${path}`);
  return out.sort();
}

const deref = (s: Schema): Schema => (typeof s.$ref === 'string' ? deref(resolveRef(s.$ref, spec)) : s);

/** The spec's media entry for this answer; fails when the status or content type is undocumented. */
function documented(method: string, path: string, res: Injected): Schema {
  const op = spec.paths[path]?.[method.toLowerCase()];
  expect(op, `${method} ${path} is in the spec`).toBeDefined();
  const response = op.responses[String(res.statusCode)];
  expect(response, `${method} ${path} documents status ${res.statusCode} (body ${res.body.slice(0, 200)})`).toBeDefined();
  const media = String(res.headers['content-type'] ?? '').split(';')[0].trim();
  const content = (deref(response).content ?? {}) as Record<string, Schema>;
  expect(content[media], `${method} ${path} ${res.statusCode} documents ${media}`).toBeDefined();
  return content[media];
}

/** Asserts that an answer's status, content type and JSON body are what the spec says. */
function conforms(method: string, path: string, res: Injected): void {
  const media = documented(method, path, res);
  expect(checkSchema(JSON.parse(res.body), media.schema as Schema, spec), `${method} ${path} ${res.statusCode}`).toEqual([]);
}

/** A valid value for a documented query parameter, from its schema. */
function sample(p: Schema, cursor: string): string {
  if (p.name === 'next' || p.name === 'cursor') return cursor;
  const s = deref(p.schema as Schema);
  if (Array.isArray(s.enum)) return String(s.enum[0]);
  if (s.type === 'integer') return String(s.minimum ?? 1);
  return 'syslog';
}

const anomaly = (i: number, over: Partial<Anomaly> = {}): Anomaly => ({
  id: `oa-${i}`,
  ts: 1_700_000_000_000 + i * 1000,
  source: i % 2 ? 'syslog' : 'file:/var/log/app.log',
  detector: i % 2 ? 'rate' : 'novelty',
  score: 1.5 + i,
  severity: i % 2 ? 'warning' : 'error',
  title: `Anomaly ${i}.`,
  explanation: [
    { feature: 'template_count', templateId: 3, template: 'disk <NUM> full', observed: 40, expected: 2.5, contribution: 0.8 },
    { feature: 'source_silence', observed: 0, expected: 12, contribution: 0.2 },
  ],
  context: ['disk 91 full', 'disk 92 full'],
  ...over,
});

describe('OpenAPI description (docs/openapi.yaml) against the running service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-openapi-'));
  let svc: Service;
  let url: string;
  let app: FastifyInstance;
  const inject = async (method: 'GET' | 'POST', path: string, opts: { url?: string; headers?: Record<string, string>; payload?: unknown } = {}): Promise<Injected> =>
    (await app.inject({ method, url: opts.url ?? path, headers: opts.headers, payload: opts.payload as string })) as unknown as Injected;

  beforeAll(async () => {
    const config = validate(
      {
        data_dir: join(dir, 'data'),
        server: { port: 0 },
        sources: [{ type: 'http', token: TOKEN, max_body_bytes: 1024 }],
        detectors: { novelty: { warmup_events: 20, rare_count: 0 }, rate: { enabled: false }, params: { enabled: false } },
      },
      serveConfigSchema,
    );
    svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 'openapi-test' });
    ({ url } = await svc.start());
    app = svc.api.app;
    svc.store.insertAnomalies([anomaly(1, { window: { start: 1_700_000_000_000, end: 1_700_000_060_000 }, templateId: 3 }), anomaly(2, { sessionKey: 'blk_42' }), anomaly(3)]);
    svc.store.upsertTemplates([
      { source: 'syslog', templateId: 3, template: 'disk <NUM> full', count: 7, firstSeen: 1_700_000_000_000, lastSeen: 1_700_000_050_000, exampleParams: ['91'] },
      { source: 'syslog', templateId: 4, template: 'user <*> logged in', count: 2, firstSeen: 1_700_000_000_000, lastSeen: 1_700_000_001_000 },
    ]);
  });
  afterAll(async () => {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('documents exactly the routes the service registers', () => {
    const registered = registeredRoutes(app);
    expect(registered).toContain('GET /api/anomalies/{id}');
    expect(registered).toEqual(documentedRoutes());
  });

  it('serves this file at /api/openapi.yaml', async () => {
    const res = await inject('GET', '/api/openapi.yaml');
    expect(res.statusCode).toBe(200);
    documented('GET', '/api/openapi.yaml', res);
    expect(parse(res.body)).toEqual(spec);
  });

  it('health, the Elasticsearch probe and an unknown route answer as documented', async () => {
    const health = await inject('GET', '/api/health');
    expect(health.statusCode).toBe(200);
    conforms('GET', '/api/health', health);
    conforms('GET', '/', await inject('GET', '/'));
    const unknown = await inject('GET', '/api/nope');
    expect(unknown.statusCode).toBe(404);
    expect(checkSchema(JSON.parse(unknown.body), spec.components.schemas.Error, spec)).toEqual([]);
  });

  it('anomaly and template answers match their schemas, for every documented query parameter', async () => {
    const first = await inject('GET', '/api/anomalies', { url: '/api/anomalies?limit=1' });
    const cursor = (JSON.parse(first.body) as { next: string | null }).next;
    expect(cursor).not.toBeNull();
    for (const path of ['/api/anomalies', '/api/templates']) {
      const all = await inject('GET', path);
      conforms('GET', path, all);
      expect(all.body).toMatch(/"(anomalies|templates)":\[\{/);
      // A parameter renamed or dropped in code is refused with a 400 (strict query schemas).
      for (const p of spec.paths[path].get.parameters ?? []) {
        const res = await inject('GET', path, { url: `${path}?${p.name as string}=${encodeURIComponent(sample(p, cursor as string))}` });
        expect(res.statusCode, `${path}?${p.name as string}`).toBe(200);
        conforms('GET', path, res);
      }
      const bad = await inject('GET', path, { url: `${path}?undocumented=1` });
      expect(bad.statusCode).toBe(400);
      conforms('GET', path, bad);
    }
    const badCursor = await inject('GET', '/api/anomalies', { url: '/api/anomalies?next=not-a-cursor' });
    expect(badCursor.statusCode).toBe(400);
    conforms('GET', '/api/anomalies', badCursor);
    for (const id of ['oa-1', 'oa-2', 'oa-3', 'missing']) {
      const res = await inject('GET', '/api/anomalies/{id}', { url: `/api/anomalies/${id}` });
      expect(res.statusCode).toBe(id === 'missing' ? 404 : 200);
      conforms('GET', '/api/anomalies/{id}', res);
    }
  });

  it('lists the active models of the registry as documented', async () => {
    conforms('GET', '/api/models', await inject('GET', '/api/models'));
    svc.store.saveModel({ id: 'model-detector:api:v1', kind: 'model-detector:api', version: 1, artifact: { big: 'not listed' } });
    svc.store.saveModel({ id: 'model-detector:api:v2', kind: 'model-detector:api', version: 2, artifact: { modelKind: 'if', threshold: { kind: 'quantile', version: 1, contamination: 0.01, threshold: 0.6 } } });
    const res = await inject('GET', '/api/models');
    expect(res.statusCode).toBe(200);
    conforms('GET', '/api/models', res);
    expect((JSON.parse(res.body) as { models: unknown[] }).models).toEqual([
      expect.objectContaining({ id: 'model-detector:api:v2', version: 2, active: true, modelKind: 'if', thresholdRule: 'quantile', threshold: 0.6 }),
    ]);
    expect(res.body).not.toContain('not listed');
  });

  it('catches a renamed or missing field (the check itself bites)', async () => {
    const a = JSON.parse((await inject('GET', '/api/anomalies/{id}', { url: '/api/anomalies/oa-1' })).body) as Record<string, unknown>;
    const schema = spec.components.schemas.Anomaly;
    expect(checkSchema(a, schema, spec)).toEqual([]);
    const { title, ...rest } = a;
    expect(checkSchema({ ...rest, headline: title }, schema, spec).join('\n')).toMatch(/missing required property "title"[\s\S]*"headline" is not in the spec/);
    const win = a.window as Record<string, number>;
    expect(checkSchema({ ...a, window: { from: win.start, end: win.end } }, schema, spec).length).toBeGreaterThan(0);
    expect(checkSchema({ ...a, severity: 'loud' }, schema, spec).length).toBeGreaterThan(0);
    expect(checkSchema({ anomalies: [a], next: 7 }, spec.components.schemas.AnomalyPage, spec).length).toBeGreaterThan(0);
  });

  it('ingest answers (accepted, partly rejected, unauthorized, too large, wrong type) match the spec', async () => {
    const nd = { ...auth, 'content-type': 'application/x-ndjson' };
    const ok = await inject('POST', '/ingest', { url: '/ingest?source=api', headers: nd, payload: '{"msg":"user 1 logged in"}\nplain line 2\n' });
    expect(ok.statusCode).toBe(200);
    conforms('POST', '/ingest', ok);
    const partial = await inject('POST', '/ingest', { url: '/ingest?source=api', headers: nd, payload: '{"msg":"user 3 logged in"}\n{broken\n' });
    expect(partial.statusCode).toBe(400);
    conforms('POST', '/ingest', partial);
    expect(JSON.parse(partial.body)).toMatchObject({ accepted: 1, rejected: 1 });
    const bulk = '{"index":{"_index":"nginx"}}\n{"message":"GET /a 200"}\n';
    conforms('POST', '/_bulk', await inject('POST', '/_bulk', { headers: nd, payload: bulk }));
    conforms('POST', '/{index}/_bulk', await inject('POST', '/nginx/_bulk', { headers: nd, payload: bulk }));
    for (const [path, url] of [['/_bulk', '/_bulk'], ['/{index}/_bulk', '/nginx/_bulk']]) {
      const put = await app.inject({ method: 'PUT', url, headers: nd, payload: bulk });
      conforms('PUT', path, put as unknown as Injected);
    }
    const splunk = { authorization: `Splunk ${TOKEN}` };
    conforms('POST', '/services/collector/event', await inject('POST', '/services/collector/event', { headers: splunk, payload: '{"event":"a"}{"event":"b"}' }));
    conforms('POST', '/services/collector/event', await inject('POST', '/services/collector/event', { headers: splunk, payload: '{"event":"a"}{"time":1}' }));
    conforms('POST', '/services/collector/event', await inject('POST', '/services/collector/event', { headers: { authorization: 'Splunk wrong-token' }, payload: '{"event":"a"}' }));
    conforms('POST', '/services/collector/raw', await inject('POST', '/services/collector/raw', { headers: splunk, payload: 'a line' }));
    conforms('POST', '/services/collector/raw', await inject('POST', '/services/collector/raw', { url: '/services/collector/raw?channel=0f6a3b2c-1d4e-4f5a-8b9c-0123456789ab', headers: splunk, payload: 'a line' }));
    conforms('GET', '/services/collector/health', await inject('GET', '/services/collector/health'));
    const loki = { streams: [{ stream: { job: 'api' }, values: [['1700000000000000000', 'connection closed']] }] };
    const pushed = await inject('POST', '/loki/api/v1/push', { headers: auth, payload: loki });
    expect([pushed.statusCode, pushed.body]).toEqual([204, '']);
    expect(spec.paths['/loki/api/v1/push'].post.responses['204']).toBeDefined();
    conforms('POST', '/loki/api/v1/push', await inject('POST', '/loki/api/v1/push', { headers: auth, payload: { nope: 1 } }));
    const otlp = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'payment 42 declined' } }] }] }] };
    conforms('POST', '/v1/logs', await inject('POST', '/v1/logs', { headers: auth, payload: otlp }));
    const notJson = await inject('POST', '/v1/logs', { headers: { ...auth, 'content-type': 'application/json' }, payload: '{"resourceLogs": [' });
    expect(notJson.statusCode).toBe(400);
    conforms('POST', '/v1/logs', notJson);
    for (const path of ['/ingest', '/_bulk', '/loki/api/v1/push', '/v1/logs', '/services/collector/event']) {
      const res = await inject('POST', path, { headers: { 'content-type': 'text/plain' }, payload: 'x' });
      expect(res.statusCode).toBe(401);
      conforms('POST', path, res);
    }
    const big = await inject('POST', '/ingest', { headers: { ...auth, 'content-type': 'text/plain' }, payload: 'x'.repeat(2048) });
    expect(big.statusCode).toBe(413);
    conforms('POST', '/ingest', big);
    const xml = await inject('POST', '/ingest', { headers: { ...auth, 'content-type': 'application/xml' }, payload: '<x/>' });
    expect(xml.statusCode).toBe(415);
    conforms('POST', '/ingest', xml);
  });

  it('streams detector-made anomalies whose data matches the Anomaly schema', { timeout: 20_000 }, async () => {
    const port = new URL(url).port;
    const lines = Array.from({ length: 30 }, (_, i) => `worker ${i} finished job ${i * 7}`).join('\n') + '\n';
    expect((await inject('POST', '/ingest', { url: '/ingest?source=feed', headers: { ...auth, 'content-type': 'text/plain' }, payload: lines })).statusCode).toBe(200);
    const got = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/stream' }, (res) => {
        documented('GET', '/api/stream', { statusCode: res.statusCode ?? 0, headers: res.headers, body: '' });
        let buf = '';
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          if (/event: anomaly\ndata: .*\n\n/.test(buf)) {
            req.destroy();
            resolve(buf);
          }
        });
        // The engine detects the source's format once input pauses; then a new message type follows.
        setTimeout(() => {
          void inject('POST', '/ingest', { url: '/ingest?source=feed', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'disk /dev/sda3 failed: read-only file system\n' });
        }, 500);
      });
      req.on('error', reject);
      req.end();
    });
    const data = (await got).split('\n').filter((l) => l.startsWith('data: '));
    const media = documented('GET', '/api/stream', { statusCode: 200, headers: { 'content-type': 'text/event-stream' }, body: '' });
    const eventSchema = (media['x-events'] as Record<string, Schema>).anomaly;
    const streamed = JSON.parse(data[0].slice(6)) as Anomaly;
    expect(streamed.detector).toBe('novelty');
    expect(checkSchema(streamed, eventSchema, spec)).toEqual([]);
    // The stored copy, through the API, conforms too.
    const stored = await inject('GET', '/api/anomalies/{id}', { url: `/api/anomalies/${encodeURIComponent(streamed.id)}` });
    expect(stored.statusCode).toBe(200);
    conforms('GET', '/api/anomalies/{id}', stored);
  });

  it('feedback answers (given, refused, unknown anomaly, export pages and NDJSON) match the spec', async () => {
    const post = (id: string, payload: unknown) => inject('POST', '/api/anomalies/{id}/feedback', { url: `/api/anomalies/${id}/feedback`, payload });
    const given = await post('oa-3', { verdict: 'mute', muteFor: '30m', user: 'ana', comment: 'deploy window' });
    expect(given.statusCode).toBe(201);
    conforms('POST', '/api/anomalies/{id}/feedback', given);
    conforms('POST', '/api/anomalies/{id}/feedback', await post('oa-3', { verdict: 'real' }));
    const bad = await post('oa-3', { verdict: 'later' });
    expect(bad.statusCode).toBe(400);
    conforms('POST', '/api/anomalies/{id}/feedback', bad);
    const missing = await post('missing', { verdict: 'noise' });
    expect(missing.statusCode).toBe(404);
    conforms('POST', '/api/anomalies/{id}/feedback', missing);
    const one = await inject('GET', '/api/anomalies/{id}', { url: '/api/anomalies/oa-3' });
    conforms('GET', '/api/anomalies/{id}', one);
    expect(JSON.parse(one.body)).toMatchObject({ status: 'real', feedback: [{ verdict: 'real' }, { verdict: 'mute', user: 'ana' }] });
    const first = await inject('GET', '/api/feedback', { url: '/api/feedback?limit=1' });
    conforms('GET', '/api/feedback', first);
    const cursor = (JSON.parse(first.body) as { next: string }).next;
    for (const p of spec.paths['/api/feedback'].get.parameters ?? []) {
      const res = await inject('GET', '/api/feedback', { url: `/api/feedback?${p.name as string}=${encodeURIComponent(sample(p, cursor))}` });
      expect(res.statusCode, `/api/feedback?${p.name as string}`).toBe(200);
      if (p.name !== 'format') conforms('GET', '/api/feedback', res);
    }
    const nd = await inject('GET', '/api/feedback', { url: '/api/feedback?format=ndjson' });
    documented('GET', '/api/feedback', nd);
    const rows = nd.body.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(checkSchema(r, spec.components.schemas.Feedback, spec)).toEqual([]);
    const badQuery = await inject('GET', '/api/feedback', { url: '/api/feedback?verdict=maybe' });
    expect(badQuery.statusCode).toBe(400);
    conforms('GET', '/api/feedback', badQuery);
    const health = JSON.parse((await inject('GET', '/api/health')).body) as { feedback: { rules: number } };
    expect(health.feedback.rules).toBe(1);
    // The rule the `real` made, as the policy holds it.
    const rules = await inject('GET', '/api/feedback/rules', { url: '/api/feedback/rules' });
    expect(rules.statusCode).toBe(200);
    conforms('GET', '/api/feedback/rules', rules);
    expect(JSON.parse(rules.body)).toMatchObject({ rules: [{ verdict: 'real', anomalyId: 'oa-3', hits: 0 }] });
  });
});
