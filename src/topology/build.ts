/**
 * @module topology/build
 * Configuration → running service: the store (SQLite under `data_dir`), the sources and detectors
 * from the registry, the engine that wires them, and the HTTP API on one port.
 * @example
 * const svc = buildService(validate(raw, serveConfigSchema), { clock: systemClock, logger, version });
 * await svc.start();            // listening, sources running
 * await svc.stop();             // drain, flush, acknowledge, close
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ComponentContext, Logger } from '../core/component.js';
import type { Clock } from '../core/clock.js';
import type { EngineHost, ThreadMemory } from '../core/engine.js';
import type { Anomaly, LogEvent } from '../core/event.js';
import type { Source } from '../core/source.js';
import { type Api, buildApi } from '../api/server.js';
import { RateHistory } from '../api/rate-history.js';
import { LiveFeed } from '../api/live-feed.js';
import { SOURCES, type SourceType } from '../config/registry.js';
import type { ServeConfig } from '../config/schema.js';
import { openStore, type Store } from '../store/index.js';
import { type Alerting, buildAlerting, withAlerts } from './alerting.js';
import { metricsForService } from '../telemetry/index.js';
import { createFeedback, createFeedbackPolicy } from '../feedback/index.js';
import { createEngineHost } from './host.js';
import { Backlog } from './backlog.js';
import { StoredAnomalies } from './stored-anomalies.js';
import { ComponentReadings } from './component-metrics.js';
import { AnomalyIntake } from './kafka/intake.js';
import { floodWarnings, ingestTokens, listenError, prepareDataDir, sourceWarnings } from './serve-checks.js';
import { serverSecurity } from '../api/security.js';
import { reachableUrl } from '../api/guard.js';
import { noteWriteFailure, tolerantCheckpoints } from './store-writes.js';

/** Most live-feed clients at once (`GET /api/stream`). */
const MAX_STREAM_CLIENTS = 100;

export interface ServiceDeps {
  clock: Clock;
  logger: Logger;
  version: string;
  /**
   * Called when the pipeline can no longer process (an engine worker thread failed or died): the
   * CLI stops and exits non-zero, so a supervisor restarts it from the last checkpoint.
   */
  onFatal?: (e: Error) => void;
  /** ANOMALOG_AUTH_TOKEN of the environment (read by config/load), when set. */
  authTokenEnv?: string;
  /**
   * A tap on the parsed events, with the engine on this thread only (`pipeline.engine_thread: main`
   * or a simulated clock): what embedding code and the interop tests observe arriving.
   */
  onEvents?: (events: readonly LogEvent[]) => void;
}

export interface Service {
  readonly store: Store;
  /** The pipeline's host: worker threads by default (`pipeline.engine_thread`), else this thread. */
  readonly engine: EngineHost;
  readonly api: Api;
  /** The alerting stage (policy + one dispatcher per configured sink). */
  readonly alerting: Alerting;
  /** Opens the port and starts the sources; resolves once listening. */
  start(): Promise<{ url: string }>;
  /** Stops the sources, drains and acknowledges, closes the port and the store. */
  stop(): Promise<void>;
}

export function buildService(config: ServeConfig, deps: ServiceDeps): Service {
  // Built in dependency order: each part gets the parts it uses, already built. Three small objects
  // come first so that nothing needs a part declared after it: the backlog (the sources read it,
  // the engine host counts into it), the stored-anomalies fan-out (the host publishes, the live
  // feed, metrics and rate history read) and the feedback policy (the host filters with it; the
  // feedback service, built after the host, teaches the host's detectors).
  // Token, Host names, TLS; refuses a public bind without a token before anything starts.
  const security = serverSecurity(config.server, deps.authTokenEnv, ingestTokens(config));
  prepareDataDir(config.data_dir);
  const dbPath = join(config.data_dir, 'anomalog.db');
  const store = openStore(dbPath, {
    clock: deps.clock,
    anomalyCaps: { maxTotal: config.retention.max_anomalies, maxPerSourceHour: config.retention.max_anomalies_per_source_hour },
  });
  const abort = new AbortController();
  const backlog = new Backlog(config.pipeline.max_pending_lines);
  // What components report for /metrics (read at scrape time; a worker host reports its workers' here too).
  const readings = new ComponentReadings();
  const ctx = (id: string): ComponentContext => ({
    id,
    logger: deps.logger,
    clock: deps.clock,
    signal: abort.signal,
    // A resume point the store refused (disk full, locked) is counted and superseded by the next one.
    checkpoints: tolerantCheckpoints(store.checkpoints, store.writes, deps.logger),
    // The model registry (the `model` detector saves and reloads its trained models there).
    models: store,
    metrics: readings.port(id),
    busy: () => backlog.busy,
    maxSources: config.pipeline.max_sources,
  });
  const sources: Source[] = config.sources.map((s, i) => {
    const { type, format: _f, multiline: _m, ...cfg } = s as { type: SourceType; format?: string; multiline?: boolean } & Record<string, unknown>;
    return SOURCES[type].build(cfg as never, ctx(`${type}#${i}`)) as Source;
  });
  // Alert links: alerts.public_url, else the address the API listens on (known after listen).
  let publicUrl = config.alerts.public_url ?? `http://${config.server.host}:${config.server.port}`;
  const alerting = buildAlerting(config, { outbox: store.outbox, clock: deps.clock, logger: deps.logger, publicUrl: () => publicUrl }, ctx);
  // With sinks, alerts are queued in the same transaction as the anomalies (at least once).
  const anomalyStore = alerting.enabled ? withAlerts(store, alerting) : store;
  const policy = createFeedbackPolicy(config.feedback, deps.clock);
  const filterAnomalies = (a: Anomaly[]) => policy.apply(a);
  const stored = new StoredAnomalies();
  // Ingest and anomaly rates for the UI's charts (GET /api/stats), fed per batch by the engine.
  const history = new RateHistory({ clock: deps.clock });
  const engine: EngineHost = createEngineHost({
    config,
    dbPath,
    sources,
    store,
    anomalies: anomalyStore,
    clock: deps.clock,
    logger: deps.logger,
    context: ctx,
    filterAnomalies,
    onAnomalies: stored.publish,
    onRuns: (r) => history.addRuns(r),
    onEvents: deps.onEvents,
    onFailure: (e) => deps.onFatal?.(e),
    backlog,
  });
  // Distributed mode: the anomalies `anomalog worker`s produce, stored, shown and alerted as this engine's.
  const intake = config.kafka ? new AnomalyIntake({ config: config.kafka, anomalies: anomalyStore, filterAnomalies, onAnomalies: stored.publish, logger: deps.logger }) : null;
  // Feedback: rules rebuilt from the store; given over the API, applied to the running detectors at once.
  // noise/mute feedback also withdraws that kind's alerts still waiting in the outbox (group wait, cooldown).
  const feedback = createFeedback({
    store,
    clock: deps.clock,
    // Distributed mode: what it teaches its detectors is also produced to the workers (kafka/feedback.ts).
    detectors: intake ? intake.relayLearners(engine.learners()) : engine.learners(),
    config: config.feedback,
    policy,
    withdrawAlerts: (a, sameKind) => alerting.withdraw(a, sameKind),
  });
  const feed = new LiveFeed(MAX_STREAM_CLIENTS);
  // Prometheus metrics (GET /metrics), read from the parts' own counters at scrape time.
  const types = config.sources.map((s) => (s as { type: string }).type);
  const metrics = metricsForService({ version: deps.version, clock: deps.clock, sources: sources.map((source, i) => ({ source, type: types[i] })), engine, feed, store, alerting, reported: () => readings.components() });
  stored.subscribe((a) => feed.publish(a));
  stored.subscribe((a, arrivalTs) => metrics.anomaliesStored(a, arrivalTs));
  stored.subscribe((a) => history.addAnomalies(a));
  const api = buildApi({
    history,
    feed,
    feedback: feedback.service,
    store,
    clock: deps.clock,
    version: deps.version,
    guard: security.guard,
    https: security.https,
    metrics: async () => {
      await engine.refresh();
      return metrics.scrape();
    },
    health: () => {
      const stats = sources.map((s) => ({ id: s.id, ...s.stats() }));
      const writes = engine.storeWrites();
      const warnings = sourceWarnings(config.sources, stats.map((st) => ({ id: st.id, stats: st as unknown as Record<string, unknown> })));
      // Sources whose miner is in flood mode (the counters as of the engine's last report).
      warnings.push(...floodWarnings(engine.flooding?.() ?? []));
      // The store refuses writes: processing goes on, anomalies wait (bounded), acks are held.
      if (writes.message !== null) warnings.unshift(`${writes.message} Found anomalies wait to be stored (${writes.unstored} now); nothing is acknowledged to the sources until they are.`);
      return {
      ...(engine.failed ? { status: 'failing', error: engine.failed.message } : warnings.length > 0 ? { status: 'degraded', warnings } : {}),
      sources: stats,
      sinks: alerting.dispatchers.map((d) => d.health()),
      pipeline: engine.stats,
      feedback: { ...feedback.policy.stats },
      ...(intake ? { kafka: { ...intake.stats } } : {}),
      // The store's hard caps (retention.max_anomalies, max_anomalies_per_source_hour): stored, dropped, evicted.
      anomalies: { ...store.anomalyCapStats(), maxTotal: config.retention.max_anomalies, maxPerSourceHour: config.retention.max_anomalies_per_source_hour },
      store: { writable: writes.failing === null, ...writes },
      memory: serviceMemory(engine),
      };
    },
  });
  // Sources that serve on the API port (HTTP ingest) add their routes to it.
  for (const s of sources) s.register?.(api.app);
  // The engine restored the detectors' state (in the worker: messages wait for it): re-apply stored
  // feedback (learn) to them, rebuild the rules.
  feedback.service.loadPolicy();
  let running: Promise<void> | null = null;
  let retention: ReturnType<typeof setInterval> | null = null;
  // A refused write (disk full, locked) is counted and shown in health; retention runs again in an hour.
  const applyRetention = () => {
    try {
      store.applyRetention({ maxAgeMs: config.retention.max_age_days * 86_400_000, maxRows: config.retention.max_anomalies });
    } catch (e) {
      if (!noteWriteFailure(store.writes, deps.logger, e)) throw e;
    }
  };

  return {
    store,
    engine,
    api,
    alerting,
    async start() {
      await engine.ready;
      let url: string;
      try {
        url = await api.app.listen({ host: config.server.host, port: config.server.port });
      } catch (e) {
        // Nothing may keep running (engine threads, the store): stop as after a normal run, then say why.
        abort.abort();
        await engine.run(abort.signal).catch(() => undefined);
        await api.app.close().catch(() => undefined);
        store.close();
        throw listenError(e, config.server.host, config.server.port);
      }
      if (config.alerts.public_url === undefined) publicUrl = reachableUrl(url, config.server.host, config.server.allowed_hosts, hostname());
      alerting.start();
      applyRetention();
      retention = setInterval(applyRetention, 3_600_000);
      retention.unref();
      running = engine.run(abort.signal);
      await intake?.start();
      return { url };
    },
    async stop() {
      abort.abort();
      if (retention) clearInterval(retention);
      await running;
      await intake?.stop();
      await alerting.stop();
      await api.app.close();
      store.close();
    },
  };
}

/**
 * Where the service's memory goes: the process's resident set, this thread's heap and Buffers, and
 * each engine thread's heap (as of its last report, each second). RSS minus the heaps is code,
 * stacks, SQLite's page caches and what the allocator keeps.
 */
function serviceMemory(engine: EngineHost): { rss: number; arrayBuffers: number; threads: ThreadMemory[] } {
  const m = process.memoryUsage();
  return { rss: m.rss, arrayBuffers: m.arrayBuffers, threads: [{ thread: 'main', heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external }, ...(engine.threadMemory?.() ?? [])] };
}
