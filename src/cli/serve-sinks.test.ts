import { describe, expect, it } from 'vitest';
import { validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { addSinkShortcuts } from './serve-sinks.js';

describe('serve alert shortcuts', () => {
  it('adds one sink per flag with its defaults; the result validates', () => {
    const raw: Record<string, unknown> = {};
    addSinkShortcuts(raw, { alertmanager: 'http://127.0.0.1:9093', slackWebhook: 'https://hooks.slack.com/services/T/B/X', webhook: 'http://127.0.0.1:9000/hook' });
    const cfg = validate(raw, serveConfigSchema) as ServeConfig;
    expect(cfg.sinks.map((s) => [s.type, (s as { name?: string }).name])).toEqual([
      ['alertmanager', 'alertmanager'],
      ['slack', 'slack'],
      ['webhook', 'webhook'],
    ]);
    expect(cfg.sinks[1]).toMatchObject({ batch_size: 1, rate_limit_per_minute: 60, send_resolved: false });
    expect(cfg.alerts.routes).toEqual([]);
  });

  it('next to YAML sinks and routes: unique name, its own catch-all route', () => {
    const raw = { sinks: [{ type: 'webhook', url: 'http://a/' }], alerts: { routes: [{ sinks: ['webhook'], detectors: ['rate'] }] } };
    addSinkShortcuts(raw, { webhook: 'http://b/' });
    const cfg = validate(raw, serveConfigSchema) as ServeConfig;
    expect(cfg.sinks.map((s) => (s as { name?: string }).name ?? s.type)).toEqual(['webhook', 'cli-webhook']);
    expect(cfg.alerts.routes[1]).toEqual({ sinks: ['cli-webhook'] });
  });

  it('a bad URL is a configuration error naming the key', () => {
    const raw: Record<string, unknown> = {};
    addSinkShortcuts(raw, { slackWebhook: 'not a url' });
    expect(() => validate(raw, serveConfigSchema, 'command line')).toThrow(/command line: sinks\[0\]\.webhook_url/);
  });
});
