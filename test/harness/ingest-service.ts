/**
 * @module test/harness/ingest-service
 * `anomalog serve` for the interop tests: the real service (`buildService`: fastify API, SQLite
 * store, the engine on this thread so its events can be observed) with one `http` source (and any
 * other sources given), listening on 127.0.0.1 with a free port. `events` collects every parsed
 * event; `waitFor` polls until the events of a source reach a count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '../../src/config/load.js';
import { type ServeConfig, serveConfigSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/component.js';
import type { LogEvent } from '../../src/core/event.js';
import { buildService, type Service } from '../../src/topology/build.js';
import { until } from './until.js';

export interface IngestService {
  url: string;
  svc: Service;
  events: LogEvent[];
  /** The events of `source` (an id, or ids matching a pattern) once there are at least `n` of them (fails after `ms`). */
  waitFor(source: string | RegExp, n: number, ms?: number): Promise<LogEvent[]>;
  stop(): Promise<void>;
}

export async function startIngestService(sources: Record<string, unknown>[] = [{ type: 'http' }]): Promise<IngestService> {
  const dir = mkdtempSync(join(tmpdir(), 'anomalog-interop-'));
  const config = validate(
    {
      data_dir: join(dir, 'data'),
      server: { host: '127.0.0.1', port: 0 },
      sources,
      pipeline: { engine_thread: 'main' },
      detectors: { rate: { enabled: false }, params: { enabled: false }, model: { enabled: false } },
    },
    serveConfigSchema,
  ) as ServeConfig;
  const events: LogEvent[] = [];
  const svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 'interop-test', onEvents: (e) => void events.push(...e) });
  const { url } = await svc.start();
  return {
    url,
    svc,
    events,
    async waitFor(source, n, ms = 20_000) {
      const of = () => events.filter((e) => (typeof source === 'string' ? e.source === source : source.test(e.source)));
      try {
        return await until(`${n} events of ${source}`, async () => (of().length >= n ? of() : undefined), ms);
      } catch {
        const seen = [...new Set(events.map((e) => e.source))].join(', ') || 'none';
        throw new Error(`Timed out waiting for ${n} events of ${String(source)}: ${of().length} arrived (sources seen: ${seen}).`);
      }
    },
    async stop() {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
