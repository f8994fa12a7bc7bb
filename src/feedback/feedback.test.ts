import { describe, expect, it } from 'vitest';
import { fb } from '../../test/harness/feedback.js';
import { ManualClock } from '../core/clock.js';
import type { Anomaly } from '../core/event.js';
import { createNovelty } from '../detectors/novelty/index.js';
import { createParams } from '../detectors/params/index.js';
import { createRate } from '../detectors/rate/index.js';
import { EventFactory, hdfsReplay } from '../../test/harness/log-streams.js';
import { FeedbackPolicy } from './policy.js';
import { fingerprintOf, titleShape } from './fingerprint.js';
import { parseDuration } from './duration.js';
import { feedbackConfigSchema } from './config.js';
import { feedbackBodySchema, FeedbackService } from './service.js';
import { createFeedback, createFeedbackPolicy } from './index.js';
import { openStore } from '../store/index.js';

const anomaly = (over: Partial<Anomaly> = {}): Anomaly => ({
  id: 'a1',
  ts: 1000,
  source: 'api',
  detector: 'rate',
  score: 9,
  severity: 'warning',
  title: 'Spike of x on api: 40 events in 60 s, about 3 expected.',
  explanation: [{ feature: 'template_spike', templateId: 7, observed: 40, expected: 3, contribution: 9 }],
  context: [],
  templateId: 7,
  ...over,
});

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
