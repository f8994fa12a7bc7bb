/**
 * @module cli/models
 * `anomalog models train|publish|list`: models for the `model` detector of `anomalog worker`,
 * trained offline on a source's log and published to the compacted models topic, from which every
 * worker hot-swaps them into the sources of their scope (src/topology/kafka/models.ts).
 * (`anomalog train` fits the batch models of `anomalog detect`: other features, other artifact.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfigFile, validate } from '../config/load.js';
import { type ServeConfig, serveConfigSchema } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { AnomalogError } from '../core/errors.js';
import { parseScope } from '../detectors/model/published.js';
import type { StreamModelArtifact } from '../detectors/model/training.js';
import { createKafka } from '../sources/kafka/client.js';
import { kafkaIntakeSchema } from '../sources/kafka/config.js';
import { trainForWorkers } from '../topology/kafka/model-training.js';
import { DEFAULT_MODELS_TOPIC, listModels, publishModel, unpublishModel } from '../topology/kafka/models.js';
import { readLineBatches } from './input.js';
import { stderrLogger } from './serve.js';

interface PublishFlags {
  brokers: string;
  modelsTopic: string;
  scope?: string;
  modelVersion?: string;
}

interface TrainFlags extends Partial<PublishFlags> {
  source: string;
  output?: string;
  config?: string;
  publish?: boolean;
}

function brokersOf(list: string): string[] {
  return validate({ brokers: list }, kafkaIntakeSchema, 'command line').brokers;
}

function versionOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', `--model-version takes a whole number ≥ 1, got ${JSON.stringify(v)}.`);
  return n;
}

async function publish(artifact: StreamModelArtifact, flags: PublishFlags, fallbackScope: string): Promise<void> {
  const logger = stderrLogger('warn');
  const kafka = createKafka({ brokers: brokersOf(flags.brokers), clientId: 'anomalog-models', logger });
  const scope = parseScope(flags.scope ?? fallbackScope);
  const p = await publishModel({ kafka, topic: flags.modelsTopic, artifact, scope, version: versionOf(flags.modelVersion), logger, now: systemClock.now() });
  process.stderr.write(`anomalog: published ${artifact.modelKind} model v${p.version} for ${scope} to ${flags.modelsTopic} (key ${p.key}, ${p.bytes} bytes gzipped, ${p.digest.slice(0, 19)}…).\n`);
}

export function registerModels(program: Command): void {
  const models = program.command('models').description("Train and publish models for the workers' model detector (Kafka scale-out).");
  models
    .command('train')
    .description("Train a model for the model detector of `anomalog worker` on one source's log, as a worker would count its windows.")
    .argument('<files...>', 'log files of the source, oldest first')
    .requiredOption('--source <name>', 'the source the lines are from (the record key the workers see)')
    .option('-c, --config <file>', "the workers' anomalog.yaml (its parser and detectors.model sections: windows, model kind, threshold)")
    .option('-o, --output <file>', 'where to write the artifact (JSON)')
    .option('--publish', 'publish it to the models topic as well (needs --brokers)')
    .option('--brokers <list>', 'bootstrap brokers, host:port[,host:port…]')
    .option('--models-topic <name>', 'the compacted models topic', DEFAULT_MODELS_TOPIC)
    .option('--scope <scope>', 'who it is for: default (every source without its own) or source:NAME (default: source:<--source>)')
    .option('--model-version <n>', 'the version to publish as (default: the latest on the topic for the scope + 1)')
    .addHelpText(
      'after',
      `
The model scores count windows of detectors.model.window_seconds (or its sessions): workers refuse a
model trained on other windows, so train with the workers' configuration. Template ids are matched
by template text, so the same lines mined by a worker find the model's templates.

Examples:
  anomalog models train web-1.log --source web-1 -c anomalog.yaml -o web-1.model.json
  anomalog models train web-*.log --source web-1 -c anomalog.yaml --publish --brokers 127.0.0.1:9092 --scope default`,
    )
    .action(async (files: string[], flags: TrainFlags) => {
      if (!flags.output && !flags.publish) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', 'Give -o FILE, --publish, or both.');
      if (flags.publish && !flags.brokers) throw new AnomalogError('ANOMALOG_ERR_CLI_USAGE', '--publish needs --brokers host:port.');
      const base = flags.config ? (loadConfigFile(flags.config, serveConfigSchema) as ServeConfig) : validate({}, serveConfigSchema);
      async function* lines(): AsyncGenerator<string> {
        for (const f of files) for await (const b of readLineBatches(f)) for (const l of b.lines) yield l.text;
      }
      const r = await trainForWorkers({ config: base, source: flags.source, lines: lines(), logger: stderrLogger('warn'), arrival: systemClock.now() });
      process.stderr.write(
        `anomalog: trained ${r.artifact.modelKind} on ${r.trained} of ${r.windows} windows (${r.lines} lines, ${r.artifact.training.templates} templates, ${r.artifact.training.columns} features) in ${r.ms} ms.\n`,
      );
      if (flags.output) {
        writeFileSync(flags.output, JSON.stringify(r.artifact));
        process.stderr.write(`anomalog: wrote ${flags.output}.\n`);
      }
      if (flags.publish) await publish(r.artifact, flags as PublishFlags, `source:${flags.source}`);
    });

  models
    .command('publish')
    .description('Publish a model (from `anomalog models train -o`) to the compacted models topic; workers hot-swap it in.')
    .argument('<file>', 'the model artifact (JSON)')
    .requiredOption('--brokers <list>', 'bootstrap brokers, host:port[,host:port…]')
    .option('--models-topic <name>', 'the compacted models topic', DEFAULT_MODELS_TOPIC)
    .option('--scope <scope>', 'default (every source without its own) or source:NAME (default: source:<the source it was trained on>)')
    .option('--model-version <n>', 'the version to publish as (default: the latest on the topic for the scope + 1)')
    .action(async (file: string, flags: PublishFlags) => {
      let artifact: StreamModelArtifact;
      try {
        artifact = JSON.parse(readFileSync(file, 'utf8')) as StreamModelArtifact;
      } catch (e) {
        throw new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', `Cannot read the model ${file}: ${(e as Error).message}.`);
      }
      await publish(artifact, flags, `source:${String(artifact.source)}`);
    });

  models
    .command('unpublish')
    .description("Withdraw a scope's model (a tombstone on the models topic): its sources go back to the default model, or train their own.")
    .requiredOption('--scope <scope>', 'default or source:NAME')
    .requiredOption('--brokers <list>', 'bootstrap brokers, host:port[,host:port…]')
    .option('--models-topic <name>', 'the compacted models topic', DEFAULT_MODELS_TOPIC)
    .action(async (flags: { scope: string; brokers: string; modelsTopic: string }) => {
      const logger = stderrLogger('warn');
      const kafka = createKafka({ brokers: brokersOf(flags.brokers), clientId: 'anomalog-models', logger });
      const key = await unpublishModel(kafka, flags.modelsTopic, parseScope(flags.scope));
      process.stderr.write(`anomalog: withdrew the model of ${flags.scope} from ${flags.modelsTopic} (tombstone for key ${key}).
`);
    });

  models
    .command('list')
    .description('The latest model of each scope on the models topic, and whether workers can read it.')
    .requiredOption('--brokers <list>', 'bootstrap brokers, host:port[,host:port…]')
    .option('--models-topic <name>', 'the compacted models topic', DEFAULT_MODELS_TOPIC)
    .option('--json', 'one JSON object per line')
    .action(async (flags: { brokers: string; modelsTopic: string; json?: boolean }) => {
      const logger = stderrLogger('warn');
      const kafka = createKafka({ brokers: brokersOf(flags.brokers), clientId: 'anomalog-models', logger });
      const models = await listModels(kafka, flags.modelsTopic, logger);
      if (models.length === 0 && !flags.json) process.stderr.write(`anomalog: no model is published on ${flags.modelsTopic} (anomalog models publish).\n`);
      for (const m of models) {
        if (flags.json) process.stdout.write(`${JSON.stringify(m)}\n`);
        else if (m.error) process.stdout.write(`${JSON.stringify(m.key)}  ${m.bytes} B  REFUSED: ${m.error}\n`);
        else process.stdout.write(`${JSON.stringify(m.key)}  v${m.version}  ${m.kind}  ${m.windows} windows  ${m.bytes} B  ${m.digest?.slice(0, 19)}…  ${new Date(m.publishedAt ?? 0).toISOString()}\n`);
      }
    });
}
