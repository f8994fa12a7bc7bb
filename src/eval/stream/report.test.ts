import { describe, expect, it } from 'vitest';
import type { StreamEvalResult } from './evaluate.js';
import { formatDuration, formatStreamReport } from './report.js';
import type { StreamScore } from './score.js';

const score = (over: Partial<StreamScore>): StreamScore => ({
  rule: 'time',
  anomalies: 3,
  falseAlarms: 2,
  falseAlarmsPer1kNormal: 2,
  falseAlarmsPerHour: 0.5,
  episodes: { total: 2, detected: 1, recall: 0.5 },
  firsts: { total: 1, detected: 1, timeToDetect: { medianMs: 30_000, p90Ms: 30_000 } },
  timeToDetect: { medianMs: 30_000, p90Ms: 90 * 60_000 },
  windows: { total: 4, detected: 1, recall: 0.25 },
  byDetector: { novelty: { anomalies: 3, hits: 1, falseAlarms: 2, falseAlarmsPer1kNormal: 2, episodesDetected: 1, firstsDetected: 1, timeToDetectMedianMs: 30_000 } },
  falseAlarmsByKind: { 'novelty/new_template': 2 },
  falseAlarmList: [],
  perEpisode: [
    { index: 0, category: 'KERNDTLB', start: 0, end: 0, first: true, lines: 1, detected: true, timeToDetectMs: 30_000, detectors: ['novelty'] },
    { index: 1, category: 'APPREAD', start: 0, end: 0, first: false, lines: 1, detected: false, timeToDetectMs: null, detectors: [] },
  ],
  ...over,
});

const result = (over: Partial<StreamEvalResult>): StreamEvalResult => ({
  dataset: 'X',
  kind: 'line-labels',
  origin: 'x.log',
  lines: 1002,
  normalLines: 1000,
  alertLines: 2,
  spanHours: 4,
  categories: 2,
  detectors: ['novelty'],
  feedback: { mode: 'none' },
  tsMismatches: 0,
  score: score({}),
  strict: score({ rule: 'lines' }),
  targets: [],
  seconds: 1,
  ...over,
});

describe('formatStreamReport', () => {
  it('prints one summary row per dataset (and its strict row), then per-detector tables', () => {
    const none = result({ dataset: 'Y', score: score({ episodes: { total: 0, detected: 0, recall: null } }) });
    const text = formatStreamReport([result({}), none], 'header');
    expect(text.split('\n')[0]).toBe('header');
    expect(text).toContain('| X | 1002 | 1000 | time | 1/2 (50.0%) | 1/1 | 25.0% | 30 s / 1.5 h | 3 | 2 | 2.00 | 0.500 |');
    expect(text).toContain('| X (strict) | 1002 | 1000 | lines |');
    // No episode: nothing for the strict rule to name.
    expect(text).toContain('| Y | 1002 | 1000 | time | n/a (n/a) |');
    expect(text).not.toContain('Y (strict)');
    expect(text).toContain('| novelty | 3 | 1 | 2 | 2.00 | 1 | 1 | 30 s |');
    expect(text).toContain('False alarms by detector/kind: novelty/new_template 2.');
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(59_000)).toBe('59 s');
    expect(formatDuration(90_000)).toBe('1.5 min');
    expect(formatDuration(5_400_000)).toBe('1.5 h');
  });
});
