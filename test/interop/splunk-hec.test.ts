/**
 * Splunk's HTTP Event Collector client for Node.js (splunk-logging), used as its README shows —
 * batched events (concatenated JSON objects), `Authorization: Splunk <token>` — against `anomalog
 * serve` with one `http` source.
 */
import { Logger as SplunkLogger } from 'splunk-logging';
import { storedAttrs } from '../../src/core/attrs.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestService, startIngestService } from '../harness/ingest-service.js';

const TOKEN = '6a1d3f2e-hec-interop-token';
let svc: IngestService;
beforeAll(async () => {
  svc = await startIngestService([{ type: 'http', token: TOKEN }]);
});
afterAll(async () => {
  await svc?.stop();
});

const BASE = Date.parse('2026-11-23T06:00:00.000Z');

describe('splunk-logging (Splunk HEC events)', () => {
  it('delivers every event as http:<source> with its severity, time and message; every answer is Success', async () => {
    const logger = new SplunkLogger({ token: TOKEN, url: svc.url, maxBatchCount: 10 });
    const errors: unknown[] = [];
    logger.error = (err) => void errors.push(err);
    const answers: unknown[] = [];
    const n = 45;
    const sent = new Promise<void>((resolve) => {
      let left = Math.ceil(n / 10);
      const done = (err: unknown, _resp: unknown, body: unknown) => {
        if (err) errors.push(err);
        answers.push(body);
        if (--left === 0) resolve();
      };
      for (let i = 0; i < n; i++) {
        const severity = i % 3 === 0 ? 'error' : 'info';
        logger.send({ message: `upload ${i} took ${i * 11} ms`, severity, metadata: { time: BASE + i * 1000, source: 'uploader', sourcetype: '_json', host: 'web-1' } }, i % 10 === 9 ? done : undefined);
      }
      logger.flush(done);
    });
    await sent;
    expect(errors).toEqual([]);
    expect(answers).toEqual(Array.from({ length: Math.ceil(n / 10) }, () => ({ text: 'Success', code: 0 })));
    const got = await svc.waitFor('http:uploader', n);
    expect(got).toHaveLength(n);
    const byTs = new Map(got.map((e) => [e.ts, e]));
    for (let i = 0; i < n; i++) {
      const e = byTs.get(BASE + i * 1000);
      expect(e, `event ${i}`).toMatchObject({ level: i % 3 === 0 ? 'error' : 'info', message: `upload ${i} took ${i * 11} ms` });
      // HEC metadata as the record's attributes (stored with an anomaly, filtered by attr.host=web-1).
      expect(e?.attrs, `event ${i}`).toMatchObject({ host: 'web-1', source: 'uploader', sourcetype: '_json' });
      expect(storedAttrs(e?.fields, e?.attrs)).toMatchObject({ host: 'web-1', source: 'uploader', sourcetype: '_json' });
    }
  });

  it('reports a wrong token the way Splunk does (the client raises code 4)', async () => {
    const logger = new SplunkLogger({ token: 'not-the-token', url: svc.url });
    const errors: { code?: number; message?: string }[] = [];
    logger.error = (err) => void errors.push(err as { code?: number });
    await new Promise<void>((resolve) => logger.send({ message: 'x' }, () => resolve()));
    expect(errors).toMatchObject([{ code: 4, message: 'Invalid token' }]);
  });
});
