import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/component.js';
import type { Alert } from '../core/sink.js';
import { buildService } from '../topology/build.js';
import { HttpReceiver } from '../../test/harness/http-receiver.js';
import { until } from '../../test/harness/until.js';

const dir = mkdtempSync(join(tmpdir(), 'anomalog-alerts-serve-'));
const log = join(dir, 'hdfs.log');
const sample = readFileSync(new URL('../../test/fixtures/logs/loghub-samples/HDFS.log', import.meta.url), 'utf8').split(/\r?\n/);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('anomalog serve with sinks (file tail → novelty → store + outbox → webhook and file sinks)', () => {
  it('a new message type reaches the sinks with a link to the anomaly', async () => {
    const rx = new HttpReceiver();
    await rx.start();
    const alertsFile = join(dir, 'alerts.jsonl');
    const config = validate(
      {
        data_dir: join(dir, 'data'),
        server: { port: 0 },
        parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
        sources: [{ type: 'file_tail', paths: [log], poll_interval_ms: 20 }],
        detectors: { novelty: { warmup_events: 20, rare_count: 0 }, rate: { enabled: false }, params: { enabled: false } },
        alerts: { group_wait_seconds: 0, poll_interval_ms: 20, routes: [{ sinks: ['hook'] }, { sinks: ['jsonl'], min_severity: 'critical' }] },
        sinks: [
          { type: 'webhook', name: 'hook', url: `${rx.url}/in`, secret: 'k' },
          { type: 'file', name: 'jsonl', path: alertsFile },
        ],
      },
      serveConfigSchema,
    ) as ServeConfig;
    writeFileSync(log, Array.from({ length: 30 }, (_, i) => sample[i % sample.length]).join('\n') + '\n');
    const svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url } = await svc.start();
    try {
      await until('the normal lines', async () => (svc.engine.stats.events >= 30 ? true : undefined));
      appendFileSync(log, '081109 214043 2561 ERROR dfs.DataNode: Disk failure on volume /data/3 while writing blk_42\n');
      const [alert] = await until('the webhook alert', async () => {
        const got = rx.json<{ alerts: Alert[] }>().flatMap((b) => b.alerts);
        return got.length > 0 ? got : undefined;
      });
      const stored = svc.store.getAnomaly(alert.anomaly.id);
      expect(stored?.title).toMatch(/Disk failure/);
      expect(alert).toMatchObject({ status: 'firing', detector: 'novelty', source: `file:${log}`, count: 1, url: `${url}/#/anomalies/${encodeURIComponent(alert.anomaly.id)}` });
      await until('the delivery recorded', async () => (svc.alerting.stats().hook.sent === 1 ? true : undefined));
      expect(svc.alerting.stats().hook).toMatchObject({ queued: 2, sent: 1, errors: 0 }); // firing + its resolve (not due yet)
      // The route to the file sink takes critical alerts only; novelty's are not.
      expect(svc.alerting.stats().jsonl).toMatchObject({ queued: 0 });
    } finally {
      await svc.stop();
      await rx.stop();
    }
  }, 30_000);

  it('noise feedback through the API withdraws the alert still waiting (group wait): nothing is sent', async () => {
    const rx = new HttpReceiver();
    await rx.start();
    const file = join(dir, 'withdraw.log');
    const config = validate(
      {
        data_dir: join(dir, 'data-withdraw'),
        server: { port: 0 },
        parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
        sources: [{ type: 'file_tail', paths: [file], poll_interval_ms: 20 }],
        detectors: { novelty: { warmup_events: 20, rare_count: 0 }, rate: { enabled: false }, params: { enabled: false } },
        alerts: { group_wait_seconds: 3_600, poll_interval_ms: 20, public_url: 'https://anomalog.example' },
        sinks: [{ type: 'webhook', name: 'hook', url: `${rx.url}/in` }],
      },
      serveConfigSchema,
    ) as ServeConfig;
    writeFileSync(file, Array.from({ length: 30 }, (_, i) => sample[i % sample.length]).join('\n') + '\n');
    const svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url } = await svc.start();
    try {
      await until('the normal lines', async () => (svc.engine.stats.events >= 30 ? true : undefined));
      appendFileSync(file, '081109 214043 2561 ERROR dfs.DataNode: Disk failure on volume /data/3 while writing blk_42\n');
      const id = await until('the anomaly', async () => svc.store.queryAnomalies({}).anomalies[0]?.id);
      expect(svc.store.outbox.depth('hook')).toBe(2); // firing (in group wait) + its resolve
      const res = await fetch(`${url}/api/anomalies/${id}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verdict: 'noise' }) });
      expect(res.status).toBe(201);
      expect(svc.store.outbox.depth('hook')).toBe(0);
      expect(svc.alerting.stats().hook).toMatchObject({ queued: 2, withdrawn: 2 });
      expect(rx.requests).toEqual([]);
    } finally {
      await svc.stop();
      await rx.stop();
    }
  }, 30_000);
});
