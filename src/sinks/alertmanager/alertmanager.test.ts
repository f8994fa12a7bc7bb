import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../core/clock.js';
import { silentLogger } from '../../core/component.js';
import type { Anomaly } from '../../core/event.js';
import { Alerting } from '../../alerts/alerting.js';
import { alertsConfigSchema } from '../../alerts/config.js';
import { openStore, type Store } from '../../store/store.js';
import { sampleAlert } from '../../../test/harness/alerts.js';
import { ALERTMANAGER_PROVISION, hasAlertmanager, type RunningAlertmanager, startAlertmanager } from '../../../test/harness/alertmanager.js';
import { tmpDir, type TmpDir } from '../../../test/harness/store-fixtures.js';
import { until } from '../../../test/harness/until.js';
import { alertmanagerConfigSchema } from './config.js';
import { AlertmanagerSink, createAlertmanagerSink } from './index.js';
import { LATE_FIRING_MS } from './alertmanager.js';
import { httpSinkFixture, sinkContract } from '../../../test/contract/sink.contract.js';
import { requireComponent } from '../../../test/harness/ci.js';

interface Listed {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

describe('alertmanager sink (payload)', () => {
  it('maps an alert to labels, annotations and times', () => {
    const sink = new AlertmanagerSink(alertmanagerConfigSchema.parse({ url: 'http://am:9093/', labels: { team: 'ops' } }), new ManualClock(1_700_000_100_000));
    const am = sink.toAm(sampleAlert());
    expect(am.labels).toEqual({
      team: 'ops',
      alertname: 'AnomalogAnomaly',
      source: 'file:/var/log/app.log',
      detector: 'novelty',
      severity: 'error',
      fingerprint: '0123456789abcdef',
      template_id: '42',
    });
    expect(am.annotations.summary).toBe('New message type: Disk failure on <*>');
    expect(am.annotations.description).toMatch(/^3 anomalies between 2023-11-14T22:13:20.000Z and 2023-11-14T22:14:20.000Z \(score 0.93\)\.\nINFO all good\nERROR Disk failure/);
    expect(am.annotations.anomaly_url).toBe('http://127.0.0.1:8080/#/anomalies/an-1');
    expect(am.generatorURL).toBe(am.annotations.anomaly_url);
    expect(am.startsAt).toBe('2023-11-14T22:13:20.500Z');
    expect(am.endsAt).toBe('2023-11-14T22:24:20.000Z');
    // Delivered after its end (the receiver was down): active for LATE_FIRING_MS from now; a resolve is not moved.
    const late = sampleAlert({ endsAt: 1_700_000_000_000 });
    expect(sink.toAm(late, 1_700_000_900_000).endsAt).toBe(new Date(1_700_000_900_000 + LATE_FIRING_MS).toISOString());
    expect(sink.toAm({ ...late, status: 'resolved' }, 1_700_000_900_000).endsAt).toBe('2023-11-14T22:13:20.000Z');
  });

  it('copies the configured record attributes into labels (names made valid) and all of them into an annotation', () => {
    const sink = new AlertmanagerSink(
      alertmanagerConfigSchema.parse({ url: 'http://am:9093/', attr_labels: ['k8s.namespace.name', 'service.name', '9lives', 'severity', 'absent'] }),
      new ManualClock(1_700_000_100_000),
    );
    const base = sampleAlert();
    const attrs = { 'k8s.namespace.name': 'shop', 'service.name': 'payments', '9lives': 'x', severity: 'debug', 'pod.uid': 'abc-123' };
    const am = sink.toAm({ ...base, anomaly: { ...base.anomaly, attrs } });
    expect(am.labels).toMatchObject({ k8s_namespace_name: 'shop', service_name: 'payments', _9lives: 'x' });
    // The built-in labels are the alert's identity: an attribute never overrides one.
    expect(am.labels.severity).toBe('error');
    expect(am.labels).not.toHaveProperty('absent');
    expect(am.labels).not.toHaveProperty('pod_uid');
    for (const k of Object.keys(am.labels)) expect(k).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
    expect(JSON.parse(am.annotations.attrs)).toEqual(attrs);
    // No attributes: no attribute label, no annotation.
    const plain = sink.toAm(base);
    expect(plain.annotations).not.toHaveProperty('attrs');
    expect(Object.keys(plain.labels).sort()).toEqual(['alertname', 'detector', 'fingerprint', 'severity', 'source', 'template_id']);
  });
});

const present = requireComponent(hasAlertmanager(), 'the real Alertmanager', `/usr/bin/prometheus-alertmanager is missing: run ${ALERTMANAGER_PROVISION}.`);

describe.skipIf(!present)('alertmanager sink against the real Alertmanager', () => {
  let am: RunningAlertmanager;
  let tmp: TmpDir;
  let store: Store;
  beforeAll(async () => {
    am = await startAlertmanager();
    tmp = tmpDir();
    store = openStore(tmp.file(), { clock: systemClock });
  }, 30_000);
  afterAll(async () => {
    store?.close();
    tmp?.remove();
    await am?.stop();
  });

  const list = async (filter = ''): Promise<Listed[]> => (await (await fetch(`${am.url}/api/v2/alerts${filter}`)).json()) as Listed[];

  it('health check, then a resolve notification ends an alert long before its own endsAt', async () => {
    const sink = createAlertmanagerSink({ url: am.url, labels: { case: 'direct' } });
    await sink.healthcheck();
    const now = systemClock.now();
    const firing = sampleAlert({ fingerprint: 'direct0000000001', startsAt: now - 1_000, endsAt: now + 3_600_000 });
    expect(await sink.write([firing])).toBe('ok');
    const active = await until('the firing alert', async () => (await list('?filter=case%3D%22direct%22')).find((a) => a.status.state === 'active'));
    expect(active.labels).toMatchObject({ alertname: 'AnomalogAnomaly', fingerprint: 'direct0000000001', severity: 'error', template_id: '42' });
    expect(await sink.write([{ ...firing, status: 'resolved', endsAt: systemClock.now() }])).toBe('ok');
    await until('the alert to be resolved', async () => ((await list('?filter=case%3D%22direct%22')).length === 0 ? true : undefined), 10_000);
    expect(await createAlertmanagerSink({ url: `${am.url}/nope` }).write([firing])).toBe('reject');
    // Delivered late (its endsAt passed while the receiver was down): still listed as active.
    const late = sampleAlert({ fingerprint: 'direct0000000002', startsAt: now - 600_000, endsAt: now - 60_000 });
    expect(await sink.write([late])).toBe('ok');
    const shown = await until('the late alert', async () => (await list('?filter=case%3D%22direct%22')).find((a) => a.labels.fingerprint === 'direct0000000002'));
    expect(shown.status.state).toBe('active');
  });

  it('attribute labels are accepted by Alertmanager and can be filtered on', async () => {
    const sink = createAlertmanagerSink({ url: am.url, labels: { case: 'attrs' }, attr_labels: ['k8s.namespace.name'] });
    const now = systemClock.now();
    const base = sampleAlert({ fingerprint: 'attrs00000000001', startsAt: now - 1_000, endsAt: now + 3_600_000 });
    const firing = { ...base, anomaly: { ...base.anomaly, attrs: { 'k8s.namespace.name': 'shop', 'pod.name': 'web-7f9' } } };
    expect(await sink.write([firing])).toBe('ok');
    const shown = await until('the alert with its namespace label', async () => (await list('?filter=k8s_namespace_name%3D%22shop%22')).find((a) => a.labels.case === 'attrs'));
    expect(JSON.parse(shown.annotations.attrs)).toEqual({ 'k8s.namespace.name': 'shop', 'pod.name': 'web-7f9' });
    expect(await sink.write([{ ...firing, status: 'resolved', endsAt: systemClock.now() }])).toBe('ok');
    await until('the alert to be resolved', async () => ((await list('?filter=case%3D%22attrs%22')).length === 0 ? true : undefined), 10_000);
  });

  it('anomalies through policy + outbox + dispatcher: grouped, listed, grouped by Alertmanager, then resolved', async () => {
    const alerts = alertsConfigSchema.parse({ group_wait_seconds: 0.3, cooldown_seconds: 0, resolve_after_seconds: 2.5, poll_interval_ms: 50 });
    const sink = createAlertmanagerSink({ url: am.url, labels: { case: 'pipeline' } });
    const alerting = new Alerting(alerts, [{ sink, delivery: alertmanagerConfigSchema.parse({ url: am.url }) }], {
      outbox: store.outbox,
      clock: systemClock,
      logger: silentLogger,
      publicUrl: () => 'http://anomalog.test:8080',
    });
    alerting.start();
    const base = systemClock.now();
    const mk = (i: number, templateId: number): Anomaly => ({
      id: `am-${i}`,
      ts: base + i,
      source: 'file:/var/log/app.log',
      detector: 'novelty',
      score: 0.9,
      severity: 'error',
      title: `New message type ${templateId}.`,
      explanation: [],
      context: [`line ${i}`],
      templateId,
    });
    store.insertAnomalies([mk(1, 1), mk(2, 1), mk(3, 2)], (ins) => alerting.enqueue(ins));
    store.insertAnomalies([mk(4, 1)], (ins) => alerting.enqueue(ins));
    const listed = await until('two alerts in Alertmanager', async () => {
      const l = await list('?filter=case%3D%22pipeline%22');
      return l.length === 2 ? l : undefined;
    });
    const t1 = listed.find((a) => a.labels.template_id === '1')!;
    expect(t1.annotations.description).toMatch(/^3 anomalies between/);
    expect(t1.annotations.anomaly_url).toBe('http://anomalog.test:8080/#/anomalies/am-1');
    expect(listed.find((a) => a.labels.template_id === '2')!.annotations.description).toMatch(/^1 anomaly at/);
    const groups = (await (await fetch(`${am.url}/api/v2/alerts/groups?filter=case%3D%22pipeline%22`)).json()) as { labels: Record<string, string>; alerts: unknown[] }[];
    expect(groups).toHaveLength(1);
    expect(groups[0].labels).toEqual({ alertname: 'AnomalogAnomaly', source: 'file:/var/log/app.log' });
    expect(groups[0].alerts).toHaveLength(2);
    await until('both alerts resolved', async () => ((await list('?filter=case%3D%22pipeline%22')).length === 0 ? true : undefined), 15_000);
    await until('the resolve notifications delivered', async () => (alerting.stats()[sink.name].pending === 0 ? true : undefined));
    expect(alerting.stats()[sink.name]).toMatchObject({ sent: 4, queued: 4, grouped: 2, dropped: 0, errors: 0 });
    await alerting.stop();
  }, 30_000);
});

// The contract against a local receiver (always runs); the real Alertmanager is exercised above.
sinkContract('alertmanager', () =>
  httpSinkFixture(
    (url) => createAlertmanagerSink({ url, timeout_ms: 2_000 }),
    (r) => (r.path === '/api/v2/alerts' ? (JSON.parse(r.body.toString('utf8')) as unknown[]).length : 0),
  ),
);
