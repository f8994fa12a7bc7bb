/**
 * Silence needs a life before it: a source is judged silent only once it has lived
 * `warmup_intervals` before the silence began (its own empty intervals are no evidence that it
 * writes steadily). The fixture is a real Debian package log: a 7-minute burst of installs, then
 * nothing for 10 months.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Anomaly, LogEvent } from '../../core/event.js';
import { batches, EventFactory } from '../../../test/harness/log-streams.js';
import { createRate } from './index.js';

const MIN = 60_000;
const FIXTURE = new URL('../../../test/fixtures/logs/dpkg/dpkg-bursts.log', import.meta.url);

/** The fixture's lines as events of one source, by their `YYYY-MM-DD HH:MM:SS` time (UTC). */
function dpkgEvents(): LogEvent[] {
  const f = new EventFactory();
  return readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => f.event(l.slice(20), Date.parse(`${l.slice(0, 10)}T${l.slice(11, 19)}Z`), 'dpkg'));
}

const silences = (found: Anomaly[]) => found.filter((a) => a.explanation[0].feature === 'source_silence');

function run(d: ReturnType<typeof createRate>, events: LogEvent[]): Anomaly[] {
  return batches(events, 200).flatMap((b) => d.observe(b));
}

describe('rate silence after a short life', () => {
  const events = dpkgEvents();

  it('the fixture is a short burst, then months of nothing', () => {
    const gapAt = events.findIndex((e, i) => i > 0 && e.ts - events[i - 1].ts > 30 * 24 * 60 * MIN);
    expect(gapAt).toBeGreaterThan(1000);
    expect(events[gapAt - 1].ts - events[0].ts).toBeLessThan(7 * MIN);
    expect(events.every((e) => Number.isFinite(e.ts))).toBe(true);
  });

  it('does not call a package install silent after its first 7-minute burst (life shorter than the warm-up)', () => {
    const d = createRate();
    expect(silences(run(d, events))).toEqual([]);
    // The gap was learned (not frozen): the next burst is judged against a source that went quiet, not one that died.
    const snap = d.snapshot() as { data: { sources: { silent: number; silenceReported: boolean; born: number }[] } };
    expect(snap.data.sources[0].silenceReported).toBe(false);
    expect(snap.data.sources[0].born).toBe(Math.floor(events[0].ts / MIN));
  });

  it('does once the source lived the warm-up before the silence (the rule is the life, not the data)', () => {
    // The burst spans 7 intervals: with a warm-up of 5 it is old enough to be judged.
    const found = silences(run(createRate({ warmup_intervals: 5 }), events));
    expect(found).toHaveLength(1);
    expect(found[0].title).toMatch(/^Source dpkg went silent: no events for \d+ intervals of 60 s/);
  });

  it('counts the life from the first interval, not the learned ones: a steady source that stops early is still reported once warm', () => {
    // 12 minutes of ~50 lines a minute, then nothing: lived more than the warm-up (10) before the silence.
    const f = new EventFactory();
    const t0 = Date.UTC(2026, 0, 5);
    const steady: LogEvent[] = [];
    for (let i = 0; i < 12 * 50; i++) steady.push(f.event(`job step ${i % 7} done`, t0 + Math.floor((i * MIN) / 50), 'job'));
    const d = createRate();
    d.observe(steady);
    const found = silences(d.observe([f.event('job step 1 done', t0 + 60 * MIN, 'job')]));
    expect(found).toHaveLength(1);
    expect(found[0].window?.start).toBe(t0 + 12 * MIN);
  });

  it('keeps `born` in its snapshot; a snapshot without it restores a long-lived source', () => {
    const d = createRate();
    run(d, events.slice(0, 300));
    const snap = d.snapshot() as { data: { sources: Record<string, unknown>[] } };
    const back = createRate();
    back.restore(snap as never);
    expect(back.snapshot()).toEqual(snap);
    const old = JSON.parse(JSON.stringify(snap)) as typeof snap;
    delete old.data.sources[0].born;
    const restored = createRate();
    restored.restore(old as never);
    expect((restored.snapshot() as typeof snap).data.sources[0].born).toBeNull();
    // Long-lived: the same silence as before this rule.
    expect(silences(run(restored, events.slice(300)))).toHaveLength(1);
  });
});

describe('rate silence of a periodic writer: twice is a habit', () => {
  /** `job` writes ~30 lines a minute for `minutes` minutes from `startHour` UTC on each day; a tick every 5 minutes of the day after. */
  function days(n: number, minutes: (day: number) => number, startHour = 2): Anomaly[] {
    const f = new EventFactory();
    const d = createRate();
    const found: Anomaly[] = [];
    const t0 = Date.UTC(2026, 0, 5);
    for (let day = 0; day < n; day++) {
      const start = t0 + day * 24 * 60 * MIN + startHour * 60 * MIN;
      const run: LogEvent[] = [];
      for (let i = 0; i < minutes(day) * 30; i++) run.push(f.event(`batch step ${i % 5} done`, start + i * 2000, 'job'));
      found.push(...batches(run, 200).flatMap((b) => d.observe(b)));
      for (let t = start + minutes(day) * MIN; t < start + 24 * 60 * MIN - 5 * MIN; t += 5 * MIN) found.push(...d.tick(t + 10 * MIN));
    }
    return silences(found);
  }

  it('a job that writes an hour a day is reported silent on its first two days, not every day after', () => {
    const found = days(6, () => 60);
    expect(found).toHaveLength(2);
    expect(new Set(found.map((a) => a.id)).size).toBe(2);
  });

  it('outages of unlike lengths stay outages: a steady source down 30 minutes, then 3 hours, then 30 minutes is reported each time', () => {
    const f = new EventFactory();
    const d = createRate();
    const t0 = Date.UTC(2026, 0, 5);
    const down: [number, number][] = [
      [180, 210],
      [420, 600],
      [840, 870],
    ];
    const events: LogEvent[] = [];
    for (let m = 0; m < 1000; m++) if (!down.some(([a, b]) => m >= a && m < b)) for (let i = 0; i < 30; i++) events.push(f.event(`request ${i % 4} served`, t0 + m * MIN + i * 2000, 'api'));
    const found = silences(batches(events, 300).flatMap((b) => d.observe(b)));
    expect(found.map((a) => Math.round(((a.window?.start ?? 0) - t0) / MIN))).toEqual(down.map(([a]) => a));
  });
});
