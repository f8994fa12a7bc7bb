/**
 * @module sources/kafka/kafka-source
 * The `kafka` source of one `serve`: a member of a consumer group on a topic of log records. Each
 * fetched batch of a partition is one emitted batch (awaited: back-pressure) with a cursor
 * `{ kind: 'kafka', id: '<topic>:<partition>', offset }` — the next offset to read — and `ack`
 * commits that offset: the group's committed offsets are this source's checkpoints, moved only
 * after the engine processed the batch and saved its state (at-least-once; anomaly ids are
 * deterministic). Records keep their offset, so a batch whose last record a parser still holds is
 * acknowledged up to that record.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/component.js';
import type { Cursor } from '../../core/event.js';
import type { RawBatch, Source, SourceStats } from '../../core/source.js';
import { createKafka } from './client.js';
import type { KafkaConfig } from './config.js';
import { GroupConsumer } from './group.js';
import { type ConvertStats, toRawRecords } from './records.js';

export interface KafkaSourceStats extends SourceStats {
  truncated_lines: number;
  /** Records without a value (tombstones): skipped. */
  empty_records: number;
  /** Records behind the end of each partition at its last fetch. */
  lag: number;
  rebalances: number;
}

export class KafkaSource implements Source {
  readonly id: string;
  private readonly group: GroupConsumer;
  private readonly convert: ConvertStats = { truncated: 0, empty: 0 };
  private readonly st = { received: 0, bytes: 0, dropped: 0, errors: 0 };
  private readonly lag = new Map<number, number>();
  /** Commits run one after the other, in ack order. */
  private commits: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cfg: KafkaConfig,
    private readonly deps: { clock: Clock; logger: Logger },
  ) {
    this.id = `kafka:${cfg.topic}`;
    const kafka = createKafka({ brokers: cfg.brokers, clientId: cfg.client_id, logger: deps.logger });
    this.group = new GroupConsumer(kafka, { group: cfg.group, topic: cfg.topic, fromBeginning: cfg.start === 'earliest', sessionTimeoutMs: cfg.session_timeout_ms, logger: deps.logger });
  }

  stats(): KafkaSourceStats {
    let lag = 0;
    for (const l of this.lag.values()) lag += l;
    return { ...this.st, truncated_lines: this.convert.truncated, empty_records: this.convert.empty, lag, rebalances: this.group.rebalances };
  }

  ack(cursor: Cursor): void {
    if (cursor.kind !== 'kafka') return;
    const partition = Number(cursor.id.slice(cursor.id.lastIndexOf(':') + 1));
    this.commits = this.commits.then(() => this.group.commit([{ partition, next: cursor.offset }]));
  }

  async run(emit: (batch: RawBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    const naming = { topic: this.cfg.topic, from: this.cfg.source_from, field: this.cfg.source_field };
    await this.group.start({
      onAssigned: () => {},
      onBatch: async (b, ctl) => {
        if (signal.aborted || !ctl.isCurrent()) return;
        let bytes = 0;
        for (const m of b.messages) bytes += m.value?.length ?? 0;
        const { records, offsets } = toRawRecords(b.messages, naming, this.deps.clock.now(), this.cfg.max_line_bytes, this.convert);
        for (let i = 0; i < records.length; i++) records[i].offset = offsets[i];
        this.st.received += records.length;
        this.st.bytes += bytes;
        const next = Number(b.messages[b.messages.length - 1].offset) + 1;
        this.lag.set(b.partition, Math.max(0, b.highWatermark - next));
        await emit({ records, cursor: { kind: 'kafka', id: `${this.cfg.topic}:${b.partition}`, offset: next } });
      },
    });
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await this.commits;
    await this.group.stop();
  }
}
