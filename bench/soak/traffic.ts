/**
 * @module bench/soak/traffic
 * The soak's three senders, each with its own Loghub systems and its own ledger of what counts as
 * sent:
 *  - file:   lines appended to `<dir>/logs/app.log` (rotated by rename to `app.log.<n>`, or deleted
 *            and created again); sent = appended (the file is the durable buffer).
 *  - http:   `POST /ingest?source=<system>` text/plain, one request in flight, retried every 250 ms
 *            until it is answered 2xx (as a shipper does); sent = lines of 2xx-answered requests.
 *  - syslog: RFC 5424 over TCP (newline framing, NILVALUE timestamp: the service stamps arrival),
 *            APP-NAME = system; reconnects every 250 ms while the service is down and holds its
 *            lines meanwhile; sent = lines written to a socket. Syslog has no acknowledgement, so
 *            lines in socket buffers when the service is killed are gone (counted per kill).
 */
import { appendFileSync, existsSync, renameSync, unlinkSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface SentLedger {
  sent: number;
  /** performance.now() of each send, per line count (for "sent in the last second before a kill"). */
  marks: { t: number; n: number }[];
}

const ledger = (): SentLedger => ({ sent: 0, marks: [] });

function mark(l: SentLedger, n: number): void {
  l.sent += n;
  l.marks.push({ t: performance.now(), n });
}

/** Lines sent in the `ms` before `t` (performance.now()). */
export function sentWithin(l: SentLedger, t: number, ms: number): number {
  let n = 0;
  for (let i = l.marks.length - 1; i >= 0 && l.marks[i].t >= t - ms; i--) if (l.marks[i].t <= t) n += l.marks[i].n;
  return n;
}

/** Cycles through `lines` forever. */
export class LineCycle {
  private i = 0;
  constructor(private readonly lines: string[]) {}
  take(n: number): string[] {
    const out: string[] = new Array(n);
    for (let k = 0; k < n; k++) out[k] = this.lines[this.i++ % this.lines.length];
    return out;
  }
  get first(): string {
    return this.lines[0];
  }
}

export class FileFeed {
  readonly ledger = ledger();
  readonly path: string;
  rotations = 0;
  deletions = 0;
  constructor(readonly dir: string) {
    this.path = join(dir, 'app.log');
  }
  write(lines: string[]): void {
    if (lines.length === 0) return;
    appendFileSync(this.path, `${lines.join('\n')}\n`);
    mark(this.ledger, lines.length);
  }
  /** Rename to `app.log.<n>` (matched by the `app.log*` glob: found by inode after a restart). */
  rotate(): void {
    if (!existsSync(this.path)) return;
    renameSync(this.path, `${this.path}.${++this.rotations}`);
  }
  /** Delete; the next write creates the file again. */
  remove(): void {
    if (!existsSync(this.path)) return;
    unlinkSync(this.path);
    this.deletions++;
  }
}

export class HttpFeed {
  readonly ledger = ledger();
  /** Request latency (ms) of each 2xx answer. */
  readonly latencies: number[] = [];
  retries = 0;
  private readonly queue: { source: string; body: string; n: number }[] = [];
  private busy = false;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** While false, nothing is sent (the soak reads the store between a restart and new traffic). */
  open = true;
  stopped = false;

  constructor(private readonly baseUrl: string) {}

  get queued(): number {
    return this.queue.reduce((s, q) => s + q.n, 0);
  }

  push(source: string, lines: string[]): void {
    if (lines.length === 0) return;
    this.queue.push({ source, body: `${lines.join('\n')}\n`, n: lines.length });
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        if (!this.open) {
          await sleep(50);
          continue;
        }
        const q = this.queue[0];
        const t0 = performance.now();
        const status = await post(`${this.baseUrl}/ingest?source=${encodeURIComponent(q.source)}`, q.body, this.agent);
        if (status >= 200 && status < 300) {
          this.latencies.push(performance.now() - t0);
          mark(this.ledger, q.n);
          this.queue.shift();
        } else {
          this.retries++;
          await sleep(250);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    this.stopped = true;
    this.agent.destroy();
  }
}

function post(url: string, body: string, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) }, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}

export class SyslogFeed {
  readonly ledger = ledger();
  /** Lines written to a socket that then failed (kill -9 while they were in flight or buffered), as far as Node knows. */
  writeErrors = 0;
  private socket: Socket | null = null;
  private connecting = false;
  private readonly held: string[] = [];
  open = true;
  private stopped = false;

  constructor(private readonly port: number) {}

  push(appname: string, lines: string[]): void {
    for (const l of lines) this.held.push(`<14>1 - soak ${appname} - - - ${l.replace(/[\r\n]/g, ' ')}\n`);
    this.flush();
  }

  get queued(): number {
    return this.held.length;
  }

  flush(): void {
    if (this.stopped || !this.open || this.held.length === 0) return;
    if (this.socket === null) {
      this.connect();
      return;
    }
    const batch = this.held.splice(0);
    this.socket.write(batch.join(''));
    mark(this.ledger, batch.length);
  }

  private connect(): void {
    if (this.connecting) return;
    this.connecting = true;
    const s = connect(this.port, '127.0.0.1');
    s.setNoDelay(true);
    s.once('connect', () => {
      this.connecting = false;
      this.socket = s;
      this.flush();
    });
    s.on('error', () => {
      if (this.socket === s) this.writeErrors++;
    });
    s.once('close', () => {
      if (this.socket === s) this.socket = null;
      if (this.connecting) {
        this.connecting = false;
        if (!this.stopped) setTimeout(() => this.flush(), 250);
      }
    });
  }

  close(): void {
    this.stopped = true;
    this.socket?.end();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
