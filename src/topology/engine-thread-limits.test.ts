import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { validate } from '../config/load.js';
import { serveConfigSchema } from '../config/schema.js';
import { silentLogger } from '../core/component.js';
import { openStore } from '../store/index.js';
import { EngineThread } from './engine-thread.js';

// The real workers, recorded: what each engine thread runs with, as the thread itself reports it.
const spawned: Worker[] = [];
vi.mock('../core/spawn-worker.js', async (original) => {
  const real = await original<typeof import('../core/spawn-worker.js')>();
  return { spawnWorker: (...args: Parameters<typeof real.spawnWorker>) => spawned[spawned.push(real.spawnWorker(...args)) - 1] };
});

const dir = mkdtempSync(join(tmpdir(), 'anomalog-engine-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('engine thread heap limits', () => {
  it('gives every engine thread pipeline.engine_heap_mb of old and engine_young_mb of young generation', async () => {
    const config = validate({ data_dir: dir, sources: [{ type: 'stdin' }], pipeline: { engine_threads: 2, engine_heap_mb: 256, engine_young_mb: 6 }, detectors: { model: { enabled: false } } }, serveConfigSchema);
    const dbPath = join(dir, 'a.db');
    const store = openStore(dbPath);
    const thread = new EngineThread({ config, dbPath, sources: [], store, logger: silentLogger });
    await thread.ready;
    expect(spawned).toHaveLength(2);
    for (const w of spawned) expect(w.resourceLimits).toMatchObject({ maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 6 });
    const abort = new AbortController();
    const running = thread.run(abort.signal);
    abort.abort();
    await running;
    store.close();
  }, 60_000);
});
