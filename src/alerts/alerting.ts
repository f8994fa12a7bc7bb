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

  constructor(
    private readonly config: AlertsConfig,
    sinks: readonly SinkEntry[],
    private readonly deps: AlertingDeps,
  ) {
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

  /**
   * Withdraws the waiting notifications of anomalies like `a` (feedback `noise` or `mute`; see
   * `AlertPolicy.withdraw`). Returns how many outbox rows were withdrawn.
   */
  withdraw(a: Anomaly, sameKind?: (first: Anomaly) => boolean): number {
    if (!this.enabled) return 0;
    const n = this.policy.withdraw(a, sameKind);
    if (n > 0) this.deps.logger.info('Waiting alerts were withdrawn after feedback.', { anomaly: a.id, withdrawn: n });
    return n;
  }

  /** Restores the policy's state from the outbox and starts every dispatcher. */
  start(): void {
    this.warnLoopbackLinks();
    this.policy.restore();
    for (const d of this.dispatchers) d.start();
  }

  /**
   * Without `alerts.public_url` the links in alerts use the address the API listens on; when that
   * is loopback (or the wildcard address) nobody reading the alert elsewhere can open them: say so once.
   */
  private warnLoopbackLinks(): void {
    if (!this.enabled || this.config.public_url !== undefined) return;
    const url = this.deps.publicUrl();
    if (!localOnly(url)) return;
    this.deps.logger.warn('Alert links point at a local address; set alerts.public_url to the address people open the UI at.', {
      public_url: url,
      sinks: this.dispatchers.map((d) => d.sink.name),
    });
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

/** Whether the host of `url` is loopback (127/8, ::1, localhost) or the wildcard address (0.0.0.0, ::). */
export function localOnly(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '0.0.0.0' || host === '::1' || host === '::';
}
