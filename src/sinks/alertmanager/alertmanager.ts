/**
 * @module sinks/alertmanager/alertmanager
 * Alertmanager v2: `POST /api/v2/alerts` with an array of alerts. Labels identify the alert
 * (alertname, source, detector, severity, template_id, fingerprint + configured ones); annotations
 * carry the summary, a description and the link to the anomaly. A firing alert carries `endsAt` =
 * when it resolves if nothing repeats, so Alertmanager resolves it even if the resolve notification
 * is lost; a resolved alert carries the time it resolved.
 */
import type { Alert, Sink, WriteResult } from '../../core/sink.js';
import { postJson, truncate } from '../shared/http.js';
import type { AlertmanagerConfig } from './config.js';

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

export class AlertmanagerSink implements Sink {
  readonly name: string;
  lastError?: string;
  private readonly base: string;

  constructor(private readonly config: AlertmanagerConfig) {
    this.name = config.name ?? 'alertmanager';
    this.base = config.url.replace(/\/+$/, '');
  }

  async healthcheck(): Promise<void> {
    const res = await fetch(`${this.base}/-/healthy`, { signal: AbortSignal.timeout(this.config.timeout_ms) });
    if (!res.ok) throw new Error(`Alertmanager health: HTTP ${res.status}`);
  }

  async write(batch: readonly Alert[]): Promise<WriteResult> {
    const body = JSON.stringify(batch.map((a) => this.toAm(a)));
    const r = await postJson(`${this.base}/api/v2/alerts`, body, this.config.headers, this.config.timeout_ms);
    this.lastError = r.error;
    return r.result;
  }

  toAm(a: Alert): AmAlert {
    const labels: Record<string, string> = {
      ...this.config.labels,
      alertname: this.config.alertname,
      source: a.source,
      detector: a.detector,
      severity: a.severity,
      fingerprint: a.fingerprint,
    };
    if (a.templateId !== undefined) labels.template_id = String(a.templateId);
    return {
      labels,
      annotations: { summary: truncate(a.title, 500), description: truncate(describe(a), 4000), anomaly_url: a.url },
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: new Date(a.endsAt).toISOString(),
      generatorURL: a.url,
    };
  }

  async close(): Promise<void> {}
}

/** Count, first and last time, and the first lines of context. */
export function describe(a: Alert): string {
  const times = a.count > 1 ? `${a.count} anomalies between ${iso(a.firstSeen)} and ${iso(a.lastSeen)}` : `1 anomaly at ${iso(a.firstSeen)}`;
  const lines = a.anomaly.context.slice(0, 5).map((l) => truncate(l, 300));
  return [`${times} (score ${a.anomaly.score.toFixed(2)}).`, ...lines].join('\n');
}

function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : String(t);
}
