/**
 * @module test/harness/metrics-service
 * A real service for the telemetry tests: HTTP ingest plus one tailed file, layout
 * `<Level> <Component>: <Content>` (a line without it is a parse failure), novelty after 20 events
 * per source, a file alert sink, and the lines that feed it.
 */
import { join } from 'node:path';
import { validate } from '../../src/config/load.js';
import { serveConfigSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/component.js';
import { buildService, type Service } from '../../src/topology/build.js';

export const TEST_VERSION = 'metrics-test';

/** The service on a free port of 127.0.0.1, its data under `dataDir`, tailing `log` (lines over 64 bytes are cut). */
export function metricsService(dataDir: string, log: string): Service {
  const config = validate(
    {
      data_dir: join(dataDir),
      server: { host: '127.0.0.1', port: 0 },
      parser: { format: '<Level> <Component>: <Content>', multiline: false },
      sources: [{ type: 'http' }, { type: 'file_tail', paths: [log], poll_interval_ms: 20, max_line_bytes: 64 }],
      // Only novelty: the anomaly counts below are exact (the model detector would train in the background).
      detectors: { novelty: { warmup_events: 20, rare_count: 0 }, rate: { enabled: false }, params: { enabled: false }, model: { enabled: false } },
      // One alert sink (a file), delivering at once: the sink and alert metrics have something to count.
      sinks: [{ type: 'file', path: join(dataDir, 'alerts.jsonl') }],
      alerts: { group_wait_seconds: 0, poll_interval_ms: 20 },
    },
    serveConfigSchema,
  );
  return buildService(config, { clock: systemClock, logger: silentLogger, version: TEST_VERSION });
}

/** `n` lines of one template. */
export const normalLines = (n: number, from = 0): string =>
  Array.from({ length: n }, (_, i) => `INFO worker: job ${from + i} finished in ${(from + i) % 17} ms`).join('\n') + '\n';

/** POSTs a plain-text body to `/ingest?source=<source>`; resolves to the status. */
export async function ingest(url: string, body: string, source = 'app'): Promise<number> {
  return (await fetch(`${url}/ingest?source=${source}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })).status;
}
