/**
 * @module cli/worker
 * `anomalog worker`: one member of a Kafka consumer group running the pipeline of `serve` on the
 * partitions it is assigned (src/topology/kafka). Start N of them with the same `--group` to
 * share a topic's partitions; anomalies go to the `anomalies` topic, which `serve --kafka` reads.
 */
import type { Command } from 'commander';
import { loadConfigFile, validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { kafkaConfigSchema } from '../sources/kafka/config.js';
import { KafkaWorker } from '../topology/kafka/worker.js';
import { stderrLogger } from './serve.js';

interface WorkerFlags {
  brokers: string;
  topic: string;
  group: string;
  config?: string;
  start: string;
  anomaliesTopic: string;
  feedbackTopic: string;
  modelsTopic: string;
  sourceFrom: string;
  sourceField?: string;
  format?: string;
  sessionTimeoutMs: string;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Join a Kafka consumer group and detect anomalies in the partitions it is given (scale-out).')
    .requiredOption('--brokers <list>', 'bootstrap brokers, host:port[,host:port…]')
    .option('--topic <name>', 'topic of log records, keyed by source', 'logs')
    .option('--group <name>', 'consumer group: workers with the same group share the partitions', 'anomalog')
    .option('-c, --config <file>', 'YAML configuration of the pipeline (parser, detectors, pipeline: as serve)')
    .option('--start <where>', 'where a new group starts: earliest | latest', 'earliest')
    .option('--anomalies-topic <name>', 'where anomalies are produced (serve --kafka reads it)', 'anomalies')
    .option('--feedback-topic <name>', 'compacted topic of the feedback serve --kafka relays (learn as normal)', 'anomalog.feedback')
    .option('--models-topic <name>', 'compacted topic of published models (read only with detectors.model.enabled)', 'anomalog.models')
    .option('--source-from <what>', 'what names a record\'s source: key | field | topic', 'key')
    .option('--source-field <path>', 'dotted JSON field naming the source (with --source-from field)')
    .option('-f, --format <layout>', 'record format for every source (default: auto-detect per source)')
    .option('--session-timeout-ms <ms>', 'a worker silent this long loses its partitions to the others', '10000')
    .addHelpText(
      'after',
      `
State (parsers, detector baselines, models) is checkpointed per partition to the compacted topic
<group>.state and restored by the partition's next owner; offsets are committed after the anomalies
and the state are produced (at-least-once; anomaly ids are deterministic). With the model
detector on, models published to --models-topic (anomalog models publish) are hot-swapped in.

Examples:
  anomalog worker --brokers 127.0.0.1:9092 --topic logs --group anomalog
  anomalog worker --brokers kafka-1:9092,kafka-2:9092 --topic logs --config anomalog.yaml
  anomalog serve --kafka 127.0.0.1:9092          # store, API, UI and alerts for the workers' anomalies`,
    )
    .action(async (flags: WorkerFlags) => {
      const base = flags.config ? (loadConfigFile(flags.config, serveConfigSchema) as ServeConfig) : validate({}, serveConfigSchema);
      const raw = JSON.parse(JSON.stringify(base)) as Record<string, unknown> & { parser: Record<string, unknown> };
      if (flags.format !== undefined) raw.parser.format = flags.format;
      const config = validate(raw, serveConfigSchema, flags.config ?? 'command line') as ServeConfig;
      const k = validate(
        { brokers: flags.brokers, topic: flags.topic, group: flags.group, start: flags.start, source_from: flags.sourceFrom, source_field: flags.sourceField, session_timeout_ms: Number(flags.sessionTimeoutMs) },
        kafkaConfigSchema,
        'command line',
      );
      const logger = stderrLogger();
      const worker = new KafkaWorker({
        config,
        brokers: k.brokers,
        topic: k.topic,
        group: k.group,
        start: k.start,
        anomaliesTopic: flags.anomaliesTopic,
        feedbackTopic: flags.feedbackTopic,
        modelsTopic: flags.modelsTopic,
        naming: { from: k.source_from, field: k.source_field },
        maxLineBytes: k.max_line_bytes,
        sessionTimeoutMs: k.session_timeout_ms,
        logger,
      });
      await worker.start();
      process.stderr.write(`anomalog: worker in group ${k.group} on ${k.topic} (${k.brokers.join(',')}); anomalies to ${flags.anomaliesTopic}. Ctrl-C stops.\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      process.stderr.write('anomalog: stopping (checkpointing the partitions)…\n');
      await worker.stop();
    });
}
