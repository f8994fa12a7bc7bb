import type { Worker } from 'node:worker_threads';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/component.js';
import { buildDetectors } from '../config/registry.js';
import type { Anomaly } from '../core/event.js';
import type { RawBatch, Source } from '../core/source.js';
import { ListSource } from '../../test/harness/list-source.js';
import { openStore } from '../store/index.js';
import { Engine } from './engine.js';
import { Backlog } from './backlog.js';
import { EngineThread } from './engine-thread.js';
import { decodeBatch, encodeBatch } from './engine-wire.js';
import { parserOptionsFor, sourceParsing } from './parser-options.js';

const dir = mkdtempSync(join(tmpdir(), 'anomalog-engine-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sample = readFileSync(new URL('../../test/fixtures/logs/loghub-samples/HDFS.log', import.meta.url), 'utf8').split(/\r?\n/).filter(Boolean);

function config(threads = 1): ServeConfig {
  return validate(
    {
      data_dir: dir,
      pipeline: { engine_threads: threads },
      parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
      // Only the type matters here: the test hands its own source component to the engine.
      sources: [{ type: 'stdin' }],
      detectors: { novelty: { warmup_events: 20, rare_count: 0 }, model: { enabled: false } },
    },
    serveConfigSchema,
  );
}

/** Batches of HDFS lines with a cursor each; two new message types after the warm-up. */
function batches(sources = ['hdfs']): RawBatch[] {
  const out: RawBatch[] = [];
  let offset = 0;
  for (let b = 0; b < 6; b++) {
    const records = [];
    for (let i = 0; i < 10; i++) {
      const n = b * 10 + i;
      let text = sample[n % sample.length];
      if (n === 45) text = '081109 203615 148 ERROR dfs.DataNode: Disk failure on volume /data/3 while writing';
      if (n === 52) text = '081109 203615 148 ERROR dfs.DataNode: Journal sync stalled for segment after retries';
      records.push({ source: sources[n % sources.length], text, arrivalTs: 1_000 + b, line: n + 1, offset });
      offset += text.length + 1;
    }
    out.push({ records, cursor: { kind: 'file', id: '1:2', offset } });
  }
  return out;
}

/** A source the test feeds batch by batch (no cursor: `push` resolves when the batch is processed). */
class QueueSource implements Source {
  readonly id = 'stdin#0';
  private emit: ((b: RawBatch) => Promise<void>) | null = null;
  private started: () => void = () => undefined;
  private readonly ready = new Promise<void>((resolve) => (this.started = resolve));
  async run(emit: (b: RawBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    this.emit = emit;
    this.started();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  /** The engine's emit, to hand batches over without waiting. */
  async emitter(): Promise<(b: RawBatch) => Promise<void>> {
    await this.ready;
    return this.emit!;
  }
  async push(records: RawBatch['records']): Promise<void> {
    await this.ready;
    await this.emit!({ records });
  }
  ack(): void {}
  stats() {
    return { received: 0, bytes: 0, dropped: 0, errors: 0 };
  }
}

const until = async (cond: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('engine wire format', () => {
  it('carries text, source, arrival time, line, offset, attributes and cursor as columns, runs of source and time kept apart', () => {
    const conn = Object.freeze({ transport: 'tcp', remote: '127.0.0.1:5000' });
    const batch: RawBatch = {
      records: [
        { source: 'a', text: 'one', arrivalTs: 5, line: 1, offset: 0 },
        { source: 'a', text: 'two\nwith a newline', arrivalTs: 5, line: 2, offset: 4 },
        { source: 'b', text: '', arrivalTs: 5 },
        { source: 'b', text: 'late', arrivalTs: 6, attrs: { host: 'x', sd: { 'm@1': { ip: '10.0.0.1' } } } },
        { source: 'b', text: 'conn 1', arrivalTs: 6, attrs: conn },
        { source: 'b', text: 'conn 2', arrivalTs: 6, attrs: conn },
      ],
      cursor: { kind: 'stream', id: 's', offset: 9 },
    };
    const w = encodeBatch(batch);
    expect(w.runs).toEqual(['a', 5, 2, 'b', 5, 3, 'b', 6, 6]);
    const back = decodeBatch(structuredClone(w));
    // A connection's one attributes object stays one object across the thread boundary.
    expect(back.records[4].attrs).toBe(back.records[5].attrs);
    expect(back).toEqual({
      records: [
        { source: 'a', text: 'one', arrivalTs: 5, line: 1, offset: 0 },
        { source: 'a', text: 'two\nwith a newline', arrivalTs: 5, line: 2, offset: 4 },
        { source: 'b', text: '', arrivalTs: 5 },
        { source: 'b', text: 'late', arrivalTs: 6, attrs: { host: 'x', sd: { 'm@1': { ip: '10.0.0.1' } } } },
        { source: 'b', text: 'conn 1', arrivalTs: 6, attrs: { transport: 'tcp', remote: '127.0.0.1:5000' } },
        { source: 'b', text: 'conn 2', arrivalTs: 6, attrs: { transport: 'tcp', remote: '127.0.0.1:5000' } },
      ],
      cursor: { kind: 'stream', id: 's', offset: 9 },
    });
    expect(decodeBatch(encodeBatch({ records: [] }))).toEqual({ records: [] });
    // No attributes, no column.
    expect(encodeBatch({ records: [{ source: 'a', text: 'x', arrivalTs: 1 }] }).attrIds).toBeUndefined();
    // The connection's object is listed once.
    expect(w.attrList).toHaveLength(2);
  });
});

/** The in-process engine over the same batches, run and stopped like the threaded one: what it stored. */
async function reference(cfg: ServeConfig, input: RawBatch[], name: string): Promise<Anomaly[]> {
  const refStore = openStore(join(dir, name), { clock: systemClock });
  const detectors = buildDetectors(cfg.detectors, (type) => ({ id: type, logger: silentLogger, clock: systemClock, signal: new AbortController().signal }));
  const engine = new Engine({ sources: [new ListSource(input)], detectors, store: refStore, anomalies: refStore, clock: systemClock, parserOptions: () => parserOptionsFor(cfg, sourceParsing(cfg.sources[0])) });
  const abort = new AbortController();
  const run = engine.run(abort.signal);
  await until(() => engine.stats.records === input.reduce((n, b) => n + b.records.length, 0));
  abort.abort();
  await run;
  const found = refStore.queryAnomalies({ limit: 100 }).anomalies;
  refStore.close();
  return found;
}

describe('EngineThread (the engine in a worker thread)', () => {
  it('finds what the in-process engine finds, stores it on this thread, and acknowledges with the source’s own cursor', async () => {
    const cfg = config();
    const refFound = await reference(cfg, batches(), 'ref.db');
    expect(refFound.filter((a) => a.detector === 'novelty')).toHaveLength(2);

    const dbPath = join(dir, 'thread.db');
    const store = openStore(dbPath, { clock: systemClock });
    const input = batches();
    const source = new ListSource(input);
    const emitted = input.map((b) => b.cursor);
    const live: Anomaly[] = [];
    // Both heap limits reach the worker (V8 collects sooner under them: BENCHMARKS.md, "Memory").
    const limited = { ...cfg, pipeline: { ...cfg.pipeline, engine_heap_mb: 300, engine_young_mb: 9 } };
    const thread = new EngineThread({ config: limited, dbPath, sources: [source], store, logger: silentLogger, onAnomalies: (a) => live.push(...a) });
    await thread.ready;
    const workers = (Reflect.get(thread, 'lanes') as { worker: Worker }[]).map((l) => l.worker.resourceLimits);
    expect(workers).toEqual([expect.objectContaining({ maxOldGenerationSizeMb: 300, maxYoungGenerationSizeMb: 9 })]);
    const abort = new AbortController();
    const running = thread.run(abort.signal);
    await until(() => thread.stats.events === 60 && live.length >= 2);
    await thread.refresh();
    expect(thread.streamCounters()).toEqual([expect.objectContaining({ source: 'hdfs', lines: 60, events: 60 })]);
    abort.abort();
    await running;

    expect(live.map((a) => a.id).sort()).toEqual(refFound.map((a) => a.id).sort());
    expect(store.queryAnomalies({ limit: 100 }).anomalies.map((a) => a.id).sort()).toEqual(refFound.map((a) => a.id).sort());
    expect(thread.errors).toEqual([]);
    expect(thread.stats).toMatchObject({ batches: 6, records: 60, events: 60, anomalies: refFound.length, duplicates: 0, errors: 0 });
    // The last acknowledgement covers the whole input; file cursors come back as the objects the source emitted.
    expect(source.acked.at(-1)?.offset).toBe(emitted.at(-1)?.offset);
    expect(source.acked.length).toBeGreaterThan(0);
    for (const c of source.acked) expect(emitted.includes(c)).toBe(true);
    // The detectors' state was saved by the worker, in the same file.
    expect(store.loadParserState('detector:novelty')).toBeDefined();
    store.close();
  }, 60_000);

  it('with two worker threads, splits sources between them and finds and acknowledges the same as one engine', async () => {
    const cfg = config(2);
    // Two record sources interleaved in every batch: each batch is split between the workers.
    const names = ['app-1', 'app-2'];
    const refFound = await reference(cfg, batches(names), 'ref2.db');
    expect(refFound.filter((a) => a.detector === 'novelty')).toHaveLength(2);

    const dbPath = join(dir, 'two.db');
    const store = openStore(dbPath, { clock: systemClock });
    const input = batches(names);
    const source = new ListSource(input);
    const live: Anomaly[] = [];
    // app-0 was seen by an earlier run on thread 0: it stays there; a new source goes to the thread
    // with the fewest (app-1 → 1), ties to the first (app-2 → 0).
    store.lanes.assign('app-0', 2, 0);
    const thread = new EngineThread({ config: cfg, dbPath, sources: [source], store, lanes: store.lanes, logger: silentLogger, onAnomalies: (a) => live.push(...a) });
    await thread.ready;
    const abort = new AbortController();
    const running = thread.run(abort.signal);
    await until(() => thread.stats.events === 60 && live.length >= 2);
    await thread.refresh();
    expect(thread.streamCounters().map((c) => [c.source, c.lines]).sort()).toEqual([['app-1', 30], ['app-2', 30]]);
    expect([store.lanes.get('app-1', 2), store.lanes.get('app-2', 2), store.lanes.get('app-0', 2)]).toEqual([1, 0, 0]);
    expect(store.lanes.counts(2)).toEqual([2, 1]);
    expect(store.lanes.get('app-1', 3)).toBeUndefined();
    abort.abort();
    await running;

    expect(thread.errors).toEqual([]);
    expect(live.map((a) => a.id).sort()).toEqual(refFound.map((a) => a.id).sort());
    expect(thread.stats).toMatchObject({ records: 60, events: 60, anomalies: refFound.length, duplicates: 0 });
    // Each worker saved its own detector state.
    expect(store.loadParserState('detector:novelty@0/2')).toBeDefined();
    expect(store.loadParserState('detector:novelty@1/2')).toBeDefined();
    // Acks reach the source only once both workers acknowledged: the last one covers all input.
    expect(source.acked.at(-1)).toBe(input.at(-1)?.cursor);
    for (const c of source.acked) expect(input.map((b) => b.cursor).includes(c)).toBe(true);
    store.close();
  }, 60_000);

  it('sends `learn` feedback to the worker that owns the source, and that detector stops flagging it', async () => {
    const cfg = validate(
      {
        data_dir: dir,
        pipeline: { engine_threads: 2 },
        parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
        sources: [{ type: 'stdin' }],
        detectors: { novelty: { enabled: false }, rate: { enabled: false }, model: { enabled: false }, params: { min_samples: 10 } },
      },
      serveConfigSchema,
    );
    const at = (minute: number, second: number) => `081109 20${String(minute).padStart(2, '0')}${String(second).padStart(2, '0')}`;
    const line = (source: string, minute: number, second: number, ms: number) => ({ source, text: `${at(minute, second)} 148 INFO dfs.DataNode: Served block in ${ms} ms`, arrivalTs: 1 });
    const source = new QueueSource();
    const dbPath = join(dir, 'learn.db');
    const store = openStore(dbPath, { clock: systemClock });
    const live: Anomaly[] = [];
    const thread = new EngineThread({ config: cfg, dbPath, sources: [source], store, logger: silentLogger, onAnomalies: (a) => live.push(...a) });
    await thread.ready;
    const abort = new AbortController();
    const running = thread.run(abort.signal);
    const names = ['svc-a', 'svc-b'];
    // 40 normal latencies (10–14 ms) per source, then one of 5 s each: flagged on both.
    await source.push(names.flatMap((n) => Array.from({ length: 40 }, (_, i) => line(n, 10, i, 10 + (i % 5)))));
    await source.push(names.map((n) => line(n, 21, 0, 5000)));
    expect(live.map((a) => [a.source, a.detector]).sort()).toEqual([['svc-a', 'params'], ['svc-b', 'params']]);
    // "Expected change — learn as normal" on svc-b's anomaly, as the feedback policy sends it.
    const b = live.find((a) => a.source === 'svc-b')!;
    const top = b.explanation[0];
    const params = thread.learners().find((d) => d.kind === 'params')!;
    expect(params.learnAsNormal?.({ source: 'svc-b', templateId: b.templateId, feature: top.feature, observed: top.observed })).toBe(true);
    // Five minutes later (a new time bucket) the same slowness again: svc-a is flagged again, svc-b is not.
    await source.push(names.map((n) => line(n, 26, 0, 5000)));
    abort.abort();
    await running;
    expect(live.map((a) => a.source).sort()).toEqual(['svc-a', 'svc-a', 'svc-b']);
    expect(thread.errors).toEqual([]);
    store.close();
  }, 60_000);

  it('is busy while more than max_pending_lines wait in the threads, and not once they are processed', async () => {
    const cfg = validate({ ...config(1), pipeline: { engine_threads: 1, max_pending_lines: 1000 } }, serveConfigSchema);
    const source = new QueueSource();
    const dbPath = join(dir, 'busy.db');
    const store = openStore(dbPath, { clock: systemClock });
    // The service's backlog, which its sources read (ComponentContext.busy), built before the host.
    const backlog = new Backlog(cfg.pipeline.max_pending_lines);
    const thread = new EngineThread({ config: cfg, dbPath, sources: [source], store, logger: silentLogger, backlog });
    await thread.ready;
    const abort = new AbortController();
    const running = thread.run(abort.signal);
    const emit = await source.emitter();
    const batch = () => ({ records: Array.from({ length: 600 }, (_, i) => ({ source: 'hdfs', text: sample[i % sample.length], arrivalTs: 1 })) });
    expect(thread.busy).toBe(false);
    // Handed over synchronously: 600 waiting is not busy yet, 1,200 is.
    const first = emit(batch());
    expect(thread.busy).toBe(false);
    expect(backlog.lines).toBe(600);
    const second = emit(batch());
    expect(thread.busy).toBe(true);
    expect(backlog.busy).toBe(true);
    await Promise.all([first, second]);
    expect(thread.busy).toBe(false);
    expect(backlog.lines).toBe(0);
    abort.abort();
    await running;
    store.close();
  }, 60_000);

  it('reports a worker that cannot start as ANOMALOG_ERR_ENGINE_THREAD, and its sources are not run', async () => {
    const bad = join(dir, 'not-a-db');
    writeFileSync(bad, 'this is not a SQLite file, '.repeat(200));
    const source = new ListSource(batches());
    const thread = new EngineThread({ config: config(), dbPath: bad, sources: [source], store: { insertAnomalies: (a) => [...a] }, logger: silentLogger });
    await expect(thread.ready).rejects.toMatchObject({ code: 'ANOMALOG_ERR_ENGINE_THREAD' });
    await thread.run(new AbortController().signal);
    expect(source.acked).toEqual([]);
    expect(thread.errors[0]).toMatchObject({ component: 'engine', errorType: 'AnomalogError' });
    expect(thread.stats.errors).toBe(1);
  }, 30_000);
});
