/**
 * @module core/detector
 * The streaming-detector seam (DESIGN §2): events in, anomalies out; `tick` reports what only the
 * passing of time reveals (a window closing, a source going silent). State is an explicit snapshot.
 */
import type { Anomaly, LogEvent } from './event.js';
import type { Snapshot } from './parser.js';

export interface StreamDetector {
  /** `novelty`, `rate`, `params`, `model`. */
  readonly kind: string;
  observe(events: readonly LogEvent[]): Anomaly[];
  /** Event-time clock of the source (or wall clock when idle): closes intervals, detects silence. */
  tick(now: number): Anomaly[];
  snapshot(): Snapshot;
  restore(s: Snapshot): void;
}
