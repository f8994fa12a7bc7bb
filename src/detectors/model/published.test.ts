import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { Anomaly, LogEvent } from '../../core/event.js';
import { rng } from '../../../test/harness/rng.js';
import { createModelDetector, type StreamModelArtifact, StreamModelDetector } from './index.js';
import { checkCompatible, decodePublished, encodePublished, MAX_PUBLISHED_JSON_BYTES, publishedKey, publishedModel, type ReceivedModel } from './published.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1);
/** Per-window mean counts of six message types on a normal minute. */
const RATES = [40, 25, 12, 6, 3, 2];
const TEXTS = ['GET /api/<*> 200', 'user <*> logged in', 'cache miss for <*>', 'job <*> started', 'job <*> finished in <NUM> ms', 'slow query took <NUM> ms'];
const BURST = 'Connection to <IP> refused';

/** Template ids as a miner numbered them: the trainer's and the worker's differ (the order they first saw each). */
const TRAINER_IDS = [1, 2, 3, 4, 5, 6, 7];
const WORKER_IDS = [12, 3, 8, 1, 5, 20, 9];

function ev(ts: number, type: number, ids: number[], level = 'info'): LogEvent {
  const template = type < TEXTS.length ? TEXTS[type] : BURST;
  return { ts, source: 'api', level, message: template, raw: `${new Date(ts).toISOString()} ${template}`, templateId: ids[type], template, params: [] };
}

function window(k: number, ids: number[], burst = false): LogEvent[] {
  const r = rng(1000 + k);
  const out: LogEvent[] = [];
  for (let t = 0; t < RATES.length; t++) {
    const n = Math.max(1, Math.round(RATES[t] * (0.7 + 0.6 * r())));
    for (let i = 0; i < n; i++) out.push(ev(T0 + k * MIN + Math.floor(r() * MIN), t, ids));
  }
  if (burst) for (let i = 0; i < 300; i++) out.push(ev(T0 + k * MIN + Math.floor((i * MIN) / 300), 6, ids, 'error'));
  return out.sort((a, b) => a.ts - b.ts);
}

function feed(d: StreamModelDetector, clock: ManualClock, from: number, to: number, ids: number[], burstAt = new Set<number>()): Anomaly[] {
  const out: Anomaly[] = [];
  for (let k = from; k < to; k++) {
    out.push(...d.observe(window(k, ids, burstAt.has(k))));
    clock.set(T0 + (k + 1) * MIN + 15_000);
    out.push(...d.tick(clock.now()));
  }
  return out;
}

/** Every alarm passes (no episode, no budget): each flagged window is seen. */
const QUIET = { episode_seconds: 0, max_alerts_per_hour: 0, train_in: 'inline' as const };

/** A model trained on the trainer's numbering, as `anomalog models train` makes one (template texts, windows). */
function trainElsewhere(seed: number, windows = 60): StreamModelArtifact {
  const d = createModelDetector({ ...QUIET, min_windows: 50, seed });
  feed(d, new ManualClock(T0), 0, windows, TRAINER_IDS);
  const m = d.modelOf('api');
  if (m === null) throw new Error('no model trained');
  return { ...m.artifact, windowing: { mode: 'time', size_ms: MIN } };
}

function receive(a: StreamModelArtifact, version: number, scope: 'default' | `source:${string}` = 'default'): ReceivedModel {
  return decodePublished(encodePublished(publishedModel(a, { scope, version, at: T0 })));
}

describe('published models (the models topic)', () => {
  const v1 = trainElsewhere(42);

  it('round-trips through the record value with its digest; the key is detector + scope', () => {
    const r = receive(v1, 3, 'source:api');
    expect(r.published.modelVersion).toBe(3);
    expect(r.published.artifact.modelVersion).toBe(3);
    expect(r.published.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(publishedKey('source:api')).toBe('model:source:api');
    expect(Object.keys(r.published.artifact.templates ?? {}).length).toBeGreaterThanOrEqual(6);
  });

  it('a worker scores with the published model through its own template ids, and swaps versions without a restart', () => {
    const clock = new ManualClock(T0);
    // This detector would need 500 windows to train its own: every finding below is the published model's.
    const d = createModelDetector({ ...QUIET, min_windows: 500 });
    expect(feed(d, clock, 0, 20, WORKER_IDS)).toEqual([]);
    expect(d.installPublished(receive(v1, 1))).toBe(1);
    const found = feed(d, clock, 20, 60, WORKER_IDS, new Set([45]));
    // Through the remap the normal windows look normal (with the worker's ids read as the model's, they would not).
    expect(found.map((a) => a.window?.start)).toEqual([T0 + 45 * MIN]);
    expect(found[0].model).toMatchObject({ kind: 'if', version: 1, scope: 'default' });
    expect(found[0].title).toContain('published v1');
    // The explanation names the worker's template id of the burst, not the trainer's.
    expect(found[0].explanation[0]).toMatchObject({ template: BURST, templateId: WORKER_IDS[6] });
    const st = d.stats();
    expect(st.published.templatesKnown).toBe(6);
    expect(st.published.templatesUnknown).toBe(1);
    expect(st.models[0].published?.version).toBe(1);

    const v2 = receive(trainElsewhere(7), 2);
    expect(d.installPublished(v2)).toBe(1);
    const later = feed(d, clock, 60, 80, WORKER_IDS, new Set([70]));
    expect(later.map((a) => [a.window?.start, a.model?.version, a.model?.digest])).toEqual([[T0 + 70 * MIN, 2, v2.published.digest]]);
    // The same model again changes nothing; a source-scoped model wins over the default.
    expect(d.installPublished(v2)).toBe(0);
    expect(d.installPublished(receive(v1, 5, 'source:api'))).toBe(1);
    expect(feed(d, clock, 80, 90, WORKER_IDS, new Set([85]))[0].model).toMatchObject({ version: 5, scope: 'source:api' });
  });

  it('the snapshot records the version that scored each source; a restored detector uses it once it is given again', () => {
    const clock = new ManualClock(T0);
    const d = createModelDetector({ ...QUIET, min_windows: 500 });
    const r = receive(v1, 4);
    feed(d, clock, 0, 5, WORKER_IDS);
    d.installPublished(r);
    const snap = d.snapshot();
    const src = (snap.data as { sources: { published: unknown }[] }).sources[0];
    expect(src.published).toEqual({ scope: 'default', version: 4, digest: r.published.digest });

    const e = createModelDetector({ ...QUIET, min_windows: 500 });
    e.restore(JSON.parse(JSON.stringify(snap)));
    // The snapshot names the version, the models topic holds the model: nothing scores until it is given.
    expect(e.modelOf('api')).toBeNull();
    expect(e.installPublished(r)).toBe(1);
    expect(feed(e, clock, 5, 40, WORKER_IDS, new Set([30])).map((a) => a.model?.version)).toEqual([4]);
  });

  it('a source under a published model trains none of its own and refuses learn feedback (the policy mutes instead)', () => {
    const clock = new ManualClock(T0);
    const d = createModelDetector({ ...QUIET, min_windows: 50 });
    d.installPublished(receive(v1, 1));
    const found = feed(d, clock, 0, 70, WORKER_IDS, new Set([60]));
    expect(d.stats().trainings).toBe(0);
    expect(found).toHaveLength(1);
    expect(d.learnAsNormal({ source: 'api', templateId: WORKER_IDS[6] })).toBe(false);
  });

  it('a withdrawn model hands its sources back to the default model, then to their own training', () => {
    const clock = new ManualClock(T0);
    const d = createModelDetector({ ...QUIET, min_windows: 50 });
    d.installPublished(receive(v1, 3, 'default'));
    d.installPublished(receive(v1, 7, 'source:api'));
    feed(d, clock, 0, 60, WORKER_IDS);
    expect(d.stats().models[0].published).toMatchObject({ scope: 'source:api', version: 7 });
    expect(d.stats().trainings).toBe(0);
    expect(d.removePublished('source:api')).toBe(1);
    expect(d.stats().models[0].published).toMatchObject({ scope: 'default', version: 3 });
    expect(d.removePublished('source:api')).toBe(0);
    expect(d.removePublished('default')).toBe(1);
    // Its reservoir kept filling meanwhile: it trains its own at the next tick, and later windows are its own model's.
    const own = feed(d, clock, 60, 100, WORKER_IDS, new Set([90]));
    expect(d.stats().trainings).toBe(1);
    expect(own.map((a) => a.model)).toEqual([{ kind: 'if', version: 1 }]);
    expect((d.snapshot().data as { sources: { published: unknown }[] }).sources[0].published).toBeNull();
  });

  it('refuses, with a reason, what is not a usable model', () => {
    const good = encodePublished(publishedModel(v1, { scope: 'default', version: 1, at: T0 }));
    const refuse = (v: Buffer) => expect(() => decodePublished(v)).toThrow(expect.objectContaining({ code: 'ANOMALOG_ERR_MODEL_REFUSED' }));
    refuse(Buffer.from('not gzip at all'));
    refuse(gzipSync('{"format":"anomalog-published-model"'));
    refuse(gzipSync(JSON.stringify({ hello: 'world' })));
    const env = publishedModel(v1, { scope: 'default', version: 1, at: T0 });
    // A changed artifact no longer matches its digest.
    refuse(gzipSync(JSON.stringify({ ...env, artifact: { ...env.artifact, threshold: { ...env.artifact.threshold, t: 0 } } })));
    // Columns that do not fit the features.
    const cut = { ...env.artifact, range: { min: env.artifact.range.min.slice(1), max: env.artifact.range.max.slice(1) } };
    refuse(gzipSync(JSON.stringify(publishedModel(cut, { scope: 'default', version: 1, at: T0 }))));
    // A model kind this build does not know.
    refuse(gzipSync(JSON.stringify(publishedModel({ ...env.artifact, modelKind: 'lstm' as never }, { scope: 'default', version: 1, at: T0 }))));
    // Bounded before and after unpacking (a gzip bomb is not inflated past the limit).
    expect(() => decodePublished(good, good.length - 1)).toThrow(/at most/);
    refuse(gzipSync(Buffer.alloc(MAX_PUBLISHED_JSON_BYTES + 1024, 32)));
    expect(decodePublished(good).published.modelVersion).toBe(1);
  });

  it('refuses a model trained on other windows than the detector counts', () => {
    const r = receive({ ...v1, windowing: { mode: 'time', size_ms: 30_000 } }, 1);
    expect(() => checkCompatible(r.published, { mode: 'time', size_ms: MIN })).toThrow(/30 s windows; this worker's model detector counts 60 s windows/);
    const d = createModelDetector({ ...QUIET });
    expect(() => d.installPublished(r)).toThrow(expect.objectContaining({ code: 'ANOMALOG_ERR_MODEL_REFUSED' }));
    expect(d.stats().published.installed).toBe(0);
  });

  it('refuses to publish an artifact without windows or template texts, or one too large for a record', () => {
    const { windowing: _w, ...bare } = v1;
    expect(() => publishedModel(bare, { scope: 'default', version: 1, at: 0 })).toThrow(/which windows/);
    expect(() => encodePublished(publishedModel(v1, { scope: 'default', version: 1, at: 0 }), 1000)).toThrow(/at most 0\.0 MiB per record/);
  });
});
