/**
 * Elasticsearch's official Node.js client 8.x (its product check, `info()`, and the bulk helper),
 * used as its documentation shows, against `anomalog serve` with one `http` source.
 */
import { Client } from '@elastic/elasticsearch';
import { storedAttrs } from '../../src/core/attrs.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestService, startIngestService } from '../harness/ingest-service.js';

const TOKEN = 'es-interop-token';
let svc: IngestService;
let client: Client;
beforeAll(async () => {
  svc = await startIngestService([{ type: 'http', token: TOKEN }]);
  client = new Client({ node: svc.url, auth: { bearer: TOKEN } });
});
afterAll(async () => {
  await client?.close();
  await svc?.stop();
});

const BASE = Date.parse('2026-11-21T08:00:00.000Z');
const doc = (i: number) => ({
  '@timestamp': new Date(BASE + i * 1000).toISOString(),
  'log.level': i % 5 === 0 ? 'warn' : 'info',
  message: i % 5 === 0 ? `cache ${i} evicted after ${i * 3} ms` : `request ${i} served in ${i * 2} ms`,
  'http.method': 'GET',
});

describe('Elasticsearch client 8.x', () => {
  it('accepts the cluster (product header, version 8.19.0)', async () => {
    const info = await client.info();
    expect(info.version.number).toBe('8.19.0');
  });

  it('bulk helper: every document arrives as http:<index> with its level, @timestamp, message and fields', async () => {
    const n = 50;
    const dropped: unknown[] = [];
    const result = await client.helpers.bulk({
      datasource: Array.from({ length: n }, (_, i) => doc(i)),
      onDocument: () => ({ index: { _index: 'app-logs' } }),
      onDrop: (d) => void dropped.push(d),
      flushBytes: 2000,
    });
    expect(dropped).toEqual([]);
    expect(result).toMatchObject({ total: n, failed: 0, retry: 0, successful: n, aborted: false });
    const got = await svc.waitFor('http:app-logs', n);
    expect(got).toHaveLength(n);
    const byTs = new Map(got.map((e) => [e.ts, e]));
    for (let i = 0; i < n; i++) {
      const d = doc(i);
      const e = byTs.get(BASE + i * 1000);
      expect(e, `document ${i}`).toMatchObject({ level: d['log.level'], message: d.message, fields: { 'http.method': 'GET' } });
      // The document's own fields are its attributes as stored (attr.http.method=GET).
      expect(storedAttrs(e?.fields, e?.attrs)).toEqual({ 'http.method': 'GET' });
    }
  });

  it('bulk helper: a refused document is dropped alone (onDrop, status 400) and the rest arrives', async () => {
    const dropped: { status: number; document: unknown }[] = [];
    const docs: unknown[] = [doc(500), 42, doc(501)];
    const result = await client.helpers.bulk({ datasource: docs, onDocument: () => ({ create: { _index: 'mixed' } }), onDrop: (d) => void dropped.push(d) });
    expect(result).toMatchObject({ total: 3, failed: 1, successful: 2 });
    expect(dropped).toMatchObject([{ status: 400, document: 42, error: { type: 'document_parsing_exception' } }]);
    expect((await svc.waitFor('http:mixed', 2)).map((e) => e.message).sort()).toEqual([doc(500).message, doc(501).message]);
  });

  it('bulk helper with gzip-compressed requests (compression: true, as Beats send by default)', async () => {
    const gz = new Client({ node: svc.url, auth: { bearer: TOKEN }, compression: true });
    try {
      const result = await gz.helpers.bulk({ datasource: [doc(700), doc(701), doc(702)], onDocument: () => ({ index: { _index: 'zipped' } }) });
      expect(result).toMatchObject({ total: 3, failed: 0, successful: 3 });
      expect((await svc.waitFor('http:zipped', 3)).map((e) => e.ts).sort()).toEqual([BASE + 700_000, BASE + 701_000, BASE + 702_000]);
    } finally {
      await gz.close();
    }
  });

  it('bulk API with PUT (as Elasticsearch takes it) and create actions', async () => {
    const body = await client.transport.request<{ errors: boolean; items: unknown[] }>({
      method: 'PUT',
      path: '/audit/_bulk',
      bulkBody: [{ create: {} }, doc(1000), { create: { _index: 'audit' } }, doc(1001)],
    });
    expect(body).toMatchObject({ errors: false, items: [{ create: { status: 201 } }, { create: { status: 201 } }] });
    const got = await svc.waitFor('http:audit', 2);
    expect(got.map((e) => e.ts).sort()).toEqual([BASE + 1_000_000, BASE + 1_001_000]);
  });
});
