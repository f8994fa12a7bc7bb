/**
 * @module cli/serve
 * `anomalog serve`: the real-time service — sources, parser, streaming detectors, store, API.
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { loadConfigFile, processEnv, validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import type { Logger } from '../core/component.js';
import { buildService } from '../topology/build.js';
import { isLoopback, isWildcard, reachableUrl } from '../api/guard.js';
import { addSinkShortcuts, type SinkFlags } from './serve-sinks.js';
import { heapGrowth } from './heap-growth.js';
import { mainHeapUpkeep } from '../topology/heap-trim.js';

interface ServeFlags extends SinkFlags {
  config?: string;
  file: string[];
  port?: string;
  host?: string;
  dataDir?: string;
  format?: string;
  insecure?: boolean;
  kafka?: string;
  kafkaTopic?: string;
}

export function registerServe(program: Command, version: string): void {
  program
    .command('serve')
    .description('Run the real-time service: tail logs, detect anomalies as they happen, serve the API.')
    .option('-c, --config <file>', 'YAML configuration (every option has a default)')
    .option('--file <path>', 'tail this file or glob (repeatable); zero-config alternative to sources in --config', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('-p, --port <port>', 'HTTP port for the API and live feed (default 8080; 0 = any free port)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--data-dir <dir>', 'where the SQLite store lives (default ./anomalog-data)')
    .option('--insecure', 'allow listening on a non-loopback --host without server.auth_token (trusted networks only)')
    .option('-f, --format <layout>', 'record format for every source (default: auto-detect per source)')
    .option('--kafka <brokers>', 'also store, show and alert on the anomalies `anomalog worker`s produce to Kafka (host:port[,…])')
    .option('--kafka-topic <name>', 'the workers\' anomalies topic (default anomalies)')
    .option('--alertmanager <url>', 'send alerts to this Alertmanager (POST <url>/api/v2/alerts)')
    .option('--slack-webhook <url>', 'send alerts to this Slack incoming webhook')
    .option('--webhook <url>', 'POST alerts as JSON to this URL (signed when a secret is given)')
    .option('--webhook-secret <secret>', 'HMAC-SHA256 key signing --webhook requests (default: $ANOMALOG_WEBHOOK_SECRET; the variable keeps it out of ps)')
    .addHelpText(
      'after',
      `
Examples:
  anomalog serve --file /var/log/app.log
  anomalog serve --file '/var/log/nginx/*.log' --port 9000
  anomalog serve --config anomalog.yaml
  anomalog serve --file /var/log/app.log --alertmanager http://127.0.0.1:9093
  anomalog serve --kafka 127.0.0.1:9092           # the anomalies of \`anomalog worker\`s (scale-out)
  anomalog serve --file /var/log/app.log --slack-webhook "$SLACK_WEBHOOK_URL"
  ANOMALOG_WEBHOOK_SECRET=… anomalog serve --file /var/log/app.log --webhook https://hooks.example/anomalog
  curl -s localhost:8080/api/anomalies | jq .
  curl -N localhost:8080/api/stream          # live feed (server-sent events)`,
    )
    .action(async (flags: ServeFlags) => {
      const config = resolveConfig(flags);
      const logger = stderrLogger();
      heapGrowth(config.pipeline.heap_growth_percent);
      mainHeapUpkeep(config.pipeline);
      let fatal: Error | null = null;
      let stop = () => {};
      const svc = buildService(config, {
        clock: systemClock,
        logger,
        version,
        authTokenEnv: processEnv().ANOMALOG_AUTH_TOKEN,
        // The pipeline stopped processing: stop and exit non-zero, so a supervisor restarts it (from the last checkpoint).
        onFatal: (e) => {
          fatal = e;
          stop();
        },
      });
      const { url } = await svc.start();
      // Bound to every interface, the listener answers with a loopback URL: say both.
      const where = isWildcard(config.server.host) ? `${url} and every interface (${reachableUrl(url, config.server.host, config.server.allowed_hosts, hostname())})` : url;
      process.stderr.write(`anomalog: serving ${where} (API ${url}/api/anomalies, live feed ${url}/api/stream); data in ${config.data_dir}. Ctrl-C stops.\n`);
      if (config.server.insecure && !isLoopback(config.server.host) && config.server.auth_token === undefined && config.server.auth_token_file === undefined && processEnv().ANOMALOG_AUTH_TOKEN === undefined) {
        logger.warn(`listening on ${config.server.host} without a token (--insecure): anyone who reaches this port can read anomalies, send feedback and ingest lines`);
      }
      await new Promise<void>((resolve) => {
        stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stderr.write('anomalog: stopping (draining and saving positions)…\n');
      await svc.stop();
      if (fatal) throw fatal;
    });
}

function resolveConfig(flags: ServeFlags): ServeConfig {
  const base = flags.config ? (loadConfigFile(flags.config, serveConfigSchema) as ServeConfig) : validate({}, serveConfigSchema);
  const raw = JSON.parse(JSON.stringify(base)) as Record<string, unknown> & { server: Record<string, unknown>; parser: Record<string, unknown>; sources: unknown[] };
  if (flags.file.length > 0) raw.sources = [...raw.sources, { type: 'file_tail', paths: flags.file }];
  if (flags.port !== undefined) raw.server.port = Number(flags.port);
  if (flags.host !== undefined) raw.server.host = flags.host;
  if (flags.insecure === true) raw.server.insecure = true;
  if (flags.dataDir !== undefined) raw.data_dir = flags.dataDir;
  if (flags.format !== undefined) raw.parser.format = flags.format;
  addSinkShortcuts(raw, flags, processEnv());
  if (flags.kafka !== undefined) raw.kafka = { ...(raw.kafka as object | undefined), brokers: flags.kafka, ...(flags.kafkaTopic ? { anomalies_topic: flags.kafkaTopic } : {}) };
  const config = validate(raw, serveConfigSchema, flags.config ?? 'command line') as ServeConfig;
  // A serve node of workers needs no input of its own; otherwise stdin is the zero-config source.
  if (config.sources.length === 0 && config.kafka === undefined) {
    return validate({ ...raw, sources: [{ type: 'stdin' }] }, serveConfigSchema, 'command line') as ServeConfig;
  }
  return config;
}

/** One JSON line per message on stderr, from `min` up (debug is never written). */
export function stderrLogger(min: 'info' | 'warn' = 'info'): Logger {
  const write = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ level, msg, ...fields })}\n`);
  return { debug: () => {}, info: min === 'info' ? write('info') : () => {}, warn: write('warn'), error: write('error') };
}
