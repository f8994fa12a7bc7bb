/**
 * Every source that fills attributes, through the real service (`buildService`: fastify, SQLite, the
 * engine): what the shipper sent beside the line (Loki labels, OTLP resource and log attributes, HEC
 * metadata and fields, the syslog header and structured data) and the record's own fields (NDJSON and
 * Elasticsearch documents, a JSON log file) reach the stored anomaly and its context lines, and the API
 * finds the anomaly by them (`GET /api/anomalies?attr.<name>=<value>`). Each case sends a run of
 * normal lines, then one never-seen error; the novelty detector flags it.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/config/load.js';
import { serveConfigSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/component.js';
import type { Anomaly } from '../../src/core/event.js';
import { buildService, type Service } from '../../src/topology/build.js';
import { lokiProtobuf, otlpProtobuf } from '../harness/loki-push.js';
import { until } from '../harness/until.js';

const dir = mkdtempSync(join(tmpdir(), 'anomalog-attrs-'));
const logFile = join(dir, 'app.log');
let svc: Service;
let url: string;
let syslogPort = 0;

beforeAll(async () => {
  writeFileSync(logFile, '');
  const config = validate(
    {
      data_dir: join(dir, 'data'),
      server: { host: '127.0.0.1', port: 0 },
      sources: [
        { type: 'http' },
        { type: 'syslog', udp: null, tcp: { host: '127.0.0.1', port: 0 } },
        { type: 'file_tail', paths: [logFile], start_at: 'beginning' },
      ],
      pipeline: { engine_thread: 'main' },
      detectors: { novelty: { warmup_events: 20, rare_count: 0 }, rate: { enabled: false }, params: { enabled: false }, model: { enabled: false } },
    },
    serveConfigSchema,
  );
  svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 'attrs-test' });
  ({ url } = await svc.start());
  type Health = { sources: { type?: string; id: string; tcp_port?: number }[] };
  syslogPort = await until('the syslog listener', async () => {
    const h = (await (await fetch(`${url}/api/health`)).json()) as Health;
    const p = h.sources.find((s) => s.tcp_port !== undefined)?.tcp_port;
    return p !== undefined && p > 0 ? p : undefined;
  });
});
afterAll(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const N = 25;
const T0 = Date.parse('2026-12-06T10:00:00.000Z');
const normal = (i: number) => `request ${i} served in ${10 + (i % 7)} ms`;
const NOVEL = 'disk quota exceeded on volume data';

async function post(path: string, body: string | Uint8Array, contentType: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
}

/** The novelty anomaly the API finds by `attr.<k>=<v>` for every pair of `by`. */
async function flaggedBy(by: Record<string, string>): Promise<Anomaly> {
  const qs = Object.entries(by)
    .map(([k, v]) => `attr.${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return until(`an anomaly with ${qs}`, async () => {
    const page = (await (await fetch(`${url}/api/anomalies?detector=novelty&${qs}`)).json()) as { anomalies: Anomaly[] };
    return page.anomalies.find((a) => a.title.includes('disk quota'));
  });
}

/** The anomaly has `want` as attributes, and so does its last context line (the flagged record). */
function expectAttrs(a: Anomaly, want: Record<string, string>): void {
  expect(a.attrs).toMatchObject(want);
  expect(a.contextAttrs).toHaveLength(a.context.length);
  expect(a.contextAttrs?.at(-1)).toMatchObject(want);
  expect(a.context.at(-1)).toContain(NOVEL);
}

describe('attributes reach the stored anomaly and the API, per source', () => {
  it('syslog (RFC 5424 over TCP): hostname, appname, procid, msgid, structured data, the connection', async () => {
    const frames: string[] = [];
    for (let i = 0; i <= N; i++) {
      const msg = i < N ? normal(i) : NOVEL;
      const pri = i < N ? 134 : 131;
      const m = `<${pri}>1 2026-12-06T10:00:${String(i).padStart(2, '0')}.000Z web-7 billing 42${i < N ? '' : 1} PAY [meta@32473 region="eu-west" zone="b"] ${msg}`;
      frames.push(`${Buffer.byteLength(m)} ${m}`);
    }
    await new Promise<void>((resolve, reject) => {
      const s = connect(syslogPort, '127.0.0.1', () => s.end(frames.join(''), () => resolve()));
      s.on('error', reject);
    });
    const a = await flaggedBy({ hostname: 'web-7', appname: 'billing' });
    expectAttrs(a, { hostname: 'web-7', appname: 'billing', procid: '421', msgid: 'PAY', 'sd.meta@32473.region': 'eu-west', transport: 'tcp' });
    expect(a.contextAttrs?.[0]).toMatchObject({ procid: '42' });
  });

  it('HTTP NDJSON: the JSON object\'s fields', async () => {
    const lines = [];
    for (let i = 0; i <= N; i++) lines.push(JSON.stringify({ ts: T0 + i * 1000, level: i < N ? 'info' : 'error', message: i < N ? normal(i) : NOVEL, pod: 'api-5d9f', node: 'n-3' }));
    await post('/ingest?source=ndjson-app', lines.join('\n'), 'application/x-ndjson');
    expectAttrs(await flaggedBy({ pod: 'api-5d9f' }), { pod: 'api-5d9f', node: 'n-3' });
  });

  it('Elasticsearch bulk (gzip): the document\'s fields, nested ones flattened', async () => {
    const lines = [];
    for (let i = 0; i <= N; i++) {
      lines.push(JSON.stringify({ create: { _index: 'es-app' } }));
      lines.push(JSON.stringify({ '@timestamp': new Date(T0 + i * 1000).toISOString(), 'log.level': i < N ? 'info' : 'error', message: i < N ? normal(i) : NOVEL, host: { name: 'es-node-1' }, 'event.dataset': 'app.log' }));
    }
    const res = await fetch(`${url}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' }, body: gzipSync(`${lines.join('\n')}\n`) });
    expect(res.status).toBe(200);
    expectAttrs(await flaggedBy({ 'host.name': 'es-node-1' }), { 'host.name': 'es-node-1', 'event.dataset': 'app.log' });
  });

  it('Loki push, JSON: the stream labels and structured metadata', async () => {
    const values = [];
    for (let i = 0; i <= N; i++) values.push([String((T0 + i * 1000) * 1e6), i < N ? `level=info msg="${normal(i)}"` : `level=error msg="${NOVEL}"`, { trace_id: `t${i}` }]);
    await post('/loki/api/v1/push', JSON.stringify({ streams: [{ stream: { service_name: 'loki-json', cluster: 'prod-1', namespace: 'shop' }, values }] }), 'application/json');
    const a = await flaggedBy({ cluster: 'prod-1', namespace: 'shop' });
    expectAttrs(a, { service_name: 'loki-json', cluster: 'prod-1', trace_id: `t${N}` });
  });

  it('Loki push, protobuf (Snappy): the stream labels', async () => {
    const entries = [];
    for (let i = 0; i <= N; i++) entries.push({ s: T0 / 1000 + i, ns: 0, line: i < N ? normal(i) : `ERROR ${NOVEL}` });
    await post('/loki/api/v1/push', lokiProtobuf([{ labels: '{service_name="loki-proto", pod="ingest-0"}', entries }]), 'application/x-protobuf');
    expectAttrs(await flaggedBy({ pod: 'ingest-0' }), { service_name: 'loki-proto', pod: 'ingest-0' });
  });

  it('OTLP/HTTP JSON: resource and log record attributes', async () => {
    const logRecords = [];
    for (let i = 0; i <= N; i++) {
      logRecords.push({
        timeUnixNano: String((T0 + i * 1000) * 1e6),
        severityNumber: i < N ? 9 : 17,
        body: { stringValue: i < N ? normal(i) : NOVEL },
        attributes: [{ key: 'http.route', value: { stringValue: '/pay' } }],
      });
    }
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'otlp-json' } }, { key: 'host.name', value: { stringValue: 'otel-host-1' } }] };
    await post('/v1/logs', JSON.stringify({ resourceLogs: [{ resource, scopeLogs: [{ logRecords }] }] }), 'application/json');
    expectAttrs(await flaggedBy({ 'service.name': 'otlp-json', 'host.name': 'otel-host-1' }), { 'http.route': '/pay' });
  });

  it('OTLP/HTTP protobuf: resource and log record attributes', async () => {
    const records = [];
    for (let i = 0; i <= N; i++) records.push({ timeNs: (T0 + i * 1000) * 1e6, severityNumber: i < N ? 9 : 17, body: i < N ? normal(i) : NOVEL, attrs: { 'k8s.pod.name': 'otlp-pod-2' } });
    await post('/v1/logs', otlpProtobuf('otlp-proto', records), 'application/x-protobuf');
    expectAttrs(await flaggedBy({ 'k8s.pod.name': 'otlp-pod-2' }), { 'service.name': 'otlp-proto', 'k8s.pod.name': 'otlp-pod-2' });
  });

  it('Splunk HEC events: host, source, sourcetype, index and indexed fields', async () => {
    let body = '';
    for (let i = 0; i <= N; i++) body += JSON.stringify({ time: (T0 + i * 1000) / 1000, host: 'hec-host-4', source: 'hec-app', sourcetype: 'app:json', index: 'main', fields: { dc: 'fra' }, event: { severity: i < N ? 'info' : 'error', message: i < N ? normal(i) : NOVEL } });
    await post('/services/collector/event', body, 'application/json');
    expectAttrs(await flaggedBy({ host: 'hec-host-4', sourcetype: 'app:json' }), { source: 'hec-app', index: 'main', dc: 'fra' });
  });

  it('Splunk HEC raw: query metadata and the channel', async () => {
    const lines = [];
    for (let i = 0; i <= N; i++) lines.push(i < N ? `INFO ${normal(i)}` : `ERROR ${NOVEL}`);
    const channel = '0e8a8c1e-1b5c-4b7e-9a55-1e2f3a4b5c6d';
    await post(`/services/collector/raw?source=hec-raw&host=raw-host-1&channel=${channel}`, lines.join('\n'), 'text/plain');
    expectAttrs(await flaggedBy({ host: 'raw-host-1' }), { source: 'hec-raw', channel });
  });

  it('file_tail, a JSON log: the record\'s fields', async () => {
    let text = '';
    for (let i = 0; i <= N; i++) text += `${JSON.stringify({ time: new Date(T0 + i * 1000).toISOString(), level: i < N ? 'info' : 'error', msg: i < N ? normal(i) : NOVEL, tenant: 'acme', worker: 'w-2' })}\n`;
    appendFileSync(logFile, text);
    expectAttrs(await flaggedBy({ tenant: 'acme' }), { tenant: 'acme', worker: 'w-2' });
  });

  it('refuses a bad attribute filter with a 400 that names it, and more than 4 filters', async () => {
    const long = await fetch(`${url}/api/anomalies?attr.hostname=${'x'.repeat(300)}`);
    expect(long.status).toBe(400);
    expect(await long.text()).toMatch(/hostname/);
    const many = await fetch(`${url}/api/anomalies?attr.a=1&attr.b=2&attr.c=3&attr.d=4&attr.e=5`);
    expect(many.status).toBe(400);
    const twice = await fetch(`${url}/api/anomalies?attr.a=1&attr.a=2`);
    expect(twice.status).toBe(400);
  });
});
