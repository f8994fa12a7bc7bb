import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import type { Logger } from '../core/component.js';
import type { Anomaly } from '../core/event.js';
import type { Alert } from '../core/sink.js';
import { createWebhookSink, sign, webhookConfigSchema } from '../sinks/webhook/index.js';
import { openStore, type Store } from '../store/store.js';
import { HttpReceiver } from '../../test/harness/http-receiver.js';
import { tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';
import { until } from '../../test/harness/until.js';
import { Alerting } from './alerting.js';
import { alertsConfigSchema } from './config.js';

let tmp: TmpDir;
let store: Store;
let rx: HttpReceiver;
const warnings: string[] = [];
const logger: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };

beforeEach(async () => {
  tmp = tmpDir();
  store = openStore(tmp.file(), { clock: systemClock });
  rx = new HttpReceiver();
  await rx.start();
  warnings.length = 0;
});
afterEach(async () => {
  store.close();
  tmp.remove();
  await rx.stop();
});

const SECRET = 'outage-secret';
const delivery = () =>
  webhookConfigSchema.parse({ url: `${rx.url}/hook`, secret: SECRET, batch_size: 7, retry_initial_ms: 20, retry_max_ms: 150, timeout_ms: 1_000 });

function alerting(): Alerting {
  const alerts = alertsConfigSchema.parse({ group_wait_seconds: 0, cooldown_seconds: 0, resolve_after_seconds: 3_600, poll_interval_ms: 20 });
  const d = delivery();
  return new Alerting(alerts, [{ sink: createWebhookSink(d, systemClock), delivery: d }], { outbox: store.outbox, clock: systemClock, logger, publicUrl: () => 'http://ui' });
}

let seq = 0;
function anomalies(n: number): Anomaly[] {
  return Array.from({ length: n }, () => {
    const i = seq++;
    return { id: `out-${i}`, ts: i, source: 'app', detector: 'novelty', score: 1, severity: 'error', title: `t${i}`, explanation: [], context: [], templateId: i };
  });
}

/** Anomaly ids in the received firing alerts, after checking every signature. */
function receivedIds(): string[] {
  const ids: string[] = [];
  for (const r of rx.requests) {
    expect(r.headers['x-anomalog-signature']).toBe(sign(SECRET, String(r.headers['x-anomalog-timestamp']), r.body));
    const body = JSON.parse(r.body.toString('utf8')) as { alerts: Alert[] };
    for (const a of body.alerts) if (a.status === 'firing') ids.push(...a.anomalyIds);
  }
  return ids.sort();
}

describe('durable delivery (outbox + dispatcher + webhook against a local receiver)', () => {
  it('a receiver that is down loses nothing: everything arrives once when it returns', async () => {
    const al = alerting();
    al.start();
    const first = anomalies(5);
    store.insertAnomalies(first, (ins) => al.enqueue(ins));
    await until('the first alerts', async () => (receivedIds().length === 5 ? true : undefined));
    await rx.stop();
    const during = anomalies(30);
    for (let i = 0; i < during.length; i += 6) store.insertAnomalies(during.slice(i, i + 6), (ins) => al.enqueue(ins));
    await until('several failed attempts', async () => (al.stats().webhook.retries >= 10 ? true : undefined));
    expect(warnings).toContain('Alert delivery failed; it will be retried.');
    expect(al.stats().webhook.pending).toBe(30 + 35); // + one resolve row per fingerprint, not due for an hour
    await rx.start();
    await until('everything after the outage', async () => (receivedIds().length === 35 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300)); // nothing more trickles in
    expect(receivedIds()).toEqual([...first, ...during].map((a) => a.id).sort());
    expect(al.stats().webhook).toMatchObject({ sent: 35, dropped: 0, pending: 35 });
    await al.stop();
  });

  it('alerts queued while the receiver is down survive a restart of anomalog', async () => {
    await rx.stop();
    let al = alerting();
    al.start();
    const batch = anomalies(12);
    store.insertAnomalies(batch, (ins) => al.enqueue(ins));
    await until('a failed attempt', async () => (al.stats().webhook.retries > 0 ? true : undefined));
    await al.stop();
    store.close();
    store = openStore(tmp.file(), { clock: systemClock });
    await rx.start();
    al = alerting();
    al.start();
    await until('the queued alerts', async () => (receivedIds().length === 12 ? true : undefined));
    await new Promise((r) => setTimeout(r, 200));
    expect(receivedIds()).toEqual(batch.map((a) => a.id).sort());
    await al.stop();
  });
});
