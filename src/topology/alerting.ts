/**
 * @module topology/alerting
 * Configuration → alerting stage: the sinks from the registry (`sinks:`), the policy (`alerts:`),
 * and the store the engine writes through so that alerts are queued in the anomalies' transaction.
 */
import type { ComponentContext } from '../core/component.js';
import type { Sink } from '../core/sink.js';
import { SINKS, type SinkType } from '../config/registry.js';
import type { ServeConfig } from '../config/schema.js';
import type { DeliveryConfig } from '../sinks/shared/delivery.js';
import type { Store } from '../store/index.js';
import type { EngineStore } from '../core/engine.js';
import { Alerting, type AlertingDeps } from '../alerts/alerting.js';

export type { Alerting } from '../alerts/alerting.js';

/** Builds every configured sink (not started). */
export function buildAlerting(config: Pick<ServeConfig, 'alerts' | 'sinks'>, deps: AlertingDeps, ctx: (id: string) => ComponentContext): Alerting {
  const sinks = config.sinks.map((s) => {
    const { type, ...cfg } = s as unknown as { type: SinkType } & DeliveryConfig;
    const name = cfg.name ?? type;
    const sink = SINKS[type].build({ ...cfg, name } as never, ctx(`sink:${name}`)) as Sink;
    return { sink, delivery: cfg };
  });
  return new Alerting(config.alerts, sinks, deps);
}

/** The store as the engine sees it, with alerts queued atomically with each anomaly insert. */
export function withAlerts(store: Store, alerting: Alerting): EngineStore {
  return {
    loadParserState: (source) => store.loadParserState(source),
    saveParserState: (source, snapshot) => store.saveParserState(source, snapshot),
    upsertTemplates: (rows, evicted) => store.upsertTemplates(rows, evicted),
    insertAnomalies: (batch) => store.insertAnomalies(batch, (inserted) => alerting.enqueue(inserted)),
  };
}
