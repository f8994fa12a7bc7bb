/**
 * @module core/detector
 * The streaming-detector seam (DESIGN §2): events in, anomalies out; `tick` reports what only the
 * passing of time reveals (a window closing, a source going silent). State is an explicit snapshot.
 */
import type { Anomaly, LogEvent, Severity } from './event.js';
import type { Snapshot } from './parser.js';

export interface StreamDetector {
  /** `novelty`, `rate`, `params`, `model`. */
  readonly kind: string;
  observe(events: readonly LogEvent[]): Anomaly[];
  /** Event-time clock of the source (or wall clock when idle): closes intervals, detects silence. */
  tick(now: number): Anomaly[];
  snapshot(): Snapshot;
  restore(s: Snapshot): void;
  /**
   * Optional: a person said an anomaly of this detector was normal ("learn" feedback, src/feedback):
   * stop flagging it (novelty: the template is known; rate/params: the learned count or value is
   * within the normal range). Returns false when the detector cannot learn this one (the feedback
   * policy then suppresses its fingerprint instead). Idempotent: applied again at every start.
   */
  learnAsNormal?(what: LearnAsNormal): boolean;
  /**
   * Optional: a person confirmed an anomaly about a template as a real problem (`real` feedback), or
   * took that back (a later verdict on it, `on: false`). A detector that watches confirmed problems
   * (src/detectors/watch) reports their recurrences from then on. Idempotent: applied again at every
   * start from the stored feedback. Returns whether this detector took it.
   */
  confirmed?(what: Confirmed): boolean;
}

/** A template a person confirmed as a real problem on a source (`real` feedback), or no longer. */
export interface Confirmed {
  source: string;
  templateId: number;
  /** The template's text when the anomaly named it (for titles and for its close variants). */
  template?: string;
  /** The confirmed anomaly's severity (recurrences are reported at least this severe). */
  severity?: Severity;
  /** True: watch it; false: the confirmation was taken back. */
  on: boolean;
  /**
   * Not confirmed but held (feedback/policy.ts, `hold_new_share`): a new message type kept back on a
   * source whose new types a person mostly dismisses, reported only if it comes back after a quiet
   * spell. `since`: when it was first seen.
   */
  held?: boolean;
  since?: number;
}

/** What "learn as normal" feedback tells a detector, taken from the anomaly it was given on. */
export interface LearnAsNormal {
  source: string;
  templateId?: number;
  /** The anomaly's first explanation feature (`new_template`, `template_spike`, `source_silence`, `param_2`…). */
  feature?: string;
  /** The value the anomaly observed for that feature (a count, a parameter value). */
  observed?: number;
}
