/**
 * @module test/harness/kafka
 * A real single-node Apache Kafka 4.4 broker (KRaft) on 127.0.0.1 for the distributed-mode tests,
 * started from the jars scripts/provision-kafka.sh caches, through scripts/kafka-broker.sh (the
 * same start as `provision-kafka.sh --start`), on free ports with its own temporary data dir.
 * About 200 MB and a few seconds to start: one broker per test file, stopped in afterAll.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { freePort } from './prometheus.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
export const KAFKA_HOME = process.env.ANOMALOG_KAFKA_HOME ?? path.join(homedir(), '.cache/anomalog/kafka-4.4.0');
export const KAFKA_PROVISION = 'the Kafka 4.4 jars are not cached: run `bash scripts/provision-kafka.sh` (needs java 17+ and mvn)';

export function hasKafka(): boolean {
  const lib = path.join(KAFKA_HOME, 'lib');
  return existsSync(path.join(KAFKA_HOME, '.complete')) && existsSync(lib) && readdirSync(lib).some((f) => f.startsWith('kafka_2.13-'));
}

export interface RunningKafka {
  bootstrap: string;
  /** Stops the broker (its data dir is kept until `remove`). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data (a broker restart). */
  restart(): Promise<void>;
  remove(): Promise<void>;
  output(): string;
}

export async function startKafka(): Promise<RunningKafka> {
  const dir = mkdtempSync(path.join(tmpdir(), 'anomalog-kafka-'));
  const port = await freePort();
  let ctl = await freePort();
  while (ctl === port) ctl = await freePort();
  const script = path.join(ROOT, 'scripts/kafka-broker.sh');
  const env = { ...process.env, ANOMALOG_KAFKA_HOME: KAFKA_HOME };
  const start = () => run('bash', [script, 'start', dir, String(port), String(ctl)], { env, timeout: 120_000 }).then(() => undefined);
  const stop = () => run('bash', [script, 'stop', dir], { env, timeout: 60_000 }).then(() => undefined);
  await start();
  return {
    bootstrap: `127.0.0.1:${port}`,
    stop,
    restart: start,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    output: () => {
      try {
        return readFileSync(path.join(dir, 'broker.out'), 'utf8');
      } catch {
        return '';
      }
    },
  };
}

/** Group `groupId`'s committed offsets on `topic` beside the topic's ends (for a test's failure message). */
export async function groupOffsets(kafka: Kafka, groupId: string, topic: string): Promise<{ committed: { partition: number; offset: string }[]; ends: { partition: number; high: string }[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions;
    return { committed, ends: await admin.fetchTopicOffsets(topic) };
  } finally {
    await admin.disconnect();
  }
}

/** True once group `groupId` has committed every non-empty partition of `topic` to its end; undefined before (for `until`). */
export async function committedToEnd(kafka: Kafka, groupId: string, topic: string): Promise<true | undefined> {
  const { committed, ends } = await groupOffsets(kafka, groupId, topic);
  const behind = ends.filter((e) => e.high !== '0' && committed.find((p) => p.partition === e.partition)?.offset !== e.high);
  return behind.length === 0 ? true : undefined;
}
