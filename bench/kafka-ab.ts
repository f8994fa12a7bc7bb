/**
 * @module bench/kafka-ab
 * A/B of `anomalog worker` through one real broker in one sitting: bench:kafka's records (Loghub 2k
 * raw lines, one source per system keyed by name, interleaved, cycled to `--lines`) are produced once
 * to a 4-partition topic, then one worker at a time consumes all of them, alternating the variants
 * round after round, each run with its own group and anomalies topic. A variant is a checkout
 * (`DIR`, its `src/cli/bin.ts` run with tsx) optionally followed by `+` and node flags
 * (`/tmp/base+--max-semi-space-size=32`) or environment variables (`DIR+NAME=value`). Per run: lines/s first → last commit, worker CPU µs per
 * line after the first commit, broker CPU µs per line, and a digest of the anomaly ids (outputs
 * must not change between variants). Ratios are of medians against the first variant.
 *
 *   npx tsx bench/kafka-ab.ts --rounds 3 /tmp/base "$PWD"
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_LOGHUB_DIR } from '../src/eval/loghub.js';
import { committedOffsets, cpuSeconds, freePort, sleep } from './kafka/proc.js';
import { loadCorpus } from './serve/corpus.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const LINES = Number(opt('--lines', '240000'));
const ROUNDS = Number(opt('--rounds', '3'));
const dataset = opt('--dataset', DEFAULT_LOGHUB_DIR);
/** A broker already running (its directory from kafka-broker.sh, port): the `logs` topic is produced only when absent. */
const brokerDir = opt('--broker-dir', '');
const brokerPort = Number(opt('--broker-port', '0'));
/** Where each worker's output goes (`<group>.log`; default: nowhere). */
const logs = opt('--logs', '');
const variants = (argv.length > 0 ? argv : [root]).map((v) => {
  const [dir, ...more] = v.split('+');
  const env = Object.fromEntries(more.filter((f) => !f.startsWith('-')).map((f) => f.split('=') as [string, string]));
  return { name: v, dir: resolve(dir), flags: more.filter((f) => f.startsWith('-')), env };
});

const corpus = loadCorpus(dataset);
const records: { key: string; value: string }[] = [];
for (let i = 0; records.length < LINES; i++) {
  for (const s of corpus.systems) {
    if (records.length >= LINES) break;
    records.push({ key: s.name, value: s.lines[i % s.lines.length] });
  }
}
const dir = brokerDir || mkdtempSync(join(tmpdir(), 'anomalog-kafka-ab-'));
const [port, ctl] = brokerDir ? [brokerPort, 0] : [await freePort(), await freePort()];
const script = join(root, 'scripts/kafka-broker.sh');
if (!brokerDir) execFileSync('bash', [script, 'start', dir, String(port), String(ctl)], { stdio: 'inherit' });
const brokerPid = Number(readFileSync(join(dir, 'broker.pid'), 'utf8'));
const bootstrap = `127.0.0.1:${port}`;
const kafka = new Kafka({ brokers: [bootstrap], clientId: 'ab', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const children: ChildProcess[] = [];
interface Run {
  variant: string;
  lps: number;
  workerUs: number;
  /** From the end of processing (the worker's CPU use fell) to the last commit, and the first → last commit window. */
  commitLagS: number;
  windowS: number;
  brokerUs: number;
  anomalies: number;
  digest: string;
}
const runs: Run[] = [];
try {
  await admin.connect();
  if (!(await admin.listTopics()).includes('logs')) {
    await admin.createTopics({ topics: [{ topic: 'logs', numPartitions: 4 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < records.length; i += 10_000) await producer.send({ topic: 'logs', acks: -1, messages: records.slice(i, i + 10_000) });
    await producer.disconnect();
  }
  const ends = new Map((await admin.fetchTopicOffsets('logs')).map((p) => [p.partition, Number(p.high)]));
  console.log(`${records.length} records over 4 partitions (${[...ends.values()].join('/')}); load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const committed = (group: string): Promise<Map<number, number>> => committedOffsets(admin, group, 'logs');
  let n = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of variants) {
      const id = `ab-${process.pid}-${n++}`;
      await admin.createTopics({ topics: [{ topic: id, numPartitions: 4 }], waitForLeaders: true });
      const c = spawn(process.execPath, [...v.flags, '--import', 'tsx', join(v.dir, 'src/cli/bin.ts'), 'worker', '--brokers', bootstrap, '--topic', 'logs', '--group', id, '--anomalies-topic', id], { cwd: v.dir, env: { ...process.env, ...v.env }, stdio: logs ? ['ignore', openSync(join(logs, `${id}.log`), 'w'), 'inherit'] : 'ignore' });
      children.push(c);
      const b0 = cpuSeconds(brokerPid);
      let first = 0;
      let firstLines = 0;
      let cpuFirst = 0;
      const t0 = performance.now();
      /** [ms, worker CPU s] per poll: where its CPU use stopped rising is where processing ended. */
      const cpuAt: [number, number][] = [];
      for (;;) {
        await sleep(50);
        cpuAt.push([performance.now(), cpuSeconds(c.pid)]);
        const got = await committed(id);
        const total = [...got.values()].reduce((s, x) => s + Math.max(0, x), 0);
        if (first === 0 && total > 0) [first, firstLines, cpuFirst] = [performance.now(), total, cpuSeconds(c.pid)];
        if ([...ends].every(([p, end]) => end === 0 || got.get(p) === end)) break;
        if (performance.now() - t0 > 300_000) throw new Error(`${v.name}: not done in 5 min`);
      }
      const t1 = performance.now();
      const cpu = cpuSeconds(c.pid) - cpuFirst;
      // Processing ended at the last poll where the worker still used ≥ 40% of a core; the commit of
      // its last records waits for the next checkpoint (every checkpoint_interval_ms).
      let busyEnd = cpuAt[0][0];
      for (let k = 1; k < cpuAt.length; k++) if (cpuAt[k][1] - cpuAt[k - 1][1] >= 0.4 * ((cpuAt[k][0] - cpuAt[k - 1][0]) / 1000)) busyEnd = cpuAt[k][0];
      const brokerUs = ((cpuSeconds(brokerPid) - b0) / records.length) * 1e6;
      c.kill('SIGTERM');
      await new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)));
      const ids = await readIds(id);
      const r: Run = {
        variant: v.name,
        lps: Math.round((records.length - firstLines) / ((t1 - first) / 1000)),
        workerUs: +((cpu / (records.length - firstLines)) * 1e6).toFixed(2),
        commitLagS: +((t1 - busyEnd) / 1000).toFixed(2),
        windowS: +((t1 - first) / 1000).toFixed(2),
        brokerUs: +brokerUs.toFixed(2),
        anomalies: ids.length,
        digest: createHash('sha256').update(ids.sort().join('\n')).digest('hex').slice(0, 12),
      };
      runs.push(r);
      console.log(`round ${round} ${JSON.stringify(r)} load ${loadavg()[0].toFixed(1)}`);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = variants[0].name;
  const of = (v: string, k: 'lps' | 'workerUs') => median(runs.filter((r) => r.variant === v).map((r) => r[k]));
  for (const v of variants) {
    console.log(`${v.name}: median ${of(v.name, 'lps')} lines/s (${(of(v.name, 'lps') / of(base, 'lps')).toFixed(2)}×), worker ${of(v.name, 'workerUs')} µs/line (${(of(v.name, 'workerUs') / of(base, 'workerUs')).toFixed(2)}×), digests ${[...new Set(runs.filter((r) => r.variant === v.name).map((r) => r.digest))].join(',')}`);
  }
  console.log(`load at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await admin.disconnect().catch(() => undefined);
  if (!brokerDir) {
    execFileSync('bash', [script, 'stop', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The anomaly ids of a run's topic, read to its end. */
async function readIds(topic: string): Promise<string[]> {
  const end = (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
  const ids: string[] = [];
  if (end === 0) return ids;
  const c = kafka.consumer({ groupId: `read-${topic}` });
  await c.connect();
  await c.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  await c.run({
    eachMessage: async ({ message }) => {
      seen++;
      ids.push((JSON.parse(message.value!.toString()) as { id: string }).id);
    },
  });
  const t0 = performance.now();
  while (seen < end && performance.now() - t0 < 60_000) await sleep(50);
  await c.disconnect();
  return ids;
}
