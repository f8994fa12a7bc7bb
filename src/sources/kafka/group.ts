/**
 * @module sources/kafka/group
 * One member of a Kafka consumer group on one topic, batch by batch. The caller processes each
 * fetched batch of a partition (`onBatch`, awaited: back-pressure) and commits offsets itself when
 * what came before them is durable (`commit`); nothing is committed automatically. After every
 * (re)join the caller learns the member's whole assignment (`onAssigned`): partitions missing from
 * it moved to another member. kafkajs 2.2.4 rebalances eagerly (every member gives up its
 * partitions at each join; no cooperative-sticky protocol), so the assignment is complete each time.
 */
import type { Consumer } from 'kafkajs';
import type { Logger } from '../../core/component.js';
import type { KafkaClient } from './client.js';
import type { KafkaRecordIn } from './records.js';

export interface GroupOptions {
  group: string;
  topic: string;
  /** Where partitions without a committed offset start. */
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  logger: Logger;
  /** Bytes fetched per partition and request (default 1 MiB). */
  maxBytesPerPartition?: number;
}

export interface FetchedBatch {
  partition: number;
  messages: KafkaRecordIn[];
  /** Next offset the broker will write (lag = highWatermark − next offset to read). */
  highWatermark: number;
}

export interface BatchControl {
  /** Keeps the membership alive during long work (a model training inside a batch). */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the batch's generation is over (a rebalance). */
  isCurrent(): boolean;
}

export interface GroupHandlers {
  onAssigned(partitions: readonly number[]): void;
  /** The group started to rebalance: this member's partitions may move (until the next `onAssigned`). */
  onRebalancing?(): void;
  onBatch(batch: FetchedBatch, ctl: BatchControl): Promise<void>;
}

/** Before a consumer that stopped for good is replaced (doubled up to a minute while it keeps failing). */
const REVIVE_MS = 1000;

export class GroupConsumer {
  private consumer: Consumer;
  private joins = 0;
  private gen = 0;
  private stopped = false;
  private revives = 0;
  private reviving: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly o: GroupOptions,
  ) {
    this.consumer = this.create();
  }

  private create(): Consumer {
    return this.kafka.consumer({
      groupId: this.o.group,
      sessionTimeout: this.o.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.o.sessionTimeoutMs / 10)),
      rebalanceTimeout: Math.max(20_000, this.o.sessionTimeoutMs * 2),
      maxBytesPerPartition: this.o.maxBytesPerPartition ?? 1 << 20,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 5000 },
    });
  }

  /** Consumers replaced after kafkajs gave one up (see `start`). */
  get revived(): number {
    return this.revives;
  }

  /**
   * Moves at every rebalance and join: a batch fetched under an older value belongs to an
   * assignment that is over (its records are fetched again from the committed offsets).
   */
  get generation(): number {
    return this.gen;
  }

  /** Rebalances seen (joins after the first). */
  get rebalances(): number {
    return Math.max(0, this.joins - 1);
  }

  async start(h: GroupHandlers): Promise<void> {
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.gen++;
      h.onRebalancing?.();
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.gen++;
      this.joins++;
      h.onAssigned([...(e.payload.memberAssignment[this.o.topic] ?? [])].sort((a, b) => a - b));
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.o.logger.warn('The Kafka consumer failed; it restarts and resumes from the committed offsets.', { error: String(e.payload.error), restart: e.payload.restart });
      // kafkajs restarts a consumer only after errors it deems retriable; after any other it stays
      // stopped, and the member would read nothing more while the process looks healthy.
      if (!e.payload.restart) this.revive(h);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.o.topic], fromBeginning: this.o.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      // The fetch position moves past a batch once it is handled (a batch that throws is fetched
      // again); the committed offset moves only with `commit`.
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
        if (batch.messages.length === 0) return;
        await h.onBatch(
          { partition: batch.partition, messages: batch.messages as KafkaRecordIn[], highWatermark: Number(batch.highWatermark) },
          { heartbeat, isCurrent: () => isRunning() && !isStale() },
        );
      },
    });
  }

  /** Commits `next` (the offset of the next record to read) for `partition`; false when refused (a rebalance). */
  async commit(offsets: readonly { partition: number; next: number }[]): Promise<boolean> {
    if (offsets.length === 0) return true;
    try {
      await this.consumer.commitOffsets(offsets.map((o) => ({ topic: this.o.topic, partition: o.partition, offset: String(o.next) })));
      return true;
    } catch (e) {
      // A member that lost the partition in a rebalance may not commit it any more; its new owner
      // resumes from the last state (changelog) or commit.
      this.o.logger.debug('A Kafka offset commit was refused.', { error: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }

  /** Rewinds `partition` to `offset` (a restored state that ends before the fetched position). */
  seek(partition: number, offset: number): void {
    this.consumer.seek({ topic: this.o.topic, partition, offset: String(offset) });
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reviving);
    return this.consumer.disconnect();
  }

  /** A new consumer in place of one kafkajs gave up: it joins the group again, from the committed offsets. */
  private revive(h: GroupHandlers, attempt = 0): void {
    if (this.stopped) return;
    clearTimeout(this.reviving);
    this.reviving = setTimeout(() => {
      if (this.stopped) return;
      this.revives++;
      // As at a rebalance: batches fetched by the old consumer belong to an assignment that is over.
      this.gen++;
      h.onRebalancing?.();
      const old = this.consumer;
      this.consumer = this.create();
      void old.disconnect().catch(() => undefined);
      this.o.logger.warn('The Kafka consumer had stopped for good; a new one joins the group.', { group: this.o.group, attempt: attempt + 1 });
      this.start(h).catch((err: unknown) => {
        this.o.logger.warn('The new Kafka consumer could not start; trying again.', { error: err instanceof Error ? err.message : String(err) });
        this.revive(h, attempt + 1);
      });
    }, Math.min(60_000, REVIVE_MS * 2 ** attempt));
  }
}
