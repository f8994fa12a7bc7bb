/**
 * @module detectors/model/describe
 * Turns a flagged window of the streaming model detector into an `Anomaly`: deterministic id
 * (detector + source + window/session), one-sentence title naming the most deviant feature,
 * severity by how far the score lies beyond the threshold.
 */
import type { Anomaly, Contribution, Severity } from '../../core/event.js';
import { anomalyId, clip } from '../shared/common.js';
import type { PublishedRef } from './published.js';
import type { WindowScore } from './training.js';
import type { Closed } from '../../features/count-windows.js';

export interface Flagged {
  source: string;
  closed: Closed;
  session: boolean;
  result: WindowScore;
  /** Median training score of the model: the scale of "how far beyond". */
  typical: number;
  /** Range guard in training deviations (0 = off). */
  guard: number;
  modelKind: string;
  modelVersion: number;
  /** The published model that scored it (none: one the detector trained itself). */
  published?: PublishedRef;
  explanation: Contribution[];
}

const RANK: Severity[] = ['warning', 'error', 'critical'];

/**
 * warning just beyond the threshold; error one threshold-to-median distance beyond; critical three.
 * Beyond the training range: error at 1.5 times the guard, critical at three times.
 */
export function severityOf(r: WindowScore, typical: number, guard: number): Severity {
  let rank = 0;
  if (r.score > r.threshold) {
    const spread = Math.max(r.threshold - typical, Math.abs(r.threshold) * 0.05, 1e-9);
    const excess = (r.score - r.threshold) / spread;
    rank = excess >= 3 ? 2 : excess >= 1 ? 1 : 0;
  }
  if (guard > 0 && r.beyond > guard) rank = Math.max(rank, r.beyond >= 3 * guard ? 2 : r.beyond >= 1.5 * guard ? 1 : 0);
  return RANK[rank];
}

function hhmm(t: number): string {
  return new Date(t).toISOString().slice(11, 16);
}

function when(f: Flagged): string {
  const c = f.closed.counts;
  if (f.session) return `Session ${clip(c.key, 80)}`;
  if (!Number.isFinite(c.start) || Math.abs(c.start) > 8.64e15 || Math.abs(c.end) > 8.64e15) return 'A window';
  return `Window ${new Date(c.start).toISOString().slice(0, 10)} ${hhmm(c.start)}–${hhmm(c.end)} UTC`;
}

function num(x: number): string {
  if (Number.isInteger(x) || Math.abs(x) >= 10) return String(Math.round(x));
  return String(Number(x.toPrecision(2)));
}

/** "'Connection to <*> refused' seen 340 times, about 2 expected" for the top contribution. */
function why(top: Contribution | undefined): string {
  if (!top) return 'its mix of messages is unlike the recent ones';
  if (top.template !== undefined) {
    // A sentence break inside the quoted template would read as two sentences.
    const t = clip(top.template, 100).replace(/\.\s+(?=[A-Z])/g, ', ');
    return `'${t}' seen ${num(top.observed)} times, about ${num(top.expected)} expected`;
  }
  return `${top.feature} ${num(top.observed)}, about ${num(top.expected)} expected`;
}

export function toAnomaly(f: Flagged): Anomaly {
  const c = f.closed.counts;
  const what = when(f);
  const source = clip(f.source, 120);
  const a: Anomaly = {
    id: anomalyId('model', f.source, f.session ? `session:${c.key}` : 'window', c.start),
    ts: Number.isFinite(c.end) ? c.end : 0,
    source: f.source,
    detector: 'model',
    score: f.result.score,
    severity: severityOf(f.result, f.typical, f.guard),
    title: `${what} on source ${source} looks unusual: ${why(f.explanation[0])} (${f.modelKind} model ${f.published ? `published v${f.modelVersion}` : `v${f.modelVersion}`}).`,
    explanation: f.explanation,
    context: f.closed.samples,
    window: { start: c.start, end: c.end },
    model: f.published ? { kind: f.modelKind, version: f.modelVersion, scope: f.published.scope, digest: f.published.digest } : { kind: f.modelKind, version: f.modelVersion },
  };
  if (f.session) a.sessionKey = c.key;
  const tid = f.explanation[0]?.templateId;
  if (tid !== undefined) a.templateId = tid;
  return a;
}
