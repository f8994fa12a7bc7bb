/**
 * @module sinks/alertmanager
 * The `alertmanager` sink: alerts to Prometheus Alertmanager's v2 API.
 * @example
 * const sink = createAlertmanagerSink({ url: 'http://127.0.0.1:9093' });
 * await sink.write(alerts); // 'ok' | 'retry' | 'reject'
 */
import type { ComponentDefinition } from '../../core/component.js';
import type { Sink } from '../../core/sink.js';
import { type AlertmanagerConfig, alertmanagerConfigSchema, type AlertmanagerOptions } from './config.js';
import { AlertmanagerSink } from './alertmanager.js';

export { AlertmanagerSink } from './alertmanager.js';
export { alertmanagerConfigSchema } from './config.js';
export type { AlertmanagerConfig, AlertmanagerOptions } from './config.js';

export function createAlertmanagerSink(options: AlertmanagerOptions): AlertmanagerSink {
  return new AlertmanagerSink(alertmanagerConfigSchema.parse(options));
}

export const definition: ComponentDefinition<AlertmanagerConfig, Sink> = {
  kind: 'sink',
  type: 'alertmanager',
  configSchema: alertmanagerConfigSchema,
  build: (config) => new AlertmanagerSink(config),
};
