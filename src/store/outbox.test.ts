import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { openStore, type Store } from './store.js';
import { makeAnomalies, tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';

let tmp: TmpDir;
let store: Store;
let clock: ManualClock;
beforeEach(() => {
  tmp = tmpDir();
  clock = new ManualClock(10_000);
  store = openStore(tmp.file(), { clock });
});
afterEach(() => {
  store.close();
  tmp.remove();
});

describe('outbox', () => {
  it('enqueues once per (sink, anomaly), per sink independently', () => {
    const batch = makeAnomalies(20);
    expect(store.outbox.enqueue('webhook', batch)).toBe(20);
    expect(store.outbox.enqueue('webhook', batch.slice(0, 5))).toBe(0);
    expect(store.outbox.enqueue('slack', batch.slice(0, 5))).toBe(5);
    expect(store.outbox.depth('webhook')).toBe(20);
    expect(store.outbox.depth('slack')).toBe(5);
    expect(store.outbox.depth('none')).toBe(0);
  });

  it('due → sent / failed with retry time / given up', () => {
    const batch = makeAnomalies(10);
    store.outbox.enqueue('webhook', batch);
    expect(store.outbox.due('webhook', clock.now() - 1, 100)).toEqual([]);
    const due = store.outbox.due('webhook', clock.now(), 4);
    expect(due.map((d) => d.anomalyId)).toEqual(batch.slice(0, 4).map((a) => a.id));
    expect(due[0].anomaly).toEqual(batch[0]);
    expect(due[0].attempts).toBe(0);

    expect(store.outbox.markSent([due[0].id, due[1].id])).toBe(2);
    expect(store.outbox.markSent([due[0].id])).toBe(0);
    expect(store.outbox.markFailed(due[2].id, 'HTTP 503', clock.now() + 5_000)).toBe(true);
    expect(store.outbox.markFailed(due[3].id, 'HTTP 400: rejected', null)).toBe(true);
    expect(store.outbox.markFailed(due[3].id, 'again', clock.now())).toBe(false);
    expect(store.outbox.depth('webhook')).toBe(10 - 3);

    const now = store.outbox.due('webhook', clock.now(), 100).map((d) => d.anomalyId);
    expect(now).toEqual(batch.slice(4).map((a) => a.id));
    clock.advance(5_000);
    const later = store.outbox.due('webhook', clock.now(), 100);
    const retried = later.find((d) => d.anomalyId === batch[2].id);
    expect(retried).toMatchObject({ attempts: 1, lastError: 'HTTP 503', nextAttemptAt: clock.now() });
    expect(later.map((d) => d.anomalyId)).toEqual([...batch.slice(4), batch[2]].map((a) => a.id));
  });

  it('pending items survive a reopen; retention prunes delivered rows whose anomaly is gone', () => {
    const batch = makeAnomalies(6);
    store.insertAnomalies(batch);
    store.outbox.enqueue('webhook', batch);
    const due = store.outbox.due('webhook', clock.now(), 100);
    store.outbox.markSent(due.slice(0, 3).map((d) => d.id));
    store.close();
    store = openStore(tmp.file(), { clock });
    expect(store.outbox.depth('webhook')).toBe(3);
    const r = store.applyRetention({ maxRows: 0 });
    expect(r.byRows).toBe(6);
    expect(r.outbox).toBe(3);
    expect(store.outbox.due('webhook', clock.now(), 100).map((d) => d.anomalyId)).toEqual(batch.slice(3).map((a) => a.id));
  });

  it('deliveryBySink: pending rows, those due, those with a failed attempt, and the oldest due time', () => {
    expect(store.outbox.deliveryBySink(clock.now())).toEqual({});
    const now = clock.now();
    store.outbox.insert('hook', 'due-a', { n: 1 }, now - 5_000);
    store.outbox.insert('hook', 'due-b', { n: 2 }, now);
    const failed = store.outbox.insert('hook', 'retry', { n: 3 }, now - 1_000)!;
    store.outbox.markFailed(failed, 'HTTP 503', now + 30_000);
    store.outbox.insert('hook', 'resolve:x', { n: 4 }, now + 600_000); // scheduled: a resolve, group wait…
    const sent = store.outbox.insert('hook', 'sent', { n: 5 }, now - 60_000)!;
    store.outbox.markSent([sent]);
    store.outbox.insert('chat', 'later', { n: 6 }, now + 10_000);
    expect(store.outbox.deliveryBySink(now)).toEqual({
      hook: { pending: 4, due: 2, retrying: 1, oldestDueAt: now - 5_000 },
      chat: { pending: 1, due: 0, retrying: 0, oldestDueAt: null },
    });
    // Time passes: the retry (still retrying until delivered) and the scheduled row of chat become due.
    expect(store.outbox.deliveryBySink(now + 30_000)).toEqual({
      hook: { pending: 4, due: 3, retrying: 1, oldestDueAt: now - 5_000 },
      chat: { pending: 1, due: 1, retrying: 0, oldestDueAt: now + 10_000 },
    });
  });

  it('insert/reschedule: keyed rows rewritten only while waiting (pending, never attempted, not yet due)', () => {
    const id = store.outbox.insert('am', 'k1', { n: 1 }, clock.now() + 1_000)!;
    expect(store.outbox.insert('am', 'k1', { n: 9 }, clock.now())).toBeNull();
    const row = { id, sink: 'am', key: 'k1' };
    expect(store.outbox.reschedule(row, { n: 2 }, clock.now() + 2_000, clock.now())).toBe(true);
    expect(store.outbox.reschedule({ ...row, key: 'other' }, { n: 3 }, clock.now(), clock.now())).toBe(false);
    expect(store.outbox.pending('am', 10).map((r) => [r.anomalyId, r.payload, r.nextAttemptAt])).toEqual([['k1', { n: 2 }, clock.now() + 2_000]]);
    clock.advance(2_000); // due now: the dispatcher may be sending it
    expect(store.outbox.reschedule(row, { n: 4 }, clock.now() + 5_000, clock.now())).toBe(false);
    store.outbox.markFailed(id, 'HTTP 503', clock.now() + 1_000);
    expect(store.outbox.reschedule(row, { n: 5 }, clock.now() + 5_000, clock.now() - 10_000)).toBe(false); // attempted once
    expect(store.outbox.due('am', clock.now() + 1_000, 10)[0].payload).toEqual({ n: 2 });
    expect(store.outbox.supersede(row, clock.now() + 1_000)).toBe(false); // due then: maybe in flight
    expect(store.outbox.supersede(row, clock.now())).toBe(true); // waiting for its retry
    expect(store.outbox.depth('am')).toBe(0);
    // retryNow: only rows waiting for a retry, never rows still waiting for their first send (grouping).
    const waiting = store.outbox.insert('am', 'k2', { n: 6 }, clock.now() + 10_000)!;
    const retrying = store.outbox.insert('am', 'k3', { n: 7 }, clock.now())!;
    store.outbox.markFailed(retrying, 'HTTP 503', clock.now() + 60_000);
    const resolve = store.outbox.insert('am', 'resolve:k3', { n: 8 }, clock.now())!;
    store.outbox.markFailed(resolve, 'HTTP 503', clock.now() + 60_000);
    expect(store.outbox.retryNow('am', clock.now(), 'resolve:')).toBe(1);
    expect(store.outbox.due('am', clock.now(), 10).map((r) => r.id)).toEqual([retrying]);
    expect(store.outbox.retryNow('am', clock.now())).toBe(1); // no prefix: every retrying row
    expect(store.outbox.due('am', clock.now(), 10).map((r) => r.id)).toEqual([retrying, resolve]);
    expect(waiting).toBeGreaterThan(0);
  });
});
