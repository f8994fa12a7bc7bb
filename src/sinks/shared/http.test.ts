import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../test/harness/until.js';
import { ERROR_BODY_BYTES, postJson, truncate } from './http.js';

let server: Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s === null) return;
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
});

/** A receiver answering `status` with a body that never ends (1 KiB every 5 ms); counts bytes written and closed responses. */
async function endless(status: number): Promise<{ url: string; written: () => number; closed: () => number }> {
  let written = 0;
  let closed = 0;
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'text/plain' });
    const chunk = 'x'.repeat(1024);
    const timer = setInterval(() => {
      res.write(chunk);
      written += chunk.length;
    }, 5);
    res.on('close', () => {
      clearInterval(timer);
      closed++;
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, written: () => written, closed: () => closed };
}

describe('postJson', () => {
  it('reads at most a few KiB of an error body and cancels the rest (an endless body does not hold it to the timeout)', async () => {
    const rx = await endless(503);
    const r = await postJson(rx.url, '{}', {}, 60_000);
    expect(r.result).toBe('retry');
    expect(r.error).toBe(`HTTP 503: ${'x'.repeat(200)}`);
    // The connection is dropped: the server stops writing soon after the first KiBs.
    await until('the response closed', async () => (rx.closed() === 1 ? true : undefined));
    expect(rx.written()).toBeLessThan(ERROR_BODY_BYTES * 64);
  });

  it('does not read the body of a success', async () => {
    const rx = await endless(200);
    expect(await postJson(rx.url, '{}', {}, 60_000)).toEqual({ result: 'ok' });
    await until('the response closed', async () => (rx.closed() === 1 ? true : undefined));
  });

  it('maps statuses: 4xx reject, 429/5xx retry; a refused connection is retry', async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(Number(req.url!.slice(1))).end('why');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await postJson(`${base}/400`, '{}', {}, 5_000)).toEqual({ result: 'reject', error: 'HTTP 400: why' });
    expect(await postJson(`${base}/429`, '{}', {}, 5_000)).toEqual({ result: 'retry', error: 'HTTP 429: why' });
    expect((await postJson('http://127.0.0.1:1/x', '{}', {}, 5_000)).result).toBe('retry');
  });

  it('truncate keeps surrogate pairs whole', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });
});
