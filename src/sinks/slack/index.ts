/**
 * @module sinks/slack
 * The `slack` sink: Block Kit messages to a Slack incoming webhook.
 * @example
 * const sink = createSlackSink({ webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' });
 * await sink.write(alerts);
 */
import type { ComponentDefinition } from '../../core/component.js';
import type { Sink } from '../../core/sink.js';
import { type SlackConfig, slackConfigSchema, type SlackOptions } from './config.js';
import { SlackSink } from './slack.js';

export { SlackSink, escapeSlack } from './slack.js';
export { slackConfigSchema } from './config.js';
export type { SlackConfig, SlackOptions } from './config.js';

export function createSlackSink(options: SlackOptions): SlackSink {
  return new SlackSink(slackConfigSchema.parse(options));
}

export const definition: ComponentDefinition<SlackConfig, Sink> = {
  kind: 'sink',
  type: 'slack',
  configSchema: slackConfigSchema,
  build: (config) => new SlackSink(config),
};
