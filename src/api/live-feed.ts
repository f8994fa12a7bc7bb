/**
 * @module api/live-feed
 * Server-sent events to the UI and to `curl -N`: every new anomaly once, as `event: anomaly`.
 * Each client's socket buffer is bounded: a client that does not read is dropped (and counted),
 * it never makes the service hold memory for it.
 */
import type { ServerResponse } from 'node:http';
import type { Anomaly } from '../core/event.js';

/** Bytes a slow client may have pending before it is dropped. */
const MAX_PENDING_BYTES = 1 << 20;

export class LiveFeed {
  private readonly subscribers = new Set<ServerResponse>();
  dropped = 0;

  constructor(private readonly maxClients: number) {}

  get clients(): number {
    return this.subscribers.size;
  }

  accepts(): boolean {
    return this.subscribers.size < this.maxClients;
  }

  subscribe(res: ServerResponse): () => void {
    this.subscribers.add(res);
    return () => {
      this.subscribers.delete(res);
    };
  }

  publish(anomalies: readonly Anomaly[]): void {
    if (anomalies.length === 0 || this.subscribers.size === 0) return;
    let msg = '';
    for (const a of anomalies) msg += `id: ${a.id}\nevent: anomaly\ndata: ${JSON.stringify(a)}\n\n`;
    for (const res of this.subscribers) {
      if (res.writableLength > MAX_PENDING_BYTES) {
        this.dropped++;
        this.subscribers.delete(res);
        res.destroy();
        continue;
      }
      res.write(msg);
    }
  }

  close(): void {
    for (const res of this.subscribers) res.end();
    this.subscribers.clear();
  }
}
