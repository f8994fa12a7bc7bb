import { describe, expect, it } from 'vitest';
import { serveConfigSchema } from '../../config/schema.js';
import { ManualClock } from '../../core/clock.js';
import type { Anomaly, LogEvent } from '../../core/event.js';
import { openStore } from '../../store/index.js';
import { detectorContract, type Step } from '../../../test/contract/detector.contract.js';
import { rng } from '../../../test/harness/rng.js';
import { until } from '../../../test/harness/until.js';
import { createModelDetector, definition, modelDetectorConfigSchema, registryKind, type StreamModelArtifact, StreamModelDetector, TrainedModel } from './index.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 30);
/** Per-window mean counts of templates 1..6 on a normal minute. */
const RATES = [40, 25, 12, 6, 3, 2];

function ev(ts: number, source: string, templateId: number, level = 'info'): LogEvent {
  const template = `step ${templateId} done in <NUM> ms`;
  return { ts, source, level, message: template, raw: `${new Date(ts).toISOString()} ${template}`, templateId, template, params: [] };
}

/** One normal window k of `source` (counts vary ±30 %), in time order. */
function normalWindow(k: number, source = 'api', r = rng(1000 + k), size = MIN): LogEvent[] {
  const out: LogEvent[] = [];
  for (let t = 0; t < RATES.length; t++) {
    const n = Math.max(1, Math.round(RATES[t] * (0.7 + 0.6 * r())));
    for (let i = 0; i < n; i++) out.push(ev(T0 + k * size + Math.floor(r() * size), source, t + 1, t === 5 ? 'warn' : 'info'));
  }
  return out.sort((a, b) => a.ts - b.ts);
}

/** Window k with a burst: 400 errors of a template never seen before. */
function burstWindow(k: number, source = 'api', size = MIN): LogEvent[] {
  const out = normalWindow(k, source, rng(1000 + k), size);
  for (let i = 0; i < 400; i++) out.push({ ...ev(T0 + k * size + Math.floor((i * size) / 400), source, 99, 'error'), template: 'Connection to <IP> refused' });
  return out.sort((a, b) => a.ts - b.ts);
}

/**
 * Feeds windows [from, to), each followed by a tick at its end and one 15 s later (past the 10 s
 * grace, as the service's ticks every second would); returns all anomalies.
 */
function feed(d: StreamModelDetector, clock: ManualClock, from: number, to: number, make: (k: number) => LogEvent[] = (k) => normalWindow(k)): Anomaly[] {
  const out: Anomaly[] = [];
  for (let k = from; k < to; k++) {
    out.push(...d.observe(make(k)));
    clock.set(T0 + (k + 1) * MIN);
    out.push(...d.tick(clock.now()));
    clock.advance(15_000);
    out.push(...d.tick(clock.now()));
  }
  return out;
}

const inline = (extra: Record<string, unknown> = {}) => createModelDetector({ train_in: 'inline', min_windows: 50, ...extra });

describe('model detector (streaming)', () => {
  it('trains once min_windows windows are collected, not before', () => {
    const clock = new ManualClock(T0);
    const d = inline();
    feed(d, clock, 0, 49);
    // 49 windows closed (each by the tick after its end: the source's time is estimated from the clock).
    expect(d.modelOf('api')).toBeNull();
    feed(d, clock, 49, 50);
    const m = d.modelOf('api');
    expect(m?.version).toBe(1);
    expect(m?.artifact.training.windows).toBeGreaterThanOrEqual(50);
    expect(m?.features.vocabulary.ids).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('flags a clearly unusual window with an explanation, and few normal ones', () => {
    const clock = new ManualClock(T0);
    const d = inline();
    const warm = feed(d, clock, 0, 60);
    expect(warm).toEqual([]);
    const normal = feed(d, clock, 60, 160);
    expect(normal.length).toBeLessThanOrEqual(3); // SPOT q = 1e-3 per window; a small training set is rougher
    const found = feed(d, clock, 160, 162, (k) => (k === 160 ? burstWindow(k) : normalWindow(k)));
    const burst = found.filter((a) => a.window?.start === T0 + 160 * MIN);
    expect(burst).toHaveLength(1);
    const a = burst[0];
    expect(a.detector).toBe('model');
    expect(a.source).toBe('api');
    expect(a.title).toMatch(/^Window 2026-11-30 02:40–02:41 UTC on source api looks unusual: /);
    expect(a.title).toMatch(/'Connection to <IP> refused' seen 400 times, about 0 expected \(if model v\d+\)\.$/);
    expect(a.explanation[0]).toMatchObject({ templateId: 99, template: 'Connection to <IP> refused', observed: 400, expected: 0 });
    expect(a.templateId).toBe(99);
    expect(a.context.length).toBeGreaterThan(0);
    expect(['error', 'critical']).toContain(a.severity);
    expect(Number.isFinite(a.score)).toBe(true);
  });

  it('flags a window where a frequent message is missing, naming it from the model artifact', () => {
    const clock = new ManualClock(T0);
    const d = inline();
    feed(d, clock, 0, 60);
    const found = feed(d, clock, 60, 62, (k) => (k === 60 ? normalWindow(k).filter((e) => e.templateId !== 1) : normalWindow(k)));
    expect(found).toHaveLength(1);
    expect(found[0].title).toMatch(/: 'step 1 done in <NUM> ms' seen 0 times, about \d+ expected \(if model v1\)\.$/);
    expect(d.modelOf('api')?.artifact.templates?.['1']).toBe('step 1 done in <NUM> ms');
  });

  it('retrains on schedule and windows after the swap use the new version', () => {
    const clock = new ManualClock(T0);
    const d = inline({ retrain_every_seconds: 3600 });
    feed(d, clock, 0, 50);
    expect(d.modelOf('api')?.version).toBe(1);
    const trainedAt = clock.now();
    feed(d, clock, 50, 108); // short of an hour after the first training
    expect(d.modelOf('api')?.version).toBe(1);
    feed(d, clock, 108, 112);
    expect(clock.now() - trainedAt).toBeGreaterThanOrEqual(3_600_000);
    const m2 = d.modelOf('api');
    expect(m2?.version).toBe(2);
    expect(m2?.artifact.training.windows).toBeGreaterThan(100);
    const found = feed(d, clock, 112, 114, (k) => (k === 112 ? burstWindow(k) : normalWindow(k)));
    expect(found.find((a) => a.window?.start === T0 + 112 * MIN)?.title).toMatch(/\(if model v2\)\.$/);
    expect(d.stats()).toMatchObject({ trainings: 2, sources: 1 });
  });

  it('keeps a model per source and starts at most one training per tick', () => {
    const clock = new ManualClock(T0);
    const d = inline();
    for (let k = 0; k < 51; k++) {
      d.observe([...normalWindow(k, 'api'), ...normalWindow(k, 'db', rng(7000 + k))]);
      clock.set(T0 + (k + 1) * MIN);
      d.tick(clock.now());
    }
    // Both sources have 50 windows since the same tick; only one trained there.
    expect([d.modelOf('api'), d.modelOf('db')].filter((m) => m !== null)).toHaveLength(1);
    clock.advance(1000);
    d.tick(clock.now());
    expect(d.modelOf('api')?.version).toBe(1);
    expect(d.modelOf('db')?.version).toBe(1);
    expect(d.stats().models.map((m) => m.source).sort()).toEqual(['api', 'db']);
  });

  it('keeps flagged windows out of the reservoir unless feedback learns them', () => {
    const clock = new ManualClock(T0);
    const d = inline();
    feed(d, clock, 0, 60);
    const found = feed(d, clock, 60, 62, (k) => (k === 60 ? burstWindow(k) : normalWindow(k)));
    expect(found).toHaveLength(1);
    const before = (d.snapshot().data as { sources: { seen: number }[] }).sources[0].seen;
    expect(d.learnWindow(found[0].id)).toBe(true);
    expect(d.learnWindow(found[0].id)).toBe(false);
    expect((d.snapshot().data as { sources: { seen: number }[] }).sources[0].seen).toBe(before + 1);
  });

  it('learns as normal on feedback: the window joins the reservoir, the model retrains and stops flagging it', () => {
    const clock = new ManualClock(T0);
    const d = inline();
    feed(d, clock, 0, 60);
    const found = feed(d, clock, 60, 61, burstWindow);
    expect(found).toHaveLength(1);
    expect(d.modelOf('api')?.version).toBe(1);
    expect(d.learnAsNormal({ source: 'api', templateId: 99, feature: '<unknown template>' })).toBe(true);
    feed(d, clock, 61, 62);
    expect(d.modelOf('api')?.version).toBe(2); // retrained at the next tick, not an hour later
    expect(feed(d, clock, 62, 63, burstWindow)).toEqual([]);
    // Re-applied (as at a restart): acknowledged; unknown sources or templates are not.
    expect(d.learnAsNormal({ source: 'api', templateId: 99 })).toBe(true);
    expect(d.learnAsNormal({ source: 'api', templateId: 12345 })).toBe(false);
    expect(d.learnAsNormal({ source: 'other' })).toBe(false);
  });

  it('closes whole windows when the source clock is hours behind ours, and never scores a window twice', () => {
    const clock = new ManualClock(T0 + 5 * 3_600_000);
    const d = inline();
    for (let k = 0; k < 10; k++) {
      const events = normalWindow(k);
      // Four batches per window, delivered over the minute, with a tick every 15 s of our clock.
      for (let q = 0; q < 4; q++) {
        d.observe(events.filter((e) => e.ts >= T0 + k * MIN + q * 15_000 && e.ts < T0 + k * MIN + (q + 1) * 15_000));
        clock.advance(15_000);
        d.tick(clock.now());
      }
    }
    clock.advance(30_000);
    d.tick(clock.now());
    expect(d.stats().windows).toBe(10);
    // A straggler of window 3 arrives after it was scored: counted late, not a second window 3.
    d.observe([ev(T0 + 3 * MIN + 5, 'api', 1)]);
    clock.advance(120_000);
    d.tick(clock.now());
    expect(d.stats().windows).toBe(10);
    expect((d.snapshot().data as { sources: { late: number }[] }).sources[0].late).toBe(1);
  });

  it('learns a new normal after relearn_after_windows flagged windows in a row', () => {
    const clock = new ManualClock(T0);
    // Episodes and the alarm budget off: every flagged window is reported.
    const d = inline({ relearn_after_windows: 5, episode_seconds: 0, max_alerts_per_hour: 0 });
    feed(d, clock, 0, 60);
    // From window 60 on, every window carries the burst: a new normal.
    const found = feed(d, clock, 60, 90, burstWindow);
    const flaggedAt = found.map((a) => ((a.window?.start ?? 0) - T0) / MIN);
    expect(flaggedAt.slice(0, 5)).toEqual([60, 61, 62, 63, 64]);
    expect(d.modelOf('api')?.version).toBeGreaterThan(1); // retrained without waiting an hour
    expect(flaggedAt.filter((k) => k >= 80)).toEqual([]); // the new normal is learned
  });

  it('reports a run of flagged windows once (episode_seconds), more only when more severe', () => {
    const clock = new ManualClock(T0);
    const d = inline({ relearn_after_windows: 50 });
    feed(d, clock, 0, 60);
    const found = feed(d, clock, 60, 70, burstWindow);
    expect(found.length).toBeGreaterThanOrEqual(1);
    expect(found.length).toBeLessThanOrEqual(2);
    const all = inline({ relearn_after_windows: 50, episode_seconds: 0, max_alerts_per_hour: 0 });
    const clock2 = new ManualClock(T0);
    feed(all, clock2, 0, 60);
    expect(feed(all, clock2, 60, 70, burstWindow).length).toBeGreaterThan(5);
  });

  it('does not report on a sparse source whose windows hold a line or two (min_window_events)', () => {
    // Two lines a minute: a window of the normal kind, then one of a never-seen error.
    const sparse = (k: number) => [ev(T0 + k * MIN + 1000, 'api', 1 + (k % 3)), ev(T0 + k * MIN + 2000, 'api', 1 + ((k + 1) % 3))];
    const odd = (k: number) => (k === 70 ? [ev(T0 + k * MIN + 1000, 'api', 99, 'error'), ev(T0 + k * MIN + 2000, 'api', 99, 'error')] : sparse(k));
    const run = (min_window_events: number) => {
      const clock = new ManualClock(T0);
      const d = inline({ min_window_events });
      feed(d, clock, 0, 60, sparse);
      return feed(d, clock, 60, 72, odd).filter((a) => a.window?.start === T0 + 70 * MIN);
    };
    expect(run(0)).toHaveLength(1);
    expect(run(3)).toEqual([]);
  });

  it('scores sessions keyed by a regex', () => {
    const d = createModelDetector({ train_in: 'inline', min_windows: 20, session: { key_regex: 'req=(\\w+)', inactivity_seconds: 30 } });
    const clock = new ManualClock(T0);
    const session = (i: number, extra: number): LogEvent[] =>
      [1, 2, 3, ...Array.from({ length: extra }, () => 7)].map((t, j) => ({ ...ev(T0 + i * 10_000 + j, 'api', t), message: `step ${t} req=r${i}` }));
    let found: Anomaly[] = [];
    for (let i = 0; i < 60; i++) {
      found.push(...d.observe(session(i, 0)));
      clock.set(T0 + (i + 1) * 10_000);
      found.push(...d.tick(clock.now()));
    }
    expect(found).toEqual([]);
    expect(d.modelOf('api')?.version).toBe(1);
    found = d.observe(session(60, 200));
    clock.set(T0 + 70 * 60_000);
    found.push(...d.tick(clock.now()));
    clock.advance(60_000); // the session's source has been quiet for a minute: past the 30 s inactivity
    found.push(...d.tick(clock.now()));
    expect(found).toHaveLength(1);
    expect(found[0].sessionKey).toBe('r60');
    expect(found[0].title).toMatch(/^Session r60 on source api looks unusual: /);
  });

  it('trains in a worker thread without blocking observe, then swaps the model in', async () => {
    const clock = new ManualClock(T0);
    const d = createModelDetector({ min_windows: 50, reservoir_size: 2000 });
    try {
      feed(d, clock, 0, 52);
      expect(d.modelOf('api')).toBeNull(); // the worker is still training
      const m = await until('the worker-trained model', async () => d.modelOf('api') ?? undefined, 30_000);
      expect(m.version).toBe(1);
      expect(d.stats().lastTrainingMs).toBeGreaterThanOrEqual(0);
      const found = feed(d, clock, 52, 54, (k) => (k === 52 ? burstWindow(k) : normalWindow(k)));
      expect(found.map((a) => a.window?.start)).toEqual([T0 + 52 * MIN]);
    } finally {
      d.close();
    }
  });

  it('saves every model in the registry and a restart scores with the active one at once', () => {
    const clock = new ManualClock(T0);
    const store = openStore(':memory:', { clock });
    try {
      const a = createModelDetector({ train_in: 'inline', min_windows: 50, keep_versions: 2 }, { registry: store });
      feed(a, clock, 0, 52);
      const stored = store.activeModel<StreamModelArtifact>(registryKind('api'));
      expect(stored).toMatchObject({ version: 1, active: true, kind: 'model-detector:api' });
      expect(stored && TrainedModel.fromArtifact(stored.artifact).features.vocabulary.ids).toEqual([1, 2, 3, 4, 5, 6]);
      // The snapshot references the registry instead of carrying the model.
      expect(JSON.stringify(a.snapshot())).not.toContain('anomalog-stream-model');

      // A fresh detector (no snapshot, nothing collected) loads the active model on the source's first event.
      const b = createModelDetector({ train_in: 'inline', min_windows: 50 }, { registry: store });
      const found = feed(b, clock, 52, 54, (k) => (k === 52 ? burstWindow(k) : normalWindow(k)));
      expect(found).toHaveLength(1);
      expect(found[0].title).toMatch(/\(if model v1\)\.$/);
      expect(b.modelOf('api')?.version).toBe(1);

      // Hourly retrains save v2, v3, v4; only the newest `keep_versions` (2) stay in the registry.
      feed(a, clock, 54, 54 + 3 * 60 + 2);
      expect(store.activeModel(registryKind('api'))?.version).toBe(4);
      expect(store.pruneModels(registryKind('api'), 1)).toBe(1); // v3 was still there, v1 and v2 were gone
    } finally {
      store.close();
    }
  });

  it('validates its config strictly and is off by default in serve', () => {
    expect(serveConfigSchema.parse({}).detectors.model.enabled).toBe(false);
    expect(serveConfigSchema.parse({ detectors: { model: { enabled: true } } }).detectors.model.enabled).toBe(true);
    expect(modelDetectorConfigSchema.parse({})).toMatchObject({ window_seconds: 60, model: 'if', reservoir_size: 2000, min_windows: 50, retrain_every_seconds: 3600, threshold: { method: 'spot', q: 1e-3 } });
    expect(() => createModelDetector({ wat: 1 } as never)).toThrow(/model/);
    expect(() => createModelDetector({ session: { key_regex: 'a', key_field: 'b' } })).toThrow(/exactly one/);
    expect(() => createModelDetector({ session: { key_regex: 'req=(' } })).toThrow(/model\.session\.key_regex: key_regex is not a valid regular expression/);
    expect(definition.type).toBe('model');
  });
});

function contractStream(): Step[] {
  const steps: Step[] = [];
  const size = 10_000;
  for (let k = 0; k < 40; k++) {
    const events = k === 30 || k === 36 ? burstWindow(k, 'src', size) : normalWindow(k, 'src', rng(1000 + k), size);
    steps.push({ events: events.map((e) => ({ ...e, source: 'src' })) });
    steps.push({ tick: T0 + (k + 1) * size });
  }
  return steps;
}

detectorContract('model', {
  make: () => createModelDetector({ train_in: 'inline', window_seconds: 10, reservoir_size: 10, min_windows: 10, snapshot_windows: 10, retrain_every_seconds: 60, max_vocabulary: 50 }),
  stream: contractStream,
});

detectorContract('model', {
  variant: 'sessions',
  make: () =>
    createModelDetector({ train_in: 'inline', session: { key_field: 'req', inactivity_seconds: 5 }, reservoir_size: 10, min_windows: 10, snapshot_windows: 10, retrain_every_seconds: 60, max_vocabulary: 50 }),
  stream: () =>
    contractStream().map((s, i) => ('events' in s ? { events: s.events.map((e) => ({ ...e, fields: { req: `r${Math.floor(i / 2)}` } })) } : s)),
});
