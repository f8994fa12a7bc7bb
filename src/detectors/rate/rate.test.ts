import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../core/event.js';
import { detectorContract, type Step } from '../../../test/contract/detector.contract.js';
import { errorCode } from '../../../test/harness/errors.js';
import { batches, EventFactory, hdfsLines, hdfsReplay, rng } from '../../../test/harness/log-streams.js';
import { createRate, definition, lowerTail, rateConfigSchema, upperTail } from './index.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24);
/** Default allowed lateness: tick(now) closes intervals ended by now − LATE. */
const LATE = rateConfigSchema.parse({}).allowed_lateness_seconds * 1000;

/** One full hour [start, start + 60 min) of the HDFS sample at ~10 lines/s (Poisson arrivals), ~600 lines per minute. */
function normalHour(f: EventFactory, start = T0, seed = 7): LogEvent[] {
  return hdfsReplay(f, { count: 38_000, meanGapMs: 100, start, seed }).filter((e) => e.ts < start + 60 * MIN);
}

/** `times` copies of the most frequent template's lines spread over [start, start + 1 min). */
function burst(f: EventFactory, of: LogEvent, start: number, n: number): LogEvent[] {
  const out: LogEvent[] = [];
  for (let i = 0; i < n; i++) out.push(f.event(of.message, start + Math.floor((i * MIN) / n), of.source));
  return out;
}

function merge(a: LogEvent[], b: LogEvent[]): LogEvent[] {
  return [...a, ...b].sort((x, y) => x.ts - y.ts);
}

function contractStream(): Step[] {
  const f = new EventFactory();
  const normal = hdfsReplay(f, { count: 3000, meanGapMs: 100, start: T0 });
  const end = normal[normal.length - 1].ts;
  const after = hdfsReplay(f, { count: 600, meanGapMs: 100, start: end, seed: 3 });
  const spike = burst(f, normal[0], Math.ceil(end / 10_000) * 10_000 + 10_000, 400);
  const steps: Step[] = batches(merge([...normal, ...after], spike), 100).map((events) => ({ events }));
  const last = after[after.length - 1].ts;
  steps.push({ tick: last + 10_000 }, { tick: last + 200_000 });
  return steps;
}

detectorContract('rate', {
  make: () => createRate({ interval_seconds: 10, warmup_intervals: 5, max_templates: 500, max_sources: 20 }),
  stream: contractStream,
});

detectorContract('rate', {
  variant: 'spot',
  make: () => createRate({ interval_seconds: 10, warmup_intervals: 5, max_templates: 500, threshold: 'spot', spot_calibration: 50 }),
  stream: contractStream,
});

describe('rate', () => {
  it('raises nothing on a normal replay after warm-up', () => {
    const f = new EventFactory();
    const events = normalHour(f);
    const d = createRate();
    const found = batches(events, 500).flatMap((b) => d.observe(b));
    found.push(...d.tick(events[events.length - 1].ts));
    expect(found).toEqual([]);
    expect(d.stats().templates).toBe(new Set(events.map((e) => e.templateId)).size);
  });

  it('flags a 20x burst of one template in the interval it happens', () => {
    const f = new EventFactory();
    const events = normalHour(f);
    const top = events[0];
    const perMinute = events.filter((e) => e.templateId === top.templateId).length / 60;
    const at = T0 + 60 * MIN;
    const tail = hdfsReplay(f, { count: 1300, meanGapMs: 100, start: at, seed: 11 }).filter((e) => e.ts < at + 2 * MIN);
    const d = createRate();
    d.observe(events);
    const found = [...d.observe(merge(tail, burst(f, top, at, Math.round(perMinute * 19)))), ...d.tick(at + 2 * MIN + LATE)];
    const spikes = found.filter((a) => a.templateId === top.templateId);
    expect(spikes).toHaveLength(1);
    const a = spikes[0];
    expect(a.window).toEqual({ start: at, end: at + MIN });
    expect(a.explanation[0].feature).toBe('template_spike');
    expect(a.explanation[0].observed).toBeGreaterThan(15 * perMinute);
    expect(a.explanation[0].expected).toBeGreaterThan(0.7 * perMinute);
    expect(a.explanation[0].expected).toBeLessThan(1.3 * perMinute);
    expect(a.title).toMatch(new RegExp(`^Spike of 'PacketResponder .*' on hdfs: \\d+ events in 60 s, about \\d+ expected\\.$`));
    expect(a.context).toEqual([top.message]);
    expect(found.every((x) => x.explanation[0].feature.endsWith('_spike'))).toBe(true);
  });

  it('a template spike is at least as severe as its events\' level: ERROR → error, FATAL → critical (score alone: warning)', () => {
    const run = (level: string, restart = false) => {
      const f = new EventFactory();
      const events = normalHour(f);
      const top = events[0];
      const perMinute = events.filter((e) => e.templateId === top.templateId).length / 60;
      const at = T0 + 60 * MIN;
      const tail = hdfsReplay(f, { count: 1300, meanGapMs: 100, start: at, seed: 11 }).filter((e) => e.ts < at + 2 * MIN);
      // A modest spike (2×, score ≈ 25 against a threshold of 15): its score alone makes it a warning.
      // One event of the burst carries the level.
      const spike = burst(f, top, at, Math.round(perMinute)).map((e, i) => (i === 7 ? { ...e, level } : e));
      const make = () => createRate({ tail_probability: 1e-15 });
      let d = make();
      d.observe(events);
      const input = merge(tail, spike);
      const cut = input.findIndex((e) => e.ts >= at + 40_000);
      const found = d.observe(input.slice(0, cut));
      if (restart) {
        // The open interval's level survives a snapshot/restore.
        const snap = JSON.parse(JSON.stringify(d.snapshot()));
        d = make();
        d.restore(snap);
      }
      found.push(...d.observe(input.slice(cut)), ...d.tick(at + 2 * MIN + LATE));
      const hits = found.filter((a) => a.templateId === top.templateId && a.explanation[0].feature === 'template_spike');
      expect(hits).toHaveLength(1);
      return hits[0];
    };
    const plain = run('info');
    expect(plain.severity).toBe('warning');
    expect(run('warn').severity).toBe('warning');
    const error = run('error');
    expect(error.severity).toBe('error');
    expect(error.score).toBe(plain.score);
    expect(run('fatal').severity).toBe('critical');
    expect(run('error', true).severity).toBe('error');
  });

  it('reads a version-1 snapshot (template entries without the level)', () => {
    const f = new EventFactory();
    const d = createRate();
    d.observe(normalHour(f));
    const v2 = d.snapshot() as { version: number; data: { sources: { templates: unknown[][] }[] } };
    expect(v2.version).toBe(3);
    const v1 = JSON.parse(JSON.stringify(v2)) as typeof v2;
    v1.version = 1;
    for (const s of v1.data.sources) s.templates = s.templates.map((t) => t.slice(0, 9));
    const back = createRate();
    back.restore(v1 as never);
    const again = back.snapshot() as typeof v2;
    expect(again.data.sources[0].templates.map((t) => t.slice(0, 9))).toEqual(v1.data.sources[0].templates);
    expect(again.data.sources[0].templates.every((t) => t[9] === 0)).toBe(true);
    // A v1 snapshot with v2 entries (or the reverse) is malformed.
    expect(errorCode(() => createRate().restore({ ...v2, version: 1 } as never))).toBe('ANOMALOG_ERR_SNAPSHOT_INVALID');
  });

  it('flags a template that stops while the source goes on, as a drop', () => {
    const f = new EventFactory();
    const events = normalHour(f);
    const top = events[0].templateId;
    const d = createRate();
    d.observe(events);
    const next = hdfsReplay(f, { count: 1900, meanGapMs: 100, start: T0 + 60 * MIN, seed: 5 }).filter((e) => e.templateId !== top && e.ts < T0 + 63 * MIN);
    const found = [...d.observe(next), ...d.tick(T0 + 63 * MIN + LATE)];
    const drops = found.filter((a) => a.explanation[0].feature === 'template_drop');
    expect(drops.length).toBeGreaterThanOrEqual(1);
    expect(drops.every((a) => a.templateId === top)).toBe(true);
    expect(drops[0].title).toMatch(/^Drop of 'PacketResponder .*' on hdfs: 0 events in 60 s, about \d+ expected\.$/);
  });

  it('reports a source stopping mid-interval as one source drop explained by its templates', () => {
    const f = new EventFactory();
    const d = createRate();
    d.observe(normalHour(f));
    const end = T0 + 60 * MIN;
    const half = hdfsReplay(f, { count: 400, meanGapMs: 100, start: end, seed: 4 }).filter((e) => e.ts < end + 20_000);
    const found = [...d.observe(half), ...d.tick(end + MIN + LATE)];
    expect(found).toHaveLength(1);
    const a = found[0];
    expect(a.title).toMatch(/^Drop in volume on hdfs: \d+ events in 60 s, about \d+ expected\.$/);
    expect(a.explanation[0]).toMatchObject({ feature: 'source_drop', observed: half.length });
    const drivers = a.explanation.slice(1);
    expect(drivers.length).toBeGreaterThan(0);
    expect(drivers.length).toBeLessThanOrEqual(5);
    for (const c of drivers) {
      expect(c.feature).toBe('template_count');
      expect(c.observed).toBeLessThan(c.expected);
    }
  });

  it('reports a source going silent once, on tick alone, and again after it came back', () => {
    const f = new EventFactory();
    const events = normalHour(f);
    const d = createRate();
    d.observe(events);
    const end = T0 + 60 * MIN;
    expect(d.tick(end + 2 * MIN + LATE)).toEqual([]);
    // The third empty interval ended, but events up to LATE behind the clock could still arrive.
    expect(d.tick(end + 3 * MIN)).toEqual([]);
    const silent = d.tick(end + 3 * MIN + LATE);
    expect(silent).toHaveLength(1);
    expect(silent[0].title).toMatch(/^Source hdfs went silent: no events for 3 intervals of 60 s, about \d+ expected per interval\.$/);
    expect(silent[0].severity).toBe('error');
    expect(silent[0].templateId).toBeUndefined();
    expect(d.tick(end + 30 * MIN)).toEqual([]);
    const back = hdfsReplay(f, { count: 700, meanGapMs: 100, start: end + 30 * MIN, seed: 2 }).filter((e) => e.ts < end + 31 * MIN);
    expect(d.observe(back).filter((a) => a.explanation[0].feature === 'source_silence')).toEqual([]);
    const again = d.tick(end + 35 * MIN + LATE).filter((a) => a.explanation[0].feature === 'source_silence');
    expect(again).toHaveLength(1);
    expect(again[0].id).not.toBe(silent[0].id);
  });

  it('does not report the quiet gaps of a bursty source as silence (silence_min_occupancy)', () => {
    // 3 minutes of events, then 7 quiet minutes, for 6 hours: a batch job's log, or a sampled one.
    const f = new EventFactory();
    const events: LogEvent[] = [];
    for (let b = 0; b < 36; b++) {
      const start = T0 + b * 10 * MIN;
      events.push(...hdfsReplay(f, { count: 1800, meanGapMs: 100, start, seed: b + 1 }).filter((e) => e.ts < start + 3 * MIN));
    }
    const silences = (d: ReturnType<typeof createRate>) => {
      const found = batches(events, 500).flatMap((batch) => [...d.observe(batch), ...d.tick(batch[batch.length - 1].ts)]);
      return found.filter((a) => a.explanation[0].feature === 'source_silence').length;
    };
    expect(silences(createRate())).toBe(0);
    // The same stream with the guard off: the gaps are improbable under the bursts' baseline — the
    // first two are reported, then two silences of one length are the source's rhythm (twice is a habit).
    expect(silences(createRate({ silence_min_occupancy: 0 }))).toBe(2);
  });

  it('with the SPOT rule: calibrates on normal tail scores, stays quiet on normal data, flags the burst', () => {
    const f = new EventFactory();
    const events = [...normalHour(f), ...normalHour(f, T0 + 60 * MIN, 8)];
    const d = createRate({ threshold: 'spot', spot_calibration: 300 });
    expect(d.observe(events)).toEqual([]);
    const snap = d.snapshot() as { data: { sources: { gate: { spot: { z: number } | null } }[] } };
    const z = snap.data.sources[0].gate.spot?.z;
    expect(z).toBeGreaterThan(0);
    const top = events[0];
    const at = T0 + 120 * MIN;
    const tail = hdfsReplay(f, { count: 1300, meanGapMs: 100, start: at, seed: 12 }).filter((e) => e.ts < at + 2 * MIN);
    const found = [...d.observe(merge(tail, burst(f, top, at, 2000))), ...d.tick(at + 2 * MIN + LATE)];
    const spike = found.find((a) => a.templateId === top.templateId);
    expect(spike?.explanation[0].feature).toBe('template_spike');
    expect(spike!.score).toBeGreaterThan(z!);
  });

  it('learns a time-of-day profile: a source quiet every night is not a drop once it has 3 days of history', () => {
    // Five days, hourly intervals: 600 lines an hour from 08:00 to 20:00 UTC, 5 an hour at night.
    const f = new EventFactory();
    const lines = hdfsLines();
    const next = rng(21);
    const events: LogEvent[] = [];
    for (let hour = 0; hour < 5 * 24; hour++) {
      const n = hour % 24 >= 8 && hour % 24 < 20 ? 600 : 5;
      const times = Array.from({ length: n }, () => T0 + hour * 60 * MIN + Math.floor(next() * 60 * MIN)).sort((a, b) => a - b);
      for (const t of times) events.push(f.event(lines[events.length % lines.length], t));
    }
    const day4 = T0 + 3 * 24 * 60 * MIN;
    const after = (seasonal: boolean) => {
      // Episodes and the alarm budget off: what the baselines alone would flag.
      const d = createRate({ interval_seconds: 3600, seasonal, episode_seconds: 0, max_alerts_per_hour: 0 });
      const found = [...d.observe(events), ...d.tick(T0 + 5 * 24 * 60 * MIN + LATE)];
      return found.filter((a) => a.ts > day4 + 60 * MIN);
    };
    expect(after(false).length).toBeGreaterThan(0);
    expect(after(true)).toEqual([]);
  });

  it('one problem, one alarm: a spike lasting many intervals is reported once (episode_seconds)', () => {
    const f = new EventFactory();
    const events = normalHour(f);
    const top = events[0];
    const perMinute = events.filter((e) => e.templateId === top.templateId).length / 60;
    const at = T0 + 60 * MIN;
    const tail = hdfsReplay(f, { count: 6000, meanGapMs: 100, start: at, seed: 11 }).filter((e) => e.ts < at + 6 * MIN);
    const spikes: LogEvent[] = [];
    for (let m = 0; m < 6; m++) spikes.push(...burst(f, top, at + m * MIN, Math.round(perMinute * 19)));
    const run = (episode_seconds: number) => {
      const d = createRate({ episode_seconds, max_alerts_per_hour: 0 });
      d.observe(events);
      const found = [...d.observe(merge(tail, spikes)), ...d.tick(at + 6 * MIN + LATE)];
      return found.filter((a) => a.templateId === top.templateId);
    };
    // Each of the 6 minutes is anomalous; one finding — the ones after it only when more severe (it lasted).
    expect(run(0).length).toBe(6);
    const once = run(3600);
    expect(once.length).toBeGreaterThanOrEqual(1);
    expect(once.length).toBeLessThanOrEqual(2);
    const rank = (a: { severity: string }) => ['info', 'warning', 'error', 'critical'].indexOf(a.severity);
    if (once.length === 2) expect(rank(once[1])).toBeGreaterThan(rank(once[0]));
  });

  it('holds a source to its alarm budget (max_alerts_per_hour), except findings critical by surprise', () => {
    const f = new EventFactory();
    const events = normalHour(f);
    const at = T0 + 60 * MIN;
    const tail = hdfsReplay(f, { count: 1300, meanGapMs: 100, start: at, seed: 11 }).filter((e) => e.ts < at + 2 * MIN);
    // Five different templates spike 19x in the same minute: five findings, or two with the budget.
    const tops = [...new Map(events.map((e) => [e.templateId, e])).values()].slice(0, 5);
    const spikes = tops.flatMap((t) => burst(f, t, at, Math.round((events.filter((e) => e.templateId === t.templateId).length / 60) * 19) + 12));
    const run = (max_alerts_per_hour: number) => {
      const d = createRate({ max_alerts_per_hour });
      d.observe(events);
      return [...d.observe(merge(tail, spikes)), ...d.tick(at + 2 * MIN + LATE)].filter((a) => a.explanation[0].feature === 'template_spike');
    };
    expect(run(0).length).toBeGreaterThanOrEqual(4);
    expect(run(2).length).toBe(2);
  });

  it('judges a sparse (bursty) template against its usual bursts, not a near-zero mean (sparse_occupancy)', () => {
    // The source logs steadily; one template comes in bursts of ~12 lines every 2 hours (a cron job):
    // between bursts its mean and variance decay to about nothing.
    const f = new EventFactory();
    const lines = hdfsLines();
    const normal = hdfsReplay(f, { count: 60_000, meanGapMs: 3000, start: T0, seed: 3 }).filter((e) => !e.message.startsWith('Deleting block'));
    const deleting = lines.find((l) => l.startsWith('Deleting block'))!;
    const bursts: LogEvent[] = [];
    const next = rng(5);
    for (let b = 0; b < 24; b++) for (let i = 0; i < 10 + Math.floor(next() * 5); i++) bursts.push(f.event(deleting, T0 + b * 120 * MIN + 5_000 + i * 1000));
    const events = merge(normal, bursts).filter((e) => e.ts < T0 + 48 * 60 * MIN);
    const spikesOf = (sparse_occupancy: number) => {
      const d = createRate({ sparse_occupancy, max_alerts_per_hour: 0, episode_seconds: 0 });
      const found = batches(events, 500).flatMap((b) => d.observe(b));
      return found.filter((a) => a.explanation[0].feature === 'template_spike').length;
    };
    expect(spikesOf(0)).toBeGreaterThan(3);
    expect(spikesOf(0.5)).toBe(0);
  });

  it('titles a spike with the template as it reads now, after it generalised', () => {
    const f = new EventFactory();
    const events = normalHour(f);
    const top = events[0];
    const at = T0 + 60 * MIN;
    const d = createRate();
    d.observe(events);
    const generalised = 'PacketResponder <*> for block <*> <*>';
    const tail = hdfsReplay(f, { count: 1300, meanGapMs: 100, start: at, seed: 11 }).filter((e) => e.ts < at + 2 * MIN && e.templateId !== top.templateId);
    const later = burst(f, top, at, 400).map((e) => ({ ...e, template: generalised }));
    const found = [...d.observe(merge(tail, later)), ...d.tick(at + 2 * MIN + LATE)].filter((a) => a.templateId === top.templateId);
    expect(found[0].title).toContain(`'${generalised}'`);
  });

  it('does not call a source silent when its events are old: an old file read by serve keeps its own time', () => {
    const f = new EventFactory();
    const events = normalHour(f, Date.UTC(2005, 5, 3));
    const d = createRate();
    d.observe(events);
    // The wall clock is 21 years later: a live source would be silent for ages.
    const now = T0 + 5 * MIN;
    expect(d.tick(now)).toEqual([]);
    expect(d.tick(now + 10 * MIN)).toEqual([]);
    // The same events arriving as they happen: silence is measured on the clock.
    const live = createRate();
    live.observe(normalHour(f));
    expect(live.tick(T0 + 60 * MIN + 5_000)).toEqual([]);
    expect(live.tick(T0 + 64 * MIN + LATE).map((a) => a.explanation[0].feature)).toEqual(['source_silence']);
  });

  it('does not call a sparse source silent', () => {
    const f = new EventFactory();
    const sparse = hdfsReplay(f, { count: 60, meanGapMs: MIN, start: T0 });
    const d = createRate();
    d.observe(sparse);
    expect(d.tick(sparse[59].ts + 10 * MIN)).toEqual([]);
  });

  it('computes Poisson and negative-binomial tails', () => {
    // P(X >= 3 | Poisson 0.5) = 1 - e^-0.5 (1 + 0.5 + 0.125)
    expect(upperTail(3, 0.5, 0.5)).toBeCloseTo(1 - Math.exp(-0.5) * 1.625, 10);
    expect(lowerTail(0, 4, 4)).toBeCloseTo(Math.exp(-4), 12);
    expect(lowerTail(2, 4, 4)).toBeCloseTo(Math.exp(-4) * (1 + 4 + 8), 12);
    expect(upperTail(40, 20, 100)).toBeGreaterThan(upperTail(40, 20, 20));
    expect(upperTail(5, 20, 20)).toBe(1);
    expect(lowerTail(30, 20, 20)).toBe(1);
  });

  it('validates its config strictly and is registered as a detector', () => {
    expect(errorCode(() => createRate({ interval: 5 } as never))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(errorCode(() => createRate({ tail_probability: 0 }))).toBe('ANOMALOG_ERR_CONFIG_INVALID');
    expect(definition).toMatchObject({ kind: 'detector', type: 'rate' });
    expect(rateConfigSchema.parse({}).interval_seconds).toBe(60);
  });
});
