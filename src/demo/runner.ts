/**
 * @module demo/runner
 * `anomalog demo` end to end: the real service (`buildService`, as `anomalog serve` builds it:
 * SQLite store under a data dir, the streaming detectors, the API and UI on one port) with an
 * `http` source, fed by the generator through `POST /ingest?source=<service>` — so the lines take
 * the same path as any shipper's: HTTP decoding, per-source format auto-detection, parsing,
 * mining, detection, store.
 *
 * Time: the service runs on a simulated clock that the demo advances only after the service has
 * answered for every line up to it. History (`history_minutes` of normal traffic ending at the
 * start) is sent as fast as the service takes it, with past time stamps; then the demo goes live at
 * `speed` simulated seconds per real second. A slow machine stretches simulated time instead of
 * bursting lines, and the detectors' clock never runs ahead of the lines they have seen.
 * @example
 * const demo = await startDemo({ port: 0, speed: 10 }, { clock: systemClock, logger, version });
 * console.log(demo.url);  // http://127.0.0.1:41234 — the dashboard
 * await demo.stop();
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { type Clock, ManualClock } from '../core/clock.js';
import type { Logger } from '../core/component.js';
import { AnomalogError } from '../core/errors.js';
import { buildService, type Service } from '../topology/build.js';
import { type DemoConfig, demoConfigSchema, type DemoOptions } from './config.js';
import { DemoGenerator, type Lines } from './generator.js';
import { Scenario, type ScheduledIncident } from './scenario.js';
import { type ServiceName, SERVICE_NAMES } from './services/common.js';

/** Source ids are `<prefix>:<service>` (the http source prefixes every stream). */
export const SOURCE_PREFIX = 'demo';

export interface DemoDeps {
  /** Wall clock: paces the live phase and places the start. */
  clock: Clock;
  logger: Logger;
  version: string;
  /** Called when an incident's first lines have been sent. */
  onIncident?(s: ScheduledIncident): void;
  /** Called once the history is in and the demo is live. */
  onLive?(info: { historyLines: number; realMs: number }): void;
}

export interface DemoStats {
  /** Lines sent per service. */
  lines: Record<ServiceName, number>;
  /** Simulated seconds sent (history included). */
  seconds: number;
  requests: number;
  /** Simulated time reached (epoch ms). */
  simulatedTo: number;
  /** Most lines held at once before sending (bounded by `batch_lines` plus one simulated second). */
  maxPendingLines: number;
}

export interface Demo {
  /** Base URL of the service (dashboard at `${url}/`). */
  readonly url: string;
  readonly dataDir: string;
  readonly config: DemoConfig;
  readonly scenario: Scenario;
  readonly historyStart: number;
  readonly liveStart: number;
  readonly service: Service;
  /** The service's (simulated) clock. */
  readonly clock: Clock;
  /** Resolves when the run ends (duration reached or `stop`); the service is stopped by then. */
  readonly done: Promise<DemoStats>;
  stop(): Promise<DemoStats>;
}

/** The serve configuration the demo runs: an http source, every detector on, short rate intervals. */
export function demoServeConfig(cfg: DemoConfig, dataDir: string): ServeConfig {
  return validate(
    {
      data_dir: dataDir,
      server: { host: cfg.host, port: cfg.port },
      sources: [{ type: 'http', source_prefix: SOURCE_PREFIX }],
      // Short intervals show spikes and silence within seconds; 180 of them keep the default's 30 minutes of baseline memory.
      detectors: { rate: { interval_seconds: cfg.rate_interval_seconds, baseline_intervals: Math.max(30, Math.round(1800 / cfg.rate_interval_seconds)) } },
    },
    serveConfigSchema,
    'demo',
  ) as ServeConfig;
}

export async function startDemo(options: DemoOptions, deps: DemoDeps): Promise<Demo> {
  const cfg = validate(options, demoConfigSchema, 'demo options') as DemoConfig;
  const dataDir = cfg.data_dir ?? mkdtempSync(join(tmpdir(), 'anomalog-demo-'));
  // Aligned to the rate interval, so every run cuts the same intervals (same seed → same anomalies).
  const step = Math.round(cfg.rate_interval_seconds * 1000);
  const liveStart = Math.floor(deps.clock.now() / step) * step;
  const historyStart = liveStart - Math.round(cfg.history_minutes * 60) * 1000;
  const clock = new ManualClock(historyStart);
  const scenario = new Scenario({ liveStart, cycleSeconds: cfg.cycle_seconds, incidents: cfg.incidents });
  const service = buildService(demoServeConfig(cfg, dataDir), { clock, logger: deps.logger, version: deps.version });
  let url: string;
  try {
    ({ url } = await service.start());
  } catch (e) {
    // A port clash is the service's own one-line ANOMALOG_ERR_SERVE_LISTEN (naming the port and --port).
    await service.stop().catch(() => undefined);
    throw e;
  }
  const feeder = new Feeder(cfg, deps, url, clock, new DemoGenerator({ seed: cfg.seed, origin: historyStart, scenario }), scenario);
  const done = feeder.run(historyStart, liveStart).finally(() => service.stop());
  return {
    url,
    dataDir,
    config: cfg,
    scenario,
    historyStart,
    liveStart,
    service,
    clock,
    done,
    async stop() {
      feeder.abort();
      return done;
    },
  };
}

/** Sends the generator's lines to the service and moves the simulated clock behind them. */
class Feeder {
  private readonly ac = new AbortController();
  private readonly stats: DemoStats = { lines: { web: 0, api: 0, db: 0, auth: 0 }, seconds: 0, requests: 0, simulatedTo: 0, maxPendingLines: 0 };
  private pending: Lines = { web: [], api: [], db: [], auth: [] };
  private pendingCount = 0;
  private announce: ScheduledIncident[] = [];

  constructor(
    private readonly cfg: DemoConfig,
    private readonly deps: DemoDeps,
    private readonly url: string,
    private readonly clock: ManualClock,
    private readonly gen: DemoGenerator,
    private readonly scenario: Scenario,
  ) {}

  abort(): void {
    this.ac.abort();
  }

  async run(historyStart: number, liveStart: number): Promise<DemoStats> {
    const signal = this.ac.signal;
    let t = historyStart;
    const realStart = performance.now();
    for (; t < liveStart && !signal.aborted; t += 1000) await this.add(t, t + 1000 >= liveStart);
    let historyLines = 0;
    for (const n of Object.values(this.stats.lines)) historyLines += n;
    if (!signal.aborted) this.deps.onLive?.({ historyLines, realMs: performance.now() - realStart });
    const end = this.cfg.duration_seconds === undefined ? Infinity : liveStart + this.cfg.duration_seconds * 1000;
    const wallStart = this.deps.clock.now();
    // Sending the history took a while: catch up once, so that at speed 1 simulated time is the
    // wall clock's (the dashboard's "2 s ago" is true). The catch-up lines keep their own spacing.
    const lag = Math.max(0, wallStart - liveStart);
    while (!signal.aborted && t < end) {
      const due = liveStart + lag + (this.deps.clock.now() - wallStart) * this.cfg.speed;
      if (t + 1000 > due) {
        await sleep(Math.min(250, Math.max(1, (t + 1000 - due) / this.cfg.speed)), signal);
        continue;
      }
      // Every whole second that is due (sent at interval ends and when the batch is full), then the rest.
      for (; t + 1000 <= due && t < end && !signal.aborted; t += 1000) await this.add(t, false);
      await this.flush();
    }
    return this.stats;
  }

  /** Adds one simulated second; sends when the batch is full or `force`. */
  private async add(t: number, force: boolean): Promise<void> {
    const lines = this.gen.second(t);
    for (const s of SERVICE_NAMES) {
      for (const l of lines[s]) this.pending[s].push(l);
      this.pendingCount += lines[s].length;
    }
    if (this.pendingCount > this.stats.maxPendingLines) this.stats.maxPendingLines = this.pendingCount;
    for (const s of this.scenario.startsBetween(t, t + 1000)) this.announce.push(s);
    this.stats.seconds++;
    this.stats.simulatedTo = t + 1000;
    // Also at each rate interval's end: the service's clock then moves in whole intervals, so
    // what it counts by arrival (the dashboard's ingest chart) lines up with the lines' own time.
    const boundary = (t + 1000) % Math.round(this.cfg.rate_interval_seconds * 1000) === 0;
    if (force || boundary || this.pendingCount >= this.cfg.batch_lines) await this.flush();
  }

  /** Sends what is pending (one request per service), then advances the service's clock. */
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = { web: [], api: [], db: [], auth: [] };
    this.pendingCount = 0;
    await Promise.all(SERVICE_NAMES.map((s) => this.post(s, batch[s])));
    if (this.ac.signal.aborted) return;
    this.clock.set(Math.max(this.clock.now(), this.stats.simulatedTo));
    const ready = this.announce;
    this.announce = [];
    for (const s of ready) this.deps.onIncident?.(s);
  }

  private async post(service: ServiceName, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    let res: Response;
    try {
      res = await fetch(`${this.url}/ingest?source=${service}`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson(lines) });
    } catch (e) {
      if (this.ac.signal.aborted) return;
      throw new AnomalogError('ANOMALOG_ERR_DEMO_INGEST', `The service did not take the ${service} lines: ${(e as Error).message}.`, { cause: e });
    }
    const body = await res.text();
    if (!res.ok && !this.ac.signal.aborted) {
      throw new AnomalogError('ANOMALOG_ERR_DEMO_INGEST', `The service answered ${res.status} to the ${service} lines: ${body.slice(0, 200)}.`);
    }
    this.stats.requests++;
    this.stats.lines[service] += lines.length;
  }
}

/**
 * NDJSON body: JSON lines as they are, every other line as a JSON string (the service gets the same
 * text either way). Written when plain-text lines pinned their request bodies in memory (measured
 * here: 47 MB after 80 minutes); the ingest decoder now copies plain lines out of the body
 * (src/sources/http/decode.ts), so a plain body would be as safe — this encoding is kept as is.
 */
export function ndjson(lines: readonly string[]): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    out += (i === 0 ? '' : '\n') + (l.charCodeAt(0) === 123 /* { */ ? l : JSON.stringify(l));
  }
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
