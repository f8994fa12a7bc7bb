import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { ManualClock } from '../../core/clock.js';
import type { RawRecord } from '../../core/source.js';
import { lokiProtobuf, otlpProtobuf } from '../../../test/harness/loki-push.js';
import { httpSourceConfigSchema } from './config.js';
import { capUtf8 } from './decode.js';
import { HttpSource } from './http-source.js';

// Every ingest route cuts records at max_line_bytes and takes at most max_records per request.
const MAX = 1000;
const app = Fastify();
const source = new HttpSource(httpSourceConfigSchema.parse({ max_line_bytes: MAX, max_records: 5 }), new ManualClock(1_700_000_000_000));
const taken: RawRecord[] = [];
const ac = new AbortController();
let running: Promise<void>;

beforeAll(async () => {
  source.register(app);
  await app.ready();
  running = source.run(async (b) => void taken.push(...b.records), ac.signal);
});
afterAll(async () => {
  ac.abort();
  await running;
  await app.close();
});

const long = 'é'.repeat(3000) + ' tail';
const post = (url: string, payload: string | Buffer, type: string) => app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload });

describe('HTTP ingest bounds', () => {
  it('cuts every route\'s records at max_line_bytes, marks and counts them', async () => {
    const before = source.stats().truncated_lines;
    const bodies: [string, string | Buffer, string][] = [
      ['/ingest', `${long}\n`, 'text/plain'],
      ['/ingest', `${JSON.stringify({ msg: long })}\n`, 'application/x-ndjson'],
      ['/_bulk', `{"index":{"_index":"x"}}\n${JSON.stringify({ message: long })}\n`, 'application/x-ndjson'],
      ['/loki/api/v1/push', JSON.stringify({ streams: [{ stream: { job: 'j' }, values: [['1700000000000000000', long]] }] }), 'application/json'],
      ['/loki/api/v1/push', Buffer.from(lokiProtobuf([{ labels: '{job="p"}', entries: [{ s: 1_700_000_000, ns: 0, line: long }] }])), 'application/x-protobuf'],
      ['/v1/logs', JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: long } }] }] }] }), 'application/json'],
      ['/v1/logs', Buffer.from(otlpProtobuf('s', [{ timeNs: 1_700_000_000_000_000_000, body: long }])), 'application/x-protobuf'],
      ['/services/collector/event', JSON.stringify({ event: long, source: 'h' }), 'application/json'],
      ['/services/collector/raw?channel=0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba', `${long}\n`, 'text/plain'],
    ];
    for (const [url, payload, type] of bodies) {
      taken.length = 0;
      const r = await post(url, payload, type);
      expect(r.statusCode, `${url} ${type}: ${r.body}`).toBeLessThan(300);
      expect(taken, url).toHaveLength(1);
      expect(Buffer.byteLength(taken[0].text), url).toBeLessThanOrEqual(MAX);
      expect(taken[0].truncated, url).toBe(true);
    }
    expect(source.stats().truncated_lines - before).toBe(bodies.length);
  });

  it('takes at most max_records of one request and says why the rest were rejected', async () => {
    taken.length = 0;
    const r = await post('/ingest', Array.from({ length: 8 }, (_, i) => `line ${i}`).join('\n'), 'text/plain');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ accepted: 5, rejected: 3 });
    expect(r.json().error).toMatch(/max_records/);
    expect(taken.map((t) => t.text)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
  });
});

describe('a large /ingest body', () => {
  it('is handed to the pipeline in parts of at most 4,096 records, at most two waiting, and answered for the whole body', async () => {
    const app2 = Fastify();
    const src = new HttpSource(httpSourceConfigSchema.parse({ max_line_bytes: 64, max_records: 9000 }), new ManualClock(1_700_000_000_000));
    const sizes: number[] = [];
    let waiting = 0;
    let mostWaiting = 0;
    const got: string[] = [];
    const ac2 = new AbortController();
    src.register(app2);
    await app2.ready();
    const run = src.run(async (b) => {
      mostWaiting = Math.max(mostWaiting, ++waiting);
      sizes.push(b.records.length);
      for (const r of b.records) got.push(r.text);
      await new Promise((r) => setTimeout(r, 5));
      waiting--;
    }, ac2.signal);
    const lines = Array.from({ length: 10_000 }, (_, i) => (i === 7 ? `line ${i} ${'x'.repeat(100)}` : `line ${i}`));
    const r = await app2.inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'text/plain' }, payload: lines.join('\n') });
    expect(r.json()).toMatchObject({ accepted: 9000, rejected: 1000 });
    expect(r.json().error).toMatch(/1000 record\(s\) beyond max_records \(9000\)/);
    expect(sizes).toEqual([4096, 4096, 808]);
    expect(mostWaiting).toBe(2);
    expect(got).toHaveLength(9000);
    expect(got[8999]).toBe('line 8999');
    expect(got[7]).toBe(`line 7 ${'x'.repeat(57)}`);
    expect(src.stats()).toMatchObject({ received: 9000, dropped: 1000, truncated_lines: 1 });
    ac2.abort();
    await run;
    await app2.close();
  });
});

describe('capUtf8', () => {
  it('cuts at a character boundary, never above the limit, and keeps what fits', () => {
    expect(capUtf8('short', 64)).toBe('short');
    expect(capUtf8('a'.repeat(100), 64)).toBe('a'.repeat(64));
    expect(capUtf8('é'.repeat(100), 65)).toBe('é'.repeat(32));
    expect(capUtf8('😀'.repeat(40), 66)).toBe('😀'.repeat(16));
    expect(capUtf8('a' + '😀'.repeat(40), 64)).toBe('a' + '😀'.repeat(15));
  });
});
