/**
 * @module bench/kafka.bench
 * `anomalog worker` through a real Kafka 4.4 broker (scripts/kafka-broker.sh, jars from
 * scripts/provision-kafka.sh), the default detector set (zero config), as a user runs it: each
 * worker is its own process (`node --import tsx src/cli/bin.ts worker …`).
 *
 * Lines: the raw lines of the Loghub 2k systems (../shared/datasets/loghub, one source per system,
 * keyed by its name; the committed samples when the dataset is absent — the report says which),
 * interleaved in order and cycled to `--lines` records, produced to a 4-partition topic before the
 * workers start (so what is timed is consumption: fetch → parse → detectors → checkpoint → commit).
 *
 * Runs, each with its own consumer group and anomalies topic on the same data:
 *   1. one worker; 2. two workers; 3. two workers, one of them killed with -9 at three random points
 *   (restarted each time, so two run again).
 * Reported: lines/s per run (from the first commit to the last, and from spawn), CPU seconds of the
 * broker and the workers (/proc), the anomaly id sets (parity: run 2 and 3 vs run 1; duplicates),
 * for each kill the pause until the killed worker's partitions commit again (takeover: session
 * timeout + restore), and the baseline in the same run: the partition engines in-process without
 * Kafka over the same records (the pipeline's own cost).
 *
 * Usage: npm run bench:kafka [-- --lines N] [--quick] [--dataset DIR] [--session-timeout-ms MS] [--json FILE]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_LOGHUB_DIR } from '../src/eval/loghub.js';
import { validate } from '../src/config/load.js';
import { type ServeConfig, serveConfigSchema } from '../src/config/schema.js';
import { silentLogger } from '../src/core/component.js';
import type { KafkaRecordIn } from '../src/sources/kafka/records.js';
import { PartitionEngine } from '../src/topology/kafka/partition.js';
import { loadCorpus } from './serve/corpus.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const quick = process.argv.includes('--quick');
const LINES = Number(arg('--lines') ?? (quick ? 120_000 : 480_000));
const PARTITIONS = 4;
const SESSION_MS = Number(arg('--session-timeout-ms') ?? 10_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const corpus = loadCorpus(arg('--dataset') ?? DEFAULT_LOGHUB_DIR);
  const records: [string, string][] = [];
  for (let i = 0; records.length < LINES; i++) {
    for (const s of corpus.systems) {
      if (records.length >= LINES) break;
      records.push([s.name, s.lines[i % s.lines.length]]);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-bench-kafka-'));
  const port = await freePort();
  const ctl = await freePort();
  const script = join(root, 'scripts/kafka-broker.sh');
  execFileSync('bash', [script, 'start', dir, String(port), String(ctl)], { stdio: 'inherit' });
  const brokerPid = Number(readFileSync(join(dir, 'broker.pid'), 'utf8'));
  const bootstrap = `127.0.0.1:${port}`;
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const children: ChildProcess[] = [];
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'logs', numPartitions: PARTITIONS }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const tp = performance.now();
    for (let i = 0; i < records.length; i += 10_000) {
      await producer.send({ topic: 'logs', acks: -1, messages: records.slice(i, i + 10_000).map(([key, value]) => ({ key, value })) });
    }
    const produceS = (performance.now() - tp) / 1000;
    await producer.disconnect();
    const ends = new Map((await admin.fetchTopicOffsets('logs')).map((p) => [p.partition, Number(p.high)]));
    const bytes = records.reduce((s, [, v]) => s + v.length + 1, 0);
    console.log(`corpus: ${corpus.origin}; ${records.length} records (${(bytes / 1e6).toFixed(1)} MB) over ${PARTITIONS} partitions (${[...ends.values()].join('/')}), produced in ${produceS.toFixed(1)} s`);

    // Baseline in the same run: the partition engines without Kafka over the broker's records.
    const perPartition = await readTopic(kafka, 'logs', LINES);
    const config = validate({}, serveConfigSchema) as ServeConfig;
    const tb = performance.now();
    const baselineIds: string[] = [];
    for (const [partition, msgs] of perPartition) {
      const e = new PartitionEngine({ config, topic: 'logs', partition, naming: { topic: 'logs', from: 'key' }, maxLineBytes: 1 << 20, logger: silentLogger });
      for (let i = 0; i < msgs.length; i += 2000) await e.process(msgs.slice(i, i + 2000));
      baselineIds.push(...(e.checkpoint()?.anomalies.map((a) => a.id) ?? []));
      e.close();
    }
    const baselineS = (performance.now() - tb) / 1000;
    console.log(`baseline (partition engines in-process, no Kafka): ${Math.round(records.length / baselineS)} lines/s on one thread, ${new Set(baselineIds).size} anomalies`);

    const spawnWorker = (group: string, anomalies: string) => {
      const c = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'worker', '--brokers', bootstrap, '--topic', 'logs', '--group', group, '--anomalies-topic', anomalies, '--session-timeout-ms', String(SESSION_MS)], { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
      children.push(c);
      return c;
    };
    /** Committed offsets of a group per partition (−1 before the first commit). */
    const committed = async (group: string) => {
      const r = await admin.fetchOffsets({ groupId: group, topics: ['logs'] });
      return new Map(r[0].partitions.map((p) => [p.partition, Number(p.offset)]));
    };
    const done = (c: Map<number, number>) => [...ends].every(([p, end]) => end === 0 || c.get(p) === end);
    const total = (c: Map<number, number>) => [...c.values()].reduce((s, v) => s + Math.max(0, v), 0);

    interface RunResult {
      name: string;
      lps: number;
      lpsFromSpawn: number;
      workerCpu: number;
      brokerCpu: number;
      wallS: number;
      ids: string[];
      pauses: number[];
    }
    async function run(name: string, n: number, kills = 0): Promise<RunResult> {
      const group = `bench-${name}`;
      const topic = `anomalies-${name}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
      const b0 = cpuSeconds(brokerPid);
      const t0 = performance.now();
      const ws: ChildProcess[] = Array.from({ length: n }, () => spawnWorker(group, topic));
      const cpuOf = new Map<ChildProcess, number>();
      let first = 0;
      let firstLines = 0;
      const killAt = Array.from({ length: kills }, (_, k) => (0.15 + 0.25 * k + Math.random() * 0.15) * records.length).sort((a, b) => a - b);
      const pauses: number[] = [];
      for (;;) {
        await sleep(100);
        const c = await committed(group);
        const t = total(c);
        if (first === 0 && t > 0) {
          first = performance.now();
          firstLines = t;
        }
        if (killAt.length > 0 && t >= killAt[0]) {
          killAt.shift();
          const victim = ws[0];
          cpuOf.set(victim, (cpuOf.get(victim) ?? 0) + cpuSeconds(victim.pid));
          victim.kill('SIGKILL');
          const tk = performance.now();
          ws[0] = spawnWorker(group, topic);
          // The pause: until every partition that had not reached its end commits again.
          const before = await committed(group);
          for (;;) {
            await sleep(100);
            const now = await committed(group);
            if ([...ends].every(([p, end]) => (now.get(p) ?? -1) > (before.get(p) ?? -1) || before.get(p) === end || end === 0)) break;
            if (performance.now() - tk > 120_000) throw new Error('no progress 120 s after a kill');
          }
          pauses.push((performance.now() - tk) / 1000);
        }
        if (done(c)) break;
        if (performance.now() - t0 > 900_000) throw new Error(`${name}: not done in 15 min`);
      }
      const t1 = performance.now();
      let workerCpu = 0;
      for (const w of ws) workerCpu += cpuSeconds(w.pid) + (cpuOf.get(w) ?? 0);
      for (const [w, c] of cpuOf) if (!ws.includes(w)) workerCpu += c;
      const brokerCpu = cpuSeconds(brokerPid) - b0;
      for (const w of ws) w.kill('SIGTERM');
      const ids = (await readTopic(kafka, topic, 0, 4000)).values();
      const all = [...ids].flat().map((m) => (JSON.parse(m.value!.toString()) as { id: string }).id);
      const r: RunResult = {
        name,
        lps: (records.length - firstLines) / ((t1 - first) / 1000),
        lpsFromSpawn: records.length / ((t1 - t0) / 1000),
        workerCpu,
        brokerCpu,
        wallS: (t1 - t0) / 1000,
        ids: all,
        pauses,
      };
      console.log(
        `${name}: ${n} worker(s): ${Math.round(r.lps)} lines/s first→last commit (${Math.round(r.lpsFromSpawn)} from spawn, ${r.wallS.toFixed(1)} s); CPU s: workers ${workerCpu.toFixed(1)}, broker ${brokerCpu.toFixed(1)} (${((100 * brokerCpu) / (brokerCpu + workerCpu)).toFixed(0)}%); ${new Set(all).size} anomalies, ${all.length - new Set(all).size} duplicate records` +
          (pauses.length ? `; pauses after kill -9: ${pauses.map((p) => p.toFixed(1)).join(', ')} s` : ''),
      );
      await sleep(1000);
      return r;
    }
    const one = await run('one', 1);
    const two = await run('two', 2);
    const kill = await run('kill', 2, 3);
    const A = new Set(one.ids);
    const cmp = (r: RunResult) => {
      const B = new Set(r.ids);
      return { missing: [...A].filter((x) => !B.has(x)).length, extra: [...B].filter((x) => !A.has(x)).length, duplicates: r.ids.length - B.size };
    };
    const B = new Set(baselineIds);
    const vsBaseline = { missing: [...B].filter((x) => !A.has(x)).length, extra: [...A].filter((x) => !B.has(x)).length };
    console.log(`parity: 2 workers vs 1: ${JSON.stringify(cmp(two))}; 2 workers with 3 × kill -9 vs 1: ${JSON.stringify(cmp(kill))}; 1 worker vs in-process baseline: ${JSON.stringify(vsBaseline)}`);
    console.log(`ratio: 1 worker through Kafka / in-process baseline = ${((100 * one.lps) / (records.length / baselineS)).toFixed(0)}%; 2 workers / 1 worker = ${((100 * two.lps) / one.lps).toFixed(0)}% (2 cores shared with the broker and other processes; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${cpus().length} cores)`);
    const cpuPerLineUs = (one.workerCpu / records.length) * 1e6;
    const brokerPerLineUs = (one.brokerCpu / records.length) * 1e6;
    console.log(`cost: ${cpuPerLineUs.toFixed(2)} µs worker CPU + ${brokerPerLineUs.toFixed(2)} µs broker CPU per line (${(bytes / records.length).toFixed(0)} B/line)`);
    const out = arg('--json');
    if (out) writeFileSync(out, JSON.stringify({ corpus: corpus.origin, records: records.length, bytes, produceS, baselineLps: records.length / baselineS, runs: [one, two, kill].map(({ ids, ...r }) => ({ ...r, anomalies: new Set(ids).size, duplicates: ids.length - new Set(ids).size })), parity: { two: cmp(two), kill: cmp(kill), baseline: vsBaseline }, cpuPerLineUs, brokerPerLineUs }, null, 2));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await admin.disconnect().catch(() => undefined);
    execFileSync('bash', [script, 'stop', dir]);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

/** A topic's records per partition, read to its end (every record written before the call). */
async function readTopic(kafka: Kafka, topic: string, _want = 0, _idleMs = 0): Promise<Map<number, KafkaRecordIn[]>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
  const c = kafka.consumer({ groupId: `bench-read-${Math.random().toString(36).slice(2)}`, maxBytesPerPartition: 8 << 20 });
  const out = new Map<number, KafkaRecordIn[]>();
  const next = new Map<number, number>();
  await c.connect();
  await c.subscribe({ topics: [topic], fromBeginning: true });
  await c.run({
    eachBatch: async ({ batch }) => {
      if (!out.has(batch.partition)) out.set(batch.partition, []);
      const list = out.get(batch.partition)!;
      for (const m of batch.messages) list.push(m as KafkaRecordIn);
      if (batch.messages.length > 0) next.set(batch.partition, Number(batch.lastOffset()) + 1);
    },
  });
  const t0 = performance.now();
  while ([...ends].some(([p, end]) => end > 0 && (next.get(p) ?? 0) < end)) {
    if (performance.now() - t0 > 300_000) throw new Error(`could not read ${topic} to its end`);
    await sleep(100);
  }
  await c.disconnect();
  return out;
}

await main();
