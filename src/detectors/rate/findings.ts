/**
 * @module detectors/rate/findings
 * What a rate finding says: the anomaly of a spike or drop (a source's volume or one template's
 * count) and of a silence — id, window, title, explanation, context — and how severe its surprise
 * is. Deciding whether there is a finding is rate.ts's job.
 */
import type { Anomaly, Contribution } from '../../core/event.js';
import { SEVERITIES } from '../../core/event.js';
import { anomalyId, clip } from '../shared/common.js';
import type { RateConfig } from './config.js';
import type { SourceSeries, TemplateSeries } from './state.js';
import type { Baseline } from './tail.js';

/** A tested count's finding: its kind and tail probability. */
export interface Finding {
  kind: 'spike' | 'drop';
  p: number;
}

/**
 * A spike or drop in the closed interval `s.interval` of the source `name`, or
 * of its template `tpl`: `c` events against the baseline `b`. `level`: the template's most severe
 * level rank in the interval; a spike is at least that severe.
 */
export function changeAnomaly(config: RateConfig, name: string, s: SourceSeries, tpl: [number, TemplateSeries] | undefined, c: number, b: Baseline, f: Finding, level = 0): Anomaly {
  const intervalMs = config.interval_seconds * 1000;
  const score = -Math.log10(Math.max(f.p, 1e-300));
  const expected = b.mean;
  const what = tpl ? `'${clip(tpl[1].template)}'` : 'volume';
  const word = f.kind === 'spike' ? 'Spike' : 'Drop';
  const of = tpl ? `of ${what} on ${name}` : `in volume on ${name}`;
  const contribution: Contribution = { feature: tpl ? `template_${f.kind}` : `source_${f.kind}`, observed: c, expected, contribution: score };
  if (tpl) {
    contribution.templateId = tpl[0];
    contribution.template = tpl[1].template;
  }
  const w = { start: s.interval * intervalMs, end: (s.interval + 1) * intervalMs };
  const sparse = b !== s.base && b.n > 0 && (tpl ? b === tpl[1].shape.bursts : b === s.shape.bursts);
  const a: Anomaly = {
    id: anomalyId('rate', name, `${tpl ? tpl[0] : '*'}:${f.kind}`, s.interval),
    ts: w.end,
    source: name,
    detector: 'rate',
    score,
    severity: SEVERITIES[Math.max(1, f.kind === 'spike' ? Math.min(3, level) : 0)],
    title: `${word} ${of}: ${c} events in ${config.interval_seconds} s, about ${fmt(expected)} expected${sparse ? ' in one of its bursts' : ''}.`,
    explanation: [contribution],
    context: tpl ? [tpl[1].sample] : s.ring.toArray(w.end - 1),
    window: w,
  };
  if (tpl) a.templateId = tpl[0];
  return a;
}

/** The source has been silent for `s.silent` intervals up to `s.interval`, with probability `p`; `expected` events per interval. */
export function silenceAnomaly(config: RateConfig, name: string, s: SourceSeries, p: number, expected: number): Anomaly {
  const intervalMs = config.interval_seconds * 1000;
  const start = s.interval - s.silent + 1;
  const w = { start: start * intervalMs, end: (s.interval + 1) * intervalMs };
  const score = -Math.log10(Math.max(p, 1e-300));
  return {
    id: anomalyId('rate', name, '*:silence', start),
    ts: w.end,
    source: name,
    detector: 'rate',
    score,
    severity: 'error',
    title: `Source ${name} went silent: no events for ${s.silent} intervals of ${config.interval_seconds} s, about ${fmt(expected)} expected per interval.`,
    explanation: [{ feature: 'source_silence', observed: 0, expected: expected * s.silent, contribution: score }],
    context: s.ring.toArray(),
    window: w,
  };
}

/**
 * Severity rank of a count's surprise: warning; error from 10× the expected count (or a tenth of it,
 * for a drop) or once it lasted 3 intervals; critical from 100× (or a hundredth), and when an error
 * level of change has lasted 3 intervals.
 */
export function surpriseRank(c: number, expected: number, kind: 'spike' | 'drop', lasted: number): number {
  const ratio = kind === 'spike' ? c / Math.max(expected, 0.01) : Math.max(expected, 0) / Math.max(c, 0.5);
  const big = kind === 'spike' ? c >= 100 : expected >= 100;
  let rank = ratio >= 100 && big ? 3 : ratio >= 10 ? 2 : 1;
  if (lasted >= 3) rank = Math.min(3, rank + 1);
  return rank;
}

function fmt(x: number): string {
  return x >= 10 ? String(Math.round(x)) : x.toFixed(1);
}
