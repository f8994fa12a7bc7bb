import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../core/clock.js';
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

describe('a 10-minute outage at the default settings (simulated time: ManualClock, dispatcher driven step by step)', () => {
  it('the receiver refuses for 10 minutes while anomalies keep coming; then every alert arrives exactly once', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const sim = openStore(tmp.file('outage.db'), { clock });
    let down = true;
    rx.status = () => (down ? 503 : 200);
    try {
      // Defaults everywhere (group wait 10 s, cooldown 300 s, resolve after 600 s; retries 1 s → 60 s,
      // 720 attempts, batches of 50) but the URL and the secret.
      const d = webhookConfigSchema.parse({ url: `${rx.url}/hook`, secret: SECRET });
      const al = new Alerting(alertsConfigSchema.parse({}), [{ sink: createWebhookSink(d, clock), delivery: d }], {
        outbox: sim.outbox,
        clock,
        logger,
        publicUrl: () => 'http://ui',
        random: () => 0.5, // jitter: every back-off is 0.75 × its base
      });
      const [dispatcher] = al.dispatchers;
      let attempts = 0;
      /** One simulated second: the dispatcher delivers until nothing is due (as its poll loop would). */
      const second = async () => {
        clock.advance(1_000);
        while ((await dispatcher.runOnce()) > 0) attempts++;
      };
      // 8 fingerprints (templates): every 10 s one of 0–3 and one of 4–5 repeat; 180 and 420 appear once.
      const produced: Anomaly[] = [];
      let n = 0;
      const produce = (templateId: number) => {
        const a: Anomaly = { id: `o-${n++}`, ts: clock.now(), source: 'app', detector: 'rate', score: 9, severity: 'error', title: `Spike of t${templateId}.`, explanation: [], context: [], templateId };
        produced.push(a);
        return a;
      };
      for (let t = 0; t < 600; t++) {
        if (t % 10 === 0) {
          const batch = [produce((t / 10) % 4), produce(4 + (t % 20 === 0 ? 0 : 1))];
          if (t === 180 || t === 420) batch.push(produce(t));
          sim.insertAnomalies(batch, (ins) => al.enqueue(ins));
        }
        await second();
      }
      expect(rx.requests).toEqual([]); // refused all along
      const refused = attempts;
      // Back-off: one probe per interval (0.75 s doubling to 45 s), not one per batch or per second:
      // 6 probes in the first 48 s, then one every 45 s.
      expect(al.stats().webhook.errors).toBeGreaterThanOrEqual(17);
      expect(al.stats().webhook.errors).toBeLessThanOrEqual(20);
      down = false;
      // The receiver answers again: within the longest back-off the backlog is delivered.
      for (let t = 0; t < 61 && firing().count < produced.length; t++) await second();
      expect(firing().count).toBe(produced.length);
      // Resolves follow once nothing repeats for resolve_after_seconds (each on its own timer).
      for (let t = 0; t < 700; t++) await second();
      const got = firing();
      // Every anomaly is counted in exactly one delivered firing alert; no alert arrived twice.
      expect(got.count).toBe(produced.length);
      expect(got.ids.length).toBe(new Set(got.ids).size);
      expect(got.keys.length).toBe(new Set(got.keys).size);
      expect(new Set(got.ids).size).toBeLessThanOrEqual(produced.length);
      // One resolve per fingerprint (8 templates), each once.
      expect(got.resolved.sort()).toEqual(['0', '1', '180', '2', '3', '4', '420', '5']);
      // Every notification the policy queued (firing and resolved) was delivered, none twice.
      expect(got.keys.length + got.resolved.length).toBe(al.stats().webhook.queued);
      expect(al.stats().webhook).toMatchObject({ dropped: 0, pending: 0, sent: al.stats().webhook.queued });
      expect(attempts).toBeGreaterThan(refused);
      await al.stop();
    } finally {
      sim.close();
    }
  });
});

/** Delivered alerts (signatures checked): firing ones summed by count, their ids and identities, and resolved templates. */
function firing(): { count: number; ids: string[]; keys: string[]; resolved: string[] } {
  const out = { count: 0, ids: [] as string[], keys: [] as string[], resolved: [] as string[] };
  for (const r of rx.requests) {
    expect(r.headers['x-anomalog-signature']).toBe(sign(SECRET, String(r.headers['x-anomalog-timestamp']), r.body));
    for (const a of (JSON.parse(r.body.toString('utf8')) as { alerts: Alert[] }).alerts) {
      if (a.status === 'resolved') {
        out.resolved.push(String(a.templateId));
        continue;
      }
      out.count += a.count;
      out.ids.push(...a.anomalyIds);
      out.keys.push(`${a.fingerprint}@${a.anomalyIds[0]}`);
    }
  }
  return out;
}

