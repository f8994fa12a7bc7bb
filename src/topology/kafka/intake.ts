/**
 * @module topology/kafka/intake
 * `serve --kafka`: the anomalies `anomalog worker`s produce, read from the anomalies topic into the
 * service's store, UI, live feed and alerts — through the same hooks as its own engine (feedback
 * policy, then one insert with the alerts). The store keeps one anomaly per id, so a record produced
 * twice (a worker crashed between produce and commit) or read twice (this node crashed before its
 * commit) is stored once. Offsets are committed after the insert.
 */
import { parseJsonObject } from '../../core/json.js';
import type { Logger } from '../../core/component.js';
import type { AnomalyStore } from '../../core/engine.js';
import type { LearningDetector } from '../../feedback/policy.js';
import { storedAttrs } from '../../core/attrs.js';
import { type Anomaly, SEVERITIES } from '../../core/event.js';
import { createKafka } from '../../sources/kafka/client.js';
import type { KafkaIntakeConfig } from '../../sources/kafka/config.js';
import { GroupConsumer } from '../../sources/kafka/group.js';
import { FeedbackRelay } from './feedback.js';

/** Longest anomaly record read (a worker's anomaly with its context lines is a few KB). */
const MAX_RECORD_BYTES = 1 << 20;

export interface IntakeStats {
  received: number;
  stored: number;
  duplicates: number;
  /** Records that are not an anomaly (not JSON, missing or mistyped fields, too long): skipped. */
  invalid: number;
  /** "Learn as normal" lessons produced to the feedback topic for the workers. */
  feedbackRelayed: number;
}

export interface IntakeOptions {
  config: KafkaIntakeConfig;
  anomalies: AnomalyStore;
  filterAnomalies?: (a: Anomaly[]) => Anomaly[];
  onAnomalies?: (a: Anomaly[]) => void;
  logger: Logger;
}

export class AnomalyIntake {
  private readonly counts = { received: 0, stored: 0, duplicates: 0, invalid: 0 };
  private readonly group: GroupConsumer;
  private readonly relay: FeedbackRelay;

  constructor(private readonly o: IntakeOptions) {
    const kafka = createKafka({ brokers: o.config.brokers, clientId: o.config.client_id, logger: o.logger });
    this.group = new GroupConsumer(kafka, { group: o.config.group, topic: o.config.anomalies_topic, fromBeginning: true, sessionTimeoutMs: 30_000, logger: o.logger });
    this.relay = new FeedbackRelay(kafka, o.config.feedback_topic, o.logger);
  }

  get stats(): IntakeStats {
    return { ...this.counts, feedbackRelayed: this.relay.produced };
  }

  /** The engine's detectors as the feedback service teaches them: each lesson also goes to the workers. */
  relayLearners(learners: readonly LearningDetector[]): LearningDetector[] {
    return this.relay.wrap(learners);
  }

  async start(): Promise<void> {
    await this.relay.start();
    await this.group.start({
      onAssigned: () => {},
      onBatch: async (b) => {
        const found: Anomaly[] = [];
        for (const m of b.messages) {
          this.counts.received++;
          const a = m.value !== null && m.value.length <= MAX_RECORD_BYTES ? parseAnomaly(m.value.toString('utf8')) : undefined;
          if (a === undefined) this.counts.invalid++;
          else found.push(a);
        }
        this.store(found);
        await this.group.commit([{ partition: b.partition, next: Number(b.messages[b.messages.length - 1].offset) + 1 }]);
      },
    });
  }

  async stop(): Promise<void> {
    await this.group.stop();
    await this.relay.stop();
  }

  private store(found: Anomaly[]): void {
    const kept = found.length > 0 && this.o.filterAnomalies ? this.o.filterAnomalies(found) : found;
    if (kept.length === 0) return;
    const inserted = this.o.anomalies.insertAnomalies(kept);
    this.counts.stored += inserted.length;
    this.counts.duplicates += kept.length - inserted.length;
    if (inserted.length > 0) this.o.onAnomalies?.(inserted);
  }
}

const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An anomaly record as a worker writes it, checked field by field; anything else is undefined. */
export function parseAnomaly(text: string): Anomaly | undefined {
  const r = parseJsonObject(text);
  if (r === undefined) return undefined;
  if (!isStr(r.id, 128) || !isNum(r.ts) || !isStr(r.source, 1000) || !isStr(r.detector, 100) || !isNum(r.score) || !isStr(r.title, 10_000)) return undefined;
  if (!(SEVERITIES as readonly unknown[]).includes(r.severity)) return undefined;
  if (!Array.isArray(r.explanation) || !Array.isArray(r.context) || !r.context.every((c) => typeof c === 'string')) return undefined;
  if (!r.explanation.every((c) => c !== null && typeof c === 'object' && typeof (c as { feature?: unknown }).feature === 'string')) return undefined;
  const a: Anomaly = { id: r.id, ts: r.ts, source: r.source, detector: r.detector, score: r.score, severity: r.severity as Anomaly['severity'], title: r.title, explanation: r.explanation as Anomaly['explanation'], context: r.context as string[] };
  const w = r.window as { start?: unknown; end?: unknown } | undefined;
  if (w && typeof w === 'object' && isNum(w.start) && isNum(w.end)) a.window = { start: w.start, end: w.end };
  if (isStr(r.sessionKey, 1000)) a.sessionKey = r.sessionKey;
  if (isNum(r.templateId)) a.templateId = r.templateId;
  // The model that scored it (which published version: the live feed and API clients see it).
  const m = r.model;
  if (isObject(m) && isStr(m.kind, 50) && isNum(m.version)) {
    a.model = { kind: m.kind, version: m.version };
    if (isStr(m.scope, 207)) a.model.scope = m.scope;
    if (isStr(m.digest, 71)) a.model.digest = m.digest;
  }
  // Attributes (the record's and its context lines'), bounded again as every host bounds them.
  const attrs = isObject(r.attrs) ? storedAttrs(undefined, r.attrs) : undefined;
  if (attrs !== undefined) a.attrs = attrs;
  if (Array.isArray(r.contextAttrs) && r.contextAttrs.length === a.context.length) a.contextAttrs = r.contextAttrs.map((c) => (isObject(c) ? (storedAttrs(undefined, c) ?? null) : null));
  return a;
}
