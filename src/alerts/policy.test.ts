import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { silentLogger } from '../core/component.js';
import type { Anomaly } from '../core/event.js';
import type { Alert } from '../core/sink.js';
import { openStore, type Store } from '../store/store.js';
import { makeAnomaly, tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';
import { alertsConfigSchema, type AlertsOptions } from './config.js';
import { AlertPolicy, fingerprint, type PolicySink } from './policy.js';

let tmp: TmpDir;
let store: Store;
let clock: ManualClock;
beforeEach(() => {
  tmp = tmpDir();
  clock = new ManualClock(1_000_000);
  store = openStore(tmp.file(), { clock });
});
afterEach(() => {
  store.close();
  tmp.remove();
});

const SINKS: PolicySink[] = [
  { name: 'am', sendResolved: true, maxPending: 100 },
  { name: 'chat', sendResolved: false, maxPending: 100 },
];

function policy(opts: AlertsOptions = {}, sinks = SINKS): AlertPolicy {
  const config = alertsConfigSchema.parse({ group_wait_seconds: 10, cooldown_seconds: 60, resolve_after_seconds: 300, ...opts });
  return new AlertPolicy(config, sinks, { outbox: store.outbox, clock, logger: silentLogger, publicUrl: () => 'http://ui.example/' });
}

let seq = 0;
function anomaly(over: Partial<Anomaly> = {}): Anomaly {
  return { ...makeAnomaly(seq++, 'p'), detector: 'novelty', source: 'app', templateId: 7, severity: 'error', score: 1, ...over };
}

/** Stores the anomalies and runs the policy in one transaction, as the engine does with sinks. */
function ingest(p: AlertPolicy, batch: Anomaly[]): void {
  store.insertAnomalies(batch, (inserted) => p.enqueue(inserted));
}

const due = (sink: string, at = clock.now()) => store.outbox.due(sink, at, 1000).map((i) => i.payload as Alert);

describe('alert policy', () => {
  it('groups repeats of one fingerprint within group_wait into one alert with a count; others apart', () => {
    const p = policy();
    const first = anomaly({ ts: 5 });
    ingest(p, [first, anomaly({ ts: 6 })]);
    clock.advance(3_000);
    ingest(p, [anomaly({ ts: 7, severity: 'critical' }), anomaly({ templateId: 8 })]);
    expect(due('am')).toEqual([]); // group_wait not over
    clock.advance(7_000);
    expect(due('am').map((a) => a.templateId)).toEqual([7]); // template 8 started 3 s later
    clock.advance(3_000);
    const alerts = due('am');
    expect(alerts).toHaveLength(2);
    const grouped = alerts.find((a) => a.templateId === 7)!;
    expect(grouped).toMatchObject({
      status: 'firing',
      count: 3,
      severity: 'critical',
      firstSeen: 5,
      lastSeen: 7,
      startsAt: 1_000_000,
      endsAt: 1_003_000 + 300_000,
      fingerprint: fingerprint(first),
      title: first.title,
      url: `http://ui.example/#/anomalies/${encodeURIComponent(first.id)}`,
    });
    expect(grouped.anomalyIds).toHaveLength(3);
    expect(alerts.find((a) => a.templateId === 8)!.count).toBe(1);
    expect(p.stats.get('am')).toMatchObject({ queued: 4, grouped: 2, dropped: 0 }); // 2 firing + 2 resolve rows
    expect(due('chat')).toHaveLength(2);
  });

  it('cooldown: after a notification, repeats become one follow-up no earlier than cooldown later', () => {
    const p = policy();
    ingest(p, [anomaly()]);
    clock.advance(10_000);
    const [sent] = store.outbox.due('chat', clock.now(), 10);
    store.outbox.markSent([sent.id]);
    clock.advance(1_000);
    ingest(p, [anomaly(), anomaly()]);
    clock.advance(15_000);
    ingest(p, [anomaly()]);
    expect(due('chat')).toEqual([]); // 26 s after the first send: cooldown (60 s) holds it
    clock.set(1_000_000 + 10_000 + 60_000);
    const follow = due('chat');
    expect(follow).toHaveLength(1);
    expect(follow[0].count).toBe(3);
  });

  it('resolves after resolve_after without repeats; each repeat pushes the resolve back', () => {
    const p = policy();
    ingest(p, [anomaly()]);
    clock.advance(200_000);
    ingest(p, [anomaly()]);
    clock.advance(200_000); // 400 s after the first, 200 s after the last
    expect(due('am').filter((a) => a.status === 'resolved')).toEqual([]);
    clock.advance(100_000);
    const resolved = due('am').filter((a) => a.status === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ count: 2, endsAt: clock.now(), startsAt: 1_000_000 });
    expect(due('chat').filter((a) => a.status === 'resolved')).toEqual([]); // send_resolved: false
  });

  it('a resolve still waiting for a retry is withdrawn when the fingerprint fires again', () => {
    const p = policy();
    ingest(p, [anomaly()]);
    clock.advance(10_000);
    store.outbox.markSent(store.outbox.due('am', clock.now(), 10).map((i) => i.id));
    clock.advance(300_000);
    const [resolve] = store.outbox.due('am', clock.now(), 10);
    expect((resolve.payload as Alert).status).toBe('resolved');
    store.outbox.markFailed(resolve.id, 'HTTP 503', clock.now() + 60_000); // receiver down
    clock.advance(1_000);
    ingest(p, [anomaly()]); // a new episode
    clock.advance(100_000);
    const next = due('am');
    expect(next.map((a) => a.status)).toEqual(['firing']); // the stale resolve is not sent after it
    expect(next[0].startsAt).toBe(clock.now() - 100_000);
    clock.advance(300_000);
    expect(due('am').map((a) => a.status)).toEqual(['firing', 'resolved']);
  });

  it('withdraw (noise/mute feedback): a first notification still in group wait goes, with its resolve', () => {
    const p = policy();
    const first = anomaly();
    ingest(p, [first, anomaly({ templateId: 8 })]);
    clock.advance(3_000);
    ingest(p, [anomaly()]);
    expect(p.withdraw(anomaly({ templateId: 7 }), () => false)).toBe(0); // another kind under this fingerprint
    expect(p.withdraw(first)).toBe(3); // am: firing + resolve; chat: firing (no resolves)
    expect(p.stats.get('am')).toMatchObject({ withdrawn: 2 });
    expect(p.stats.get('chat')).toMatchObject({ withdrawn: 1 });
    clock.advance(400_000);
    // Nothing of template 7 is ever sent; template 8 is untouched.
    expect(due('am').map((a) => [a.templateId, a.status])).toEqual([[8, 'firing'], [8, 'resolved']]);
    expect(due('chat').map((a) => a.templateId)).toEqual([8]);
    expect(p.withdraw(first)).toBe(0); // nothing left waiting
    // Later (a mute ended): a new episode, notified after group wait, not held back by a cooldown.
    const again = anomaly();
    ingest(p, [again]);
    clock.advance(10_000);
    expect(due('am', clock.now()).filter((a) => a.templateId === 7).map((a) => [a.status, a.anomalyIds])).toEqual([['firing', [again.id]]]);
  });

  it('withdraw: a follow-up waiting out the cooldown goes, the resolve of what was sent stays; rows being sent are never touched', () => {
    const p = policy();
    ingest(p, [anomaly()]);
    clock.advance(10_000);
    store.outbox.markSent(store.outbox.due('am', clock.now(), 10).filter((i) => (i.payload as Alert).status === 'firing').map((i) => i.id));
    clock.advance(1_000);
    const repeat = anomaly();
    ingest(p, [repeat]); // a follow-up in each sink, due at the end of the cooldown
    expect(p.withdraw(repeat)).toBe(2);
    clock.set(1_000_000 + 10_000 + 60_000);
    expect(due('am')).toEqual([]); // no follow-up
    clock.advance(300_000);
    expect(due('am').map((a) => a.status)).toEqual(['resolved']); // the sent alert is still resolved
    // A due row (the dispatcher may be sending it) is not withdrawn.
    const q = policy();
    const x = anomaly({ templateId: 99 });
    ingest(q, [x]);
    clock.advance(10_000);
    expect(q.withdraw(x)).toBe(0);
    expect(due('chat').filter((a) => a.templateId === 99)).toHaveLength(1);
  });

  it('severity rules and routes decide the sinks', () => {
    const p = policy({
      severity_rules: [
        { detectors: ['rate'], min_score: 10, severity: 'critical' },
        { sources: ['noisy*'], severity: 'info' },
      ],
      routes: [
        { sinks: ['am'], min_severity: 'critical' },
        { sinks: ['chat'], detectors: ['novelty', 'rate'] },
      ],
    });
    expect(p.severityOf(anomaly({ detector: 'rate', score: 12, severity: 'warning' }))).toBe('critical');
    expect(p.severityOf(anomaly({ detector: 'rate', score: 3, severity: 'warning' }))).toBe('warning');
    expect(p.severityOf(anomaly({ source: 'noisy-batch', severity: 'error' }))).toBe('info');
    expect(p.sinksFor(anomaly({ detector: 'rate' }), 'critical').sort()).toEqual(['am', 'chat']);
    expect(p.sinksFor(anomaly({ detector: 'params' }), 'critical')).toEqual(['am']);
    expect(p.sinksFor(anomaly(), 'warning')).toEqual(['chat']);
    expect(p.sinksFor(anomaly(), 'info')).toEqual([]); // below min_severity (warning)
    expect(() => policy({ routes: [{ sinks: ['pager'] }] })).toThrow(/alerts\.routes\[0\]\.sinks: no sink is named "pager"/);
  });

  it('caps the backlog per sink and counts what it drops', () => {
    const p = policy({ group_wait_seconds: 0, cooldown_seconds: 0 }, [{ name: 'chat', sendResolved: false, maxPending: 3 }]);
    ingest(p, [1, 2, 3, 4, 5].map((t) => anomaly({ templateId: t })));
    expect(store.outbox.depth('chat')).toBe(3);
    expect(p.stats.get('chat')).toMatchObject({ queued: 3, dropped: 2 });
    p.setBacklog('chat', 0);
    ingest(p, [anomaly({ templateId: 9 })]);
    expect(store.outbox.depth('chat')).toBe(4);
  });

  it('the outbox rows roll back with the anomalies (one transaction)', () => {
    const p = policy();
    const batch = [anomaly()];
    expect(() =>
      store.insertAnomalies(batch, (inserted) => {
        p.enqueue(inserted);
        throw new Error('crash inside the transaction');
      }),
    ).toThrow(/crash/);
    expect(store.getAnomaly(batch[0].id)).toBeUndefined();
    expect(store.outbox.depth('am')).toBe(0);
    ingest(p, batch); // re-processing after the failure stores and queues it
    expect(store.outbox.depth('am')).toBe(2);
    ingest(p, batch); // a duplicate anomaly queues nothing
    expect(store.outbox.depth('am')).toBe(2);
  });

  it('after a restart with the wall clock stepped back, notifications a clock ahead scheduled are due within their own delay, not late by the step', () => {
    clock.advance(3_600_000); // the clock is an hour ahead while the anomaly arrives
    ingest(policy(), [anomaly()]);
    store.close();
    clock = new ManualClock(1_000_000); // and set right before the restart
    store = openStore(tmp.file(), { clock });
    const p = policy();
    p.restore();
    // Untouched, the firing row would be due at 3,610 s and its resolve at 3,900 s from now.
    clock.advance(59_000);
    expect(due('am')).toEqual([]);
    clock.advance(1_000); // the firing row: at most max(group wait, cooldown) = 60 s
    expect(due('am').map((a) => a.status)).toEqual(['firing']);
    clock.advance(240_000); // its resolve: at most resolve_after = 300 s
    expect(due('am').map((a) => a.status).sort()).toEqual(['firing', 'resolved']);
    // Rows scheduled by a clock that was right keep their times.
    ingest(p, [anomaly({ source: 'other' })]);
    expect(due('am', clock.now() + 9_999).filter((a) => a.status === 'firing')).toHaveLength(1);
    expect(due('am', clock.now() + 10_000).filter((a) => a.status === 'firing')).toHaveLength(2);
  });

  it('after a restart, repeats still merge into the waiting alert (state rebuilt from the outbox)', () => {
    ingest(policy(), [anomaly()]);
    store.close();
    store = openStore(tmp.file(), { clock });
    const p = policy();
    p.restore();
    clock.advance(2_000);
    ingest(p, [anomaly()]);
    clock.advance(10_000);
    const firing = due('am').filter((a) => a.status === 'firing');
    expect(firing).toHaveLength(1);
    expect(firing[0].count).toBe(2);
    expect(store.outbox.depth('am')).toBe(2); // one firing + one resolve row, no duplicates
  });
});
