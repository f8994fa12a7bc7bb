import { describe, expect, it } from 'vitest';
import { fb } from '../../test/harness/feedback.js';
import { ManualClock } from '../core/clock.js';
import type { Confirmed } from '../core/detector.js';
import type { Anomaly } from '../core/event.js';
import { createWatch } from '../detectors/watch/index.js';
import { mergeIntoWatch } from './one-alarm.js';
import { FeedbackPolicy } from './policy.js';

const TEMPLATE = 'ciod: Error creating node map from file <PATH>: No child processes';
const T = Date.UTC(2005, 5, 30, 23, 22, 44);

const novelty = (feature: 'new_template' | 'new_message', over: Partial<Anomaly> = {}): Anomaly => ({
  id: `n-${feature}`,
  ts: T,
  source: 'bgl',
  detector: 'novelty',
  score: 9,
  severity: 'error',
  title: `New message on bgl: '${TEMPLATE}'.`,
  explanation: [{ feature, templateId: 67, template: TEMPLATE, observed: 1, expected: 0, contribution: 9 }],
  context: [],
  templateId: 67,
  ...over,
});

const watchReport = (over: Partial<Anomaly> = {}): Anomaly => ({
  ...novelty('new_message'),
  id: 'w67',
  detector: 'watch',
  title: `Confirmed problem again on bgl: '${TEMPLATE}'.`,
  explanation: [{ feature: 'confirmed_template', templateId: 67, template: TEMPLATE, observed: 1, expected: 0, contribution: 1 }],
  ...over,
});

describe('one line, one alarm: the watch report of a message another detector reports in the same batch is dropped', () => {
  it('keeps the other report at the higher severity; other sources, other templates and volume reports stay', () => {
    const spike: Anomaly = { ...novelty('new_message'), id: 'r67', detector: 'rate', explanation: [{ feature: 'template_spike', templateId: 67, observed: 40, expected: 1, contribution: 5 }] };
    const elsewhere = watchReport({ id: 'w67-web', source: 'web' });
    const other = watchReport({ id: 'w68', templateId: 68, explanation: [{ feature: 'confirmed_template', templateId: 68, template: 'x', observed: 1, expected: 0, contribution: 1 }] });
    const news = novelty('new_message', { severity: 'warning' });
    const { kept, merged } = mergeIntoWatch([watchReport({ severity: 'critical' }), news, spike, elsewhere, other]);
    expect(kept.map((a) => a.id)).toEqual(['n-new_message', 'r67', 'w67-web', 'w68']);
    expect(merged).toBe(1);
    expect(news.severity).toBe('critical');
    // Without a presence report about it, the watch report is the alarm.
    expect(mergeIntoWatch([watchReport(), spike]).kept.map((a) => a.id)).toEqual(['w67', 'r67']);
    // A model window names its message in its first explanation.
    const window: Anomaly = { ...novelty('new_message'), id: 'm', detector: 'model', templateId: undefined, explanation: [{ feature: 'T67', templateId: 67, template: TEMPLATE, observed: 6, expected: 0.01, contribution: 1 }] };
    expect(mergeIntoWatch([watchReport(), window]).kept.map((a) => a.id)).toEqual(['m']);
  });

  it('through the policy with the real watch detector: one alarm, and its answer takes the watch back as the dropped report would', () => {
    const watch = createWatch();
    const told: Confirmed[] = [];
    const spy = { kind: 'watch', confirmed: (w: Confirmed) => (told.push(w), watch.confirmed(w)) };
    const p = new FeedbackPolicy({ clock: new ManualClock(0), detectors: [spy] });
    // Confirmed a week earlier.
    p.give(fb(novelty('new_template', { ts: T - 7 * 86_400_000 }), 'real'));
    expect(watch.stats.confirmed).toBe(1);
    // The template comes back with a never-seen parameter: novelty and the watch both report the line.
    const line = { ts: T, source: 'bgl', message: 'm', raw: 'm', templateId: 67, template: TEMPLATE, params: [] };
    const found = [...watch.observe([line]), novelty('new_message')];
    expect(found.map((a) => a.detector)).toEqual(['watch', 'novelty']);
    const kept = p.apply(found);
    // Novelty's report is raised for being about a confirmed problem, and it is the only alarm.
    expect(kept.map((a) => [a.detector, a.severity])).toEqual([['novelty', 'critical']]);
    expect(p.stats.merged).toBe(1);
    // The person dismisses it: the watch detector takes the template back, as a verdict on its own report would.
    p.give(fb(kept[0], 'noise'));
    expect(told.at(-1)).toMatchObject({ source: 'bgl', templateId: 67, on: false });
    expect(watch.observe([{ ...line, ts: T + 5 * 3_600_000 }])).toEqual([]);
  });
});
