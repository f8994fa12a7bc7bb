import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Anomaly } from '../core/event.js';
import { killAll, killHard as killChild, type ServiceChild, startServiceChild } from '../../test/harness/service-child.js';
import { until as poll } from '../../test/harness/until.js';

// Service-level crash test: the real service (test/harness/serve-child.ts: buildService, file_tail,
// novelty, SQLite) in a child process, SIGKILLed three times while a writer appends, restarted on
// the same data dir each time. Normal lines are the HDFS sample of Loghub (test/fixtures/logs).
const dir = mkdtempSync(path.join(tmpdir(), 'anomalog-svc-crash-'));
const log = path.join(dir, 'hdfs.log');
const data = path.join(dir, 'data');
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

const SAMPLE = [
  '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
  '081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.73.220:50010 is added to blk_7128370237687728475 size 67108864',
  '081109 214043 2561 WARN dfs.DataNode$DataXceiver: 10.251.30.85:50010:Got exception while serving blk_-2918118818249673980 to /10.251.90.64:',
];
/** Message types the normal stream never has; each is written once, at a known line. */
const NOVEL = [
  'Disk failure on volume /data/3 while writing',
  'Checksum mismatch detected in replica of',
  'Heartbeat lost from namenode after retries',
  'Journal sync stalled for segment over seconds',
  'Quota exceeded under directory /user/alice by',
  'Lease recovery aborted for file holder client',
];
const N = 3000;
const WARMUP = 50;
// The first lands right after the first kill's resume point (see below); the rest are spread out.
const NOVEL_AT = [400, 1000, 1450, 2005, 2500, 2900];

function line(i: number): string {
  const k = NOVEL_AT.indexOf(i);
  // Distinct timestamps per line (the anomaly id's time bucket comes from the line, not the clock).
  const hh = 20 + Math.floor(i / 3600);
  const mm = Math.floor(i / 60) % 60;
  const ss = i % 60;
  const ts = `081109 ${hh}${String(mm).padStart(2, '0')}${String(ss).padStart(2, '0')}`;
  if (k >= 0) return `${ts} 99 ERROR dfs.DataNode: ${NOVEL[k]} blk_${i}`;
  return SAMPLE[i % SAMPLE.length].replace(/^\d+ \d+/, ts).replace(/blk_-?\d+/, `blk_${i}`);
}

type Running = ServiceChild;

const start = (): Promise<Running> => startServiceChild('test/harness/serve-child.ts', [log, data, String(WARMUP)]);
const killHard = (r: Running): Promise<void> => killChild(r.child);

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

interface Health {
  uptimeMs: number;
  pipeline: { records: number };
}
/** Lines (records) the running child has processed since it started. */
async function records(r: Running): Promise<number> {
  return (await getJson<Health>(`${r.url}/api/health`)).pipeline.records;
}

/** Polls until `cond` holds (30 s by default: three restarts on a loaded machine). */
const until = (what: string, cond: () => Promise<boolean>, ms = 30_000): Promise<true> => poll(what, async () => ((await cond()) ? true : undefined), ms);

/**
 * Appends lines [from, to) in chunks of 10, ~8 ms apart. With `r`: SIGKILLs it once it has
 * processed `killAt` records and run at least 700 ms (a few 200 ms checkpoints, however slow
 * the machine is).
 */
async function write(from: number, to: number, r?: Running, killAt = 0): Promise<void> {
  const due = async () => {
    if (r === undefined) return false;
    const h = await getJson<Health>(`${r.url}/api/health`);
    return h.pipeline.records >= killAt && h.uptimeMs >= 700;
  };
  let killed = false;
  for (let i = from; i < to; i += 10) {
    let chunk = '';
    for (let j = i; j < Math.min(to, i + 10); j++) chunk += `${line(j)}\n`;
    appendFileSync(log, chunk);
    if (r && !killed && (await due())) {
      await killHard(r);
      killed = true; // the writer goes on while the service is down
    }
    await new Promise((res) => setTimeout(res, 8));
  }
  if (!r || killed) return;
  await until(`${killAt} records processed`, due);
  await killHard(r);
}

describe('service crash test (kill -9 of anomalog serve during ingest, restart on the same data dir)', () => {
  it('processes every line at least once, flags every new message type exactly once, and resumes from its checkpoint', async () => {
    writeFileSync(log, '');
    // Run 1: everything up to line 400 is processed and checkpointed, then SIGKILL. The next line
    // written (400) is a new message type: the restarted service must flag it as its first event.
    let svc = await start();
    await write(0, 400);
    await until('the first 400 lines', async () => (await records(svc)) >= 400);
    await new Promise((res) => setTimeout(res, 600)); // the next checkpoint (every 200 ms) covers them
    await killHard(svc);
    await write(400, 600);

    // Run 2: killed mid-ingest while the writer appends.
    svc = await start();
    await write(600, 1800, svc, 700);
    await write(1800, 2000);
    // Run 3: killed mid-ingest at another point.
    svc = await start();
    await write(2000, 2600, svc, 800);
    // Run 4: the rest is written while it runs; it must catch up.
    svc = await start();
    await write(2600, N);
    const final = svc;
    type TemplateList = { templates: { template: string; count: number }[]; total: number };
    const counted = async () => (await getJson<TemplateList>(`${final.url}/api/templates?limit=1000`)).templates.reduce((s, t) => s + t.count, 0);
    await until('every line to be counted', async () => (await counted()) >= N, 60_000);
    await new Promise((res) => setTimeout(res, 300));

    const total = await counted();
    const { anomalies } = await getJson<{ anomalies: Anomaly[] }>(`${final.url}/api/anomalies?detector=novelty&limit=1000`);
    const lastRun = await records(final);
    const exited = new Promise<number | null>((res) => final.child.once('exit', (code) => res(code)));
    final.child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // At least once: every line counted in the template table. Re-processing is what was processed
    // after the last checkpoint (≤ 200 ms of work) at each of the three kills; resuming from the
    // start each time would add the three resume points (about 3,400 lines).
    expect(total).toBeGreaterThanOrEqual(N);
    expect(total - N).toBeLessThan(N / 2);
    // Resumed from the checkpoint: the last run read only what the third run had not checkpointed.
    expect(lastRun).toBeLessThan(N / 2);
    // Every new message type flagged, each exactly once, and nothing else flagged.
    for (const m of NOVEL) {
      const words = m.split(' ').slice(0, 3).join(' '); // the title shows the masked template
      expect(anomalies.filter((a) => a.title.includes(`'${words} `)).map((a) => a.detector)).toEqual(['novelty']);
    }
    expect(anomalies).toHaveLength(NOVEL.length);
    expect(new Set(anomalies.map((a) => a.id)).size).toBe(NOVEL.length);
  }, 120_000);
});
