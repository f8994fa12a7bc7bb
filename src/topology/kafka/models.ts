/**
 * @module topology/kafka/models
 * Trained models across the Kafka scale-out. `publishModel` (`anomalog models publish`, `models
 * train --publish`) produces a model to the compacted models topic (default `anomalog.models`; key
 * = detector + scope, so compaction keeps the latest model per scope; created with a
 * `max.message.bytes` of 16 MiB, the broker's default being 1 MB). Every `anomalog worker` with the
 * model detector on tails that topic from the beginning (`ModelsFeed`): each record is checked
 * (`detectors/model/published.ts`: bounded, zod, digest, restored, same windows as this worker's
 * detector) — a refused one is counted and logged, and the model in force stays — and a valid one
 * is hot-swapped into every partition's model detector between two batches, and into each
 * partition a worker restores. Workers with the model detector off do not read the topic.
 */
import type { Logger } from '../../core/component.js';
import { AnomalogError } from '../../core/errors.js';
import { checkCompatible, decodePublished, encodePublished, MAX_PUBLISHED_BYTES, type ModelScope, publishedKey, publishedModel, type ReceivedModel } from '../../detectors/model/published.js';
import type { StreamModelArtifact } from '../../detectors/model/training.js';
import type { WindowSpec } from '../../features/count-windows.js';
import { ChangelogReader } from '../../sources/kafka/changelog.js';
import { ensureTopics, IdempotentProducer, type KafkaClient, topicExists } from '../../sources/kafka/client.js';

export const DEFAULT_MODELS_TOPIC = 'anomalog.models';

/** The models topic: one partition (few records, read whole by every worker), compacted, 16 MiB records. */
export function modelsTopicSpec(topic: string) {
  return { topic, partitions: 1, compacted: true, maxMessageBytes: MAX_PUBLISHED_BYTES };
}

export interface ModelsFeedStats {
  /** Records read, refused (malformed, too large, other windows), models handed to the partitions, and withdrawn (tombstones). */
  read: number;
  refused: number;
  installed: number;
  withdrawn: number;
  /** Sources swapped to a published model, over all partitions. */
  swaps: number;
  /** The latest refusal's reason (bounded). */
  lastRefusal?: string;
  /** Templates of the owned partitions' sources that the published models knew by text, and did not (worker stats). */
  templatesKnown?: number;
  templatesUnknown?: number;
  /** Per key: the valid model in force. */
  latest: { key: string; scope: string; version: number; digest: string }[];
}

/** A worker's reader of the models topic: the latest valid model per key, and each new one as it comes. */
export class ModelsFeed {
  private readonly reader: ChangelogReader;
  private readonly valid = new Map<string, ReceivedModel>();
  readonly counts = { read: 0, refused: 0, installed: 0, withdrawn: 0, swaps: 0 };
  private lastRefusal: string | undefined;

  constructor(
    kafka: KafkaClient,
    readonly topic: string,
    group: string,
    private readonly spec: WindowSpec,
    private readonly logger: Logger,
    /** Each valid model as it arrives (after the ones before it). */
    private readonly onModel: (r: ReceivedModel) => void,
    /** A scope whose model was withdrawn (a tombstone for a key that held a valid model). */
    private readonly onWithdrawn: (scope: ModelScope) => void,
  ) {
    this.reader = new ChangelogReader(
      kafka,
      topic,
      `${group}.models`,
      logger,
      (k, v) => this.received(k, v),
      (k) => this.deleted(k),
    );
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }

  /** The latest valid model of every key written before this call (waits until the reader caught up). */
  async latest(): Promise<ReceivedModel[]> {
    await this.reader.all();
    return [...this.valid.values()];
  }

  stats(): ModelsFeedStats {
    const latest = [...this.valid].map(([key, r]) => ({ key, scope: r.published.scope, version: r.published.modelVersion, digest: r.published.digest }));
    return { ...this.counts, ...(this.lastRefusal === undefined ? {} : { lastRefusal: this.lastRefusal }), latest };
  }

  private deleted(key: string): void {
    const r = this.valid.get(key);
    if (r === undefined) return;
    this.valid.delete(key);
    this.logger.info('A published model was withdrawn.', { topic: this.topic, scope: r.published.scope });
    this.onWithdrawn(r.published.scope);
  }

  private received(key: string, value: Buffer): void {
    this.counts.read++;
    let r: ReceivedModel;
    try {
      r = decodePublished(value);
      checkCompatible(r.published, this.spec);
      if (publishedKey(r.published.scope) !== key) throw new AnomalogError('ANOMALOG_ERR_MODEL_REFUSED', `A published model was refused: its key ${JSON.stringify(key.slice(0, 100))} is not that of its scope (${publishedKey(r.published.scope)}).`);
    } catch (e) {
      this.counts.refused++;
      this.lastRefusal = (e instanceof Error ? e.message : String(e)).slice(0, 500);
      this.logger.warn('A record on the models topic was refused; the model in force stays.', { topic: this.topic, key: key.slice(0, 200), error: this.lastRefusal });
      return;
    }
    this.valid.set(key, r);
    this.logger.info('A published model was read.', { topic: this.topic, scope: r.published.scope, version: r.published.modelVersion, digest: r.published.digest.slice(0, 19), bytes: value.length });
    this.onModel(r);
  }
}

export interface PublishOptions {
  kafka: KafkaClient;
  topic: string;
  artifact: StreamModelArtifact;
  scope: ModelScope;
  /** The version to publish as; default: the latest on the topic for this scope + 1. */
  version?: number;
  logger: Logger;
  now: number;
}

export interface Published {
  key: string;
  version: number;
  digest: string;
  bytes: number;
}

/** Produces a model to the models topic (created compacted with 16 MiB records when missing). */
export async function publishModel(o: PublishOptions): Promise<Published> {
  await ensureTopics(o.kafka, [modelsTopicSpec(o.topic)]);
  const key = publishedKey(o.scope);
  const version = o.version ?? (await latestVersion(o.kafka, o.topic, key, o.logger)) + 1;
  const p = publishedModel(o.artifact, { scope: o.scope, version, at: o.now });
  const value = encodePublished(p);
  const producer = new IdempotentProducer(o.kafka);
  await producer.connect();
  try {
    await producer.send([{ topic: o.topic, messages: [{ key, value }] }]);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const type = String((e as { type?: unknown } | null)?.type ?? '');
    if (/MESSAGE_TOO_LARGE|RECORD_TOO_LARGE/.test(type) || /too large|larger than the max message size/i.test(msg)) {
      throw new AnomalogError('ANOMALOG_ERR_MODEL_REFUSED', `The broker refused the ${value.length}-byte model record: ${msg}.`, {
        hint: `The topic ${o.topic} existed with a smaller max.message.bytes: raise it (kafka-configs.sh --alter --entity-type topics --entity-name ${o.topic} --add-config max.message.bytes=${MAX_PUBLISHED_BYTES}).`,
      });
    }
    throw e;
  } finally {
    await producer.disconnect();
  }
  return { key, version, digest: p.digest, bytes: value.length };
}

/** The version of the latest readable model for `key` on the topic (0 when none): what the workers have in force. */
async function latestVersion(kafka: KafkaClient, topic: string, key: string, logger: Logger): Promise<number> {
  let version = 0;
  const reader = new ChangelogReader(kafka, topic, 'anomalog-models-publish', logger, (k, v) => {
    if (k !== key) return;
    try {
      version = decodePublished(v).published.modelVersion;
    } catch {
      // Unreadable: the workers refused it too, and kept the model before it.
    }
  });
  await reader.start();
  try {
    await reader.all();
    return version;
  } finally {
    await reader.stop();
  }
}

/** Withdraws the model of a scope: a tombstone for its key (workers go back to the default model, or their own). */
export async function unpublishModel(kafka: KafkaClient, topic: string, scope: ModelScope): Promise<string> {
  const key = publishedKey(scope);
  // A missing topic would be retried for ~40 s by the producer, then fail with the client's stack.
  if (!(await topicExists(kafka, topic))) throw new AnomalogError('ANOMALOG_ERR_KAFKA_TOPIC', `Kafka topic ${JSON.stringify(topic)} does not exist: no model was ever published there.`, { hint: 'Check --models-topic and --brokers (anomalog models list shows what is published).' });
  const producer = new IdempotentProducer(kafka);
  await producer.connect();
  try {
    await producer.send([{ topic, messages: [{ key, value: null }] }]);
  } finally {
    await producer.disconnect();
  }
  return key;
}

/** Every record on the models topic as `models list` shows it: the latest per key, valid or why not. */
export async function listModels(kafka: KafkaClient, topic: string, logger: Logger): Promise<{ key: string; bytes: number; version?: number; digest?: string; publishedAt?: number; kind?: string; windows?: number; error?: string }[]> {
  // Nothing published yet: a reader subscribed to a missing topic waits for an end that never comes.
  if (!(await topicExists(kafka, topic))) return [];
  const reader = new ChangelogReader(kafka, topic, 'anomalog-models-list', logger);
  await reader.start();
  try {
    const out = [];
    for (const [key, v] of await reader.all()) {
      try {
        const { published: p } = decodePublished(v);
        out.push({ key, bytes: v.length, version: p.modelVersion, digest: p.digest, publishedAt: p.publishedAt, kind: p.artifact.modelKind, windows: p.artifact.training.windows });
      } catch (e) {
        out.push({ key, bytes: v.length, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  } finally {
    await reader.stop();
  }
}
