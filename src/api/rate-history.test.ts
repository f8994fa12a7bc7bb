import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { Anomaly, LogEvent, Severity } from '../core/event.js';
import { OTHER_SOURCES, RateHistory } from './rate-history.js';

const T0 = 1_700_000_040_000; // a multiple of 10 s and of one minute
const ev = (source: string, templateId = 1): LogEvent => ({ ts: 0, source, message: 'm', raw: 'm', templateId, template: 't', params: [] });
const many = (source: string, n: number, templateId = 1): LogEvent[] => Array.from({ length: n }, () => ev(source, templateId));
const anomaly = (source: string, severity: Severity, id = `${source}-${severity}`): Anomaly => ({
  id,
  ts: 0,
  source,
  detector: 'novelty',
  score: 1,
  severity,
  title: 't',
  explanation: [],
  context: [],
});

describe('RateHistory', () => {
  it('counts lines per source in 10 s buckets, newest last, and forgets buckets older than the window', () => {
    const clock = new ManualClock(T0);
    const h = new RateHistory({ clock, buckets: 6 });
    h.addEvents([...many('a', 3), ...many('b', 2), ...many('a', 1)]);
    clock.advance(10_000);
    h.addEvents(many('a', 5));
    let s = h.snapshot();
    expect(s.bucketMs).toBe(10_000);
    expect(s.start).toBe(T0 + 10_000 - 5 * 10_000);
    const a = s.sources.find((x) => x.source === 'a');
    expect(a?.lines).toEqual([0, 0, 0, 0, 4, 5]);
    expect(s.sources.find((x) => x.source === 'b')?.lines).toEqual([0, 0, 0, 0, 2, 0]);
    expect(s.totals.lines).toBe(11);
    // 50 s later the first bucket has left the six-bucket window; totals stay.
    clock.advance(50_000);
    h.addEvents(many('a', 1));
    s = h.snapshot();
    expect(s.sources.find((x) => x.source === 'a')?.lines).toEqual([5, 0, 0, 0, 0, 1]);
    clock.advance(60_000);
    // A slot reused by a later bucket starts from zero (no stale count from an hour ago).
    h.addEvents(many('a', 2));
    expect(h.snapshot().sources.find((x) => x.source === 'a')?.lines).toEqual([0, 0, 0, 0, 0, 2]);
    expect(h.snapshot().sources.find((x) => x.source === 'a')?.totalLines).toBe(12);
  });

  it('counts anomalies per severity bucket and per source', () => {
    const clock = new ManualClock(T0);
    const h = new RateHistory({ clock, buckets: 3 });
    h.addAnomalies([anomaly('a', 'error'), anomaly('a', 'error', 'x2'), anomaly('b', 'critical')]);
    clock.advance(10_000);
    h.addAnomalies([anomaly('b', 'warning')]);
    const s = h.snapshot();
    expect(s.anomalies.error).toEqual([0, 2, 0]);
    expect(s.anomalies.critical).toEqual([0, 1, 0]);
    expect(s.anomalies.warning).toEqual([0, 0, 1]);
    expect(s.totals).toMatchObject({ anomalies: 4, bySeverity: { info: 0, warning: 1, error: 2, critical: 1 } });
    expect(s.sources.find((x) => x.source === 'b')).toMatchObject({ anomalies: 2, bySeverity: { warning: 1, critical: 1 } });
  });

  it('counts sources beyond the cap under (other)', () => {
    const h = new RateHistory({ clock: new ManualClock(T0), maxSources: 2 });
    h.addEvents([...many('a', 1), ...many('b', 1), ...many('c', 3), ...many('d', 4)]);
    const s = h.snapshot();
    expect(s.sources.map((x) => x.source).sort()).toEqual([OTHER_SOURCES, 'a', 'b']);
    expect(s.sources.find((x) => x.source === OTHER_SOURCES)?.totalLines).toBe(7);
  });

  it('keeps per-minute series for a bounded set of templates, evicting the least recently seen', () => {
    const clock = new ManualClock(T0);
    const h = new RateHistory({ clock, maxTemplates: 10, templateMinutes: 3 });
    h.addEvents([...many('a', 2, 7), ...many('a', 1, 8), ...many('a', 3, 7)]);
    clock.advance(60_000);
    h.addEvents(many('a', 4, 7));
    let s = h.snapshot({ templates: [{ source: 'a', templateId: 7 }, { source: 'a', templateId: 8 }, { source: 'a', templateId: 99 }] });
    expect(s.templates.map((t) => t.counts)).toEqual([[0, 5, 4], [0, 1, 0], null]);
    expect(s.templates[0]).toMatchObject({ minuteMs: 60_000, start: T0 - 60_000 });
    // Fill past the cap with newer templates: the oldest (template 8, last seen at T0) goes first.
    for (let id = 100; id < 109; id++) {
      clock.advance(60_000);
      h.addEvents([...many('b', 1, id), ...many('a', 1, 7)]);
    }
    s = h.snapshot({ templates: [{ source: 'a', templateId: 8 }, { source: 'a', templateId: 7 }, { source: 'b', templateId: 108 }] });
    expect(s.templates[0].counts).toBeNull();
    expect(s.templates[1].counts).not.toBeNull();
    expect(s.templates[2].counts).toEqual([0, 0, 1]);
    expect(h.evictedTemplates).toBeGreaterThan(0);
    let tracked = 0;
    for (const id of [7, 8]) if (h.snapshot({ templates: [{ source: 'a', templateId: id }] }).templates[0].counts) tracked++;
    for (let id = 100; id < 109; id++) if (h.snapshot({ templates: [{ source: 'b', templateId: id }] }).templates[0].counts) tracked++;
    expect(tracked).toBeLessThanOrEqual(10);
  });
});
