/**
 * @module sources/kafka/changelog
 * Reads a compacted changelog topic (the latest value per key) for as long as it runs: a restore
 * asks for a key once the reader has caught up with the topic's end as of that moment, so it sees
 * every value written before (by this worker or by the partition's previous owner). The reader is
 * a consumer in a group of its own (kafkajs has no manual assignment) that never commits: it always
 * starts from the beginning, which compaction keeps short. Values are kept as received (Buffers).
 * The same reader tails the feedback topic (`onValue`: each value as it arrives, in order).
 */
import { randomBytes } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { systemClock } from '../../core/clock.js';
import type { Logger } from '../../core/component.js';
import { endOffsets, type KafkaClient } from './client.js';

export class ChangelogReader {
  private readonly consumer: Consumer;
  private readonly latest = new Map<string, Buffer>();
  /** Next offset to read per partition (everything before it has been seen). */
  private readonly next = new Map<number, number>();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly kafka: KafkaClient,
    private readonly topic: string,
    group: string,
    private readonly logger: Logger,
    /** Called with each value read (not for deletions), after it is kept. */
    private readonly onValue?: (key: string, value: Buffer) => void,
    /** Called with each key deleted (a tombstone), after it is dropped. */
    private readonly onDelete?: (key: string) => void,
  ) {
    // A group per reader: each worker reads every partition of the changelog.
    this.consumer = kafka.consumer({ groupId: `${group}.changelog-reader.${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100, maxBytesPerPartition: 64 << 20, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (m.key === null) continue;
          const k = m.key.toString('utf8');
          if (m.value === null) {
            this.latest.delete(k);
            this.onDelete?.(k);
          } else {
            this.latest.set(k, m.value);
            this.onValue?.(k, m.value);
          }
        }
        if (batch.messages.length > 0) this.next.set(batch.partition, Number(batch.lastOffset()) + 1);
        const w = this.waiters;
        this.waiters = [];
        for (const f of w) f();
      },
    });
  }

  /** The latest value of `key` written before this call (waits until the reader has caught up). */
  async get(key: string, timeoutMs = 60_000): Promise<Buffer | undefined> {
    await this.caughtUp(timeoutMs);
    return this.latest.get(key);
  }

  /** The latest value of every key written before this call (waits until the reader has caught up). */
  async all(timeoutMs = 60_000): Promise<Map<string, Buffer>> {
    await this.caughtUp(timeoutMs);
    return new Map(this.latest);
  }

  /** Resolves once every record written before this call has been read (or after `timeoutMs`, with a warning). */
  private async caughtUp(timeoutMs: number): Promise<void> {
    const ends = await endOffsets(this.kafka, this.topic);
    const deadline = systemClock.now() + timeoutMs;
    for (;;) {
      let behind = false;
      for (const [p, end] of ends) if (end > 0 && (this.next.get(p) ?? 0) < end) behind = true;
      if (!behind) return;
      if (systemClock.now() > deadline) {
        this.logger.warn('A compacted topic could not be read to its end in time; what was read so far is used.', { topic: this.topic });
        return;
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
