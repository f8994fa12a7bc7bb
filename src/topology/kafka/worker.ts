/**
 * @module topology/kafka/worker
 * `anomalog worker`: one member of a consumer group on the logs topic, running the pipeline of
 * `serve` per assigned partition (`PartitionEngine`). Records are keyed by source, so a source's
 * parser, windows and detectors live in exactly one partition, owned by one worker at a time.
 *
 * At-least-once, no duplicate visible: at each checkpoint (every `pipeline.checkpoint_interval_ms`
 * and at stop; none while the group rebalances) the anomalies found since the last one and each changed partition's whole
 * state go out in one idempotent send — anomalies to the anomalies topic (ids are deterministic),
 * state to the compacted changelog — and only then are the offsets committed. A new owner restores
 * the partition's latest state and resumes at the offset it was taken at, so records are processed
 * again only from there, and they give the same anomalies with the same ids (the serve node's
 * store keeps one per id).
 * @example
 * const w = new KafkaWorker({ config, brokers: ['127.0.0.1:9092'], topic: 'logs', group: 'anomalog', logger });
 * await w.start();
 * … await w.stop();
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { systemClock } from '../../core/clock.js';
import { ChangelogReader } from '../../sources/kafka/changelog.js';
import { createKafka, ensureTopics, IdempotentProducer, type KafkaClient, topicPartitions } from '../../sources/kafka/client.js';
import { type FetchedBatch, GroupConsumer, type BatchControl } from '../../sources/kafka/group.js';
import type { ModelDetectorConfig } from '../../detectors/model/config.js';
import type { ModelScope, ReceivedModel } from '../../detectors/model/published.js';
import { windowSpecOf } from '../../detectors/model/stream.js';
import { parseLesson } from './feedback.js';
import { DEFAULT_MODELS_TOPIC, ModelsFeed, modelsTopicSpec } from './models.js';
import { type PartitionCheckpoint, PartitionEngine } from './partition.js';
import { type WorkerOptions, type WorkerStats, workerHealth } from './worker-options.js';

export type { WorkerOptions, WorkerStats } from './worker-options.js';

/** Largest changelog record (a partition's whole state, gzipped). */
const MAX_STATE_BYTES = 64 << 20;
/**
 * Fetched batches handed over and not processed yet, beyond the one being processed: at least this
 * many, and as many as the member has partitions (one fetch response holds a batch per partition,
 * at most the client's 10 MiB). The client fetches one request after the other and waits until its
 * handler took every batch of a response: once a whole response is queued, the next fetch overlaps
 * the processing of all of it (with 2, the queue ran dry and the worker waited for the broker at
 * every response: bench:kafka, 10 times in 240,000 records). Bounded: back-pressure past it.
 */
const MIN_QUEUED_BATCHES = 2;
/**
 * How often the checkpoint timer looks whether a checkpoint is due (at most this late), as a share
 * of `checkpoint_interval_ms`. Looking once an interval let the last records of a burst wait up to
 * two intervals for their commit and anomalies.
 */
const CHECKPOINT_LOOKS_PER_INTERVAL = 10;

export class KafkaWorker {
  private readonly kafka: KafkaClient;
  private readonly engines = new Map<number, PartitionEngine>();
  private assigned = new Set<number>();
  private readonly group: GroupConsumer;
  private readonly producer: IdempotentProducer;
  private readonly reader: ChangelogReader;
  private readonly lessons: ChangelogReader;
  /** Published models; undefined when the model detector is off (the topic is not read at all). */
  private readonly models: ModelsFeed | undefined;
  private readonly feedbackTopic: string;
  private readonly anomaliesTopic: string;
  private readonly changelogTopic: string;
  /** Batches and checkpoints run one after the other: a checkpoint never sees half a batch. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Batches queued on `queue` and not processed yet (oldest first). */
  private queued: Promise<void>[] = [];
  /** Partitions rewound after a failed batch: their later batches are dropped until the rewind's arrive. */
  private rewound = new Map<number, number>();
  private rebalancing = false;
  /** The offsets last committed per partition (what `probe` commits again). */
  private readonly committed = new Map<number, number>();
  private lastProbe = 0;
  /** The checkpoint being produced and committed, if any. */
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastCheckpoint = 0;
  /**
   * A partition was behind the log's end (by more than a fetch) at the last checkpoint: once every
   * partition has caught up, the next checkpoint is taken at once, not at the interval — the last
   * records of a backlog or burst are committed and their anomalies produced without waiting (a
   * worker that keeps up is never behind: no extra checkpoint; one that flaps adds one per interval).
   */
  private behind = false;
  /**
   * Offsets whose records' anomalies and state are durably produced but whose commit was refused.
   * Without a retry the group's committed offsets (and the lag users watch) would stay behind until
   * the partition changed again, which on a quiet partition is never.
   */
  private readonly uncommitted = new Map<number, number>();
  private stopped = false;
  private readonly st: Omit<WorkerStats, 'status' | 'warnings'> = { partitions: [], records: 0, anomaliesProduced: 0, checkpoints: 0, commitsRefused: 0, rebalances: 0, rebalancing: false, lag: {}, lastRestoreMs: 0, feedback: { read: 0, applied: 0, invalid: 0, atRestore: 0 } };

  constructor(private readonly o: WorkerOptions) {
    this.kafka = createKafka({ brokers: o.brokers, clientId: o.clientId ?? 'anomalog-worker', logger: o.logger });
    this.anomaliesTopic = o.anomaliesTopic ?? 'anomalies';
    this.changelogTopic = o.changelogTopic ?? `${o.group}.state`;
    this.group = new GroupConsumer(this.kafka, { group: o.group, topic: o.topic, fromBeginning: (o.start ?? 'earliest') === 'earliest', sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000, logger: o.logger });
    this.producer = new IdempotentProducer(this.kafka);
    this.reader = new ChangelogReader(this.kafka, this.changelogTopic, o.group, o.logger);
    this.feedbackTopic = o.feedbackTopic ?? 'anomalog.feedback';
    this.lessons = new ChangelogReader(this.kafka, this.feedbackTopic, `${o.group}.feedback`, o.logger, (_k, v) => this.lesson(v));
    const model = o.config.detectors.model as ModelDetectorConfig & { enabled: boolean };
    this.models = model.enabled ? new ModelsFeed(this.kafka, o.modelsTopic ?? DEFAULT_MODELS_TOPIC, o.group, windowSpecOf(model), o.logger, (r) => this.published(r), (scope) => this.withdrawn(scope)) : undefined;
  }

  stats(): WorkerStats {
    let records = 0;
    for (const e of this.engines.values()) records += e.records;
    const out: WorkerStats = { ...this.st, ...workerHealth(this.engines.values()), records: this.st.records + records, partitions: [...this.assigned], rebalances: this.group.rebalances, rebalancing: this.rebalancing, lag: { ...this.st.lag }, feedback: { ...this.st.feedback } };
    if (this.models) {
      out.models = this.models.stats();
      // The remap of the partitions owned now: templates of their sources a published model knew, or not.
      out.models.templatesKnown = 0;
      out.models.templatesUnknown = 0;
      for (const e of this.engines.values()) {
        const p = e.publishedStats();
        out.models.templatesKnown += p?.templatesKnown ?? 0;
        out.models.templatesUnknown += p?.templatesUnknown ?? 0;
      }
    }
    return out;
  }

  async start(): Promise<void> {
    const partitions = await topicPartitions(this.kafka, this.o.topic);
    await ensureTopics(this.kafka, [
      { topic: this.anomaliesTopic, partitions: partitions.length },
      { topic: this.changelogTopic, partitions: partitions.length, compacted: true, maxMessageBytes: MAX_STATE_BYTES },
      { topic: this.feedbackTopic, partitions: 1, compacted: true },
      ...(this.models ? [modelsTopicSpec(this.models.topic)] : []),
    ]);
    await this.producer.connect();
    await this.reader.start();
    await this.lessons.start();
    await this.models?.start();
    await this.group.start({
      onAssigned: (parts) => this.assign(parts),
      // Partitions may move: no checkpoint until the new assignment (a state produced now could
      // land after the next owner restored it; its work is redone there, with the same ids).
      onRebalancing: () => {
        this.rebalancing = true;
        this.lastProbe = systemClock.now();
      },
      onBatch: (b, ctl) => this.handOver(b, ctl),
    });
    const every = this.o.config.pipeline.checkpoint_interval_ms;
    this.timer = setInterval(
      () => {
        if (this.rebalancing && systemClock.now() - this.lastProbe >= every) void this.probe();
        else if (systemClock.now() - this.lastCheckpoint >= every || this.caughtUp()) void this.serial(async () => this.checkpoint()).catch(() => undefined);
      },
      Math.max(10, Math.floor(every / CHECKPOINT_LOOKS_PER_INTERVAL)),
    );
  }

  /** Checkpoints what was processed, leaves the group and disconnects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.sending;
    await this.serial(async () => this.checkpoint()).catch((e: unknown) => this.o.logger.warn('The last checkpoint failed; the next owner resumes from the one before.', { error: String(e) }));
    await this.sending;
    await this.group.stop();
    await this.reader.stop();
    await this.lessons.stop();
    await this.models?.stop();
    await this.producer.disconnect();
    for (const e of this.engines.values()) e.close();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Queues a fetched batch and returns, unless the queue is full (then once the oldest is done). */
  private async handOver(b: FetchedBatch, ctl: BatchControl): Promise<void> {
    const gen = this.group.generation;
    const p = this.serial(async () => {
      // Queued batches would otherwise run back to back in one chain of promise callbacks, and the
      // socket would not be read meanwhile: the next fetch response arrives while this one runs.
      await yieldToLoop();
      if (gen === this.group.generation) await this.batch(b, ctl);
    }).catch((e: unknown) => this.failed(b, e));
    this.queued.push(p);
    void p.then(() => {
      const i = this.queued.indexOf(p);
      if (i >= 0) this.queued.splice(i, 1);
    });
    while (this.queued.length > Math.max(MIN_QUEUED_BATCHES, this.assigned.size)) await this.queued[0];
  }

  /**
   * A batch that could not be processed (its partition's state could not be read, a bug): the
   * client has moved past it already, so the partition is rewound to the first record its engine
   * does not hold and fetched again from there.
   */
  private failed(b: FetchedBatch, e: unknown): void {
    const from = this.engines.get(b.partition)?.next ?? Number(b.messages[0].offset);
    const at = from >= 0 ? from : Number(b.messages[0].offset);
    this.o.logger.warn('A batch of records failed; its partition is read again from the last record processed.', { partition: b.partition, offset: at, error: e instanceof Error ? e.message : String(e) });
    this.rewound.set(b.partition, at);
    this.group.seek(b.partition, at);
  }

  /** A lesson from the feedback topic: applied to every partition between two batches. */
  private lesson(value: Buffer): void {
    const l = parseLesson(value);
    this.st.feedback.read++;
    if (l === undefined) {
      this.st.feedback.invalid++;
      return;
    }
    void this.serial(async () => {
      let ok = false;
      for (const e of this.engines.values()) if (e.learn(l)) ok = true;
      if (ok) this.st.feedback.applied++;
    });
  }

  /** A published model: hot-swapped into every partition between two batches (no restart, no record skipped). */
  private published(r: ReceivedModel): void {
    void this.serial(async () => {
      const feed = this.models as ModelsFeed;
      feed.counts.installed++;
      try {
        for (const e of this.engines.values()) feed.counts.swaps += e.installModel(r);
      } catch (err) {
        // The feed checked it against this worker's detector: not expected; the model in force stays.
        this.o.logger.warn('A published model could not be installed.', { error: err instanceof Error ? err.message : String(err) });
      }
    });
  }

  /** A published model withdrawn: its sources go back to the default model or their own, between two batches. */
  private withdrawn(scope: ModelScope): void {
    void this.serial(async () => {
      const feed = this.models as ModelsFeed;
      feed.counts.withdrawn++;
      for (const e of this.engines.values()) e.removeModel(scope);
    });
  }

  /** A new assignment: partitions that left are dropped (their next owner restores their last checkpoint). */
  private assign(parts: readonly number[]): void {
    this.assigned = new Set(parts);
    this.rebalancing = false;
    // The new assignment fetches from the committed offsets: earlier rewinds are over.
    this.rewound.clear();
    for (const p of this.uncommitted.keys()) if (!this.assigned.has(p)) this.uncommitted.delete(p);
    for (const p of this.committed.keys()) if (!this.assigned.has(p)) this.committed.delete(p);
    for (const [p, e] of this.engines) {
      if (this.assigned.has(p)) continue;
      this.st.records += e.records;
      e.close();
      this.engines.delete(p);
    }
    this.o.logger.info('Partitions assigned.', { topic: this.o.topic, partitions: parts });
  }

  private async batch(b: FetchedBatch, ctl: BatchControl): Promise<void> {
    if (!this.assigned.has(b.partition) || !ctl.isCurrent()) return;
    const rewind = this.rewound.get(b.partition);
    if (rewind !== undefined) {
      // Batches fetched before the rewind: the records they hold come again.
      if (Number(b.messages[0].offset) > rewind) return;
      this.rewound.delete(b.partition);
    }
    let e = this.engines.get(b.partition);
    if (e === undefined) {
      e = await this.restore(b.partition);
      if (!this.assigned.has(b.partition)) return;
      this.engines.set(b.partition, e);
      const first = Number(b.messages[0].offset);
      // The group's offset is ahead of the state (a changelog that lost it): go on from the offset.
      if (e.next >= 0 && first > e.next) this.o.logger.warn('A partition state ends before the committed offset; records in between are skipped.', { partition: b.partition, state: e.next, committed: first });
    }
    await e.process(b.messages, ctl.heartbeat);
    const last = Number(b.messages[b.messages.length - 1].offset);
    this.st.lag[b.partition] = Math.max(0, b.highWatermark - last - 1);
    if (systemClock.now() - this.lastCheckpoint >= this.o.config.pipeline.checkpoint_interval_ms || this.caughtUp()) this.checkpoint();
  }

  /** Behind at the last checkpoint, and now no batch waits and every partition is at the log's end. */
  private caughtUp(): boolean {
    if (!this.behind || this.queued.length > 1) return false;
    for (const p of this.assigned) if ((this.st.lag[p] ?? 0) > 0) return false;
    return true;
  }

  private async restore(partition: number): Promise<PartitionEngine> {
    const t0 = systemClock.now();
    const saved = await this.reader.get(stateKey(this.o.topic, partition));
    const e = new PartitionEngine({
      config: this.o.config,
      topic: this.o.topic,
      partition,
      naming: { topic: this.o.topic, from: this.o.naming?.from ?? 'key', field: this.o.naming?.field },
      maxLineBytes: this.o.maxLineBytes ?? 1 << 20,
      logger: this.o.logger,
      restored: saved,
    });
    // Detectors do not snapshot feedback: every lesson so far is applied to the restored engine.
    for (const v of (await this.lessons.all()).values()) {
      const l = parseLesson(v);
      if (l !== undefined && e.learn(l)) this.st.feedback.atRestore++;
    }
    // Nor published models (the snapshot records which version scored each source): the latest of each scope.
    if (this.models) for (const r of await this.models.latest()) this.models.counts.swaps += e.installModel(r);
    this.st.lastRestoreMs = systemClock.now() - t0;
    this.o.logger.info('Partition state restored.', { partition, from: saved ? e.next : 'start', bytes: saved?.length ?? 0, ms: this.st.lastRestoreMs });
    return e;
  }

  /**
   * One consistent point, taken between two batches: each changed partition's anomalies and state.
   * It is sent in the background — the next batches go on meanwhile (they are not in it) — and the
   * offsets are committed once it is acknowledged. One at a time: while one is being sent, the next
   * waits for the following batch.
   */
  private checkpoint(): void {
    if (this.rebalancing || this.sending !== undefined) return;
    this.lastCheckpoint = systemClock.now();
    this.behind = [...this.assigned].some((p) => (this.st.lag[p] ?? 0) > 0);
    const cps: [PartitionEngine, PartitionCheckpoint][] = [];
    for (const e of this.engines.values()) {
      const cp = e.checkpoint();
      if (cp) cps.push([e, cp]);
    }
    if (cps.length === 0) {
      if (this.uncommitted.size > 0) this.sending = this.commit([]).finally(() => (this.sending = undefined));
      return;
    }
    this.sending = this.send(cps).finally(() => (this.sending = undefined));
  }

  /**
   * Still a member of the current generation, though no join followed the rebalance? The client
   * also reports a rebalance when the coordinator was away (a broker restart) and may go on
   * fetching without a new join: checkpoints then stopped for good (a broker-restart test waited 90
   * s for a commit). The offsets last committed are committed again: the coordinator accepts them
   * only from a member of the current generation, whose assignment is the one it has.
   */
  private async probe(): Promise<void> {
    this.lastProbe = systemClock.now();
    const gen = this.group.generation;
    const list = [...this.committed].filter(([p]) => this.assigned.has(p)).map(([partition, next]) => ({ partition, next }));
    // Not when a rebalance or a join came meanwhile (the generation moved): that one decides.
    if (list.length === 0 || !(await this.group.commit(list)) || !this.rebalancing || gen !== this.group.generation) return;
    this.rebalancing = false;
    this.o.logger.info('The group did not rebalance after all (its commits are accepted): checkpoints resume.', { partitions: [...this.assigned] });
  }

  /** Commits `offsets` and any refused earlier for partitions still owned; remembers what is refused again. */
  private async commit(offsets: readonly { partition: number; next: number }[]): Promise<void> {
    const all = new Map<number, number>();
    for (const [p, next] of this.uncommitted) if (this.assigned.has(p)) all.set(p, next);
    for (const o of offsets) all.set(o.partition, Math.max(o.next, all.get(o.partition) ?? -1));
    this.uncommitted.clear();
    if (all.size === 0) return;
    const list = [...all].map(([partition, next]) => ({ partition, next }));
    if (await this.group.commit(list)) {
      for (const o of list) this.committed.set(o.partition, o.next);
      return;
    }
    this.st.commitsRefused++;
    for (const o of list) this.uncommitted.set(o.partition, o.next);
  }

  /** Produces a checkpoint (one idempotent send), then commits its offsets. */
  private async send(cps: [PartitionEngine, PartitionCheckpoint][]): Promise<void> {
    const anomalies = cps.flatMap(([, cp]) => cp.anomalies.map((a) => ({ key: a.source, value: JSON.stringify(a) })));
    try {
      await this.producer.send([
        { topic: this.anomaliesTopic, messages: anomalies },
        { topic: this.changelogTopic, messages: cps.map(([, cp]) => ({ key: stateKey(this.o.topic, cp.partition), value: cp.state })) },
      ]);
    } catch (err) {
      for (const [e, cp] of cps) e.requeue(cp);
      this.o.logger.warn('A checkpoint could not be produced; it is retried with the next one.', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    this.st.anomaliesProduced += anomalies.length;
    this.st.checkpoints++;
    await this.commit(cps.map(([, cp]) => ({ partition: cp.partition, next: cp.next })));
  }
}

/** The changelog key of a partition's state. */
export function stateKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
