import { describe, expect, it } from 'vitest';
import { anomaly, fb } from '../../test/harness/feedback.js';
import { ManualClock } from '../core/clock.js';
import type { Anomaly } from '../core/event.js';
import { createNovelty } from '../detectors/novelty/index.js';
import { createParams } from '../detectors/params/index.js';
import { createRate } from '../detectors/rate/index.js';
import { EventFactory, hdfsReplay } from '../../test/harness/log-streams.js';
import { FeedbackPolicy } from './policy.js';
import { fingerprintOf, titleShape } from './fingerprint.js';
import { parseDuration } from './duration.js';
import { feedbackBodySchema } from './service.js';

describe('fingerprints and durations', () => {
  it('ignores numbers in title shapes and separates detector, source and template', () => {
    expect(titleShape('Source api went silent: no events for 3 intervals of 60 s, about 12.5 expected.')).toBe(
      'Source api went silent: no events for # intervals of # s, about #.# expected.',
    );
    const silent = (n: number) => anomaly({ templateId: undefined, title: `Source api went silent: no events for ${n} intervals of 60 s.` });
    expect(fingerprintOf(silent(3))).toBe(fingerprintOf(silent(14)));
    expect(fingerprintOf(anomaly())).not.toBe(fingerprintOf(anomaly({ templateId: 8 })));
    expect(fingerprintOf(anomaly())).not.toBe(fingerprintOf(anomaly({ source: 'web' })));
    expect(fingerprintOf(anomaly())).not.toBe(fingerprintOf(anomaly({ detector: 'params' })));
  });

  it('parses durations strictly', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    for (const bad of ['', '0h', '1.5h', '2 h', '2hours', '-1d', 'h']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('validates the request body strictly, naming the field', () => {
    expect(feedbackBodySchema.safeParse({ verdict: 'mute', muteFor: '2h', user: 'ana', comment: 'deploy' }).success).toBe(true);
    const issue = (b: unknown) => {
      const r = feedbackBodySchema.safeParse(b);
      return r.success ? undefined : r.error.issues[0].path.join('.') || (r.error.issues[0] as { keys?: string[] }).keys?.join(',');
    };
    expect(issue({ verdict: 'maybe' })).toBe('verdict');
    expect(issue({})).toBe('verdict');
    expect(issue({ verdict: 'mute', muteFor: 'soon' })).toBe('muteFor');
    expect(issue({ verdict: 'noise', muteFor: '2h' })).toBe('muteFor');
    expect(issue({ verdict: 'noise', extra: 1 })).toBe('extra');
    expect(issue({ verdict: 'noise', comment: 'x'.repeat(2001) })).toBe('comment');
  });
});

describe('FeedbackPolicy', () => {
  it('noise suppresses the same fingerprint and not others, and counts it', () => {
    const clock = new ManualClock(0);
    const p = new FeedbackPolicy({ clock });
    const a = anomaly();
    p.give(fb(a, 'noise'));
    const other = anomaly({ id: 'b', templateId: 8 });
    const elsewhere = anomaly({ id: 'c', source: 'web' });
    const again = anomaly({ id: 'a2', ts: 5000, title: 'Spike of x on api: 90 events in 60 s, about 3 expected.' });
    expect(p.apply([again, other, elsewhere]).map((x) => x.id)).toEqual(['b', 'c']);
    expect(p.stats.suppressed).toBe(1);
    expect(p.ruleOf(fingerprintOf(a))).toMatchObject({ verdict: 'noise', hits: 1 });
  });

  it('mute suppresses until the clock passes its end, then lets anomalies through', () => {
    const clock = new ManualClock(10_000);
    const p = new FeedbackPolicy({ clock });
    const a = anomaly();
    p.give(fb(a, 'mute', { muteUntil: 10_000 + 7_200_000 }));
    expect(p.apply([anomaly({ id: 'x1' })])).toEqual([]);
    clock.advance(7_200_000 - 1);
    expect(p.apply([anomaly({ id: 'x2' })])).toEqual([]);
    clock.advance(1);
    expect(p.apply([anomaly({ id: 'x3' })]).map((x) => x.id)).toEqual(['x3']);
    expect(p.ruleOf(fingerprintOf(a))).toBeUndefined();
    expect(p.stats.suppressed).toBe(2);
  });

  it('an already expired mute (restart after its end) is no rule', () => {
    const clock = new ManualClock(50_000);
    const p = new FeedbackPolicy({ clock });
    p.load([fb(anomaly(), 'mute', { muteUntil: 40_000 })]);
    expect(p.stats.rules).toBe(0);
    expect(p.apply([anomaly()])).toHaveLength(1);
  });

  it('real raises the severity of the same fingerprint and of the same template from other detectors', () => {
    const p = new FeedbackPolicy({ clock: new ManualClock(0) });
    p.give(fb(anomaly(), 'real'));
    const [same, params, unrelated] = p.apply([
      anomaly({ id: 's', severity: 'warning' }),
      anomaly({ id: 'p', detector: 'params', severity: 'error' }),
      anomaly({ id: 'u', templateId: 99, severity: 'warning' }),
    ]);
    expect(same.severity).toBe('error');
    expect(params.severity).toBe('critical');
    expect(unrelated.severity).toBe('warning');
    expect(p.apply([anomaly({ severity: 'critical' })])[0].severity).toBe('critical');
    expect(p.stats.raised).toBe(2);
  });

  it('the newest verdict of a fingerprint wins (load replays oldest first)', () => {
    const p = new FeedbackPolicy({ clock: new ManualClock(0) });
    const a = anomaly();
    p.load([fb(a, 'real'), fb(a, 'noise')]); // newest first
    expect(p.apply([anomaly({ severity: 'warning' })])[0].severity).toBe('error');
    p.give(fb(a, 'noise'));
    expect(p.apply([anomaly()])).toEqual([]);
  });

  it('keeps at most maxRules rules, dropping the oldest', () => {
    const p = new FeedbackPolicy({ clock: new ManualClock(0), maxRules: 2 });
    for (const t of [1, 2, 3]) p.give(fb(anomaly({ templateId: t }), 'noise'));
    expect(p.stats.rules).toBe(2);
    expect(p.apply([anomaly({ templateId: 1 }), anomaly({ id: 'k', templateId: 3 })]).map((x) => x.templateId)).toEqual([1]);
  });

  it('a kind mostly marked noise (rate/params) is suppressed for its source, except templates marked real', () => {
    const p = new FeedbackPolicy({ clock: new ManualClock(0), kindNoiseMin: 3, kindNoiseShare: 0.7 });
    const spike = (t: number, over: Partial<Anomaly> = {}) => anomaly({ id: `s${t}`, templateId: t, explanation: [{ feature: 'template_spike', templateId: t, observed: 9, expected: 1, contribution: 3 }], ...over });
    p.give(fb(spike(1), 'noise'));
    p.give(fb(spike(2), 'noise'));
    expect(p.apply([spike(50)])).toHaveLength(1); // 2 noise fingerprints: below the minimum
    p.give(fb(spike(3), 'noise'));
    p.give(fb(spike(9), 'real'));
    // 3 of 4 judged fingerprints are noise (0.75 ≥ 0.7): an unjudged template's spike is suppressed…
    expect(p.apply([spike(50)])).toEqual([]);
    expect(p.stats.suppressedByKind).toBe(1);
    // …but not the template marked real, another kind, another source, or novelty.
    const kept = p.apply([
      spike(9),
      spike(51, { explanation: [{ feature: 'template_drop', templateId: 51, observed: 0, expected: 9, contribution: 3 }] }),
      spike(52, { source: 'web' }),
      spike(53, { detector: 'novelty' }),
    ]);
    expect(kept.map((x) => x.id)).toEqual(['s9', 's51', 's52', 's53']);
    // One more real tips the share below 0.7 (3 of 5): the kind is no longer suppressed.
    p.give(fb(spike(10), 'real'));
    expect(p.apply([spike(60)])).toHaveLength(1);
    // Never for novelty, however much noise.
    const q = new FeedbackPolicy({ clock: new ManualClock(0), kindNoiseMin: 1 });
    for (const t of [1, 2, 3]) q.give(fb(anomaly({ detector: 'novelty', templateId: t, explanation: [{ feature: 'new_template', observed: 1, expected: 0, contribution: 1 }] }), 'noise'));
    expect(q.apply([anomaly({ detector: 'novelty', templateId: 4, explanation: [{ feature: 'new_template', observed: 1, expected: 0, contribution: 1 }] })])).toHaveLength(1);
  });

  it('a new template close to one marked noise is suppressed, close to one marked real raised; others kept', () => {
    const p = new FeedbackPolicy({ clock: new ManualClock(0), similarShare: 0.8 });
    const novel = (t: number, template: string, over: Partial<Anomaly> = {}) =>
      anomaly({ id: `n${t}`, detector: 'novelty', templateId: t, severity: 'warning', explanation: [{ feature: 'new_template', templateId: t, template, observed: 1, expected: 0, contribution: 5 }], ...over });
    const coord = (axis: string) => `ciod: ${axis} coordinate <NUM> exceeds physical dimension <NUM> at line <NUM> of node map file <PATH>`;
    const header = (what: string) => `rts: kernel terminated for reason <ID>: bad message header: ${what} <NUM>`;
    p.give({ ...fb(novel(1, coord('Y')), 'noise'), template: coord('Y') });
    p.give({ ...fb(novel(2, header('invalid cpu')), 'real'), template: header('invalid cpu') });
    const kept = p.apply([novel(3, coord('Z')), novel(4, header('invalid type')), novel(5, 'Power deactivated: <ID>'), novel(6, coord('Z'), { source: 'web' })]);
    expect(kept.map((a) => [a.id, a.severity])).toEqual([
      ['n4', 'error'],
      ['n5', 'warning'],
      ['n6', 'warning'],
    ]);
    expect(p.stats).toMatchObject({ suppressedBySimilar: 1, suppressed: 1, raised: 1 });
    // Any anomaly of the same detector about a close message type is judged alike (a rare one here)…
    expect(p.apply([novel(7, coord('T'), { explanation: [{ feature: 'rare_template', templateId: 7, template: coord('T'), observed: 1, expected: 3, contribution: 2 }] })])).toHaveLength(0);
    // …but not another detector's, and never params' (a value at a position, not the message).
    expect(p.apply([novel(8, coord('T'), { detector: 'rate', explanation: [{ feature: 'template_spike', templateId: 8, template: coord('T'), observed: 9, expected: 1, contribution: 2 }] })])).toHaveLength(1);
    p.give({ ...fb(novel(9, coord('Q'), { detector: 'params', explanation: [{ feature: 'param_1', templateId: 9, template: coord('Q'), observed: 9, expected: 1, contribution: 2 }] }), 'noise'), template: coord('Q') });
    expect(p.apply([novel(10, coord('R'), { detector: 'params', explanation: [{ feature: 'param_1', templateId: 10, template: coord('R'), observed: 9, expected: 1, contribution: 2 }] })])).toHaveLength(1);
    // Off with share 0.
    const off = new FeedbackPolicy({ clock: new ManualClock(0) });
    off.give({ ...fb(novel(1, coord('Y')), 'noise'), template: coord('Y') });
    expect(off.apply([novel(3, coord('Z'))])).toHaveLength(1);
  });

  it('learn makes novelty stop flagging the template (new and rare), other templates still flagged', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 300, meanGapMs: 100 });
    const novelty = createNovelty({ warmup_events: 100, rare_count: 3, rare_half_life_events: 50 });
    const p = new FeedbackPolicy({ clock: new ManualClock(0), detectors: [novelty] });
    novelty.observe(normal);
    const t = normal[normal.length - 1].ts;
    const line = 'BLOCK* ask 10.250.18.114:50010 to delete  blk_-5140072410813878235';
    const first = p.apply(novelty.observe([f.event(line, t + 1)]));
    expect(first).toHaveLength(1);
    p.give(fb(first[0], 'learn'));
    expect(p.stats.learned).toBe(1);
    expect(p.ruleOf(fingerprintOf(first[0]))?.verdict).toBe('learn');
    // Long after (the template is rare again): not flagged; a different new template still is.
    novelty.observe(hdfsReplay(f, { count: 300, meanGapMs: 100, start: t + 10, seed: 3 }));
    const later = novelty.observe([f.event(line.replace('18.114', '18.9'), t + 60_000)]);
    expect(later).toEqual([]);
    const fresh = novelty.observe([f.event('10.250.15.198:50010 Starting thread to transfer block blk_42 to 10.250.15.240:50010', t + 60_001)]);
    expect(fresh).toHaveLength(1);
    // Without the learn, the same replay flags the rare template again.
    const control = createNovelty({ warmup_events: 100, rare_count: 3, rare_half_life_events: 50 });
    const g = new EventFactory();
    control.observe(hdfsReplay(g, { count: 300, meanGapMs: 100 }));
    control.observe([g.event(line, t + 1)]);
    control.observe(hdfsReplay(g, { count: 300, meanGapMs: 100, start: t + 10, seed: 3 }));
    expect(control.observe([g.event(line.replace('18.114', '18.9'), t + 60_000)])).toHaveLength(1);
  });

  it('noise on a model anomaly also hands the window to the model as normal; on rate it does not', () => {
    const taken: string[] = [];
    const fake = (kind: string) => ({ kind, observe: () => [], tick: () => [], snapshot: () => ({ kind, version: 1, data: {} }), restore: () => {}, learnAsNormal: () => (taken.push(kind), true) });
    const p = new FeedbackPolicy({ clock: new ManualClock(0), detectors: [fake('model'), fake('rate')] });
    const m = anomaly({ detector: 'model', templateId: undefined, title: 'Window 1 deviates.' });
    p.give(fb(m, 'noise'));
    p.give(fb(anomaly(), 'noise'));
    expect(taken).toEqual(['model']);
    expect(p.ruleOf(fingerprintOf(m))?.verdict).toBe('noise');
  });

  it('load re-applies stored learn feedback to a restarted detector (restored from its snapshot)', () => {
    const f = new EventFactory();
    const normal = hdfsReplay(f, { count: 300, meanGapMs: 100 });
    const cfg = { warmup_events: 100, rare_count: 3, rare_half_life_events: 50 };
    const before = createNovelty(cfg);
    before.observe(normal);
    const t = normal[normal.length - 1].ts;
    const line = 'BLOCK* ask 10.250.18.114:50010 to delete  blk_-5140072410813878235';
    const [a] = before.observe([f.event(line, t + 1)]);
    const later = hdfsReplay(f, { count: 300, meanGapMs: 100, start: t + 10, seed: 3 });
    before.observe(later);
    const snap = before.snapshot();
    const again = () => f.event(line.replace('18.114', '18.7'), t + 90_000);
    // Restarted without feedback: the rare template is flagged.
    const plain = createNovelty(cfg);
    plain.restore(snap);
    expect(plain.observe([again()])).toHaveLength(1);
    // Restarted and the stored learn re-applied: not flagged.
    const restarted = createNovelty(cfg);
    restarted.restore(snap);
    const p = new FeedbackPolicy({ clock: new ManualClock(0), detectors: [restarted] });
    p.load([fb(a, 'learn')]);
    expect(p.stats.learned).toBe(1);
    expect(restarted.observe([again()])).toEqual([]);
  });

  it('learn on a detector that cannot take it suppresses the fingerprint instead', () => {
    const p = new FeedbackPolicy({ clock: new ManualClock(0), detectors: [] });
    const a = anomaly({ detector: 'model', templateId: undefined, title: 'Window 2005 deviates (score 3.2).' });
    p.give(fb(a, 'learn'));
    expect(p.ruleOf(fingerprintOf(a))?.verdict).toBe('noise');
    expect(p.apply([anomaly({ detector: 'model', templateId: undefined, title: 'Window 2006 deviates (score 4.9).' })])).toEqual([]);
  });
});

describe('learnAsNormal in rate and params', () => {
  it('rate accepts a learned template spike level (with headroom) but not a much larger one', () => {
    const rate = createRate({ interval_seconds: 1, warmup_intervals: 5, allowed_lateness_seconds: 0, seasonal: false });
    const f = new EventFactory();
    const ev = (n: number, sec: number) => Array.from({ length: n }, (_, i) => f.event('PacketResponder 1 for block blk_1 terminating', sec * 1000 + i));
    const run = (counts: number[], from: number) => counts.flatMap((n, i) => [...rate.observe(ev(n, from + i)), ...rate.tick((from + i + 1) * 1000)]);
    run(Array(30).fill(3), 0);
    const spike = run([40], 30).find((a) => a.templateId !== undefined);
    expect(spike).toBeDefined();
    expect(rate.learnAsNormal({ source: spike!.source, templateId: spike!.templateId, feature: 'template_spike', observed: 40 })).toBe(true);
    // The source-level spike is a separate fingerprint; only template spikes are checked here.
    run(Array(30).fill(3), 31);
    expect(run([45], 61).filter((a) => a.templateId !== undefined)).toEqual([]);
    run(Array(30).fill(3), 62);
    expect(run([400], 92).filter((a) => a.templateId !== undefined)).toHaveLength(1);
    expect(rate.learnAsNormal({ source: 'x', feature: 'new_template' })).toBe(false);
  });

  it('params accepts values up to the learned one', () => {
    const params = createParams({ min_samples: 10 });
    const f = new EventFactory();
    const line = (ms: number) => `served request 12 in ${ms}ms`;
    params.observe(Array.from({ length: 50 }, (_, i) => f.event(line(50 + (i % 5)), i * 1000)));
    const high = params.observe([f.event(line(900), 100_000)]);
    expect(high).toHaveLength(1);
    const a = high[0];
    expect(params.learnAsNormal({ source: a.source, templateId: a.templateId, feature: a.explanation[0].feature, observed: a.explanation[0].observed })).toBe(true);
    expect(params.observe([f.event(line(850), 200_000)])).toEqual([]);
    expect(params.observe([f.event(line(90_000), 300_000)])).toHaveLength(1);
  });
});
