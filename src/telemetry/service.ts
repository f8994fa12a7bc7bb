/**
 * @module telemetry/service
 * Wires a running service's parts (sources, engine, live feed, store) into its metrics: each
 * reading is a plain read of counters those parts keep anyway, done at scrape time.
 * @example
 * const metrics = metricsForService({ version, clock, sources: [{ source, type: 'http' }], engine, feed: api.feed, store });
 */
import type { Clock } from '../core/clock.js';
import type { Source } from '../core/source.js';
import type { LiveFeed } from '../api/live-feed.js';
import type { Store } from '../store/index.js';
import type { PipelineView } from '../core/engine.js';
import { createServiceMetrics, type ServiceMetrics, type SinkReading } from './metrics.js';
import type { ReportedReadings } from './reported.js';

/** What the metrics read of the alerting stage (alerts/alerting.ts), structurally. */
export interface AlertingView {
  policy: { stats: ReadonlyMap<string, { queued: number; grouped: number; dropped: number }> };
  dispatchers: readonly { sink: { name: string }; stats: { sent: number; retries: number; dropped: number; errors: number } }[];
}

export interface ServiceParts {
  version: string;
  clock: Clock;
  /** The configured source components with their config `type`. */
  sources: readonly { source: Source; type: string }[];
  engine: PipelineView;
  feed: LiveFeed;
  store: Pick<Store, 'outbox' | 'activeModels'> & Partial<Pick<Store, 'anomalyCapStats'>>;
  alerting?: AlertingView;
  /** What the components reported through their context (`ComponentContext.metrics`). */
  reported?: () => readonly ReportedReadings[];
}

export function metricsForService(p: ServiceParts): ServiceMetrics {
  return createServiceMetrics({
    version: p.version,
    clock: p.clock,
    components: () => p.sources.map(({ source, type }) => ({ id: source.id, type, stats: source.stats() })),
    streams: () => p.engine.streamCounters(),
    engine: () => p.engine.stats,
    feed: () => ({ clients: p.feed.clients, dropped: p.feed.dropped }),
    outbox: () => p.store.outbox.deliveryBySink(p.clock.now()),
    models: () => p.store.activeModels(),
    anomalyCaps: () => p.store.anomalyCapStats?.() ?? { stored: 0, dropped: 0, evicted: 0 },
    storeWrites: () => p.engine.storeWrites(),
    sinks: () => (p.alerting ? sinks(p.alerting) : []),
    reported: p.reported,
  });
}

function sinks(a: AlertingView): SinkReading[] {
  return a.dispatchers.map(({ sink, stats }) => {
    const policy = a.policy.stats.get(sink.name);
    return {
      sink: sink.name,
      queued: policy?.queued ?? 0,
      grouped: policy?.grouped ?? 0,
      backlogDropped: policy?.dropped ?? 0,
      sent: stats.sent,
      retries: stats.retries,
      givenUp: stats.dropped,
      errors: stats.errors,
    };
  });
}
