import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { RawRecord } from '../../core/source.js';
import { lokiProtobuf, otlpProtobuf } from '../../../test/harness/loki-push.js';
import { httpSourceConfigSchema } from './config.js';
import { boundRecords, type Decoded, decodeEsBulk, decodeLoki, decodeLokiPush, decodeNdjson, decodeOtlp, decodeOtlpPush } from './decode.js';
import { decodeHecEvents, decodeHecRaw } from './hec.js';
import { HttpSource } from './http-source.js';

// A multi-megabyte value through every route (plain and gzipped, which inflates in 16 KiB chunks):
// what the route's parser hands on is about max_line_bytes, not the body, and the record is the
// one the whole body gave (cut at max_line_bytes, marked, counted once).
const MAX = 4096;
const app = Fastify();
const source = new HttpSource(httpSourceConfigSchema.parse({ max_line_bytes: MAX }), new ManualClock(1_700_000_000_000));
const taken: RawRecord[] = [];
const parsed: number[] = [];
const ac = new AbortController();
let running: Promise<void>;

beforeAll(async () => {
  // What each route's body parser produced (bytes of the buffer, or of the parsed JSON).
  app.addHook('preHandler', async (req) => void parsed.push(Buffer.isBuffer(req.body) ? req.body.length : Buffer.byteLength(JSON.stringify(req.body ?? ''))));
  source.register(app);
  await app.ready();
  running = source.run(async (b) => void taken.push(...b.records), ac.signal);
});
afterAll(async () => {
  ac.abort();
  await running;
  await app.close();
});

// Escapes, multi-byte and astral characters, spread over 3 MB.
const long = `start ${'a\\"é€😀 \t'.repeat(300_000)} end`;
const CHANNEL = '0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba';

const NOW = 1_700_000_000_000;
const str = (b: string | Buffer) => b.toString();
/** Route, content type, body of a value, and the records the whole body decodes to before the cut (the decoders alone). */
const ROUTES: [string, string, (l: string) => string | Buffer, (b: string | Buffer) => Decoded][] = [
  ['/ingest', 'application/x-ndjson', (l) => `{"a":1}\n${JSON.stringify({ message: l, n: 2 })}\n{"b":3}\n`, (b) => decodeNdjson(b, 'http:ingest', NOW)],
  ['/_bulk', 'application/x-ndjson', (l) => `{"index":{"_index":"x"}}\n${JSON.stringify({ message: l })}\n`, (b) => decodeEsBulk(str(b), 'http', NOW)],
  ['/loki/api/v1/push', 'application/json', (l) => JSON.stringify({ streams: [{ stream: { job: 'j' }, values: [['1700000000000000000', l]] }] }), (b) => decodeLoki(JSON.parse(str(b)), 'http', NOW)],
  ['/loki/api/v1/push', 'application/x-protobuf', (l) => Buffer.from(lokiProtobuf([{ labels: '{job="p"}', entries: [{ s: 1_700_000_000, ns: 0, line: l }] }])), (b) => decodeLokiPush(b, 'http', NOW, 1 << 30)],
  ['/v1/logs', 'application/json', (l) => JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: l }, attributes: [{ key: 'k', value: { stringValue: l } }] }] }] }] }), (b) => decodeOtlp(JSON.parse(str(b)), 'http', NOW)],
  ['/v1/logs', 'application/x-protobuf', (l) => Buffer.from(otlpProtobuf('s', [{ timeNs: 1_700_000_000_000_000_000, body: l }])), (b) => decodeOtlpPush(b, 'http', NOW)],
  ['/services/collector/event', 'application/json', (l) => JSON.stringify({ event: l, source: 'h' }), (b) => decodeHecEvents(str(b), 'http', NOW, [])],
  [`/services/collector/raw?channel=${CHANNEL}`, 'text/plain', (l) => `${l}\nshort\n`, (b) => decodeHecRaw(str(b), {}, CHANNEL, 'http', NOW, [])],
  ['/ingest', 'text/plain', (l) => `${l}\nshort\n`, (b) => decodeNdjson(b, 'http:ingest', NOW)],
];

describe('HTTP ingest of a huge value, streamed', () => {
  for (const gzip of [false, true])
    it(`cuts it in every route${gzip ? ' (gzipped)' : ''}: the parser keeps ~max_line_bytes and the record is the whole body's, cut and counted`, async () => {
      for (const [url, type, body, whole] of ROUTES) {
        // Loki protobuf is Snappy-compressed already: not gzipped on top (as Promtail sends it). The
        // other protobuf body is collected whole: into one buffer of its Content-Length, or (gzipped) from its chunks.
        const zip = gzip && !(url.startsWith('/loki') && type === 'application/x-protobuf');
        const raw = body(long);
        const before = source.stats().truncated_lines;
        taken.length = 0;
        parsed.length = 0;
        const r = await app.inject({ method: 'POST', url, headers: { 'content-type': type, ...(zip ? { 'content-encoding': 'gzip' } : {}) }, payload: zip ? gzipSync(raw) : raw });
        expect(r.statusCode, `${url} ${type}: ${r.body}`).toBeLessThan(300);
        const what = `${url} ${type}`;
        if (type !== 'application/x-protobuf') expect(parsed[0], what).toBeLessThan(3 * MAX);
        const cut = taken.filter((t) => t.truncated);
        expect(cut, what).toHaveLength(1);
        expect(source.stats().truncated_lines - before, what).toBe(1);
        const t = cut[0].text;
        expect(Buffer.byteLength(t), what).toBeLessThanOrEqual(MAX);
        expect(Buffer.byteLength(t), what).toBeGreaterThan(MAX - 4);
        // The same records as decoding the whole body and then cutting (what the routes did before).
        const expected = whole(raw);
        expect(boundRecords(expected, MAX, 1000), what).toBe(1);
        expect(taken.map((x) => [x.text, x.truncated === true]), what).toEqual(expected.records.map((x) => [x.text, x.truncated === true]));
      }
    });
});
