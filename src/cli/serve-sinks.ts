/**
 * @module cli/serve-sinks
 * The zero-config alert shortcuts of `anomalog serve` (`--alertmanager URL`, `--slack-webhook URL`,
 * `--webhook URL`): each adds one sink to the configuration with its defaults. A name already
 * taken in the YAML gets a `cli-` prefix; when the YAML has routes, the added sink gets its own
 * catch-all route (everything at or above `alerts.min_severity`), as it would without routes.
 * The `--webhook` sink signs its requests with `--webhook-secret`, else `ANOMALOG_WEBHOOK_SECRET`.
 */
import { AnomalogError } from '../core/errors.js';
import type { Env } from '../config/load.js';

export interface SinkFlags {
  alertmanager?: string;
  slackWebhook?: string;
  webhook?: string;
  /** HMAC key of the `--webhook` sink's signature (the environment variable keeps it out of `ps`). */
  webhookSecret?: string;
}

/** Environment variable holding the `--webhook` sink's signing secret. */
export const WEBHOOK_SECRET_ENV = 'ANOMALOG_WEBHOOK_SECRET';

interface RawConfig {
  sinks?: Record<string, unknown>[];
  alerts?: { routes?: { sinks: string[] }[] } & Record<string, unknown>;
}

/**
 * Adds the sinks the flags ask for to a raw (not yet validated) serve configuration, in place;
 * `env` supplies `ANOMALOG_WEBHOOK_SECRET` when `--webhook-secret` is not given.
 */
export function addSinkShortcuts(config: Record<string, unknown>, flags: SinkFlags, env: Env = {}): void {
  const raw = config as RawConfig;
  const wanted: [string, Record<string, unknown>][] = [];
  if (flags.alertmanager !== undefined) wanted.push(['alertmanager', { url: flags.alertmanager }]);
  if (flags.slackWebhook !== undefined) wanted.push(['slack', { webhook_url: flags.slackWebhook }]);
  if (flags.webhookSecret !== undefined && flags.webhook === undefined) {
    throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', '--webhook-secret needs --webhook <url>.', {
      hint: 'A webhook sink from --config takes its secret in the YAML (`secret: ${ANOMALOG_WEBHOOK_SECRET}`).',
    });
  }
  if (flags.webhook !== undefined) {
    const secret = flags.webhookSecret || env[WEBHOOK_SECRET_ENV] || undefined;
    wanted.push(['webhook', { url: flags.webhook, ...(secret !== undefined ? { secret } : {}) }]);
  }
  if (wanted.length === 0) return;
  const sinks = (raw.sinks ??= []);
  const taken = new Set(sinks.map((s) => String(s.name ?? s.type)));
  const alerts = (raw.alerts ??= {});
  for (const [type, options] of wanted) {
    const name = taken.has(type) ? `cli-${type}` : type;
    taken.add(name);
    sinks.push({ type, name, ...options });
    if (alerts.routes !== undefined && alerts.routes.length > 0) alerts.routes.push({ sinks: [name] });
  }
}
