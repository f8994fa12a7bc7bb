import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Anomaly } from '../core/event.js';
import type { Alert } from '../core/sink.js';
import { HttpReceiver } from '../../test/harness/http-receiver.js';
import { killAll, killHard, startServiceChild } from '../../test/harness/service-child.js';
import { until } from '../../test/harness/until.js';

// Alerts survive kill -9: the real service (test/harness/alerts-child.ts) in a child process stores
// anomalies while the receiver refuses (503), is SIGKILLed, restarted, SIGKILLed again right after
// the first delivery, and restarted: every stored anomaly's alert arrives, duplicates only from the
// one request that can be in flight at a kill (at least once).
const dir = mkdtempSync(path.join(tmpdir(), 'anomalog-alerts-crash-'));
const log = path.join(dir, 'app.log');
const data = path.join(dir, 'data');
const rx = new HttpReceiver();
afterAll(async () => {
  killAll();
  await rx.stop();
  rmSync(dir, { recursive: true, force: true });
});

const NORMAL = '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating';
const NOVEL = ['Disk failure on volume', 'Checksum mismatch in replica', 'Heartbeat lost from namenode', 'Journal sync stalled for', 'Quota exceeded under directory', 'Lease recovery aborted for'];

const start = () => startServiceChild('test/harness/alerts-child.ts', [log, data, `${rx.url}/hook`]);

const stored = async (url: string) => ((await (await fetch(`${url}/api/anomalies?limit=1000`)).json()) as { anomalies: Anomaly[] }).anomalies;
const receivedIds = () => rx.json<{ alerts: Alert[] }>().flatMap((b) => b.alerts.filter((a) => a.status === 'firing').flatMap((a) => a.anomalyIds));

describe('alerts crash test (kill -9 of anomalog serve with a webhook sink)', () => {
  it('every stored anomaly is alerted after restarts, at least once', async () => {
    await rx.start();
    rx.status = () => 503; // the receiver refuses: alerts stay in the outbox
    writeFileSync(log, Array.from({ length: 30 }, () => NORMAL).join('\n') + '\n');
    let svc = await start();
    appendFileSync(log, NOVEL.map((m, i) => `081109 2137${10 + i} 9 ERROR dfs.DataNode: ${m} blk_${i}\n`).join(''));
    const anomalies = await until('the anomalies to be stored', async () => {
      const list = await stored(svc.url);
      return list.length === NOVEL.length ? list : undefined;
    }, 30_000);
    await killHard(svc.child);
    expect(receivedIds()).toEqual([]);

    rx.status = () => 200;
    svc = await start();
    await until('the first delivery', async () => (rx.requests.length > 0 ? true : undefined), 30_000);
    await killHard(svc.child); // maybe between a delivery and its markSent

    svc = await start();
    const want = anomalies.map((a) => a.id).sort();
    await until('every alert', async () => (new Set(receivedIds()).size === want.length ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 300));
    const got = receivedIds();
    expect([...new Set(got)].sort()).toEqual(want);
    expect(got.length - want.length).toBeLessThanOrEqual(1); // only the request in flight at the kill
    const exited = new Promise<number | null>((r) => svc.child.once('exit', (code) => r(code)));
    svc.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
