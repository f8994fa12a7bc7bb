/**
 * @module alerts/alerting
 * The alerting stage: the policy (queues alerts in the anomalies' transaction) and one dispatcher
 * per sink (delivers from the outbox). `buildService` passes `enqueue` to `store.insertAnomalies`.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/component.js';
import type { Anomaly } from '../core/event.js';
import type { Sink } from '../core/sink.js';
import type { DeliveryConfig } from '../sinks/shared/delivery.js';
import type { Outbox } from '../store/outbox.js';
import type { AlertsConfig } from './config.js';
import { Dispatcher, type DispatcherStats } from './dispatcher.js';
import { AlertPolicy, type PolicyStats } from './policy.js';

export interface AlertingDeps {
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  publicUrl: () => string;
  random?: () => number;
}

/** A built sink with the delivery options from its config section. */
export interface SinkEntry {
  sink: Sink;
  delivery: DeliveryConfig;
}

export type SinkStats = PolicyStats & DispatcherStats;

export class Alerting {
  readonly policy: AlertPolicy;
  readonly dispatchers: Dispatcher[];

  constructor(config: AlertsConfig, sinks: readonly SinkEntry[], deps: AlertingDeps) {
    this.policy = new AlertPolicy(
      config,
      sinks.map((s) => ({ name: s.sink.name, sendResolved: s.delivery.send_resolved, maxPending: s.delivery.max_pending })),
      deps,
    );
    this.dispatchers = sinks.map(
      ({ sink, delivery: d }) =>
        new Dispatcher(
          sink,
          {
            batchSize: d.batch_size,
            ratePerMinute: d.rate_limit_per_minute,
            retryInitialMs: d.retry_initial_ms,
            retryMaxMs: Math.max(d.retry_initial_ms, d.retry_max_ms),
            maxAttempts: d.max_attempts,
            pollMs: config.poll_interval_ms,
          },
          { ...deps, onBacklog: (n) => this.policy.setBacklog(sink.name, n) },
        ),
    );
  }

  get enabled(): boolean {
    return this.dispatchers.length > 0;
  }

  /** Queues alerts for newly stored anomalies; call inside their insert transaction. */
  enqueue(anomalies: readonly Anomaly[]): void {
    this.policy.enqueue(anomalies);
  }

  /** Restores the policy's state from the outbox and starts every dispatcher. */
  start(): void {
    this.policy.restore();
    for (const d of this.dispatchers) d.start();
  }

  /** Stops delivering (pending alerts stay in the outbox for the next start). */
  async stop(): Promise<void> {
    await Promise.all(this.dispatchers.map((d) => d.stop()));
  }

  stats(): Record<string, SinkStats> {
    const out: Record<string, SinkStats> = {};
    for (const d of this.dispatchers) out[d.sink.name] = { ...this.policy.stats.get(d.sink.name)!, ...d.stats };
    return out;
  }
}
