/**
 * @module topology/kafka/feedback
 * "Learn as normal" feedback across the Kafka scale-out. On the serve node (`serve --kafka`), the
 * feedback policy teaches its detectors through `learnAsNormal`; `relayLearners` wraps them so that
 * each lesson is also produced to a compacted feedback topic (key: detector + source + template +
 * feature, so compaction keeps one record per lesson). Every `anomalog worker` tails that topic from
 * the beginning and applies each lesson to its partition engines — as it arrives, and again to a
 * partition's restored engine (detectors do not snapshot feedback; `serve` re-applies it at start
 * the same way). `noise` and `mute` need no relay: they are the serve node's policy, applied to the
 * workers' anomalies as they are stored.
 */
import type { Logger } from '../../core/component.js';
import type { LearnAsNormal } from '../../core/detector.js';
import type { LearningDetector } from '../../feedback/policy.js';
import { ensureTopics, IdempotentProducer, type KafkaClient } from '../../sources/kafka/client.js';

/** One lesson on the feedback topic. */
export interface FeedbackLesson {
  detector: string;
  what: LearnAsNormal;
}

/** Lessons waiting to be produced while the broker is unreachable (the oldest are dropped beyond it). */
const MAX_PENDING = 1000;
/** Far above any lesson's size (its fields are bounded below): a record past it is refused unparsed. */
export const MAX_LESSON_BYTES = 16 * 1024;
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function lessonKey(l: FeedbackLesson): string {
  return [l.detector, l.what.source, l.what.templateId ?? '', l.what.feature ?? ''].join('\u0000');
}

/** A lesson as read from the topic (client input: checked field by field), or undefined. */
export function parseLesson(value: Buffer): FeedbackLesson | undefined {
  if (value.length > MAX_LESSON_BYTES) return undefined;
  const text = value.toString('utf8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object') return undefined;
  const r = v as { detector?: unknown; what?: Record<string, unknown> | null };
  const w = r.what;
  if (!isStr(r.detector, 100) || w === null || typeof w !== 'object' || !isStr(w.source, 1000)) return undefined;
  const what: LearnAsNormal = { source: w.source };
  if (isNum(w.templateId)) what.templateId = w.templateId;
  if (isStr(w.feature, 200)) what.feature = w.feature;
  if (isNum(w.observed)) what.observed = w.observed;
  return { detector: r.detector, what };
}

/** The serve node's side: produces each lesson its detectors are taught. */
export class FeedbackRelay {
  private readonly producer: IdempotentProducer;
  private pending: FeedbackLesson[] = [];
  private sending: Promise<void> = Promise.resolve();
  private started = false;
  produced = 0;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {
    this.producer = new IdempotentProducer(kafka);
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [{ topic: this.topic, partitions: 1, compacted: true }]);
    await this.producer.connect();
    this.started = true;
    this.flush();
  }

  async stop(): Promise<void> {
    await this.sending;
    if (this.started) await this.producer.disconnect();
  }

  /** `learners` (the engine's), each lesson also relayed to the workers. */
  wrap(learners: readonly LearningDetector[]): LearningDetector[] {
    return learners.map((d) => {
      const local = d.learnAsNormal?.bind(d);
      if (local === undefined) return d;
      return {
        kind: d.kind,
        confirmed: d.confirmed?.bind(d),
        learnAsNormal: (what: LearnAsNormal) => {
          this.relay({ detector: d.kind, what });
          // Novelty, rate and params record the lesson whatever they hold, as the workers' will; a model
          // detector that does not hold the window says no here, and the policy falls back to `noise`.
          return local(what);
        },
      };
    });
  }

  /** Queues a lesson (produced in order, retried with the next one when the broker refused it). */
  relay(lesson: FeedbackLesson): void {
    this.pending.push(lesson);
    if (this.pending.length > MAX_PENDING) this.pending.shift();
    if (this.started) this.flush();
  }

  /** Resolves when what was queued before the call has been produced (or failed; it stays queued). */
  flushed(): Promise<void> {
    return this.sending;
  }

  private flush(): void {
    this.sending = this.sending.then(async () => {
      if (this.pending.length === 0) return;
      const batch = this.pending;
      this.pending = [];
      try {
        await this.producer.send([{ topic: this.topic, messages: batch.map((l) => ({ key: lessonKey(l), value: JSON.stringify(l) })) }]);
        this.produced += batch.length;
      } catch (e) {
        this.pending = [...batch, ...this.pending].slice(-MAX_PENDING);
        this.logger.warn('Feedback could not be sent to the workers; it is retried with the next.', { topic: this.topic, error: e instanceof Error ? e.message : String(e) });
      }
    });
  }
}
