/**
 * @module test/contract/engine-host.contract
 * The shared suite every engine host runs (`core/engine.ts#EngineHost`: this thread, worker
 * threads, a Kafka partition: test/contract/kafka-partition-host.ts): for the same input, the same anomalies, the same
 * checkpoints (acknowledged positions, parser and detector state), the same counters
 * (`stats`, `streamCounters`) and the same metrics (`GET /metrics`: engine, parser and the
 * detectors' own readings); and after kill -9 of the service, a restart on the same data dir
 * resumes from the last checkpoint — every line processed at least once, every new message type
 * flagged exactly once.
 *
 * A host joins with a `HostUnderTest`: how it processes `hostInput()` under `hostConfig()` into a
 * `HostOutcome` (a host over the service's sources: `runHost` with its factory), and how its real
 * service starts in a child process for the kill -9 part (a script that prints `{"url": …}`).
 * @example
 * engineHostContract('worker'); // in a *.test.ts file: the hosts of topology/host.ts by kind
 * engineHostContract({ name: 'kafka', run: (name) => myRun(hostInput(), hostConfig(name)), crash: (args) => startServiceChild('my-child.ts', args) });
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/config/load.js';
import { type ServeConfig, serveConfigSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/component.js';
import type { EngineHost } from '../../src/core/engine.js';
import type { Anomaly } from '../../src/core/event.js';
import type { RawBatch } from '../../src/core/source.js';
import { ListSource } from '../harness/list-source.js';
import { openStore } from '../../src/store/index.js';
import { createEngineHost, type EngineHostKind, type EngineHostSpec } from '../../src/topology/host.js';
import { engineThreads } from '../../src/topology/engine-thread.js';
import { ComponentReadings } from '../../src/topology/component-metrics.js';
import { metricsForService } from '../../src/telemetry/index.js';
import { LiveFeed } from '../../src/api/live-feed.js';
import { killAll, killHard as killChild, type ServiceChild, startServiceChild } from '../harness/service-child.js';
import { until as poll } from '../harness/until.js';

// Kill -9 part: the real service (test/harness/serve-child.ts: buildService, file_tail, novelty,
// SQLite, the host under test) in a child process, SIGKILLed three times while a writer appends,
// restarted on the same data dir each time. Normal lines are the HDFS sample of Loghub (test/fixtures/logs).

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

/** The kill -9 part: the real service with the host under test, started in a child process. */
export type StartCrashChild = (args: { log: string; dataDir: string; warmup: number }) => Promise<Running>;

/** Starts test/harness/serve-child.ts (buildService, file_tail, novelty) with the topology/host.ts host of `kind`. */
export const serveChild =
  (kind: EngineHostKind): StartCrashChild =>
  ({ log, dataDir, warmup }) =>
    startServiceChild('test/harness/serve-child.ts', [log, dataDir, String(warmup), kind]);

function crashContract(name: string, startChild: StartCrashChild): void {
  const dir = mkdtempSync(path.join(tmpdir(), `anomalog-host-crash-${name}-`));
  const log = path.join(dir, 'hdfs.log');
  const data = path.join(dir, 'data');
  afterAll(() => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = (): Promise<Running> => startChild({ log, dataDir: data, warmup: WARMUP });

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

  it('after kill -9 of the service during ingest, resumes from its checkpoint: every line at least once, every new message type flagged exactly once', async () => {
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
      expect(anomalies.filter((a) => a.title.includes(`'${words} `)).map((a) => a.detector), `${words} in: ${anomalies.map((a) => a.title).join(' | ')}`).toEqual(['novelty']);
    }
    expect(anomalies).toHaveLength(NOVEL.length);
    expect(new Set(anomalies.map((a) => a.id)).size).toBe(NOVEL.length);
  }, 120_000);
}

// Same-input part: one in-process host is the reference every host is compared with.
const fixtureDir = mkdtempSync(path.join(tmpdir(), 'anomalog-host-contract-'));
afterAll(() => rmSync(fixtureDir, { recursive: true, force: true }));
const hdfs = readFileSync(new URL('../fixtures/logs/loghub-samples/HDFS.log', import.meta.url), 'utf8').split(/\r?\n/).filter(Boolean);

/** The configuration every host runs `hostInput()` with. */
export function hostConfig(): ServeConfig {
  return validate(
    {
      data_dir: fixtureDir,
      parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
      // Only the type matters: the suite hands its own source component to the host.
      sources: [{ type: 'stdin' }],
      // Two engine threads for the worker host whatever the machine's cores: the sources are split.
      pipeline: { engine_threads: 2 },
      detectors: { novelty: { warmup_events: 20, rare_count: 0 }, model: { enabled: false } },
    },
    serveConfigSchema,
  );
}

/** The transport attributes of each record source (one object per source, as a syslog connection shares one). */
const NODE_ATTRS = { 'hdfs-a': Object.freeze({ host: 'node-a', rack: 'r1' }), 'hdfs-b': Object.freeze({ host: 'node-b', rack: 'r1' }) };

/** Batches of HDFS lines with a cursor each, two record sources; two new message types after the warm-up. */
export function hostInput(): RawBatch[] {
  const out: RawBatch[] = [];
  let offset = 0;
  for (let b = 0; b < 8; b++) {
    const records = [];
    for (let i = 0; i < 10; i++) {
      const n = b * 10 + i;
      let text = hdfs[n % hdfs.length];
      if (n === 55) text = '081109 203615 148 ERROR dfs.DataNode: Disk failure on volume /data/3 while writing';
      if (n === 66) text = '081109 203615 148 ERROR dfs.DataNode: Journal sync stalled for segment after retries';
      const source = n % 2 === 0 ? 'hdfs-a' : 'hdfs-b';
      // Every third record of hdfs-a carries one more attribute of its own.
      const attrs = n % 6 === 0 ? { ...NODE_ATTRS[source], seq: String(n) } : NODE_ATTRS[source];
      records.push({ source, text, arrivalTs: 1_000 + b, line: n + 1, offset, attrs });
      offset += text.length + 1;
    }
    out.push({ records, cursor: { kind: 'file', id: '1:2', offset } });
  }
  return out;
}

/** Record sources of `fleetInput()`: assigned at first sight to the least loaded of two engines, a and c share one, b and d the other. */
export const FLEET_SOURCES = ['pod-a', 'pod-b', 'pod-c', 'pod-d'];
/** The new message types of `fleetInput()`: [record number, text]; each is logged by two sources of different engines. */
export const FLEET_NEW: [number, string][] = [
  [600, 'Disk failure on volume /data/3 while writing'], // pod-a, then 605 on pod-b
  [605, 'Disk failure on volume /data/3 while writing'],
  [701, 'Journal sync stalled for segment after retries'], // pod-b, then 702 on pod-c
  [702, 'Journal sync stalled for segment after retries'],
  [763, 'Lease recovery aborted for file holder client'], // pod-d, then pod-a: index 3 and 4 of one batch
  [764, 'Lease recovery aborted for file holder client'],
];

/**
 * A fleet: four record sources logging the same HDFS messages, 20 batches of 40 records (round
 * robin), then three new message types, each logged by a source of one engine and then by a source
 * of another — the last two within one batch. One engine reports each once, on the source that
 * logged it first in the input; a host that splits the sources must too.
 */
export function fleetInput(): RawBatch[] {
  const out: RawBatch[] = [];
  let offset = 0;
  for (let b = 0; b < 20; b++) {
    const records = [];
    for (let i = 0; i < 40; i++) {
      const n = b * 40 + i;
      const ts = `081109 ${20 + Math.floor(n / 3600)}${String(Math.floor(n / 60) % 60).padStart(2, '0')}${String(n % 60).padStart(2, '0')}`;
      const novel = FLEET_NEW.find(([at]) => at === n)?.[1];
      const text = novel ? `${ts} 99 ERROR dfs.DataNode: ${novel} blk_${n}` : SAMPLE[n % SAMPLE.length].replace(/^\d+ \d+/, ts).replace(/blk_-?\d+/, `blk_${n}`);
      records.push({ source: FLEET_SOURCES[n % 4], text, arrivalTs: 1_000 + b, line: n + 1, offset });
      offset += text.length + 1;
    }
    out.push({ records, cursor: { kind: 'file', id: '1:3', offset } });
  }
  return out;
}

/** `hostConfig()` with the novelty detector's defaults (surprise, not a warm-up: the fleet decides what is news). */
export function fleetConfig(): ServeConfig {
  return validate(
    {
      data_dir: fixtureDir,
      parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
      sources: [{ type: 'stdin' }],
      pipeline: { engine_threads: 2 },
      detectors: { model: { enabled: false } },
    },
    serveConfigSchema,
  );
}

/** What a host did with `hostInput()`: what a restart and the service would see of it. */
export interface HostOutcome {
  anomalies: string[];
  live: string[];
  lastAck: number | undefined;
  stats: EngineHost['stats'];
  counters: ReturnType<EngineHost['streamCounters']>;
  parserState: unknown[];
  detectorStates: string[];
  errors: EngineHost['errors'];
  /** Per stored anomaly (by id): its attributes and its context lines' attributes. */
  attrs: [string, Anomaly['attrs'], Anomaly['contextAttrs']][];
  /** Anomaly ids the store finds by `attr.host=node-b`. */
  onNodeB: string[];
  /**
   * `GET /metrics` once everything was processed: the engine's, the parsers' and the detectors' own
   * series (`anomalog_detector_*`, reported through `ComponentContext.metrics`), sorted; series that
   * measure time (latency, ages, start time) are left out.
   */
  metrics: string[];
}

/** A host as the suite runs it: processes the input into an outcome; restarts after kill -9. */
export interface HostUnderTest {
  name: string;
  /** Processes `hostInput()` with `hostConfig()` on a fresh store (named by `name`) and reads the outcome. */
  run(name: string): Promise<HostOutcome>;
  /**
   * The kill -9 part: the host's real service in a child process — or, for a host whose service is
   * not one process (a Kafka partition: broker, workers and a serve node), the test file (from the
   * repository root) that kills it with -9 against its real parts, which must exist.
   */
  crash: StartCrashChild | { testedIn: string };
  /** Engines the host splits the record sources between (worker threads, partitions); default 1. */
  partitions?: number;
  /**
   * Processes `fleetInput()` with `fleetConfig()` on a fresh store and returns the stored anomalies'
   * ids, sorted (every host has one: a host whose engines cannot share a fleet runs the input in one).
   */
  fleet: (name: string) => Promise<string[]>;
}

/** The series of a scrape the suite compares (counts, not times). */
export function comparableSeries(exposition: string): string[] {
  return exposition
    .split('\n')
    .filter((l) => /^anomalog_(detector_|parser_|templates|engine_)/.test(l))
    .sort();
}

/**
 * Runs `hostInput()` through a host over the service's sources — of `kind` (topology/host.ts), or
 * built by a factory — on a fresh store until processed, stops it, reads the outcome.
 */
export async function runHost(kind: EngineHostKind | ((spec: EngineHostSpec) => EngineHost), name: string, fleet = false): Promise<HostOutcome> {
  const config = fleet ? fleetConfig() : hostConfig();
  const dbPath = path.join(fixtureDir, `${name}.db`);
  const store = openStore(dbPath, { clock: systemClock });
  const abort = new AbortController();
  const input = fleet ? fleetInput() : hostInput();
  const source = new ListSource(input);
  const live: Anomaly[] = [];
  const readings = new ComponentReadings();
  const spec: EngineHostSpec = {
    config,
    dbPath,
    sources: [source],
    store,
    anomalies: store,
    clock: systemClock,
    logger: silentLogger,
    context: (id) => ({ id, logger: silentLogger, clock: systemClock, signal: abort.signal, checkpoints: store.checkpoints, models: store, metrics: readings.port(id) }),
    onAnomalies: (a) => live.push(...a),
  };
  const host = typeof kind === 'function' ? kind(spec) : createEngineHost(spec, kind);
  await host.ready;
  const running = host.run(abort.signal);
  const records = input.reduce((n, b) => n + b.records.length, 0);
  await poll('every record processed', async () => (host.stats.events === records && live.length >= (fleet ? FLEET_NEW.length / 2 : 2) ? true : undefined), 30_000);
  await host.refresh();
  const counters = host.streamCounters().sort((a, b) => a.source.localeCompare(b.source));
  // As the service builds its metrics (topology/build.ts), from this host and what its components reported.
  const metrics = metricsForService({ version: 'contract', clock: systemClock, sources: [{ source, type: 'stdin' }], engine: host, feed: new LiveFeed(1), store, reported: () => readings.components() });
  const series = comparableSeries((await metrics.scrape()).body);
  abort.abort();
  await running;
  const partitions = [2, 3, 4].flatMap((n) => Array.from({ length: n }, (_, i) => `detector:%@${i}/${n}`));
  const outcome: HostOutcome = {
    anomalies: store.queryAnomalies({ limit: 100 }).anomalies.map((a) => a.id).sort(),
    live: live.map((a) => a.id).sort(),
    lastAck: source.acked.at(-1)?.offset,
    stats: { ...host.stats },
    counters,
    parserState: ['hdfs-a', 'hdfs-b'].map((s) => store.loadParserState(s)),
    // Under `detector:<kind>`, or `detector:<kind>@<i>/<n>` per partition when a host runs n of them.
    detectorStates: ['novelty', 'rate', 'params'].filter((k) => [`detector:${k}`, ...partitions].some((key) => store.loadParserState(key.replace('%', k)) !== undefined)),
    errors: [...host.errors],
    attrs: store.queryAnomalies({ limit: 100 }).anomalies.map((a): HostOutcome['attrs'][number] => [a.id, a.attrs, a.contextAttrs]).sort((x, y) => x[0].localeCompare(y[0])),
    onNodeB: store.queryAnomalies({ attrs: { host: 'node-b' } }).anomalies.map((a) => a.id).sort(),
    metrics: series,
  };
  store.close();
  return outcome;
}

/** The shared suite, for a host of topology/host.ts (by kind) or any `HostUnderTest`. */
export function engineHostContract(hostOrKind: EngineHostKind | HostUnderTest): void {
  const host: HostUnderTest =
    typeof hostOrKind === 'string'
      ? {
          name: hostOrKind,
          run: (name) => runHost(hostOrKind, name),
          crash: serveChild(hostOrKind),
          partitions: hostOrKind === 'worker' ? engineThreads(hostConfig().pipeline.engine_threads) : 1,
          fleet: async (name) => (await runHost(hostOrKind, `fleet-${name}`, true)).anomalies,
        }
      : hostOrKind;
  const kind = host.name;
  describe(`EngineHost contract: ${kind}`, () => {
    it('for the same input, stores the same anomalies, checkpoints the same state, counts the same and shows the same metrics as the in-process reference', async () => {
      const reference = await runHost('main', `reference-for-${kind}`);
      const got = await host.run(kind);
      // The reference itself holds what the input is built for.
      expect(reference.anomalies.length).toBeGreaterThanOrEqual(2);
      expect(reference.live).toEqual(reference.anomalies);
      expect(reference.errors).toEqual([]);
      // Same anomalies (ids are deterministic), stored and published.
      expect(got.anomalies).toEqual(reference.anomalies);
      expect(got.live).toEqual(reference.anomalies);
      // Same checkpoints: the whole input acknowledged, the same parser state, detector state saved.
      expect(got.lastAck).toBe(hostInput().at(-1)?.cursor?.offset);
      expect(got.lastAck).toBe(reference.lastAck);
      expect(got.parserState).toEqual(reference.parserState);
      expect(got.detectorStates).toEqual(reference.detectorStates);
      expect(got.detectorStates).toContain('novelty');
      // Same counters.
      expect(got.stats).toEqual(reference.stats);
      expect(got.stats).toMatchObject({ batches: 8, records: 80, events: 80, anomalies: reference.anomalies.length, duplicates: 0, errors: 0 });
      expect(got.counters).toEqual(reference.counters);
      expect(got.errors).toEqual([]);
      // Same attributes stored: what the source sent and what the parser read, on the anomaly and its context.
      expect(got.attrs).toEqual(reference.attrs);
      expect(got.onNodeB).toEqual(reference.onNodeB);
      const disk = reference.attrs.find(([id]) => reference.anomalies.includes(id) && reference.onNodeB.includes(id));
      expect(disk, 'the hdfs-b disk failure is found by attr.host=node-b').toBeDefined();
      expect(disk?.[1]).toMatchObject({ host: 'node-b', rack: 'r1', Level: 'ERROR', Component: 'dfs.DataNode' });
      expect(disk?.[2]?.at(-1)).toMatchObject({ host: 'node-b', Level: 'ERROR' });
      expect(disk?.[2]?.every((c) => c?.host === 'node-b')).toBe(true);
      // Same metrics, the detectors' own readings included (forwarded from worker threads).
      expect(reference.metrics).toContain(`anomalog_engine_records_total 80`);
      expect(reference.metrics.find((l) => l.startsWith('anomalog_detector_templates{component_id="novelty"}'))).toMatch(/ [1-9]\d*$/);
      expect(reference.metrics.find((l) => l.startsWith('anomalog_detector_sources{component_id="rate"}'))).toBe('anomalog_detector_sources{component_id="rate"} 2');
      // Every series the same, the novelty fleet's size too: engines that split the sources share one
      // fleet (topology/fleet-board.ts), and each reports the templates it sighted first.
      expect(got.metrics).toEqual(reference.metrics);
      expect(reference.metrics.find((l) => l.startsWith('anomalog_detector_fleet_templates'))).toMatch(/ [1-9]\d*$/);
    }, 60_000);

    it('shares what the detectors learn across its engines: a new message type is news once for the fleet, on the source that logged it first in the input', async () => {
      const reference = await runHost('main', `fleet-reference-for-${kind}`, true);
      // The reference holds what the input is built for: each new type reported once, on its first source.
      const store = openStore(path.join(fixtureDir, `fleet-reference-for-${kind}.db`), { clock: systemClock });
      const found = store.queryAnomalies({ detector: 'novelty', limit: 100 }).anomalies;
      store.close();
      for (const [at, text] of FLEET_NEW.filter((_, i) => i % 2 === 0)) {
        const words = text.split(' ').slice(0, 3).join(' ');
        const on = found.filter((a) => a.title.includes(`'${words} `)).map((a) => a.source);
        expect(on, `${words}: ${found.map((a) => a.title).join(' | ')}`).toEqual([FLEET_SOURCES[at % 4]]);
      }
      // Same anomalies, whichever engines the sources landed in.
      expect(await host.fleet(kind)).toEqual(reference.anomalies);
    }, 60_000);

    const crash = host.crash;
    if (typeof crash === 'function') crashContract(kind, crash);
    else it(`after kill -9: tested with its real parts in ${crash.testedIn}`, () => expect(existsSync(new URL(`../../${crash.testedIn}`, import.meta.url))).toBe(true));
  });
}
