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

  it('signs the --webhook sink with --webhook-secret, else ANOMALOG_WEBHOOK_SECRET; unsigned without either', () => {
    const secretOf = (flags: Parameters<typeof addSinkShortcuts>[1], env: Record<string, string> = {}) => {
      const raw: Record<string, unknown> = {};
      addSinkShortcuts(raw, flags, env);
      return (validate(raw, serveConfigSchema) as ServeConfig).sinks.find((s) => s.type === 'webhook') as { secret?: string };
    };
    expect(secretOf({ webhook: 'http://b/' }, { ANOMALOG_WEBHOOK_SECRET: 'from-env' }).secret).toBe('from-env');
    expect(secretOf({ webhook: 'http://b/', webhookSecret: 'from-flag' }, { ANOMALOG_WEBHOOK_SECRET: 'from-env' }).secret).toBe('from-flag');
    expect(secretOf({ webhook: 'http://b/' }, { ANOMALOG_WEBHOOK_SECRET: '' }).secret).toBeUndefined();
    expect(secretOf({ webhook: 'http://b/' }).secret).toBeUndefined();
    // Only the --webhook sink: a Slack shortcut never gets it.
    const raw: Record<string, unknown> = {};
    addSinkShortcuts(raw, { slackWebhook: 'https://hooks.slack.com/services/T/B/X' }, { ANOMALOG_WEBHOOK_SECRET: 'from-env' });
    expect(JSON.stringify(raw)).not.toContain('from-env');
  });

  it('--webhook-secret without --webhook is a usage error', () => {
    expect(() => addSinkShortcuts({}, { webhookSecret: 's' })).toThrow(expect.objectContaining({ code: 'ANOMALOG_ERR_CLI_USAGE', message: '--webhook-secret needs --webhook <url>.' }));
  });
});
