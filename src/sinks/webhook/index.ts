/**
 * @module sinks/webhook
 * The `webhook` sink: alerts as signed JSON to any HTTP endpoint.
 * @example
 * const sink = createWebhookSink({ url: 'https://hooks.example.com/anomalog', secret: 's3cret' }, systemClock);
 * await sink.write(alerts);
 */
import type { Clock } from '../../core/clock.js';
import type { ComponentDefinition } from '../../core/component.js';
import type { Sink } from '../../core/sink.js';
import { type WebhookConfig, webhookConfigSchema, type WebhookOptions } from './config.js';
import { WebhookSink } from './webhook.js';

export { WebhookSink, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook.js';
export { webhookConfigSchema } from './config.js';
export type { WebhookConfig, WebhookOptions } from './config.js';

export function createWebhookSink(options: WebhookOptions, clock: Clock): WebhookSink {
  return new WebhookSink(webhookConfigSchema.parse(options), clock);
}

export const definition: ComponentDefinition<WebhookConfig, Sink> = {
  kind: 'sink',
  type: 'webhook',
  configSchema: webhookConfigSchema,
  build: (config, ctx) => new WebhookSink(config, ctx.clock),
};
