/**
 * `anomalog worker` against a real Kafka 4.4 broker (test/harness/kafka.ts): the anomalies a
 * worker produces are those of the partition engines over the same records; two workers, one
 * killed with -9 mid-stream, produce the same set — nothing lost, nothing extra.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../../config/schema.js';
import { systemClock } from '../../core/clock.js';
import { silentLogger } from '../../core/component.js';
import { buildService } from '../build.js';
import { until } from '../../../test/harness/until.js';
import { ensureTopics } from '../../sources/kafka/client.js';
import type { KafkaRecordIn } from '../../sources/kafka/records.js';
import { requireComponent } from '../../../test/harness/ci.js';
import { randomLines } from '../../../test/harness/rng.js';
import { committedToEnd as committedToEndOf, groupOffsets, hasKafka, KAFKA_PROVISION, type RunningKafka, startKafka } from '../../../test/harness/kafka.js';
import { PartitionEngine } from './partition.js';
import { KafkaWorker } from './worker.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (f: string, labelled: boolean) =>
  readFileSync(path.join(ROOT, 'test/fixtures/eval-stream', f), 'utf8')
    .split(/\r?\n/)
    .filter(Boolean)
    .map((l) => (labelled ? l.slice(l.indexOf(' ') + 1) : l));
const bgl = read('BGL_2k.head400.log', true);
const hdfs = read('HDFS_2k.head300.log', false);
/** Four sources (two per system; with 4 partitions two of them share one) interleaved as shippers write them. */
const records: [string, string][] = [];
for (let i = 0; i < 400; i++) {
  if (i < bgl.length) records.push([i % 2 ? 'bgl-1' : 'bgl-2', bgl[i]]);
  if (i < hdfs.length) records.push([i % 2 ? 'hdfs-1' : 'hdfs-2', hdfs[i]]);
}
const DETECTORS = { novelty: { warmup_events: 20 }, model: { enabled: true, min_windows: 10 } };
const config = validate({ detectors: DETECTORS }, serveConfigSchema) as ServeConfig;

const present = requireComponent(hasKafka(), 'a Kafka 4.4 broker', KAFKA_PROVISION);

describe.skipIf(!present)('anomalog worker on a real Kafka broker', () => {
  let broker: RunningKafka;
  let kafka: Kafka;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    broker = await startKafka();
    kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'test', logLevel: logLevel.NOTHING });
  }, 120_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await broker?.remove();
  }, 60_000);

  async function produce(topic: string, part: [string, string][]): Promise<void> {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    await p.send({ topic, acks: -1, messages: part.map(([key, value]) => ({ key, value })) });
    await p.disconnect();
  }

  /** Every record of a topic, per partition in offset order, read until `idleMs` without news. */
  async function readAll(topic: string, idleMs = 3000): Promise<Map<number, KafkaRecordIn[]>> {
    const c = kafka.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
    const out = new Map<number, KafkaRecordIn[]>();
    let last = performance.now();
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await c.run({
      eachMessage: async ({ partition, message }) => {
        last = performance.now();
        if (!out.has(partition)) out.set(partition, []);
        out.get(partition)!.push(message as KafkaRecordIn);
      },
    });
    const started = performance.now();
    while (performance.now() - last < idleMs || performance.now() - started < idleMs * 2) await new Promise((r) => setTimeout(r, 200));
    await c.disconnect();
    return out;
  }

  const ids = (m: Map<number, KafkaRecordIn[]>) => [...m.values()].flat().map((r) => (JSON.parse(r.value!.toString()) as { id: string }).id);

  /**
   * The group has committed every record of the topic. A worker commits a batch's offsets only after
   * its anomalies were produced and acknowledged, so this is when its anomalies are all in the topic
   * (two quiet reads alone can agree while a loaded worker is still between batches).
   */
  const committedToEnd = (groupId: string, topic: string) => committedToEndOf(kafka, groupId, topic);

  /** Reads the anomalies topic until two reads `idleMs` apart agree. */
  async function settledIds(topic: string): Promise<string[]> {
    let prev = ids(await readAll(topic));
    for (;;) {
      const now = ids(await readAll(topic));
      if (now.length === prev.length) return now;
      prev = now;
    }
  }

  it('produces the anomalies of the partition engines over the same records, each once, and commits past them', async () => {
    await ensureTopics(kafka, [{ topic: 'logs1', partitions: 3 }]);
    await produce('logs1', records);
    const w = new KafkaWorker({ config, brokers: [broker.bootstrap], topic: 'logs1', group: 'one', anomaliesTopic: 'anomalies1', logger: silentLogger, sessionTimeoutMs: 6000 });
    await w.start();
    try {
      await until('the worker committed every record (its anomalies produced)', () => committedToEnd('one', 'logs1'), 90_000);
      const got = await settledIds('anomalies1');
      // The reference: each partition's records, as the broker holds them, through a partition engine.
      const expected: string[] = [];
      for (const [partition, msgs] of await readAll('logs1', 1500)) {
        const e = new PartitionEngine({ config, topic: 'logs1', partition, naming: { topic: 'logs1', from: 'key' }, maxLineBytes: 1 << 20, logger: silentLogger });
        await e.process(msgs);
        expected.push(...(e.checkpoint()?.anomalies.map((a) => a.id) ?? []));
        e.close();
      }
      expect(expected.length).toBeGreaterThan(5);
      expect([...got].sort()).toEqual([...expected].sort());
      expect(w.stats().records).toBe(records.length);
    } finally {
      await w.stop();
    }
    // Offsets were committed after the anomalies: the group has nothing left to read.
    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId: 'one', topics: ['logs1'] });
    const ends = await admin.fetchTopicOffsets('logs1');
    await admin.disconnect();
    const behind = committed[0].partitions.filter((p) => {
      const high = ends.find((e) => e.partition === p.partition)!.high;
      return high !== '0' && p.offset !== high;
    });
    expect(behind).toEqual([]);
    expect(ends.filter((e) => e.high !== '0').length).toBeGreaterThan(1);
  }, 120_000);

  it('a flood of new message types on a source makes the worker degraded, with the warning serve gives for it', async () => {
    await ensureTopics(kafka, [{ topic: 'logs-flood', partitions: 1 }]);
    await produce('logs-flood', randomLines(3000, 5).map((l): [string, string] => ['spam', l]));
    const w = new KafkaWorker({ config, brokers: [broker.bootstrap], topic: 'logs-flood', group: 'flood', anomaliesTopic: 'anomalies-flood', logger: silentLogger, sessionTimeoutMs: 6000 });
    expect(w.stats()).toMatchObject({ status: 'ok', warnings: [] });
    await w.start();
    try {
      await until('every record processed', async () => (w.stats().records === 3000 ? true : undefined), 90_000);
      expect(w.stats()).toMatchObject({ status: 'degraded', warnings: [expect.stringMatching(/^spam: flood of new message types — \d+ lines matched no template and were not mined/)] });
    } finally {
      await w.stop();
    }
  }, 120_000);

  it('two workers, one killed with -9 mid-stream: the survivor restores its partitions and the anomaly set is the same as one worker\'s, without duplicates', async () => {
    await ensureTopics(kafka, [{ topic: 'logs2', partitions: 4 }]);
    const start = () => {
      const c = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/bin.ts'), 'worker', '--brokers', broker.bootstrap, '--topic', 'logs2', '--group', 'two', '--anomalies-topic', 'anomalies2', '--session-timeout-ms', '6000', '-c', path.join(ROOT, 'test/fixtures/kafka/worker.yaml')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
      children.push(c);
      return { c, err: () => err };
    };
    const a = start();
    const b = start();
    const third = Math.ceil(records.length / 3);
    await new Promise((r) => setTimeout(r, 4000));
    await produce('logs2', records.slice(0, third));
    await new Promise((r) => setTimeout(r, 3000));
    a.c.kill('SIGKILL');
    await produce('logs2', records.slice(third, 2 * third));
    await new Promise((r) => setTimeout(r, 1000));
    await produce('logs2', records.slice(2 * third));
    // The reference: one worker over the same topic (its own group and anomalies topic).
    const w = new KafkaWorker({ config, brokers: [broker.bootstrap], topic: 'logs2', group: 'ref', anomaliesTopic: 'anomalies2ref', logger: silentLogger, sessionTimeoutMs: 6000 });
    await w.start();
    await until('the reference committed every record', () => committedToEnd('ref', 'logs2'), 90_000);
    const ref = await settledIds('anomalies2ref');
    await w.stop();
    await until('the survivor committed every record', () => committedToEnd('two', 'logs2'), 90_000);
    const got = await settledIds('anomalies2');
    expect(b.c.exitCode, b.err()).toBeNull();
    expect(ref.length).toBeGreaterThan(5);
    expect([...new Set(got)].sort()).toEqual([...ref].sort());
    // Anomalies go out only with the state that produced them: the survivor re-found nothing already produced.
    expect(got.length - new Set(got).size).toBe(0);
  }, 180_000);

  it('a serve with a kafka source: processes every record, commits after processing, resumes from the committed offsets after a restart', async () => {
    await ensureTopics(kafka, [{ topic: 'logs3', partitions: 2 }]);
    await produce('logs3', records);
    const dir = mkdtempSync(path.join(tmpdir(), 'anomalog-serve-kafka-source-'));
    const cfg = validate({ data_dir: dir, server: { port: 0 }, sources: [{ type: 'kafka', brokers: broker.bootstrap, topic: 'logs3', group: 'serve-src' }], detectors: DETECTORS, pipeline: { checkpoint_interval_ms: 200 } }, serveConfigSchema) as ServeConfig;
    type Health = { pipeline: { records: number; anomalies: number } };
    const health = async (url: string) => (await (await fetch(`${url}/api/health`)).json()) as Health;
    let svc = buildService(cfg, { clock: systemClock, logger: silentLogger, version: 'test' });
    let { url } = await svc.start();
    try {
      const h = await until('every record processed', async () => {
        const x = await health(url);
        return x.pipeline.records >= records.length ? x : undefined;
      }, 60_000);
      expect(h.pipeline.records).toBe(records.length);
      expect(h.pipeline.anomalies).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await svc.stop();
    }
    const admin = kafka.admin();
    await admin.connect();
    const committed = (await admin.fetchOffsets({ groupId: 'serve-src', topics: ['logs3'] }))[0].partitions;
    const ends = await admin.fetchTopicOffsets('logs3');
    await admin.disconnect();
    expect(committed.map((p) => p.offset).sort()).toEqual(ends.map((e) => e.high).sort());
    // Restarted: only what came after the commit is read.
    await produce('logs3', [['hdfs-1', '081109 213000 19 ERROR dfs.DataNode: Disk controller reset on volume seven'], ['bgl-1', bgl[5]]]);
    svc = buildService(cfg, { clock: systemClock, logger: silentLogger, version: 'test' });
    ({ url } = await svc.start());
    try {
      await until('the two new records', async () => ((await health(url)).pipeline.records >= 2 ? true : undefined), 60_000);
      await new Promise((r) => setTimeout(r, 1500));
      expect((await health(url)).pipeline.records).toBe(2);
      const list = (await (await fetch(`${url}/api/anomalies?source=hdfs-1&limit=100`)).json()) as { anomalies: { title: string }[] };
      expect(list.anomalies.some((a) => a.title.includes('Disk controller reset'))).toBe(true);
    } finally {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('feedback given on the serve node reaches the workers: "learn" goes to the feedback topic, a running worker applies it, a partition restored later gets it too', async () => {
    const opts = { config, brokers: [broker.bootstrap], topic: 'logs1', group: 'fb', anomaliesTopic: 'anomalies5', feedbackTopic: 'feedback5', logger: silentLogger, sessionTimeoutMs: 6000 };
    const w = new KafkaWorker(opts);
    await w.start();
    const dir = mkdtempSync(path.join(tmpdir(), 'anomalog-serve-kafka-feedback-'));
    const svc = buildService(validate({ data_dir: dir, server: { port: 0 }, pipeline: { engine_thread: 'main' }, kafka: { brokers: broker.bootstrap, anomalies_topic: 'anomalies5', feedback_topic: 'feedback5' } }, serveConfigSchema) as ServeConfig, { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url } = await svc.start();
    try {
      type Listed = { anomalies: { id: string; detector: string; templateId?: number }[] };
      const list = await until('the workers\' anomalies stored', async () => {
        const r = (await (await fetch(`${url}/api/anomalies?detector=novelty&limit=100`)).json()) as Listed;
        return r.anomalies.some((a) => a.templateId !== undefined) ? r : undefined;
      }, 60_000);
      const a = list.anomalies.find((x) => x.templateId !== undefined)!;
      const res = await fetch(`${url}/api/anomalies/${a.id}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verdict: 'learn' }) });
      expect(res.status).toBe(201);
      await until('the worker applied the lesson', async () => (w.stats().feedback.applied >= 1 ? true : undefined), 30_000);
      const health = (await (await fetch(`${url}/api/health`)).json()) as { kafka: { feedbackRelayed: number } };
      expect(health.kafka.feedbackRelayed).toBe(1);
      expect(w.stats().feedback).toMatchObject({ read: 1, applied: 1, invalid: 0 });
    } finally {
      await svc.stop();
      await w.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    // A new member of the group restores the partitions: the lesson is applied to each restored engine.
    await produce('feedback5', [['x', 'not a lesson']]);
    const next = new KafkaWorker(opts);
    await next.start();
    try {
      await produce('logs1', [['hdfs-1', hdfs[0]], ['bgl-1', bgl[0]], ['hdfs-2', hdfs[1]], ['bgl-2', bgl[1]]]);
      await until('a partition restored with the lesson', async () => (next.stats().feedback.atRestore >= 1 ? true : undefined), 60_000);
      expect(next.stats().feedback).toMatchObject({ read: 2, invalid: 1 });
    } finally {
      await next.stop();
    }
  }, 180_000);

  it('the broker restarts mid-stream: both workers reconnect and resume, nothing lost, no anomaly produced twice', async () => {
    await ensureTopics(kafka, [{ topic: 'logs4', partitions: 3 }]);
    const half = Math.ceil(records.length / 2);
    await produce('logs4', records.slice(0, half));
    const opts = { config, brokers: [broker.bootstrap], topic: 'logs4', group: 'restart', anomaliesTopic: 'anomalies4', logger: silentLogger, sessionTimeoutMs: 6000 };
    const workers = [new KafkaWorker(opts), new KafkaWorker(opts)];
    await Promise.all(workers.map((w) => w.start()));
    try {
      await until('the first half processed', async () => (workers.reduce((n, w) => n + w.stats().records, 0) >= half ? true : undefined), 60_000);
      await broker.stop();
      await new Promise((r) => setTimeout(r, 1500));
      await broker.restart();
      await produce('logs4', records.slice(half));
      await until('the second half processed', async () => (workers.reduce((n, w) => n + w.stats().records, 0) >= records.length ? true : undefined), 90_000).catch(async (e: unknown) => {
        throw new Error(`${String(e)} ${JSON.stringify({ offsets: await groupOffsets(kafka, 'restart', 'logs4'), workers: workers.map((w) => w.stats()) })}`);
      });
      // On a timeout, say where each worker stands: the committed offsets against the log's end, and
      // the workers' checkpoints, refused commits and rebalances (a flaky run is then diagnosable).
      await until('the group committed every record (its anomalies produced)', () => committedToEnd('restart', 'logs4'), 90_000).catch(async (e: unknown) => {
        throw new Error(`${String(e)} ${JSON.stringify({ offsets: await groupOffsets(kafka, 'restart', 'logs4'), workers: workers.map((w) => w.stats()) })}`);
      });
      const got = await settledIds('anomalies4');
      // The reference: one worker over the same records, the broker up all along.
      const ref = new KafkaWorker({ ...opts, group: 'restart-ref', anomaliesTopic: 'anomalies4ref' });
      await ref.start();
      await until('the reference committed every record', () => committedToEnd('restart-ref', 'logs4'), 90_000);
      const want = await settledIds('anomalies4ref');
      await ref.stop();
      expect(want.length).toBeGreaterThan(5);
      expect([...new Set(got)].sort()).toEqual([...want].sort());
      expect(got.length - new Set(got).size).toBe(0);
      // Both back in the group: which of them checkpointed depends on how the rejoins fell (one may
      // have held every partition while the other rejoined), but a stable group of two members on three
      // partitions gives each at least one. (`committedToEnd` above holds the checkpoints themselves.)
      await until('both workers hold partitions again', async () => (workers.every((w) => w.stats().partitions.length > 0 && !w.stats().rebalancing) ? true : undefined), 60_000).catch((e: unknown) => {
        throw new Error(`${String(e)} ${JSON.stringify(workers.map((w) => w.stats()))}`);
      });
      expect(workers.reduce((n, w) => n + w.stats().checkpoints, 0)).toBeGreaterThan(0);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  }, 180_000);

  it('serve --kafka stores each anomaly the workers produced once (a record produced twice included), skips and counts what is not one', async () => {
    const produced = await readAll('anomalies1', 1500);
    const values = [...produced.values()].flat().map((m) => m.value!.toString());
    expect(values.length).toBeGreaterThan(5);
    // Produced again (a worker that crashed between produce and commit), and two records that are not anomalies.
    await produce('anomalies1', [['x', values[0]], ['x', values[1]], ['x', 'not json'], ['x', JSON.stringify({ id: 'a', ts: 'soon' })]]);
    const dir = mkdtempSync(path.join(tmpdir(), 'anomalog-serve-kafka-'));
    const svc = buildService(validate({ data_dir: dir, server: { port: 0 }, pipeline: { engine_thread: 'main' }, kafka: { brokers: broker.bootstrap, anomalies_topic: 'anomalies1' } }, serveConfigSchema) as ServeConfig, { clock: systemClock, logger: silentLogger, version: 'test' });
    const { url } = await svc.start();
    try {
      const want = new Set(values.map((v) => (JSON.parse(v) as { id: string }).id));
      const body = await until('the anomalies stored', async () => {
        const r = (await (await fetch(`${url}/api/anomalies?limit=1000`)).json()) as { anomalies: { id: string }[] };
        return r.anomalies.length >= want.size ? r : undefined;
      }, 30_000);
      await new Promise((r) => setTimeout(r, 1000));
      const again = (await (await fetch(`${url}/api/anomalies?limit=1000`)).json()) as { anomalies: { id: string }[] };
      expect(again.anomalies.map((a) => a.id).sort()).toEqual([...want].sort());
      expect(body.anomalies.length).toBe(want.size);
      const health = (await (await fetch(`${url}/api/health`)).json()) as { kafka: { received: number; stored: number; duplicates: number; invalid: number } };
      expect(health.kafka).toEqual({ received: values.length + 4, stored: want.size, duplicates: 2, invalid: 2, feedbackRelayed: 0 });
    } finally {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
