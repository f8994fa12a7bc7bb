/**
 * @module test/contract/kafka-partition-host
 * The Kafka partition host (src/topology/kafka/partition.ts) as the engine-host suite runs it: the
 * suite's input becomes the records of one partition — key = source, value = line, headers = the
 * record's transport attributes, offset = its index — fetched batch by batch; the partition's
 * checkpoint is what a worker produces, so its anomalies go through JSON (the anomalies topic) into
 * a store as `serve --kafka` stores them, its commit offset is the acknowledged position, and the
 * parser and detector state are read from the changelog record itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/component.js';
import type { Anomaly } from '../../src/core/event.js';
import type { Snapshot } from '../../src/core/parser.js';
import type { KafkaRecordIn } from '../../src/sources/kafka/records.js';
import { openStore } from '../../src/store/index.js';
import { LiveFeed } from '../../src/api/live-feed.js';
import { metricsForService } from '../../src/telemetry/index.js';
import { ComponentReadings } from '../../src/topology/component-metrics.js';
import { parseAnomaly } from '../../src/topology/kafka/intake.js';
import { PartitionEngine } from '../../src/topology/kafka/partition.js';
import { comparableSeries, fleetConfig, fleetInput, type HostOutcome, type HostUnderTest, hostConfig, hostInput } from './engine-host.contract.js';

const dir = mkdtempSync(path.join(tmpdir(), 'anomalog-kafka-host-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(name: string, fleet = false): Promise<HostOutcome> {
  const input = fleet ? fleetInput() : hostInput();
  const readings = new ComponentReadings();
  const engine = new PartitionEngine({ config: fleet ? fleetConfig() : hostConfig(), topic: 'logs', partition: 0, naming: { topic: 'logs', from: 'key' }, maxLineBytes: 1 << 20, logger: silentLogger, metrics: (id) => readings.port(id) });
  let offset = 0;
  const ends: [number, number | undefined][] = [];
  for (const batch of input) {
    const fetched: KafkaRecordIn[] = batch.records.map((r) => ({ key: Buffer.from(r.source), value: Buffer.from(r.text), timestamp: String(1_796_000_000_000 + offset), offset: String(offset++), headers: headersOf(r.attrs) }));
    await engine.process(fetched);
    ends.push([offset, batch.cursor?.offset]);
  }
  const cp = engine.checkpoint();
  if (cp === undefined) throw new Error('the partition has nothing to checkpoint');
  // Through the anomalies topic into the serve node's store (topology/kafka/intake.ts stores them so).
  const store = openStore(path.join(dir, `${name}.db`), { clock: systemClock });
  const produced = cp.anomalies.map((a) => parseAnomaly(JSON.stringify(a)));
  if (produced.some((a) => a === undefined)) throw new Error('an anomaly record serve --kafka would not read');
  const live = store.insertAnomalies(produced as Anomaly[]);
  const state = (JSON.parse(gunzipSync(cp.state).toString('utf8')) as Snapshot<{ states: [string, Snapshot][] }>).data.states;
  const saved = new Map(state);
  const host = engine.engine;
  const source = { id: 'kafka:logs/0', run: async () => {}, ack: () => {}, stats: () => ({ received: 0, bytes: 0, dropped: 0, errors: 0 }) };
  const metrics = metricsForService({ version: 'contract', clock: systemClock, sources: [{ source, type: 'kafka' }], engine: host, feed: new LiveFeed(1), store, reported: () => readings.components() });
  const stored = store.queryAnomalies({ limit: 100 }).anomalies;
  const outcome: HostOutcome = {
    anomalies: stored.map((a) => a.id).sort(),
    live: live.map((a) => a.id).sort(),
    // The commit offset, as the position of the input it stands for.
    lastAck: ends.find(([end]) => end === cp.next)?.[1],
    stats: { ...host.stats },
    counters: host.streamCounters().sort((a, b) => a.source.localeCompare(b.source)),
    parserState: ['hdfs-a', 'hdfs-b'].map((s) => saved.get(s)),
    detectorStates: ['novelty', 'rate', 'params'].filter((k) => saved.has(`detector:${k}`)),
    errors: [...host.errors],
    attrs: stored.map((a): HostOutcome['attrs'][number] => [a.id, a.attrs, a.contextAttrs]).sort((x, y) => x[0].localeCompare(y[0])),
    onNodeB: store.queryAnomalies({ attrs: { host: 'node-b' } }).anomalies.map((a) => a.id).sort(),
    metrics: comparableSeries((await metrics.scrape()).body),
  };
  engine.close();
  store.close();
  return outcome;
}

/** A record's transport attributes as the Kafka headers a shipper would set. */
function headersOf(attrs: Readonly<Record<string, unknown>> | undefined): KafkaRecordIn['headers'] {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) out[k] = String(v);
  return out;
}

/** The Kafka partition host for `engineHostContract`. */
export const kafkaPartitionHost: HostUnderTest = {
  name: 'kafka-partition',
  run,
  crash: { testedIn: 'src/topology/kafka/worker.test.ts' },
  // Every source of the fleet input in one partition: one engine, so its sources share one fleet and
  // each new type is news once, as on the other hosts. Partitions are separate processes and share
  // none (ARCHITECTURE.md): a type two partitions log is news once in each, by design.
  fleet: async (name) => (await run(`fleet-${name}`, true)).anomalies,
};
