/**
 * @module bench/serve/baselines
 * bench:serve's same-run baselines: the parser alone, and the whole per-line pipeline in-process
 * without I/O (the service's Engine with the default detectors and a SQLite store).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LogParser } from '../../src/parsers/pipeline.js';
import type { Corpus } from './corpus.js';

/** Baseline: LogParser alone over the same lines, one parser per system (as one per source in the service). */
export function parseOnly(corpus: Corpus, lines: number, batchSize: number): { linesPerSec: number; lines: number } {
  const parsers = corpus.systems.map((s) => new LogParser({ source: s.name }));
  let sink = 0;
  let done = 0;
  const t0 = performance.now();
  for (let b = 0; done < lines; b++) {
    const si = b % corpus.systems.length;
    const sys = corpus.systems[si];
    const batch = [];
    for (let i = 0; i < batchSize; i++) batch.push({ text: sys.lines[(b * batchSize + i) % sys.lines.length], line: done + i + 1 });
    sink += parsers[si].pushLines(batch, 0).length;
    done += batchSize;
  }
  for (const p of parsers) sink += p.flush(0).length;
  if (sink < 0) console.error('unreachable');
  return { lines: done, linesPerSec: done / ((performance.now() - t0) / 1000) };
}

/**
 * Second baseline: the whole per-line pipeline in this process, without I/O — the service's
 * Engine (parse, every detector of the default config, SQLite store in `dir`) fed the same batches.
 * The gap between this and the service is the cost of HTTP / file reading and the API.
 */
export async function pipelineOnly(corpus: Corpus, lines: number, dir: string, batchSize: number): Promise<{ linesPerSec: number; lines: number }> {
  const { validate } = await import('../../src/config/load.js');
  const { serveConfigSchema } = await import('../../src/config/schema.js');
  const { buildDetectors } = await import('../../src/config/registry.js');
  const { systemClock } = await import('../../src/core/clock.js');
  const { silentLogger } = await import('../../src/core/component.js');
  const { openStore } = await import('../../src/store/index.js');
  const { Engine } = await import('../../src/topology/engine.js');
  const config = validate({}, serveConfigSchema) as { detectors: Record<string, { enabled: boolean } & Record<string, unknown>>; pipeline: { checkpoint_interval_ms: number } };
  const store = openStore(join(dir, 'pipeline.db'), { clock: systemClock });
  const abort = new AbortController();
  const ctx = (id: string) => ({ id, logger: silentLogger, clock: systemClock, signal: abort.signal, checkpoints: store.checkpoints, models: store });
  const detectors = buildDetectors(config.detectors, ctx);
  const source = { id: 'bench', stats: () => ({}), ack() {}, async run() {} };
  const engine = new Engine({ sources: [source as never], detectors, store, anomalies: store, clock: systemClock, checkpointMs: config.pipeline.checkpoint_interval_ms, parserOptions: () => ({}) });
  let done = 0;
  const t0 = performance.now();
  for (let b = 0; done < lines; b++) {
    const sys = corpus.systems[b % corpus.systems.length];
    const now = Date.now();
    const records = [];
    for (let i = 0; i < batchSize; i++) records.push({ source: sys.name, text: sys.lines[(b * batchSize + i) % sys.lines.length], arrivalTs: now });
    await engine.process(source as never, { records, cursor: { kind: 'stream', id: 'bench', offset: done } });
    done += batchSize;
  }
  const linesPerSec = done / ((performance.now() - t0) / 1000);
  abort.abort();
  store.close();
  return { lines: done, linesPerSec };
}
