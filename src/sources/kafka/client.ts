/**
 * @module sources/kafka/client
 * The one place that knows the Kafka client library (kafkajs 2.2.4: pure JavaScript, Node ≥ 14):
 * connection, topics, an idempotent producer. `group.ts` and `changelog.ts` build on it; everything
 * above `sources/kafka` sees only the small interfaces exported here, so swapping the client is
 * this folder.
 */
import { CompressionTypes, Kafka, logLevel, type Admin, type ITopicConfig, type Producer } from 'kafkajs';
import type { Logger } from '../../core/component.js';
import { AnomalogError } from '../../core/errors.js';

export interface KafkaConnection {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
}

/** A client; connections are opened by the consumers, producers and admin built from it. */
export type KafkaClient = Kafka;

export function createKafka(c: KafkaConnection): KafkaClient {
  return new Kafka({
    clientId: c.clientId,
    brokers: [...c.brokers],
    connectionTimeout: 5000,
    // Keep retrying while a broker restarts: workers reconnect and resume.
    retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    // kafkajs errors during rebalances and reconnects are expected; they are logged as warnings.
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      const fields = { namespace: entry.namespace, ...rest };
      if (entry.level <= logLevel.ERROR) c.logger.warn(`Kafka client: ${String(message)}`, fields);
      else c.logger.debug(`Kafka client: ${String(message)}`, fields);
    },
  });
}

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** Compacted (`cleanup.policy=compact`): the latest value per key is kept (changelogs, models, feedback). */
  compacted?: boolean;
  /** Largest record the topic accepts (state snapshots can exceed the broker's 1 MB default). */
  maxMessageBytes?: number;
}

/** Creates the topics that do not exist yet (existing ones are left as they are). */
export async function ensureTopics(kafka: KafkaClient, specs: readonly TopicSpec[]): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const have = new Set(await admin.listTopics());
    const topics: ITopicConfig[] = [];
    for (const s of specs) {
      if (have.has(s.topic)) continue;
      const configEntries = [];
      if (s.compacted) configEntries.push({ name: 'cleanup.policy', value: 'compact' });
      if (s.maxMessageBytes !== undefined) configEntries.push({ name: 'max.message.bytes', value: String(s.maxMessageBytes) });
      topics.push({ topic: s.topic, numPartitions: s.partitions ?? -1, replicationFactor: -1, configEntries });
    }
    if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Whether `topic` exists (asks for the topic list: never auto-creates it, as a metadata request can). */
export async function topicExists(kafka: KafkaClient, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

/** Partitions of a topic, or an error naming it when it does not exist. */
export async function topicPartitions(kafka: KafkaClient, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    const t = md?.topics.find((x) => x.name === topic);
    if (t === undefined || t.partitions.length === 0) throw new AnomalogError('ANOMALOG_ERR_KAFKA_TOPIC', `Kafka topic ${JSON.stringify(topic)} does not exist.`, { hint: 'Create it (kafka-topics.sh --create --topic …) before starting.' });
    return t.partitions.map((p) => p.partitionId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect();
  }
}

/** The next offset to be written per partition (high watermark) of a topic. */
export async function endOffsets(kafka: KafkaClient, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<number, number>();
    for (const p of await admin.fetchTopicOffsets(topic)) out.set(p.partition, Number(p.high));
    return out;
  } finally {
    await admin.disconnect();
  }
}

export interface OutMessage {
  key: string;
  /** null: a tombstone (a compacted topic then forgets the key). */
  value: Buffer | string | null;
}

/**
 * An idempotent producer (acks from all in-sync replicas, one request in flight per broker, so a
 * retried send is neither duplicated nor reordered by the broker).
 *
 * After a failed send the next one goes through a new client producer: kafkajs does not recover an
 * idempotent producer whose sequence the broker refuses (OUT_OF_ORDER_SEQUENCE_NUMBER,
 * UNKNOWN_PRODUCER_ID, as after a broker restart that lost its log's tail), so every later send
 * failed too — a worker's checkpoints, and its commits, stopped for good. The new producer has a new
 * id; what the caller sends again must be idempotent by content (anomaly ids, compacted keys).
 */
export class IdempotentProducer {
  private producer: Producer;
  private failed = false;

  constructor(private readonly kafka: KafkaClient) {
    this.producer = this.create();
  }

  private create(): Producer {
    return this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Sends to several topics in one request per broker; resolves once every record is acknowledged. */
  async send(batches: readonly { topic: string; messages: readonly OutMessage[]; gzip?: boolean }[]): Promise<void> {
    if (this.failed) {
      await this.producer.disconnect().catch(() => undefined);
      this.producer = this.create();
      this.failed = false;
      await this.producer.connect().catch((e: unknown) => {
        this.failed = true;
        throw e;
      });
    }
    try {
      await this.sendNow(batches);
    } catch (e) {
      this.failed = true;
      throw e;
    }
  }

  private async sendNow(batches: readonly { topic: string; messages: readonly OutMessage[]; gzip?: boolean }[]): Promise<void> {
    const plain = batches.filter((b) => b.messages.length > 0 && !b.gzip);
    const packed = batches.filter((b) => b.messages.length > 0 && b.gzip);
    const one = (bs: typeof batches, compression: CompressionTypes) =>
      bs.length === 0 ? Promise.resolve() : this.producer.sendBatch({ acks: -1, compression, topicMessages: bs.map((b) => ({ topic: b.topic, messages: [...b.messages] })) }).then(() => undefined);
    await Promise.all([one(plain, CompressionTypes.None), one(packed, CompressionTypes.GZIP)]);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
