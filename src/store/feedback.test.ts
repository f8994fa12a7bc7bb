import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { Anomaly } from '../core/event.js';
import type { NewFeedback } from './feedback.js';
import { openStore } from './store.js';

const anomaly = (id: string, ts: number): Anomaly => ({ id, ts, source: 'api', detector: 'novelty', score: 1, severity: 'warning', title: `A ${id}.`, explanation: [], context: [], templateId: 3 });
const fb = (anomalyId: string, verdict: NewFeedback['verdict'], over: Partial<NewFeedback> = {}): NewFeedback => ({
  anomalyId,
  verdict,
  fingerprint: `novelty\u0000api\u0000t:${anomalyId}`,
  detector: 'novelty',
  source: 'api',
  ...over,
});

describe('store: feedback', () => {
  it('stores who/when/comment, sets the anomaly status, lists newest first and filters by status', () => {
    const clock = new ManualClock(1000);
    const store = openStore(':memory:', { clock });
    store.insertAnomalies([anomaly('a', 10), anomaly('b', 20), anomaly('c', 30)]);
    expect(store.getAnomaly('a')?.status).toBeUndefined();
    store.feedback.add(fb('a', 'noise', { user: 'ana', comment: "it's the nightly job" }));
    clock.advance(5);
    const second = store.feedback.add(fb('a', 'real', { templateId: 3, feature: 'new_template', observed: 1 }));
    store.feedback.add(fb('b', 'mute', { muteUntil: 99_000 }));
    expect(second).toMatchObject({ verdict: 'real', createdAt: 1005, templateId: 3 });
    const onA = store.feedback.forAnomaly('a');
    expect(onA.map((f) => f.verdict)).toEqual(['real', 'noise']);
    expect(onA[1]).toMatchObject({ user: 'ana', comment: "it's the nightly job", createdAt: 1000 });
    expect(onA[1].templateId).toBeUndefined();
    expect(store.getAnomaly('a')?.status).toBe('real');
    expect(store.queryAnomalies({ status: 'real' }).anomalies.map((x) => x.id)).toEqual(['a']);
    expect(store.queryAnomalies({ status: 'mute' }).anomalies.map((x) => x.id)).toEqual(['b']);
    expect(store.queryAnomalies({ status: 'open' }).anomalies.map((x) => x.id)).toEqual(['c']);
    expect(store.queryAnomalies({ status: 'open', source: 'api' }).anomalies.map((x) => x.id)).toEqual(['c']);
    store.close();
  });

  it('exports in keyset pages and filters by verdict and time; latest per fingerprint', () => {
    const clock = new ManualClock(0);
    const store = openStore(':memory:', { clock });
    store.insertAnomalies([anomaly('a', 1), anomaly('b', 2)]);
    for (let i = 0; i < 5; i++) {
      clock.set(i * 10);
      store.feedback.add(fb(i % 2 ? 'a' : 'b', i % 2 ? 'noise' : 'learn'));
    }
    const p1 = store.feedback.query({ limit: 2 });
    expect(p1.feedback.map((f) => f.createdAt)).toEqual([40, 30]);
    const p2 = store.feedback.query({ limit: 2, cursor: p1.next! });
    const p3 = store.feedback.query({ limit: 2, cursor: p2.next! });
    expect([...p2.feedback, ...p3.feedback].map((f) => f.createdAt)).toEqual([20, 10, 0]);
    expect(p3.next).toBeNull();
    expect(store.feedback.query({ verdict: 'noise' }).feedback.map((f) => f.createdAt)).toEqual([30, 10]);
    expect(store.feedback.query({ since: 10, until: 30 }).feedback.map((f) => f.createdAt)).toEqual([20, 10]);
    expect(() => store.feedback.query({ cursor: 'garbage' })).toThrow(/cursor/);
    const latest = store.feedback.latestPerFingerprint(100);
    expect(latest.map((f) => [f.anomalyId, f.createdAt])).toEqual([
      ['b', 40],
      ['a', 30],
    ]);
    store.close();
  });

  it('keeps feedback when its anomaly ages out (the policy is rebuilt from it)', () => {
    const clock = new ManualClock(0);
    const store = openStore(':memory:', { clock });
    store.insertAnomalies([anomaly('a', 1)]);
    store.feedback.add(fb('a', 'noise'));
    store.deleteAnomaliesBefore(100);
    expect(store.getAnomaly('a')).toBeUndefined();
    expect(store.feedback.latestPerFingerprint(10)).toHaveLength(1);
    store.close();
  });
});
