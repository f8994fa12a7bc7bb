import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { Alert } from '../../core/sink.js';
import { HttpReceiver, type Received } from '../../../test/harness/http-receiver.js';
import { sampleAlert } from '../../../test/harness/alerts.js';
import { createWebhookSink, sign } from './index.js';
import { httpSinkFixture, sinkContract } from '../../../test/contract/sink.contract.js';

let rx: HttpReceiver;
beforeEach(async () => {
  rx = new HttpReceiver();
  await rx.start();
});
afterEach(() => rx.stop());

/** What a receiver does: HMAC over `<timestamp>.<raw body>`, constant-time compare, fresh timestamp. */
function verify(r: Received, secret: string, nowSeconds: number): boolean {
  const ts = String(r.headers['x-anomalog-timestamp']);
  const got = Buffer.from(String(r.headers['x-anomalog-signature']));
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${ts}.`).update(r.body).digest('hex')}`);
  return got.length === want.length && timingSafeEqual(got, want) && Math.abs(nowSeconds - Number(ts)) <= 300;
}

describe('webhook sink', () => {
  it('posts the batch as JSON signed with HMAC-SHA256 over timestamp and raw body', async () => {
    const clock = new ManualClock(1_700_000_123_456);
    const sink = createWebhookSink({ url: `${rx.url}/hook`, secret: 's3cret', headers: { 'x-team': 'ops' } }, clock);
    const batch = [sampleAlert(), sampleAlert({ status: 'resolved', title: 'ünïcode ✓' })];
    expect(await sink.write(batch)).toBe('ok');
    const [r] = rx.requests;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/hook');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-team']).toBe('ops');
    expect(r.headers['x-anomalog-timestamp']).toBe('1700000123');
    expect(verify(r, 's3cret', 1_700_000_130)).toBe(true);
    expect(verify(r, 'wrong', 1_700_000_130)).toBe(false);
    expect(verify({ ...r, body: Buffer.concat([r.body, Buffer.from(' ')]) }, 's3cret', 1_700_000_130)).toBe(false);
    expect(r.headers['x-anomalog-signature']).toBe(sign('s3cret', '1700000123', r.body));
    expect(JSON.parse(r.body.toString('utf8'))).toEqual({ version: 1, alerts: batch as Alert[] });
  });

  it('without a secret the request is unsigned; statuses map to ok/retry/reject', async () => {
    const sink = createWebhookSink({ url: rx.url }, new ManualClock(0));
    expect(await sink.write([sampleAlert()])).toBe('ok');
    expect(rx.requests[0].headers['x-anomalog-signature']).toBeUndefined();
    for (const [status, result] of [[503, 'retry'], [408, 'retry'], [400, 'reject'], [401, 'reject']] as const) {
      rx.status = () => status;
      expect(await sink.write([sampleAlert()])).toBe(result);
    }
  });

  it('a receiver that does not answer in time is a retry', async () => {
    await rx.stop();
    const { createServer } = await import('node:http');
    const hang = createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    const port = (hang.address() as { port: number }).port;
    const sink = createWebhookSink({ url: `http://127.0.0.1:${port}/`, timeout_ms: 200 }, new ManualClock(0));
    expect(await sink.write([sampleAlert()])).toBe('retry');
    expect(sink.lastError).toMatch(/TimeoutError/);
    hang.closeAllConnections();
    hang.close();
  });
});

sinkContract('webhook', () =>
  httpSinkFixture(
    (url) => createWebhookSink({ url, secret: 'k', timeout_ms: 2_000 }, new ManualClock(0)),
    (r) => (JSON.parse(r.body.toString('utf8')) as { alerts: unknown[] }).alerts.length,
  ),
);
