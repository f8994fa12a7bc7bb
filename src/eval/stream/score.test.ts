import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../core/event.js';
import type { Episode, LabelledLine } from './episodes.js';
import { hits, type MinedLines, percentile, scoreStream } from './score.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2005, 5, 3, 12, 0, 0);

function anomaly(ts: number, over: Partial<Anomaly> = {}): Anomaly {
  return { id: `a${ts}`, ts, source: 's', detector: 'novelty', score: 1, severity: 'warning', title: 'x', explanation: [{ feature: 'new_template', observed: 1, expected: 0, contribution: 1 }], context: [], ...over };
}
const episode = (over: Partial<Episode>): Episode => ({ index: 0, category: 'A', source: 's', start: T0, end: T0 + 10 * MIN, first: true, lines: [], ...over });
const noMining: MinedLines = { get: () => undefined };

describe('hits', () => {
  const e = episode({});
  it('time rule: [start − 1 min, end + 5 min], bounds included (the check)', () => {
    expect(hits(anomaly(T0 - MIN), e, 'time', noMining)).toBe(true);
    expect(hits(anomaly(T0 - MIN - 1), e, 'time', noMining)).toBe(false);
    expect(hits(anomaly(T0 + 15 * MIN), e, 'time', noMining)).toBe(true);
    expect(hits(anomaly(T0 + 15 * MIN + 1), e, 'time', noMining)).toBe(false);
    // The time rule ignores the source; the source rule does not.
    expect(hits(anomaly(T0, { source: 'other' }), e, 'time', noMining)).toBe(true);
    expect(hits(anomaly(T0, { source: 'other' }), e, 'source', noMining)).toBe(false);
  });

  it('lines rule: the anomaly names one of the episode lines (time in its window, same template), or its key', () => {
    const mined: MinedLines = { get: (_s, n) => ({ 7: { ts: T0 + 30_000, templateId: 3 }, 8: { ts: T0 + 90_000, templateId: 4 } })[n] };
    const e2 = episode({ lines: [7, 8], key: 'blk_42' });
    expect(hits(anomaly(T0 + 30_000, { templateId: 3 }), e2, 'lines', mined)).toBe(true);
    expect(hits(anomaly(T0 + 30_000, { templateId: 4 }), e2, 'lines', mined)).toBe(false); // other template at that time
    expect(hits(anomaly(T0 + 31_000, { templateId: 3 }), e2, 'lines', mined)).toBe(false); // no window: ts must be the line's
    expect(hits(anomaly(T0 + 60_000, { templateId: 4, window: { start: T0 + 60_000, end: T0 + 120_000 } }), e2, 'lines', mined)).toBe(true);
    expect(hits(anomaly(T0 + 60_000, { window: { start: T0 + 60_000, end: T0 + 90_000 } }), e2, 'lines', mined)).toBe(false); // end exclusive
    expect(hits(anomaly(T0 + 5 * HOUR, { title: 'Block blk_42 was never closed.' }), e2, 'lines', mined)).toBe(true);
    expect(hits(anomaly(T0 + 30_000, { templateId: 3, source: 'other' }), e2, 'lines', mined)).toBe(false);
  });
});

describe('scoreStream', () => {
  const lines: LabelledLine[] = [];
  for (let i = 0; i < 1000; i++) lines.push({ source: 's', text: `l${i}`, line: i + 1, ts: T0 - 2 * HOUR + i * 15_000, label: null });
  // Two alert lines at T0 (line 1001) and T0 + 10 min (line 1002): one episode; a second category's episode 3 h later.
  lines.push({ source: 's', text: 'a', line: 1001, ts: T0, label: 'A' }, { source: 's', text: 'a', line: 1002, ts: T0 + 10 * MIN, label: 'A' });
  lines.push({ source: 's', text: 'b', line: 1003, ts: T0 + 3 * HOUR, label: 'B' });
  const episodes = [episode({ lines: [1001, 1002] }), episode({ index: 1, category: 'B', start: T0 + 3 * HOUR, end: T0 + 3 * HOUR, lines: [1003] })];
  const anomalies = [
    anomaly(T0 + 2 * MIN), // hits A, 2 min after its start
    anomaly(T0 + 12 * MIN, { detector: 'rate', explanation: [{ feature: 'template_spike', observed: 9, expected: 1, contribution: 8 }] }), // hits A too
    anomaly(T0 + HOUR, { detector: 'rate', explanation: [{ feature: 'source_silence', observed: 0, expected: 5, contribution: 5 }] }), // false alarm
    anomaly(T0 - 3 * MIN, { detector: 'params', explanation: [{ feature: 'param_7', observed: 1, expected: 9, contribution: 3 }] }), // false alarm (too early)
  ];
  const s = scoreStream(anomalies, { lines, episodes }, 'time', noMining);

  it('counts episodes, firsts, false alarms per 1,000 normal lines and per hour of log time', () => {
    expect(s.anomalies).toBe(4);
    expect(s.episodes).toEqual({ total: 2, detected: 1, recall: 0.5 });
    expect(s.firsts).toEqual({ total: 2, detected: 1, timeToDetect: { medianMs: 2 * MIN, p90Ms: 2 * MIN } });
    expect(s.falseAlarms).toBe(2);
    expect(s.falseAlarmsPer1kNormal).toBeCloseTo(2, 10); // 2 per 1,000 normal lines
    // Log time: from T0 − 2 h to T0 + 3 h = 5 h.
    expect(s.falseAlarmsPerHour).toBeCloseTo(2 / 5, 10);
    expect(s.falseAlarmsByKind).toEqual({ 'rate/source_silence': 1, 'params/param_7': 1 });
    expect(s.falseAlarmList.map((f) => [f.ts, f.kind])).toEqual([
      [T0 + HOUR, 'rate/source_silence'],
      [T0 - 3 * MIN, 'params/param_7'],
    ]);
  });

  it('measures time to detect from the episode start to its earliest hit', () => {
    expect(s.perEpisode[0]).toMatchObject({ detected: true, timeToDetectMs: 2 * MIN, detectors: ['novelty', 'rate'] });
    expect(s.perEpisode[1]).toMatchObject({ detected: false, timeToDetectMs: null, detectors: [] });
    expect(s.timeToDetect).toEqual({ medianMs: 2 * MIN, p90Ms: 2 * MIN });
  });

  it('splits hits and false alarms per detector', () => {
    expect(s.byDetector.novelty).toMatchObject({ anomalies: 1, hits: 1, falseAlarms: 0, episodesDetected: 1, firstsDetected: 1, timeToDetectMedianMs: 2 * MIN });
    expect(s.byDetector.rate).toMatchObject({ anomalies: 2, hits: 1, falseAlarms: 1, episodesDetected: 1, timeToDetectMedianMs: 12 * MIN });
    expect(s.byDetector.params).toMatchObject({ anomalies: 1, hits: 0, falseAlarms: 1, episodesDetected: 0, timeToDetectMedianMs: null });
    expect(s.byDetector.rate.falseAlarmsPer1kNormal).toBeCloseTo(1, 10);
  });

  it('window recall: one-hour windows holding an alert line, found when their episode has a hit nearby', () => {
    // T0 is 12:00: A's lines are in the 12:00 window, B's in 15:00. Only A was hit.
    expect(s.windows).toEqual({ total: 2, detected: 1, recall: 0.5 });
  });

  it('scores no episode as n/a, every anomaly as a false alarm', () => {
    const none = scoreStream(anomalies, { lines: lines.slice(0, 1000), episodes: [] }, 'time', noMining);
    expect(none.episodes.recall).toBeNull();
    expect(none.windows.recall).toBeNull();
    expect(none.timeToDetect).toBeNull();
    expect(none.falseAlarms).toBe(4);
  });

  it('percentile is nearest rank', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(percentile([7], 0.9)).toBe(7);
  });
});
