/**
 * @module eval/stream/port
 * What `eval stream` needs from a replay, without knowing how the pipeline is built (the layers:
 * eval sits below topology, which implements this in `topology/replay-labelled.ts`).
 */
import type { Anomaly } from '../../core/event.js';
import type { LabelledLine } from './episodes.js';
import type { MinedLines } from './score.js';

/** A simulated person answering anomalies as they are stored (bench:feedback's operator). */
export interface Operator {
  /** The answer to a stored anomaly (`mined`: the lines mined so far), or undefined to leave it open. */
  verdict(a: Anomaly, mined: MinedLines): 'real' | 'noise' | undefined;
  /** Event time between an anomaly's ts and the answer (0: at once). */
  delayMs: number;
  /** Called for every answer given, with the event time it is given at (verbose output). */
  onAnswer?(a: Anomaly, verdict: 'real' | 'noise', now: number): void;
}

/** A mined line: its event time and template. */
export interface MinedLine {
  source: string;
  line: number;
  ts: number;
  templateId: number;
}

/** What one replay of labelled lines produced. */
export interface LabelledRun {
  anomalies: Anomaly[];
  /** Every event, in the order mined. */
  events: MinedLine[];
  mined: MinedLines;
  detectors: string[];
  answers: { real: number; noise: number };
  suppressed: number;
  suppressedByKind: number;
  /** New message types the policy held back (feedback `hold_new_share`); in `suppressed` too. */
  held: number;
  seconds: number;
}

/** Replays `lines` (labels stripped: only source, text and line number are read) with an optional operator. */
export type StreamReplay = (lines: readonly LabelledLine[], operator?: Operator, onProgress?: (done: number) => void) => Promise<LabelledRun>;
