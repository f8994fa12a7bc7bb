/**
 * @module test/harness/alerts-child
 * The real service with a webhook sink in a child process, for the alerts crash test:
 * `node --import tsx alerts-child.ts LOG DATA_DIR HOOK_URL`. file_tail on LOG, novelty (warm-up
 * 20, rare-template alerts off), alerts sent at once (no grouping wait, no cooldown), one per
 * request, short retries; prints `{"url": …}` once listening; stops gracefully on SIGTERM.
 */
import { validate } from '../../src/config/load.js';
import { type ServeConfig, serveConfigSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/component.js';
import { buildService } from '../../src/topology/build.js';

const [log, dataDir, hook] = process.argv.slice(2);
const config = validate(
  {
    data_dir: dataDir,
    server: { port: 0 },
    parser: { format: '<Date> <Time> <Pid> <Level> <Component>: <Content>', multiline: false },
    sources: [{ type: 'file_tail', paths: [log], poll_interval_ms: 10 }],
    // Novelty only, as in serve-child.ts: the test counts the alerts of what novelty flags.
    detectors: { novelty: { warmup_events: 20, rare_count: 0 }, rate: { enabled: false }, params: { enabled: false }, model: { enabled: false } },
    alerts: { group_wait_seconds: 0, cooldown_seconds: 0, poll_interval_ms: 20 },
    sinks: [{ type: 'webhook', url: hook, batch_size: 1, retry_initial_ms: 20, retry_max_ms: 100 }],
  },
  serveConfigSchema,
) as ServeConfig;

const svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 'alerts-crash-test' });
const { url } = await svc.start();
process.stdout.write(`${JSON.stringify({ url })}\n`);
await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
await svc.stop();
