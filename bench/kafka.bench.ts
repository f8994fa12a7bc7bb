/**
 * @module bench/kafka.bench
 * `anomalog worker` through a real Kafka 4.4 broker (scripts/kafka-broker.sh, jars from
 * scripts/provision-kafka.sh), zero config (the default detectors), each worker its own process
 * (`node --import tsx src/cli/bin.ts worker …`), against `serve` over HTTP on the same records in
 * the same run (the throughput ratio is the number to read: the machine is shared and noisy).
 *
 * Lines: the raw lines of the Loghub 2k systems (../shared/datasets/loghub, one source per system,
 * keyed by its name; the committed samples when the dataset is absent — the report says which),
 * interleaved record by record and cycled to `--lines` records, produced to a 4-partition topic
 * before anything is timed (what is timed is consumption: fetch → parse → detectors → checkpoint).
 *
 * Runs, on the same records, each worker run with its own consumer group and anomalies topic:
 *   serve   `serve` over HTTP NDJSON (bench/kafka/serve-http.ts): the baseline.
 *   one     one worker.
 *   two     two workers started together (2 cores, shared with the broker).
 *   churn   one worker; a second joins at 10% (the rebalance pause: kafkajs rebalances eagerly, every
 *           partition stops); then three times one of them is killed with -9 and a new one started
 *           (the takeover: session timeout + rejoin + state restore from the changelog).
 * Reported: lines/s (first → last commit; and from spawn), worker and broker CPU seconds (/proc)
 * and µs per line, the anomaly ids of each run against run `one` (parity, duplicate records), the
 * pauses, and the state restore times the workers log.
 *
 * Usage: npm run bench:kafka [-- --lines N] [--quick] [--only serve,one,two,churn] [--in-process]
 *        [--dataset DIR] [--session-timeout-ms MS] [--cpu-prof DIR] [--json FILE]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { committedOffsets, cpuSeconds, freePort, longestStall, type Progress, sleep } from './kafka/proc.js';
import { serveOverHttp } from './kafka/serve-http.js';
import { loadCorpus } from './serve/corpus.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const quick = process.argv.includes('--quick');
const LINES = Number(arg('--lines') ?? (quick ? 120_000 : 240_000));
const ONLY = new Set((arg('--only') ?? 'serve,one,two,churn').split(','));
const PARTITIONS = 4;
const SESSION_MS = Number(arg('--session-timeout-ms') ?? 10_000);
const PROF = arg('--cpu-prof');

interface RunResult {
  name: string;
  workers: number;
  lps: number;
  lpsFromSpawn: number;
  /** Worker CPU seconds from the first commit to the last, per line committed meanwhile (µs). */
  workerUsPerLine: number;
  workerCpu: number;
  brokerCpu: number;
  wallS: number;
  anomalies: number;
  duplicates: number;
  ids: string[];
  /** Per id: detector, source and title (what a parity difference is shown with). */
  what: Map<string, string>;
  joinPauseS?: number;
  killPausesS: number[];
  restoreMs: number[];
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
  const bytes = records.reduce((s, [, v]) => s + Buffer.byteLength(v) + 1, 0);
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-bench-kafka-'));
  const [port, ctl] = [await freePort(), await freePort()];
  const script = join(root, 'scripts/kafka-broker.sh');
  const tStart = performance.now();
  execFileSync('bash', [script, 'start', dir, String(port), String(ctl)], { stdio: 'inherit' });
  const brokerPid = Number(readFileSync(join(dir, 'broker.pid'), 'utf8'));
  const bootstrap = `127.0.0.1:${port}`;
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const children: ChildProcess[] = [];
  const results: RunResult[] = [];
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
    console.log(`Corpus: ${corpus.origin}; ${records.length.toLocaleString('en-US')} records (${(bytes / 1e6).toFixed(1)} MB, ${(bytes / records.length).toFixed(0)} B/line), ${corpus.systems.length} sources keyed by name, over ${PARTITIONS} partitions (${[...ends.values()].join('/')}), produced in ${produceS.toFixed(1)} s.`);
    console.log(`Machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start (shared: read ratios, not absolutes).`);

    let serve: Awaited<ReturnType<typeof serveOverHttp>> | undefined;
    if (ONLY.has('serve')) {
      serve = await serveOverHttp(root, dir, records);
      console.log(`serve over HTTP (baseline, same records, default config): ${fmt(serve.lps)} lines/s, ${serve.wallS.toFixed(1)} s, ${serve.cpu.toFixed(1)} CPU s (${((serve.cpu / records.length) * 1e6).toFixed(1)} µs/line, all threads)`);
    }
    let inProcessLps: number | undefined;
    if (process.argv.includes('--in-process')) inProcessLps = await inProcess(kafka, records.length);

    let spawned = 0;
    const spawnWorker = (group: string, anomalies: string) => {
      const n = spawned++;
      const flags = PROF ? ['--cpu-prof', '--cpu-prof-dir', PROF] : [];
      const c = spawn(process.execPath, [...flags, '--import', 'tsx', join(root, 'src/cli/bin.ts'), 'worker', '--brokers', bootstrap, '--topic', 'logs', '--group', group, '--anomalies-topic', anomalies, '--session-timeout-ms', String(SESSION_MS)], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      c.stderr!.pipe(createWriteStream(join(dir, `worker-${n}.log`)));
      children.push(c);
      return { c, log: join(dir, `worker-${n}.log`) };
    };
    const committed = (group: string): Promise<Map<number, number>> => committedOffsets(admin, group, 'logs');
    const total = (c: Map<number, number>) => [...c.values()].reduce((s, v) => s + Math.max(0, v), 0);
    const done = (c: Map<number, number>) => [...ends].every(([p, end]) => end === 0 || c.get(p) === end);

    async function run(name: string, n: number, churn = false): Promise<RunResult> {
      const group = `bench-${name}`;
      const topic = `anomalies-${name}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
      const b0 = cpuSeconds(brokerPid);
      const t0 = performance.now();
      const ws = Array.from({ length: n }, () => spawnWorker(group, topic));
      const gone: typeof ws = [];
      /** CPU seconds of the workers killed (read just before the kill: /proc forgets them). */
      let goneCpu = 0;
      const progress: Progress = [];
      let first = 0;
      let firstLines = 0;
      let cpuAtFirst = 0;
      let joinAt: number | undefined;
      let joinPauseS: number | undefined;
      const killAt = churn ? [0.15, 0.35, 0.55].map((f) => (f + Math.random() * 0.1) * records.length) : [];
      const killPausesS: number[] = [];
      const cpuNow = () => ws.reduce((s, w) => s + cpuSeconds(w.c.pid), goneCpu);
      for (;;) {
        await sleep(100);
        const c = await committed(group);
        const t = total(c);
        progress.push([performance.now() - t0, t]);
        if (first === 0 && t > 0) {
          first = performance.now();
          firstLines = t;
          cpuAtFirst = cpuNow();
        }
        if (churn && joinAt === undefined && t >= 0.1 * records.length) {
          joinAt = performance.now() - t0;
          ws.push(spawnWorker(group, topic));
        }
        if (killAt.length > 0 && t >= killAt[0]) {
          killAt.shift();
          if (joinPauseS === undefined && joinAt !== undefined) joinPauseS = longestStall(progress, joinAt, performance.now() - t0);
          const victim = ws.shift()!;
          goneCpu += cpuSeconds(victim.c.pid);
          victim.c.kill('SIGKILL');
          gone.push(victim);
          const tk = performance.now();
          ws.push(spawnWorker(group, topic));
          // The pause: until every partition that had not reached its end commits again.
          const before = await committed(group);
          for (;;) {
            await sleep(100);
            const now = await committed(group);
            progress.push([performance.now() - t0, total(now)]);
            if ([...ends].every(([p, end]) => (now.get(p) ?? -1) > (before.get(p) ?? -1) || before.get(p) === end || end === 0)) break;
            if (performance.now() - tk > 120_000) throw new Error('no progress 120 s after a kill');
          }
          killPausesS.push((performance.now() - tk) / 1000);
        }
        if (done(c)) break;
        if (performance.now() - t0 > 600_000) throw new Error(`${name}: not done in 10 min`);
      }
      const t1 = performance.now();
      const workerCpu = cpuNow();
      const brokerCpu = cpuSeconds(brokerPid) - b0;
      if (churn && joinPauseS === undefined && joinAt !== undefined) joinPauseS = longestStall(progress, joinAt, t1 - t0);
      for (const w of ws) w.c.kill('SIGTERM');
      await Promise.all(ws.map((w) => new Promise((r) => (w.c.exitCode !== null ? r(null) : w.c.once('exit', r)))));
      const found = [...(await readTopic(kafka, topic)).values()].flat().map((m) => JSON.parse(m.value!.toString()) as { id: string; detector: string; source: string; title: string; ts: number });
      const ids = found.map((a) => a.id);
      const what = new Map(found.map((a) => [a.id, `${a.detector} ${a.source} ${new Date(a.ts).toISOString()} ${a.title.slice(0, 100)}`]));
      const restoreMs = [...ws, ...gone].flatMap((w) => restoresOf(w.log));
      const r: RunResult = {
        name,
        workers: n,
        lps: (records.length - firstLines) / ((t1 - first) / 1000),
        lpsFromSpawn: records.length / ((t1 - t0) / 1000),
        workerUsPerLine: ((workerCpu - cpuAtFirst) / (records.length - firstLines)) * 1e6,
        workerCpu,
        brokerCpu,
        wallS: (t1 - t0) / 1000,
        anomalies: new Set(ids).size,
        duplicates: ids.length - new Set(ids).size,
        ids,
        what,
        joinPauseS,
        killPausesS,
        restoreMs,
      };
      console.log(
        `${name}: ${n} worker(s)${churn ? ' + churn' : ''}: ${fmt(r.lps)} lines/s first→last commit (${fmt(r.lpsFromSpawn)} from spawn, ${r.wallS.toFixed(1)} s); ` +
          `CPU s workers ${workerCpu.toFixed(1)} (${r.workerUsPerLine.toFixed(1)} µs/line after the first commit), broker ${brokerCpu.toFixed(1)} (${((100 * brokerCpu) / (brokerCpu + workerCpu)).toFixed(0)}%); ` +
          `${r.anomalies} anomalies, ${r.duplicates} duplicate records` +
          (joinPauseS !== undefined ? `; join pause ${joinPauseS.toFixed(1)} s` : '') +
          (killPausesS.length ? `; takeover after kill -9: ${killPausesS.map((p) => p.toFixed(1)).join(', ')} s` : '') +
          (restoreMs.length ? `; state restores ${restoreMs.length}, max ${Math.max(...restoreMs)} ms` : ''),
      );
      await sleep(500);
      return r;
    }
    if (ONLY.has('one')) results.push(await run('one', 1));
    if (ONLY.has('two')) results.push(await run('two', 2));
    if (ONLY.has('churn')) results.push(await run('churn', 1, true));

    const one = results.find((r) => r.name === 'one');
    const parity = Object.fromEntries(
      results
        .filter((r) => one && r !== one)
        .map((r) => {
          const A = new Set(one!.ids);
          const B = new Set(r.ids);
          return [r.name, { missing: [...A].filter((x) => !B.has(x)).length, extra: [...B].filter((x) => !A.has(x)).length, duplicates: r.duplicates }];
        }),
    );
    if (Object.keys(parity).length > 0) console.log(`parity (anomaly ids vs run one): ${JSON.stringify(parity)}`);
    for (const r of results.filter((x) => one && x !== one)) {
      const A = new Set(one!.ids);
      const B = new Set(r.ids);
      for (const id of [...A].filter((x) => !B.has(x)).slice(0, 5)) console.log(`  ${r.name} misses ${one!.what.get(id)}`);
      for (const id of [...B].filter((x) => !A.has(x)).slice(0, 5)) console.log(`  ${r.name} adds ${r.what.get(id)}`);
    }
    if (serve && one) {
      console.log(`RATIO 1 worker through Kafka / serve over HTTP: ${(one.lps / serve.lps).toFixed(2)}× lines/s; CPU per line ${(one.workerUsPerLine / ((serve.cpu / records.length) * 1e6)).toFixed(2)}× serve's (worker ${one.workerUsPerLine.toFixed(1)} µs + broker ${((one.brokerCpu / records.length) * 1e6).toFixed(1)} µs per line)`);
    }
    const two = results.find((r) => r.name === 'two');
    if (one && two) console.log(`2 workers / 1 worker: ${(two.lps / one.lps).toFixed(2)}× (two processes and the broker on ${cpus().length} cores)`);
    if (inProcessLps && one) console.log(`1 worker / partition engines in-process without Kafka: ${(one.lps / inProcessLps).toFixed(2)}×`);
    console.log(`Whole bench: ${((performance.now() - tStart) / 1000).toFixed(0)} s; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`);
    const out = arg('--json');
    if (out) writeFileSync(out, JSON.stringify({ corpus: corpus.origin, records: records.length, bytes, produceS, serve, inProcessLps, runs: results.map(({ ids: _ids, what: _what, ...r }) => r), parity, loadavg: loadavg() }, null, 2));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await admin.disconnect().catch(() => undefined);
    execFileSync('bash', [script, 'stop', dir]);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The `ms` of every state restore a worker logged (partitions that had a state to restore). */
function restoresOf(log: string): number[] {
  const out: number[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (!line.includes('Partition state restored')) continue;
    try {
      const j = JSON.parse(line) as { ms?: number; bytes?: number };
      if (typeof j.ms === 'number' && (j.bytes ?? 0) > 0) out.push(j.ms);
    } catch {
      // a line cut by the kill
    }
  }
  return out;
}

/** The partition engines in this process over the broker's records, without Kafka (the pipeline's own cost). */
async function inProcess(kafka: Kafka, n: number): Promise<number> {
  const perPartition = await readTopic(kafka, 'logs');
  const config = validate({}, serveConfigSchema) as ServeConfig;
  const t0 = performance.now();
  for (const [partition, msgs] of perPartition) {
    const e = new PartitionEngine({ config, topic: 'logs', partition, naming: { topic: 'logs', from: 'key' }, maxLineBytes: 1 << 20, logger: silentLogger });
    for (let i = 0; i < msgs.length; i += 2000) await e.process(msgs.slice(i, i + 2000));
    e.checkpoint();
    e.close();
  }
  const lps = n / ((performance.now() - t0) / 1000);
  console.log(`partition engines in-process, no Kafka (one thread): ${fmt(lps)} lines/s`);
  return lps;
}

/** A topic's records per partition, read to its end (every record written before the call). */
async function readTopic(kafka: Kafka, topic: string): Promise<Map<number, KafkaRecordIn[]>> {
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
