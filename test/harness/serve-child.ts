/**
 * @module test/harness/serve-child
 * The real service in a child process for the service-level crash test:
 * `node --import tsx serve-child.ts LOG DATA_DIR [WARMUP] [HOST]`. It builds the service with `buildService`
 * (file_tail on LOG with small reads, novelty on with rare-template alerts off, rate and params
 * off, port 0, the SQLite store under DATA_DIR), prints `{"url": …}` on one stdout line once
 * listening, and stops gracefully on SIGTERM. The test kills it with SIGKILL mid-ingest.
 */
import { validate } from '../../src/config/load.js';
import { type ServeConfig, serveConfigSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/component.js';
import { buildService } from '../../src/topology/build.js';

const [log, dataDir, warmup, host] = process.argv.slice(2);
const config = validate(
  {
    data_dir: dataDir,
    server: { port: 0 },
    parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
    // Small reads: a kill loses (and a restart re-reads) at most a few KiB in flight.
    sources: [{ type: 'file_tail', paths: [log], poll_interval_ms: 10, read_bytes: 4096 }],
    // Checkpoints every 200 ms (default 1 s) so three kills fit in a short test.
    // HOST (`main` | `worker`, default worker): the engine host under test (test/contract/engine-host.contract.ts).
    pipeline: { checkpoint_interval_ms: 200, engine_thread: host === 'main' ? 'main' : 'worker' },
    detectors: {
      novelty: { warmup_events: Number(warmup ?? 50), rare_count: 0 },
      rate: { enabled: false },
      params: { enabled: false },
      // Novelty only: the test counts what novelty flags (the model detector has its own restart test).
      model: { enabled: false },
    },
  },
  serveConfigSchema,
) as ServeConfig;

const svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 'crash-test' });
const { url } = await svc.start();
process.stdout.write(`${JSON.stringify({ url })}\n`);
await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
await svc.stop();
