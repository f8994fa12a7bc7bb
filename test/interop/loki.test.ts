/**
 * Loki logging handlers for Node.js, used as their READMEs show, pushing JSON to `anomalog serve`
 * with one `http` source: winston-loki (`json: true`, reports failures to `onConnectionError`) and
 * pino-loki in the main process (reports failures on `console.error`).
 */
import pino from 'pino';
import { pinoLoki } from 'pino-loki';
import { createLogger, format } from 'winston';
import LokiTransport from 'winston-loki';
import { storedAttrs } from '../../src/core/attrs.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type IngestService, startIngestService } from '../harness/ingest-service.js';

const TOKEN = 'loki-interop-token';
const headers = { Authorization: `Bearer ${TOKEN}` };
let svc: IngestService;
beforeAll(async () => {
  svc = await startIngestService([{ type: 'http', token: TOKEN }]);
});
afterAll(async () => {
  await svc?.stop();
});

const BASE = Date.parse('2026-11-22T12:00:00.000Z');

describe('winston-loki (JSON push)', () => {
  it('delivers every record as http:<application label> with its level, timestamp and message, and reports no error', async () => {
    const errors: unknown[] = [];
    const transport = new LokiTransport({ host: svc.url, json: true, interval: 0.5, format: format.json(), labels: { application: 'shop', logger: 'root' }, headers, onConnectionError: (e) => void errors.push(e) });
    const logger = createLogger({ transports: [transport] });
    const n = 30;
    for (let i = 0; i < n; i++) {
      const level = i % 3 === 0 ? 'error' : 'info';
      logger.log({ level, message: `order ${i} shipped to warehouse ${i % 4}`, timestamp: new Date(BASE + i * 1000).toISOString() });
    }
    await transport.flush();
    await transport.close();
    expect(errors).toEqual([]);
    const got = await svc.waitFor('http:shop', n);
    expect(got).toHaveLength(n);
    const byTs = new Map(got.map((e) => [e.ts, e]));
    for (let i = 0; i < n; i++) {
      const e = byTs.get(BASE + i * 1000);
      expect(e, `record ${i}`).toMatchObject({ level: i % 3 === 0 ? 'error' : 'info', message: `order ${i} shipped to warehouse ${i % 4}` });
      // The stream labels are the record's attributes (stored with an anomaly, attr.logger=root).
      expect(e?.attrs, `record ${i}`).toMatchObject({ application: 'shop', logger: 'root' });
      expect(storedAttrs(e?.fields, e?.attrs)).toMatchObject({ application: 'shop', logger: 'root' });
    }
  });
});

describe('pino-loki (JSON push, in the main process)', () => {
  it('delivers every record as http:<service_name label> with its level, timestamp, message and fields', async () => {
    const consoleError = vi.spyOn(console, 'error');
    try {
      let t = BASE;
      const stream = pinoLoki({ host: svc.url, headers, labels: { service_name: 'payments', application: 'ignored-second' }, batching: false });
      const logger = pino({ timestamp: () => `,"time":${t}` }, stream);
      const n = 20;
      for (let i = 0; i < n; i++) {
        t = BASE + i * 1000;
        if (i % 2 === 0) logger.warn({ txn: `t-${i}` }, `refund ${i} queued`);
        else logger.info({ txn: `t-${i}` }, `refund ${i} settled`);
      }
      const got = await svc.waitFor('http:payments', n);
      expect(got).toHaveLength(n);
      const byTs = new Map(got.map((e) => [e.ts, e]));
      for (let i = 0; i < n; i++) {
        const e = byTs.get(BASE + i * 1000);
        expect(e, `record ${i}`).toMatchObject({ level: i % 2 === 0 ? 'warn' : 'info', message: i % 2 === 0 ? `refund ${i} queued` : `refund ${i} settled`, fields: { txn: `t-${i}` } });
        // Labels and the line's own fields, as stored with an anomaly.
        expect(storedAttrs(e?.fields, e?.attrs)).toMatchObject({ service_name: 'payments', application: 'ignored-second', txn: `t-${i}` });
      }
      stream.end();
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });
});
