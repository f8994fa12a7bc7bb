/**
 * @module alerts
 * The alerting stage: policy (severity rules, routes, dedup/grouping by fingerprint, cooldown,
 * resolve, backlog cap) writing to the durable outbox, and per-sink dispatchers delivering from it.
 * @example
 * const alerting = new Alerting(config.alerts, [{ sink, delivery }], { outbox: store.outbox, clock, logger, publicUrl: () => url });
 * store.insertAnomalies(found, (inserted) => alerting.enqueue(inserted)); // one transaction
 * alerting.start();
 */
export { Alerting, type AlertingDeps, type SinkEntry, type SinkStats } from './alerting.js';
export { AlertPolicy, fingerprint, type PolicyStats } from './policy.js';
export { Dispatcher, type DispatcherOptions, type DispatcherStats } from './dispatcher.js';
export { alertsConfigSchema, type AlertsConfig, type AlertsOptions } from './config.js';
