/**
 * @module sinks/webhook/webhook
 * Generic webhook: `POST <url>` with `{"version":1,"alerts":[…]}`. With a secret, the request is
 * signed: `X-Anomalog-Timestamp: <unix seconds>` and `X-Anomalog-Signature: sha256=<hex>` where
 * hex = HMAC-SHA256(secret, `<timestamp>.<raw body>`). The receiver recomputes it over the bytes
 * it received, compares in constant time and rejects old timestamps (replays).
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Alert, Sink, WriteResult } from '../../core/sink.js';
import { postJson } from '../shared/http.js';
import type { WebhookConfig } from './config.js';

export const SIGNATURE_HEADER = 'x-anomalog-signature';
export const TIMESTAMP_HEADER = 'x-anomalog-timestamp';

export class WebhookSink implements Sink {
  readonly name: string;
  lastError?: string;

  constructor(
    private readonly config: WebhookConfig,
    private readonly clock: Clock,
  ) {
    this.name = config.name ?? 'webhook';
  }

  async healthcheck(): Promise<void> {}

  async write(batch: readonly Alert[]): Promise<WriteResult> {
    const body = JSON.stringify({ version: 1, alerts: batch });
    const headers: Record<string, string> = { ...this.config.headers };
    if (this.config.secret !== undefined) {
      const ts = String(Math.floor(this.clock.now() / 1000));
      headers[TIMESTAMP_HEADER] = ts;
      headers[SIGNATURE_HEADER] = sign(this.config.secret, ts, body);
    }
    const r = await postJson(this.config.url, body, headers, this.config.timeout_ms);
    this.lastError = r.error;
    return r.result;
  }

  async close(): Promise<void> {}
}

/** The signature header value for a timestamp and the raw body. */
export function sign(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}
