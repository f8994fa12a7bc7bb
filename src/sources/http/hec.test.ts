import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { RawRecord } from '../../core/source.js';
import { httpSourceConfigSchema } from './config.js';
import { decodeHecEvents, decodeHecRaw, splitConcatenated } from './hec.js';
import { HttpSource } from './http-source.js';

const fields = ['source', 'sourcetype', 'host'] as const;
const CHANNEL = '0f6a3b2c-1d4e-4f5a-8b9c-0123456789ab';

describe('HEC bodies', () => {
  it('splits concatenated JSON objects, with or without whitespace, braces inside strings kept', () => {
    expect(splitConcatenated('{"a":"}{"}{"b":[1,{"c":2}]}\n {"d":"\\"}"}')).toEqual({ parts: ['{"a":"}{"}', '{"b":[1,{"c":2}]}', '{"d":"\\"}"}'] });
    expect(splitConcatenated('{"a":1} x{"b":2}')).toEqual({ parts: ['{"a":1}'], badAt: 8 });
    expect(splitConcatenated('{"a":1}{"b":')).toEqual({ parts: ['{"a":1}'], badAt: 7 });
    expect(splitConcatenated('  \n')).toEqual({ parts: [] });
  });

  it('turns events into JSON lines with time in ms, fields beside the event, metadata as attrs and the source id', () => {
    const d = decodeHecEvents(
      '{"time":"1700000000.250","host":"web-1","sourcetype":"app","event":{"message":"user 7 logged in","severity":"warn"}}' +
        '{"time":1700000001,"source":"/var/log/a.log","event":"disk 3 full","fields":{"dc":"eu"}}{"event":"no meta"}',
      'http',
      5,
      fields,
    );
    expect(d.rejected).toBe(0);
    expect(d.records).toEqual<RawRecord[]>([
      { source: 'http:app', text: '{"message":"user 7 logged in","severity":"warn","ts":1700000000250}', arrivalTs: 5, attrs: { host: 'web-1', sourcetype: 'app' } },
      { source: 'http:/var/log/a.log', text: '{"dc":"eu","message":"disk 3 full","ts":1700000001000}', arrivalTs: 5, attrs: { dc: 'eu', source: '/var/log/a.log' } },
      { source: 'http:hec', text: '{"message":"no meta"}', arrivalTs: 5, attrs: {} },
    ]);
  });

  it("keeps the good events of a bad body and names the first bad one with Splunk's code", () => {
    const d = decodeHecEvents('{"event":"a"}{"time":1}{"event":""}{"event":"b"} oops', 'http', 0, fields);
    expect(d.records.map((r) => JSON.parse(r.text).message)).toEqual(['a', 'b']);
    expect(d.rejected).toBe(3);
    expect(d.failure).toEqual({ answer: expect.objectContaining({ code: 12 }), eventNumber: 1 });
    expect(decodeHecEvents('', 'http', 0, fields).failure?.answer.code).toBe(5);
    expect(decodeHecEvents('[1,2]', 'http', 0, fields).failure?.answer.code).toBe(6);
  });

  it('takes raw lines with the source from the query and requires a GUID channel', () => {
    const d = decodeHecRaw('line one\r\n\nline two\n', { sourcetype: 'nginx', host: 'h' }, CHANNEL, 'http', 9, fields);
    expect(d.records).toEqual([
      { source: 'http:nginx', text: 'line one', arrivalTs: 9, attrs: { sourcetype: 'nginx', host: 'h', channel: CHANNEL } },
      { source: 'http:nginx', text: 'line two', arrivalTs: 9, attrs: { sourcetype: 'nginx', host: 'h', channel: CHANNEL } },
    ]);
    expect(decodeHecRaw('x', {}, undefined, 'http', 0, fields).failure?.answer.code).toBe(10);
    expect(decodeHecRaw('x', {}, 'not-a-guid', 'http', 0, fields).failure?.answer.code).toBe(11);
    expect(decodeHecRaw('x', { host: 'h1' }, CHANNEL, 'http', 0, ['host']).records[0].source).toBe('http:h1');
  });
});

describe('HEC routes', () => {
  const app = Fastify();
  const source = new HttpSource(httpSourceConfigSchema.parse({ token: 'hec-token-123' }), new ManualClock(1_700_000_000_000));
  const got: RawRecord[] = [];
  const ac = new AbortController();
  let running: Promise<void>;
  const splunk = { authorization: 'Splunk hec-token-123' };
  beforeAll(async () => {
    source.register(app);
    await app.ready();
    running = source.run(async (b) => void got.push(...b.records), ac.signal);
  });
  afterAll(async () => {
    ac.abort();
    await running;
    await app.close();
  });

  it('answers Success for events sent with any content type (splunk-logging says x-www-form-urlencoded), on every alias', async () => {
    for (const url of ['/services/collector', '/services/collector/event', '/services/collector/event/1.0']) {
      const r = await app.inject({ method: 'POST', url, headers: { ...splunk, 'content-type': 'application/x-www-form-urlencoded' }, payload: '{"event":"x 1"}{"event":"x 2"}' });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ text: 'Success', code: 0 });
    }
    const none = await app.inject({ method: 'POST', url: '/services/collector/event', headers: splunk, payload: '{"event":"x 3"}' });
    expect(none.json()).toEqual({ text: 'Success', code: 0 });
    expect(got).toHaveLength(7);
  });

  it("answers Splunk's codes for a missing, malformed or wrong token, a bad event and a missing channel", async () => {
    const post = (url: string, headers: Record<string, string>, payload = '{"event":"e"}') => app.inject({ method: 'POST', url, headers, payload });
    expect((await post('/services/collector/event', {})).json()).toEqual({ text: 'Token is required', code: 2 });
    const bad = await post('/services/collector/event', { authorization: 'hec-token-123' });
    expect([bad.statusCode, bad.json()]).toEqual([401, { text: 'Invalid authorization', code: 3 }]);
    const wrong = await post('/services/collector/event', { authorization: 'Splunk nope-nope-nope' });
    expect([wrong.statusCode, wrong.json()]).toEqual([403, { text: 'Invalid token', code: 4 }]);
    const noEvent = await post('/services/collector/event', splunk, '{"event":"ok"}{"host":"h"}');
    expect([noEvent.statusCode, noEvent.json()]).toEqual([400, { text: 'Event field is required', code: 12, 'invalid-event-number': 1, accepted: 1, rejected: 1 }]);
    const raw = await post('/services/collector/raw', splunk, 'a line');
    expect([raw.statusCode, raw.json()]).toEqual([400, { text: 'Data channel is missing', code: 10, accepted: 0, rejected: 1 }]);
    const ok = await post(`/services/collector/raw?channel=${CHANNEL}&source=app.log`, splunk, 'a line\nanother line\n');
    expect([ok.statusCode, ok.json()]).toEqual([200, { text: 'Success', code: 0 }]);
    expect(got.slice(-2).map((r) => r.source)).toEqual(['http:app.log', 'http:app.log']);
    const viaHeader = await post('/services/collector/raw/1.0', { ...splunk, 'x-splunk-request-channel': CHANNEL }, 'third line');
    expect(viaHeader.statusCode).toBe(200);
  });

  it('reports health without a token: healthy while the pipeline runs', async () => {
    const h = await app.inject({ method: 'GET', url: '/services/collector/health' });
    expect([h.statusCode, h.json()]).toEqual([200, { text: 'HEC is healthy', code: 17 }]);
  });
});
