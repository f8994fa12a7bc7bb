import { describe, expect, it } from 'vitest';
import { anomaly } from '../../test/harness/feedback.js';
import { ManualClock } from '../core/clock.js';
import type { Anomaly } from '../core/event.js';
import { openStore } from '../store/index.js';
import { feedbackConfigSchema } from './config.js';
import { fingerprintOf } from './fingerprint.js';
import { createFeedback, createFeedbackPolicy } from './index.js';
import { FeedbackPolicy } from './policy.js';
import { FeedbackService } from './service.js';

/** The feedback service: what it stores, hands the policy and the alerting stage, and reloads at start. */

describe('feedback service → alerting', () => {
  it('noise and mute withdraw waiting alerts of the anomaly\'s kind; real and learn do not', () => {
    const a = anomaly({ templateId: undefined, title: 'Source api went silent: no events for 3 intervals of 60 s.' });
    const calls: { id: string; same: boolean[] }[] = [];
    const service = new FeedbackService({
      store: {
        getAnomaly: (id) => (id === a.id ? a : undefined),
        feedback: { add: (f) => ({ ...f, id: 1, createdAt: 0 }) as never, forAnomaly: () => [], query: () => ({ feedback: [], next: null }) as never, latestPerFingerprint: () => [] },
      },
      clock: new ManualClock(0),
      config: feedbackConfigSchema.parse({}),
      withdrawAlerts: (x, sameKind) =>
        calls.push({
          id: x.id,
          // Same kind: the title shape (no template here) decides, not the numbers in it.
          same: [a, { ...a, title: 'Source api went silent: no events for 9 intervals of 60 s.' }, { ...a, title: 'Drop in volume on api.' }, { ...a, source: 'web' }].map(sameKind),
        }),
    });
    for (const verdict of ['real', 'learn', 'noise', 'mute'] as const) service.give(a.id, { verdict });
    expect(service.give('missing', { verdict: 'noise' })).toBeUndefined();
    expect(calls).toEqual([
      { id: 'a1', same: [true, true, false, false] },
      { id: 'a1', same: [true, true, false, false] },
    ]);
  });
});


describe('feedback service → close variants of new templates', () => {
  it('passes the template text on give; a row stored without it (before migration 0006) finds it with its anomaly after a restart', () => {
    const template = 'ciod: Y coordinate <NUM> exceeds physical dimension <NUM> at line <NUM>';
    const variant = 'ciod: Z coordinate <NUM> exceeds physical dimension <NUM> at line <NUM>';
    const a = anomaly({ id: 'y', detector: 'novelty', templateId: 3, explanation: [{ feature: 'new_template', templateId: 3, template, observed: 1, expected: 0, contribution: 5 }] });
    const z = anomaly({ id: 'z', detector: 'novelty', templateId: 4, explanation: [{ feature: 'new_template', templateId: 4, template: variant, observed: 1, expected: 0, contribution: 5 }] });
    const rows: never[] = [];
    const store = {
      getAnomaly: (id: string) => (id === a.id ? a : undefined),
      feedback: {
        add: (f: object) => {
          // A row as stored before migration 0006: no template text.
          const { template: _t, ...stored } = f as { template?: string };
          rows.unshift({ ...stored, id: rows.length + 1, createdAt: 0 } as never);
          return { ...f, id: rows.length, createdAt: 0 } as never;
        },
        forAnomaly: () => [],
        query: () => ({ feedback: [], next: null }) as never,
        latestPerFingerprint: () => rows,
      },
    };
    const config = feedbackConfigSchema.parse({});
    const policy = new FeedbackPolicy({ clock: new ManualClock(0), similarShare: config.similar_template_share });
    new FeedbackService({ store, clock: new ManualClock(0), config, policy }).give(a.id, { verdict: 'noise' });
    expect(policy.apply([z])).toEqual([]);
    // Restart: the stored row has no template text; loadPolicy reads it from the anomaly.
    const restarted = new FeedbackPolicy({ clock: new ManualClock(0), similarShare: config.similar_template_share });
    new FeedbackService({ store, clock: new ManualClock(0), config, policy: restarted }).loadPolicy();
    expect(restarted.apply([z])).toEqual([]);
    expect(restarted.stats.suppressedBySimilar).toBe(1);
  });

  it('keeps the close-variant rule across a restart after retention deleted the judged anomaly (real store)', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 30));
    const store = openStore(':memory:', { clock });
    const template = 'ciod: Y coordinate <NUM> exceeds physical dimension <NUM> at line <NUM>';
    const variant = 'ciod: Z coordinate <NUM> exceeds physical dimension <NUM> at line <NUM>';
    const a = anomaly({ id: 'y', ts: clock.now(), detector: 'novelty', templateId: 3, explanation: [{ feature: 'new_template', templateId: 3, template, observed: 1, expected: 0, contribution: 5 }] });
    const z = anomaly({ id: 'z', ts: clock.now(), detector: 'novelty', templateId: 4, explanation: [{ feature: 'new_template', templateId: 4, template: variant, observed: 1, expected: 0, contribution: 5 }] });
    store.insertAnomalies([a]);
    const config = feedbackConfigSchema.parse({});
    new FeedbackService({ store, clock, config, policy: new FeedbackPolicy({ clock, similarShare: config.similar_template_share }) }).give(a.id, { verdict: 'noise' });
    clock.advance(8 * 86_400_000);
    expect(store.applyRetention({ maxAgeMs: 7 * 86_400_000 }).byAge).toBe(1);
    expect(store.getAnomaly(a.id)).toBeUndefined();
    const restarted = new FeedbackPolicy({ clock, similarShare: config.similar_template_share });
    new FeedbackService({ store, clock, config, policy: restarted }).loadPolicy();
    expect(restarted.apply([z])).toEqual([]);
    expect(restarted.stats.suppressedBySimilar).toBe(1);
    store.close();
  });
});

describe('feedback service → what dismissed first sightings teach, across a restart', () => {
  /** Templates sharing no word (none is a close variant of another). */
  const WORDS = ['', 'alpha one', 'bravo two', 'charlie three', '', '', '', '', '', '', 'delta four', 'echo five', 'foxtrot six'];
  it("reads each judged first sighting's severity from its anomaly at start (real store), so the source's hold survives a restart", () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 30));
    const store = openStore(':memory:', { clock });
    const novel = (t: number, severity: Anomaly['severity']) =>
      anomaly({ id: `n${t}`, ts: clock.now(), detector: 'novelty', severity, templateId: t, title: `New message type ${t}.`, explanation: [{ feature: 'new_template', templateId: t, template: WORDS[t], observed: 1, expected: 0, contribution: 5 }] });
    const judged = [1, 2, 3].map((t) => novel(t, 'warning'));
    store.insertAnomalies(judged);
    const watch = { kind: 'watch', confirmed: () => true };
    const config = feedbackConfigSchema.parse({ kind_noise_min: 3 });
    const make = () => createFeedback({ store, clock, config, detectors: [watch] });
    const first = make();
    for (const a of judged) first.service.give(a.id, { verdict: 'noise' });
    expect(first.policy.apply([novel(10, 'warning')])).toEqual([]);
    const restarted = make();
    restarted.service.loadPolicy();
    expect(restarted.policy.apply([novel(11, 'warning')])).toEqual([]);
    expect(restarted.policy.stats.held).toBe(1);
    // Only at the severity judged: an error-level new type is reported.
    expect(restarted.policy.apply([novel(12, 'error')])).toHaveLength(1);
    store.close();
  });
});

describe('policy before the detectors (the service brings them)', () => {
  it('a policy built without detectors filters at once; `learn` given and reloaded through the service reaches the detectors it was handed', () => {
    const a = anomaly();
    const n = anomaly({ id: 'n1', detector: 'novelty', explanation: [{ feature: 'new_template', templateId: 7, template: 'disk <*> failed', observed: 1, expected: 0, contribution: 9 }] });
    const rows: never[] = [];
    const store = {
      getAnomaly: (id: string) => [a, n].find((x) => x.id === id),
      feedback: {
        add: (f: object) => {
          rows.unshift({ ...f, id: rows.length + 1, createdAt: 0 } as never);
          return rows[0];
        },
        forAnomaly: () => [],
        query: () => ({ feedback: [], next: null }) as never,
        latestPerFingerprint: () => rows,
      },
    };
    const taken: string[] = [];
    const watched: boolean[] = [];
    const detector = (kind: string) => ({ kind, learnAsNormal: () => (taken.push(kind), true), confirmed: (w: { on: boolean }) => (watched.push(w.on), true) });
    const config = feedbackConfigSchema.parse({});
    const policy = createFeedbackPolicy(config, new ManualClock(0));
    expect(policy.apply([a])).toEqual([a]);
    createFeedback({ store, clock: new ManualClock(0), config, policy, detectors: [detector('novelty'), detector('rate')] }).service.give(a.id, { verdict: 'learn' });
    expect(taken).toEqual(['rate']);
    expect(policy.stats.learned).toBe(1);
    expect(policy.ruleOf(fingerprintOf(a))?.verdict).toBe('learn');
    // A rate spike is about volume: no watch rule either way (policy.ts \`watch\`).
    expect(watched).toEqual([]);
    // Restart: a new policy, the stored learn re-applied to the new service's detectors.
    const restarted = createFeedbackPolicy(config, new ManualClock(0));
    createFeedback({ store, clock: new ManualClock(0), config, policy: restarted, detectors: [detector('rate')] }).service.loadPolicy();
    expect(taken).toEqual(['rate', 'rate']);
    // Without detectors, `learn` cannot be taken: the fingerprint is suppressed instead.
    const none = createFeedbackPolicy(config, new ManualClock(0));
    createFeedback({ store, clock: new ManualClock(0), config, policy: none, detectors: [] }).service.loadPolicy();
    expect(none.apply([anomaly()])).toEqual([]);
    // `real` on a spike: still no watch. On a new message type: the service's detectors watch for it,
    // and every detector it was handed hears of a `learn` on it (not a problem to watch for any more).
    const later = createFeedback({ store, clock: new ManualClock(0), config, policy: restarted, detectors: [detector('rate'), detector('watch')] }).service;
    later.give(a.id, { verdict: 'real' });
    expect(watched).toEqual([]);
    later.give(n.id, { verdict: 'real' });
    expect(watched).toEqual([true, true]);
    later.give(n.id, { verdict: 'learn' });
    expect(watched).toEqual([true, true, false, false]);
  });
});
