import { describe, expect, it } from 'vitest';
import { fb } from '../../test/harness/feedback.js';
import { ManualClock } from '../core/clock.js';
import type { Confirmed, LearnAsNormal } from '../core/detector.js';
import type { Anomaly } from '../core/event.js';
import { createWatch } from '../detectors/watch/index.js';
import { feedbackConfigSchema } from './config.js';
import { FeedbackPolicy, judgedAs } from './policy.js';

/** What a dismissal teaches beyond its own fingerprint: the message's presence across detectors, and the source. */

const novel = (t: number, template: string, over: Partial<Anomaly> = {}): Anomaly => ({
  id: `n${t}`,
  ts: 1000 * t,
  source: 'bgl',
  detector: 'novelty',
  score: 10,
  severity: 'error',
  title: `New message type on bgl: '${template}'.`,
  explanation: [{ feature: 'new_template', templateId: t, template, observed: 1, expected: 0, contribution: 10 }],
  context: [],
  templateId: t,
  ...over,
});

const window = (t: number, template: string): Anomaly => ({
  ...novel(t, template),
  id: `w${t}`,
  detector: 'model',
  templateId: undefined,
  title: `Window 10:0${t} looks unusual: '${template}' seen 6 times.`,
  explanation: [{ feature: `T${t}`, templateId: t, template, observed: 6, expected: 0.001, contribution: 1 }],
});

/** A stand-in for the watch detector that records what it is told. */
function recorder(): { kind: string; told: Confirmed[]; confirmed(w: Confirmed): boolean } {
  const told: Confirmed[] = [];
  return { kind: 'watch', told, confirmed: (w) => (told.push(w), true) };
}

describe('a dismissed message type is judged by its presence, across detectors', () => {
  it('novelty, model and sequence share verdicts; rate (volume) and params (values) keep their own', () => {
    expect(['novelty', 'model', 'sequence', 'watch'].map(judgedAs)).toEqual(['presence', 'presence', 'presence', 'presence']);
    expect(['rate', 'params'].map(judgedAs)).toEqual(['rate', 'params']);
    const p = new FeedbackPolicy({ clock: new ManualClock(0), similarWordsShare: 0.5 });
    p.give(fb(novel(10, 'machine state register: <HEX>'), 'noise'));
    // The model's window about the dismissed message type is the same question: suppressed.
    expect(p.apply([window(10, 'machine state register: <HEX>')])).toEqual([]);
    // A rate spike of it is another question (a flood of a harmless message): kept.
    const spike: Anomaly = { ...novel(10, 'machine state register: <HEX>'), id: 'r10', detector: 'rate', explanation: [{ feature: 'template_spike', templateId: 10, template: 'machine state register: <HEX>', observed: 40, expected: 1, contribution: 5 }] };
    expect(p.apply([spike])).toHaveLength(1);
    // And the other way round: a model window confirmed real keeps novelty's anomaly about that message (raised).
    p.give(fb(window(11, 'data TLB error interrupt'), 'real'));
    const kept = p.apply([novel(11, 'data TLB error interrupt', { severity: 'warning' })]);
    expect(kept.map((a) => a.severity)).toEqual(['error']);
  });
});

describe('a model window suppressed as noise still teaches the model', () => {
  it('a window dropped by a noise rule or as close to a judged message joins its training data, as the noise answer it stands for', () => {
    const learned: LearnAsNormal[] = [];
    const model = { kind: 'model', learnAsNormal: (w: LearnAsNormal) => (learned.push(w), true) };
    const p = new FeedbackPolicy({ clock: new ManualClock(0), similarWordsShare: 0.5, kindNoiseMin: 0, detectors: [model] });
    // The answer itself trains (the window the person saw, with the count they saw).
    p.give(fb(window(10, 'machine state register: <HEX>'), 'noise'));
    expect(learned).toEqual([{ source: 'bgl', feature: 'T10', observed: 6 }]);
    // A later window with the same fingerprint, and one about a close variant, are suppressed — and learned.
    expect(p.apply([window(10, 'machine state register: <HEX>'), window(12, 'machine state register <HEX> again')])).toEqual([]);
    expect(learned.slice(1)).toEqual([
      { source: 'bgl', feature: 'T10', observed: 6 },
      { source: 'bgl', feature: 'T12', observed: 6 },
    ]);
    // A mute hides for a while but teaches nothing, and novelty's anomalies are not training data.
    const q = new FeedbackPolicy({ clock: new ManualClock(0), detectors: [model] });
    q.give({ ...fb(window(20, 'other'), 'mute'), muteUntil: 10_000 });
    q.give(fb(novel(21, 'nothing to train'), 'noise'));
    learned.length = 0;
    expect(q.apply([window(20, 'other'), novel(21, 'nothing to train')])).toEqual([]);
    expect(learned).toEqual([]);
  });
});

describe('a source whose new message types a person mostly dismisses holds them back (hold_new_share)', () => {
  const mk = (share = 0.5, min = 3) => {
    const watch = recorder();
    const p = new FeedbackPolicy({ clock: new ManualClock(0), kindNoiseMin: min, holdNewShare: share, similarWordsShare: 0.5, detectors: [watch] });
    return { p, watch };
  };

  it('holds a new message type once most judged first sightings were dismissed, and hands it to the watch detector', () => {
    const { p, watch } = mk();
    p.give(fb(novel(1, 'alpha one'), 'noise'));
    p.give(fb(novel(2, 'beta two'), 'noise'));
    p.give(fb(novel(3, 'gamma three'), 'real'));
    // 2 noise: below the minimum of 3, reported as usual.
    expect(p.apply([novel(4, 'delta four')])).toHaveLength(1);
    p.give(fb(novel(4, 'delta four'), 'noise'));
    // 3 noise of 4 judged (at least half): held.
    expect(p.apply([novel(5, 'epsilon five', { ts: 77_000 })])).toEqual([]);
    expect(watch.told.filter((w) => w.held === true)).toEqual([{ source: 'bgl', templateId: 5, template: 'epsilon five', on: true, held: true, since: 77_000, severity: 'error' }]);
    expect(p.stats).toMatchObject({ held: 1, suppressed: 1 });
    // Only first sightings: a new message of a known type, and other sources, are reported as usual.
    expect(p.apply([novel(6, 'zeta six', { explanation: [{ feature: 'new_message', templateId: 6, template: 'zeta six', observed: 1, expected: 0, contribution: 3 }] })])).toHaveLength(1);
    expect(p.apply([novel(7, 'eta seven', { source: 'web' })])).toHaveLength(1);
    // A type close to one confirmed real is never held.
    expect(p.apply([novel(8, 'gamma three again')])).toHaveLength(1);
    const view = p.describe().kinds.find((k) => k.detector === 'novelty');
    expect(view).toEqual({ detector: 'novelty', source: 'bgl', feature: 'new_template', severity: 'error', noise: 3, real: 1, suppressing: false, holding: true });
  });

  it('counts each severity on its own: dismissed warnings hold the next warning, half-confirmed errors keep the next error reported', () => {
    const { p, watch } = mk(0.8, 3);
    for (const t of [1, 2, 3]) p.give(fb(novel(t, `warning type ${'w'.repeat(t)}`, { severity: 'warning' }), 'noise'));
    for (const t of [4, 5]) p.give(fb(novel(t, `error type ${'e'.repeat(t)}`), 'noise'));
    for (const t of [6, 7]) p.give(fb(novel(t, `failure kind ${'f'.repeat(t)}`), 'real'));
    // Over the whole source, 5 noise of 7 judged is below 0.8: nothing would be held. Per severity,
    // the warnings (3 of 3 dismissed) hold; the errors (2 of 4) do not.
    expect(p.apply([novel(8, 'cable missing on link card', { severity: 'warning' })])).toEqual([]);
    expect(watch.told.filter((w) => w.held === true).map((w) => w.templateId)).toEqual([8]);
    expect(p.apply([novel(9, 'parity error in read queue <ID>')])).toHaveLength(1);
    // A severity nobody judged yet is reported.
    expect(p.apply([novel(10, 'temperature over limit', { severity: 'critical' })])).toHaveLength(1);
    expect(p.describe().kinds.filter((k) => k.detector === 'novelty').map((k) => [k.severity, k.noise, k.real, k.holding])).toEqual([
      ['warning', 3, 0, true],
      ['error', 2, 2, false],
    ]);
    // A verdict that does not say the severity (a stored row whose anomaly is gone) is not counted.
    const q = mk(0.8, 1).p;
    q.give({ ...fb(novel(1, 'alpha one', { severity: 'warning' }), 'noise'), severity: undefined });
    expect(q.apply([novel(2, 'beta two', { severity: 'warning' })])).toHaveLength(1);
  });

  it("real verdicts tip the share back, a held report's answer counts, and 0 disables it", () => {
    const { p } = mk();
    for (const t of [1, 2, 3]) p.give(fb(novel(t, `noise message ${'x'.repeat(t)}`), 'noise'));
    expect(p.apply([novel(4, 'four')])).toEqual([]);
    // The held type came back, was reported by the watch detector and confirmed: 3 noise of 7 judged is less than half.
    const back: Anomaly = { ...novel(4, 'four'), id: 'h4', detector: 'watch', explanation: [{ feature: 'held_new_template', templateId: 4, template: 'four', observed: 1, expected: 0, contribution: 1 }] };
    p.give(fb(back, 'real'));
    p.give(fb(novel(5, 'five'), 'real'));
    p.give(fb(novel(6, 'six'), 'real'));
    // 3 of 6: still half.
    expect(p.apply([novel(7, 'seven')])).toEqual([]);
    p.give(fb(novel(8, 'eight'), 'real'));
    expect(p.apply([novel(9, 'nine')])).toHaveLength(1);
    const off = mk(0).p;
    for (const t of [1, 2, 3, 4]) off.give(fb(novel(t, `noise message ${'x'.repeat(t)}`), 'noise'));
    expect(off.apply([novel(10, 'ten')])).toHaveLength(1);
    expect(off.describe().kinds).toEqual([]);
  });

  it('with the real watch detector: the held type is reported only when it comes back after an hour of quiet, once per return', () => {
    const watch = createWatch();
    const p = new FeedbackPolicy({ clock: new ManualClock(0), kindNoiseMin: 1, holdNewShare: 0.5, detectors: [watch] });
    p.give(fb(novel(1, 'alpha one'), 'noise'));
    const T = Date.UTC(2026, 0, 5, 10);
    expect(p.apply([novel(2, 'fraction inexact <NUM>', { ts: T })])).toEqual([]);
    const line = (ts: number) => ({ ts, source: 'bgl', message: 'fraction inexact 3', raw: 'fraction inexact 3', templateId: 2, template: 'fraction inexact <NUM>', params: ['3'] });
    // The rest of its first burst: nothing.
    expect(watch.observe([line(T + 1000), line(T + 30 * 60_000)])).toEqual([]);
    // Back after more than an hour of quiet: one report; the rest of that burst, even hours of it, nothing more.
    const back = watch.observe([line(T + 3 * 3_600_000), line(T + 3 * 3_600_000 + 50 * 60_000), line(T + 4 * 3_600_000 + 40 * 60_000)]);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ detector: 'watch', templateId: 2, severity: 'error', explanation: [{ feature: 'held_new_template' }] });
    expect(back[0].title).toBe("New message type back on bgl: 'fraction inexact <NUM>', first seen 2026-01-05 10:00 UTC; held until now because new message types of this source are mostly dismissed.");
    // Dismissed: never reported again.
    p.give(fb(back[0], 'noise'));
    expect(watch.observe([line(T + 9 * 3_600_000)])).toEqual([]);
  });
});

it("hold_new_share defaults to the kind rule's bar, 0.8", () => {
  const c = feedbackConfigSchema.parse({});
  expect(c.hold_new_share).toBe(c.kind_noise_share);
  expect(c.hold_new_share).toBe(0.8);
});
