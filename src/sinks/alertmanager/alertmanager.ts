/**
 * @module sinks/alertmanager/alertmanager
 * Alertmanager v2: `POST /api/v2/alerts` with an array of alerts. Labels identify the alert
 * (alertname, source, detector, severity, template_id, fingerprint + configured ones, + the record
 * attributes named in `attr_labels`); annotations carry the summary, a description, the record's
 * attributes (JSON) and the link to the anomaly. A firing alert carries `endsAt` =
 * when it resolves if nothing repeats, so Alertmanager resolves it even if the resolve notification
 * is lost; a resolved alert carries the time it resolved. A firing alert delivered after its
 * `endsAt` (the receiver was down) is sent as active for `LATE_FIRING_MS` more, so Alertmanager
 * still shows and notifies it; its resolve follows on its own retry timer.
 */
import { type Clock, systemClock } from '../../core/clock.js';
import type { Alert, Sink, WriteResult } from '../../core/sink.js';
import { postJson, truncate } from '../shared/http.js';
import type { AlertmanagerConfig } from './config.js';

/** How long a late firing alert stays active in Alertmanager unless its resolve comes first. */
export const LATE_FIRING_MS = 5 * 60_000;

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

  constructor(
    private readonly config: AlertmanagerConfig,
    private readonly clock: Clock = systemClock,
  ) {
    this.name = config.name ?? 'alertmanager';
    this.base = config.url.replace(/\/+$/, '');
  }

  async healthcheck(): Promise<void> {
    const res = await fetch(`${this.base}/-/healthy`, { signal: AbortSignal.timeout(this.config.timeout_ms) });
    if (!res.ok) throw new Error(`Alertmanager health: HTTP ${res.status}`);
  }

  async write(batch: readonly Alert[]): Promise<WriteResult> {
    const now = this.clock.now();
    const body = JSON.stringify(batch.map((a) => this.toAm(a, now)));
    const r = await postJson(`${this.base}/api/v2/alerts`, body, this.config.headers, this.config.timeout_ms);
    this.lastError = r.error;
    return r.result;
  }

  toAm(a: Alert, now = this.clock.now()): AmAlert {
    const endsAt = a.status === 'firing' && a.endsAt <= now ? now + LATE_FIRING_MS : a.endsAt;
    const labels: Record<string, string> = {
      ...this.config.labels,
      ...attrLabels(this.config.attr_labels, a.anomaly.attrs),
      alertname: this.config.alertname,
      source: a.source,
      detector: a.detector,
      severity: a.severity,
      fingerprint: a.fingerprint,
    };
    if (a.templateId !== undefined) labels.template_id = String(a.templateId);
    return {
      labels,
      annotations: annotations(a),
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      generatorURL: a.url,
    };
  }

  async close(): Promise<void> {}
}

function annotations(a: Alert): Record<string, string> {
  const out: Record<string, string> = { summary: truncate(a.title, 500), description: truncate(describe(a), 4000), anomaly_url: a.url };
  // All of the record's attributes, for the person reading the notification (labels hold only the chosen few).
  if (a.anomaly.attrs !== undefined) out.attrs = truncate(JSON.stringify(a.anomaly.attrs), 2000);
  return out;
}

/** A Prometheus label name for an attribute name: `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function labelName(attr: string): string {
  const s = attr.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** The configured attributes the anomaly's record has, as labels (values already bounded by core/attrs). */
function attrLabels(names: readonly string[], attrs: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (attrs === undefined) return out;
  for (const n of names) {
    const v = attrs[n];
    if (typeof v === 'string' && v !== '' && Object.prototype.hasOwnProperty.call(attrs, n)) out[labelName(n)] = v;
  }
  return out;
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
