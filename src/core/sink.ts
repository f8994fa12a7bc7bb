/**
 * @module core/sink
 * What the alerting stage hands to sinks and what a sink answers (STYLE.md §2, Fluent Bit return
 * codes): `ok` delivered, `retry` try again later (the dispatcher owns back-off), `reject` never
 * deliverable (given up, counted). Types only, no I/O.
 */
import type { Anomaly, Severity } from './event.js';

/** One notification: the anomalies of one fingerprint grouped, or the end of that episode. */
export interface Alert {
  status: 'firing' | 'resolved';
  /** detector + source + template id: the identity alerts are deduplicated and grouped by. */
  fingerprint: string;
  detector: string;
  source: string;
  templateId?: number;
  /** After the policy's rules; the highest of the grouped anomalies. */
  severity: Severity;
  /** One human sentence (the first grouped anomaly's title). */
  title: string;
  /** How many anomalies this notification stands for. */
  count: number;
  /** The first grouped anomaly (context bounded). */
  anomaly: Anomaly;
  /** Ids of the grouped anomalies (at most the first 20). */
  anomalyIds: string[];
  /** Event time of the first and the last grouped anomaly (epoch ms). */
  firstSeen: number;
  lastSeen: number;
  /** When this episode started and when it ends (firing: expected end if nothing repeats), clock ms. */
  startsAt: number;
  endsAt: number;
  /** Link to the anomaly in the UI. */
  url: string;
}

export type WriteResult = 'ok' | 'retry' | 'reject';

export interface Sink {
  /** The sink's name in the configuration (outbox rows are keyed by it). */
  readonly name: string;
  /** Throws when the receiver is unreachable; the dispatcher only logs it. */
  healthcheck(): Promise<void>;
  /** Delivers the batch; never throws (a throw is counted and treated as `retry`). */
  write(batch: readonly Alert[]): Promise<WriteResult>;
  /** Why the last write was not `ok` (HTTP status, network error), for the outbox and logs. */
  readonly lastError?: string;
  close(): Promise<void>;
}
