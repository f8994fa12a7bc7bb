/**
 * @module test/harness/http-receiver
 * A local HTTP receiver (node:http on 127.0.0.1) for sink tests: records every request's method,
 * path, headers and raw body, answers with a status chosen by the test, and can be stopped and
 * started again on the same port (receiver outages).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class HttpReceiver {
  readonly requests: Received[] = [];
  /** Status of the next answers (per request: may look at it). */
  status: (r: Received) => number = () => 200;
  private server: Server | null = null;
  port = 0;

  async start(port = this.port): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
        const status = this.status(r);
        if (status < 300) this.requests.push(r);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** JSON bodies of the accepted requests. */
  json<T = unknown>(): T[] {
    return this.requests.map((r) => JSON.parse(r.body.toString('utf8')) as T);
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
