/**
 * Published models (`anomalog models train|publish`, the compacted models topic) and their hot swap
 * into the workers' model detector. First without a broker (the offline trainer and a partition
 * engine), then against a real Kafka 4.4 broker (test/harness/kafka.ts): publish v1 → a worker
 * scores with v1; v2 published mid-stream (through the CLI) → later anomalies carry v2, without a
 * restart and without a record lost; a worker started afterwards gets the latest; garbage on the
 * topic is counted and ignored.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../../config/schema.js';
import { silentLogger } from '../../core/component.js';
import type { Anomaly } from '../../core/event.js';
import { decodePublished, encodePublished, publishedModel } from '../../detectors/model/published.js';
import type { StreamModelArtifact } from '../../detectors/model/training.js';
import { createKafka, ensureTopics, topicExists } from '../../sources/kafka/client.js';
import type { KafkaRecordIn } from '../../sources/kafka/records.js';
import { requireComponent } from '../../../test/harness/ci.js';
import { committedToEnd as committedToEndOf, hasKafka, KAFKA_PROVISION, type RunningKafka, startKafka } from '../../../test/harness/kafka.js';
import { timedHdfsLines } from '../../../test/harness/log-streams.js';
import { until } from '../../../test/harness/until.js';
import { trainForWorkers } from './model-training.js';
import { listModels, publishModel, unpublishModel } from './models.js';
import { PartitionEngine } from './partition.js';
import { KafkaWorker } from './worker.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1);
/** Every flagged window is reported (no episodes, no budget), and no source trains its own model in these runs. */
const MODEL = { enabled: true, episode_seconds: 0, max_alerts_per_hour: 0, min_windows: 500 };
const config = validate({ detectors: { model: MODEL } }, serveConfigSchema) as ServeConfig;
const LIVE = T0 + 120 * MIN;

/** 90 minutes of a source's normal log, about 100 lines a minute. */
const trainingLines = (seed: number) => timedHdfsLines({ start: T0, minutes: 90, perMinute: 100, seed });

function records(source: string, lines: string[], from = 0): KafkaRecordIn[] {
  return lines.map((l, i) => ({ key: Buffer.from(source), value: Buffer.from(l), timestamp: String(LIVE), offset: String(from + i) }));
}

const modelFindings = (as: readonly Anomaly[]) => as.filter((a) => a.detector === 'model').sort((a, b) => a.ts - b.ts);

describe('models for the workers: trained offline, swapped into a partition', () => {
  let v1: StreamModelArtifact;
  beforeAll(async () => {
    v1 = (await trainForWorkers({ config, source: 'web-1', lines: trainingLines(1), logger: silentLogger, arrival: T0 })).artifact;
  });

  it('trains on the windows a worker counts, with the text of its templates', async () => {
    expect(v1.windowing).toEqual({ mode: 'time', size_ms: MIN });
    expect(v1.training.windows).toBeGreaterThanOrEqual(85);
    expect(Object.keys(v1.templates ?? {}).length).toBe(v1.training.templates);
    await expect(trainForWorkers({ config, source: 'web-1', lines: trainingLines(1).slice(0, 50), logger: silentLogger, arrival: T0 })).rejects.toThrow(/a model needs at least two/);
  });

  it('a partition scores with the swapped-in model from the next batch on; its checkpoint records the version; the next owner scores with it again', async () => {
    const received = decodePublished(encodePublished(publishedModel(v1, { scope: 'default', version: 1, at: T0 })));
    const live = records('web-1', timedHdfsLines({ start: LIVE, minutes: 40, perMinute: 100, seed: 2, burstAt: [10, 30] }));
    const opts = { config, topic: 'logs', partition: 0, naming: { topic: 'logs', from: 'key' as const }, maxLineBytes: 1 << 20, logger: silentLogger };
    const a = new PartitionEngine(opts);
    await a.process(live.slice(0, 200));
    expect(a.installModel(received)).toBe(1);
    const half = live.findIndex((r) => r.value!.toString().startsWith(new Date(LIVE + 20 * MIN).toISOString().slice(0, 16)));
    for (let i = 200; i < half; i += 500) await a.process(live.slice(i, Math.min(i + 500, half)));
    const cp = a.checkpoint()!;
    a.close();
    const first = modelFindings(cp.anomalies);
    expect(first.map((x) => x.window?.start)).toEqual([LIVE + 10 * MIN]);
    expect(first[0].model).toEqual({ kind: 'if', version: 1, scope: 'default', digest: received.published.digest });
    expect(first[0].title).toContain("'Disk failure on <PATH> at sector <NUM>' seen 300 times");
    // The template remap found the sample's templates by their text (only the burst's is new).
    expect(a.publishedStats()).toMatchObject({ swaps: 1, templatesUnknown: 1 });
    expect(a.publishedStats()!.templatesKnown).toBeGreaterThanOrEqual(8);

    // The next owner: the state names v1; the worker hands it the topic's latest (v1) at restore.
    const b = new PartitionEngine({ ...opts, restored: cp.state });
    expect(b.installModel(received)).toBe(1);
    await b.process(live.slice(half));
    const second = modelFindings(b.checkpoint()!.anomalies);
    b.close();
    expect(second.map((x) => [x.window?.start, x.model?.version])).toEqual([[LIVE + 30 * MIN, 1]]);
  });
});

const present = requireComponent(hasKafka(), 'a Kafka 4.4 broker', KAFKA_PROVISION);

describe.skipIf(!present)('the models topic on a real Kafka broker', () => {
  let broker: RunningKafka;
  let kafka: Kafka;
  let dir: string;
  let v1: StreamModelArtifact;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    broker = await startKafka();
    kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'test', logLevel: logLevel.NOTHING });
    dir = mkdtempSync(path.join(tmpdir(), 'anomalog-models-'));
    v1 = (await trainForWorkers({ config, source: 'web-1', lines: trainingLines(1), logger: silentLogger, arrival: T0 })).artifact;
  }, 120_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await broker?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  async function produce(topic: string, recs: KafkaRecordIn[]): Promise<void> {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    for (let i = 0; i < recs.length; i += 2000) await p.send({ topic, acks: -1, messages: recs.slice(i, i + 2000).map((r) => ({ key: r.key, value: r.value })) });
    await p.disconnect();
  }

  /** Every anomaly on the topic, read until `idleMs` without news. */
  async function anomalies(topic: string, idleMs = 2000): Promise<Anomaly[]> {
    const c = kafka.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
    const out: Anomaly[] = [];
    let last = performance.now();
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }) => {
        last = performance.now();
        out.push(JSON.parse(message.value!.toString()) as Anomaly);
      },
    });
    const started = performance.now();
    while (performance.now() - last < idleMs || performance.now() - started < idleMs * 2) await new Promise((r) => setTimeout(r, 200));
    await c.disconnect();
    return out;
  }

  const committedToEnd = (groupId: string, topic: string) => committedToEndOf(kafka, groupId, topic);

  const cli = promisify(execFile);
  const anomalog = (...args: string[]) => cli(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/bin.ts'), ...args], { cwd: ROOT, timeout: 120_000 });

  it('v1 published before the worker starts scores from the start; v2 published mid-stream (CLI) scores what comes after, without a restart or a lost record; garbage is counted and ignored; a worker started later gets v2', async () => {
    const topic = 'logs-m';
    await ensureTopics(kafka, [{ topic, partitions: 2 }]);
    const client = createKafka({ brokers: [broker.bootstrap], clientId: 'test', logger: silentLogger });
    const p1 = await publishModel({ kafka: client, topic: 'anomalog.models', artifact: v1, scope: 'default', logger: silentLogger, now: T0 });
    expect(p1.version).toBe(1);
    // Garbage on the topic: a record that is not gzip, and a gzipped JSON that is not a model.
    const junk = kafka.producer();
    await junk.connect();
    await junk.send({ topic: 'anomalog.models', messages: [{ key: 'model:source:web-2', value: Buffer.from('not a model') }, { key: 'model:default', value: gzipSync('{"format":"anomalog-published-model","version":1}') }] });
    await junk.disconnect();

    // Two sources, bursts at minutes 10 (before v2) and 30 (after), in 40 minutes of live log each.
    const lines = (seed: number) => timedHdfsLines({ start: LIVE, minutes: 40, perMinute: 100, seed, burstAt: [10, 30] });
    const cut = new Date(LIVE + 20 * MIN).toISOString().slice(0, 16);
    const split = (source: string, ls: string[]) => {
      const i = ls.findIndex((l) => l.startsWith(cut));
      return [records(source, ls.slice(0, i)), records(source, ls.slice(i))];
    };
    const [a1, a2] = split('web-1', lines(2));
    const [b1, b2] = split('web-2', lines(3));
    const w = new KafkaWorker({ config, brokers: [broker.bootstrap], topic, group: 'm1', anomaliesTopic: 'anomalies-m', logger: silentLogger, sessionTimeoutMs: 6000 });
    await w.start();
    try {
      await produce(topic, [...a1, ...b1]);
      await until('the first half is processed', async () => (w.stats().records === a1.length + b1.length ? true : undefined), 90_000);
      const before = w.stats().models!;
      expect(before.refused).toBe(2);
      expect(before.latest.map((m) => m.version)).toEqual([1]);

      // v2: trained on other lines, through the CLI, published mid-stream with the workers' configuration.
      const cfgFile = path.join(dir, 'anomalog.yaml');
      writeFileSync(cfgFile, JSON.stringify({ detectors: { model: MODEL } }));
      const logFile = path.join(dir, 'web.log');
      writeFileSync(logFile, `${trainingLines(5).join('\n')}\n`);
      const out = await anomalog('models', 'train', logFile, '--source', 'web-1', '-c', cfgFile, '--publish', '--brokers', broker.bootstrap, '--scope', 'default');
      expect(out.stderr).toMatch(/published if model v2 for default to anomalog\.models/);
      await until('v2 is swapped in', async () => (w.stats().models!.installed >= 2 ? true : undefined), 60_000);

      await produce(topic, [...a2, ...b2]);
      await until('the worker committed every record', () => committedToEnd('m1', topic), 90_000);
      const st = w.stats();
      // Nothing lost, no restart: one worker processed every record.
      expect(st.records).toBe(a1.length + a2.length + b1.length + b2.length);
      expect(st.models!.latest.map((m) => m.version)).toEqual([2]);
      expect(st.models!.refused).toBe(2);
    } finally {
      await w.stop();
    }
    const found = modelFindings(await anomalies('anomalies-m'));
    const bySource = (s: string) => found.filter((a) => a.source === s).map((a) => [a.window!.start - LIVE, a.model!.version]);
    // Windows closed before v2 arrived were scored by v1, the later ones by v2 (the burst minutes, nothing else).
    expect(bySource('web-1')).toEqual([[10 * MIN, 1], [30 * MIN, 2]]);
    expect(bySource('web-2')).toEqual([[10 * MIN, 1], [30 * MIN, 2]]);
    const models = await listModels(client, 'anomalog.models', silentLogger);
    expect(models.map((m) => [m.key, m.version ?? 'refused'])).toEqual([['model:default', 2], ['model:source:web-2', 'refused']]);

    // A worker started after the publication: it restores the partitions and scores with the latest.
    const late = new KafkaWorker({ config, brokers: [broker.bootstrap], topic, group: 'm1', anomaliesTopic: 'anomalies-m', logger: silentLogger, sessionTimeoutMs: 6000 });
    await late.start();
    try {
      const more = records('web-1', timedHdfsLines({ start: LIVE + 40 * MIN, minutes: 15, perMinute: 100, seed: 4, burstAt: [5] }), 0);
      await produce(topic, more);
      await until('the late worker committed every record', () => committedToEnd('m1', topic), 90_000);
      expect(late.stats().records).toBe(more.length);
      expect(late.stats().models).toMatchObject({ refused: 2, latest: [{ scope: 'default', version: 2 }] });
    } finally {
      await late.stop();
    }
    const after = modelFindings(await anomalies('anomalies-m')).filter((a) => a.window!.start >= LIVE + 40 * MIN);
    expect(after.map((a) => [a.source, a.window!.start - LIVE, a.model!.version])).toEqual([['web-1', 45 * MIN, 2]]);
  }, 300_000);

  it('after a worker is killed with -9, the new owner of its partitions scores with the published model its state names', async () => {
    const topic = 'logs-k';
    await ensureTopics(kafka, [{ topic, partitions: 2 }]);
    const client = createKafka({ brokers: [broker.bootstrap], clientId: 'test', logger: silentLogger });
    const p = await publishModel({ kafka: client, topic: 'models-k', artifact: v1, scope: 'default', logger: silentLogger, now: T0 });
    const cfgFile = path.join(dir, 'kill.yaml');
    writeFileSync(cfgFile, JSON.stringify({ detectors: { model: MODEL }, pipeline: { checkpoint_interval_ms: 300 } }));
    const start = () => {
      const c = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/bin.ts'), 'worker', '--brokers', broker.bootstrap, '--topic', topic, '--group', 'k', '--anomalies-topic', 'anomalies-k', '--models-topic', 'models-k', '--session-timeout-ms', '6000', '-c', cfgFile], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-20_000)));
      children.push(c);
      return { c, err: () => err };
    };
    const lines = (seed: number) => timedHdfsLines({ start: LIVE, minutes: 40, perMinute: 100, seed, burstAt: [10, 30] });
    const cut = new Date(LIVE + 20 * MIN).toISOString().slice(0, 16);
    const halves = (source: string, ls: string[]) => {
      const i = ls.findIndex((l) => l.startsWith(cut));
      return [records(source, ls.slice(0, i)), records(source, ls.slice(i))];
    };
    const [a1, a2] = halves('web-1', lines(2));
    const [b1, b2] = halves('web-2', lines(3));
    const a = start();
    await produce(topic, [...a1, ...b1]);
    await until('the first worker committed the first half', () => committedToEnd('k', topic), 90_000);
    a.c.kill('SIGKILL');
    const b = start();
    await produce(topic, [...a2, ...b2]);
    await until('the new owner committed every record', () => committedToEnd('k', topic), 120_000);
    expect(b.c.exitCode, b.err()).toBeNull();
    expect(b.err()).toContain('Partition state restored.');
    const found = modelFindings(await anomalies('anomalies-k'));
    for (const source of ['web-1', 'web-2']) {
      const mine = found.filter((x) => x.source === source);
      // Each burst once (the first half's from the killed worker, the second's from its successor), both by v1.
      expect(mine.map((x) => [x.window!.start - LIVE, x.model!.version, x.model!.digest])).toEqual([
        [10 * MIN, 1, p.digest],
        [30 * MIN, 1, p.digest],
      ]);
    }
  }, 240_000);

  it('a model withdrawn with `models unpublish` (a tombstone) stops scoring its source, without a restart', async () => {
    const topic = 'logs-u';
    await ensureTopics(kafka, [{ topic, partitions: 1 }]);
    const client = createKafka({ brokers: [broker.bootstrap], clientId: 'test', logger: silentLogger });
    await publishModel({ kafka: client, topic: 'models-u', artifact: v1, scope: 'source:web-1', logger: silentLogger, now: T0 });
    const ls = timedHdfsLines({ start: LIVE, minutes: 40, perMinute: 100, seed: 2, burstAt: [10, 30] });
    const cut = ls.findIndex((l) => l.startsWith(new Date(LIVE + 20 * MIN).toISOString().slice(0, 16)));
    const w = new KafkaWorker({ config, brokers: [broker.bootstrap], topic, group: 'u', anomaliesTopic: 'anomalies-u', modelsTopic: 'models-u', logger: silentLogger, sessionTimeoutMs: 6000 });
    await w.start();
    try {
      await produce(topic, records('web-1', ls.slice(0, cut)));
      await until('the first half is processed', async () => (w.stats().records === cut ? true : undefined), 90_000);
      const out = await anomalog('models', 'unpublish', '--scope', 'source:web-1', '--brokers', broker.bootstrap, '--models-topic', 'models-u');
      expect(out.stderr).toContain('tombstone for key model:source:web-1');
      await until('the model is withdrawn', async () => (w.stats().models!.withdrawn === 1 ? true : undefined), 60_000);
      expect(w.stats().models!.latest).toEqual([]);
      await produce(topic, records('web-1', ls.slice(cut)));
      await until('the worker committed every record', () => committedToEnd('u', topic), 90_000);
      expect(w.stats().records).toBe(ls.length);
    } finally {
      await w.stop();
    }
    // The burst before the withdrawal was scored by the published model; after it the source has no model (it needs 500 windows of its own).
    const found = modelFindings(await anomalies('anomalies-u'));
    expect(found.map((a) => [a.window!.start - LIVE, a.model!.scope])).toEqual([[10 * MIN, 'source:web-1']]);
    expect(await listModels(client, 'models-u', silentLogger)).toEqual([]);
    // A topic nothing was ever published to: an empty list at once (a reader on it used to wait forever), and no topic made.
    expect(await listModels(client, 'models-never', silentLogger)).toEqual([]);
    await expect(unpublishModel(client, 'models-never', 'default')).rejects.toThrow(/"models-never" does not exist/);
    expect(await topicExists(client, 'models-never')).toBe(false);
  }, 180_000);

  it('a worker with the model detector off does not read the models topic', async () => {
    await ensureTopics(kafka, [{ topic: 'logs-off', partitions: 1 }]);
    const off = validate({}, serveConfigSchema) as ServeConfig;
    const w = new KafkaWorker({ config: off, brokers: [broker.bootstrap], topic: 'logs-off', group: 'off', anomaliesTopic: 'anomalies-off', logger: silentLogger, sessionTimeoutMs: 6000 });
    await w.start();
    try {
      expect(w.stats().models).toBeUndefined();
      const admin = kafka.admin();
      await admin.connect();
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      await admin.disconnect();
      expect(groups.filter((g) => g.startsWith('off.models'))).toEqual([]);
      expect(groups.some((g) => g.startsWith('off.feedback'))).toBe(true);
    } finally {
      await w.stop();
    }
  }, 60_000);

  it('refuses to publish a model too large for a topic that exists with a smaller record limit', async () => {
    await ensureTopics(kafka, [{ topic: 'small-models', partitions: 1, compacted: true, maxMessageBytes: 2000 }]);
    const client = createKafka({ brokers: [broker.bootstrap], clientId: 'test', logger: silentLogger });
    await expect(publishModel({ kafka: client, topic: 'small-models', artifact: v1, scope: 'default', version: 1, logger: silentLogger, now: T0 })).rejects.toMatchObject({ code: 'ANOMALOG_ERR_MODEL_REFUSED', hint: expect.stringMatching(/raise it .*max\.message\.bytes=16777216/) });
  }, 60_000);
});

