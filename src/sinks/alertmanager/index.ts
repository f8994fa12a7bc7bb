/**
 * @module sinks/alertmanager
 * The `alertmanager` sink: alerts to Prometheus Alertmanager's v2 API.
 * @example
 * const sink = createAlertmanagerSink({ url: 'http://127.0.0.1:9093' });
 * await sink.write(alerts); // 'ok' | 'retry' | 'reject'
 */
import type { Clock } from '../../core/clock.js';
import type { ComponentDefinition } from '../../core/component.js';
import type { Sink } from '../../core/sink.js';
import { type AlertmanagerConfig, alertmanagerConfigSchema, type AlertmanagerOptions } from './config.js';
import { AlertmanagerSink } from './alertmanager.js';

export { AlertmanagerSink } from './alertmanager.js';
export { alertmanagerConfigSchema } from './config.js';
export type { AlertmanagerConfig, AlertmanagerOptions } from './config.js';

export function createAlertmanagerSink(options: AlertmanagerOptions, clock?: Clock): AlertmanagerSink {
  return new AlertmanagerSink(alertmanagerConfigSchema.parse(options), clock);
}

export const definition: ComponentDefinition<AlertmanagerConfig, Sink> = {
  kind: 'sink',
  type: 'alertmanager',
  configSchema: alertmanagerConfigSchema,
  build: (config, ctx) => new AlertmanagerSink(config, ctx.clock),
};
