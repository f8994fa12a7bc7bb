/**
 * @module bench/soak/receiver
 * The soak's alert receiver: a webhook endpoint on a fixed loopback port that misbehaves in turn —
 * `ok` (200), `timeout` (reads the request, never answers: the sink's `timeout_ms` fires), `500`,
 * `429` (with `Retry-After`), `gone` (the port closed: connection refused) — and keeps a ledger.
 *
 * Retries vs duplicates: a notification the receiver did not answer with 2xx was not delivered, so
 * sending it again is a retry (counted in `attempts`, harmless). A notification is *delivered* when
 * the receiver answered 2xx; the same anomaly id in a second delivered firing notification is a
 * duplicate (what a pager would show twice). Only duplicates count against the soak. In `timeout`
 * mode the receiver has read the body but never answers, so it counts nothing as delivered: a real
 * receiver that acted on a request it did not answer in time would see that retry as a duplicate,
 * which no at-least-once sender can avoid (hence idempotency keys), and is not what is measured here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

export const RECEIVER_MODES = ['ok', 'timeout', '500', '429', 'gone'] as const;
export type ReceiverMode = (typeof RECEIVER_MODES)[number];

interface WireAlert {
  status: 'firing' | 'resolved';
  fingerprint: string;
  startsAt: number;
  anomalyIds: string[];
}

export interface ReceiverLedger {
  /** Requests that reached the receiver, per mode it was in. */
  requests: Record<ReceiverMode, number>;
  /** Alerts in requests answered 2xx. */
  deliveredAlerts: number;
  /** Per anomaly id: firing notifications delivered (2xx) that carried it. */
  firingById: Map<string, number>;
  /** Per `fingerprint|startsAt`: resolved notifications delivered. */
  resolvedByEpisode: Map<string, number>;
  /** Anomaly ids that reached the receiver in requests it did not answer 2xx (retried later). */
  notAcceptedIds: Set<string>;
  /** performance.now() of each request answered 2xx. */
  deliveredAt: number[];
}

export class SoakReceiver {
  mode: ReceiverMode = 'ok';
  readonly ledger: ReceiverLedger = {
    requests: { ok: 0, timeout: 0, '500': 0, '429': 0, gone: 0 },
    deliveredAlerts: 0,
    firingById: new Map(),
    resolvedByEpisode: new Map(),
    notAcceptedIds: new Set(),
    deliveredAt: [],
  };
  private server: Server | null = null;
  private readonly held = new Set<ServerResponse>();

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Switches mode; `gone` closes the port, leaving it opens it again. */
  async set(mode: ReceiverMode): Promise<void> {
    this.mode = mode;
    if (mode === 'gone') await this.close();
    else if (this.server === null) await this.listen();
    if (mode !== 'timeout') this.releaseHeld();
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    this.releaseHeld();
    if (s === null) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private releaseHeld(): void {
    for (const r of this.held) r.destroy();
    this.held.clear();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const mode = this.mode;
      this.ledger.requests[mode === 'gone' ? 'ok' : mode]++;
      let alerts: WireAlert[] = [];
      try {
        alerts = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts: WireAlert[] }).alerts ?? [];
      } catch {
        res.writeHead(400).end('bad json');
        return;
      }
      if (mode === 'ok' || mode === 'gone') {
        this.deliver(alerts);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      for (const a of alerts) for (const id of a.anomalyIds) this.ledger.notAcceptedIds.add(id);
      if (mode === 'timeout') {
        // Never answered: the sender times out and retries; destroyed when the mode changes.
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        return;
      }
      if (mode === '429') res.writeHead(429, { 'retry-after': '2', 'content-type': 'text/plain' }).end('slow down');
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver error');
    });
  }

  private deliver(alerts: WireAlert[]): void {
    this.ledger.deliveredAt.push(performance.now());
    this.ledger.deliveredAlerts += alerts.length;
    for (const a of alerts) {
      if (a.status === 'resolved') {
        const k = `${a.fingerprint}|${a.startsAt}`;
        this.ledger.resolvedByEpisode.set(k, (this.ledger.resolvedByEpisode.get(k) ?? 0) + 1);
        continue;
      }
      for (const id of a.anomalyIds) this.ledger.firingById.set(id, (this.ledger.firingById.get(id) ?? 0) + 1);
    }
  }
}

/** Ids delivered more than once in firing notifications, and resolved episodes delivered more than once. */
export function duplicates(l: ReceiverLedger): { firing: string[]; resolved: string[] } {
  return {
    firing: [...l.firingById].filter(([, n]) => n > 1).map(([id]) => id),
    resolved: [...l.resolvedByEpisode].filter(([, n]) => n > 1).map(([k]) => k),
  };
}
