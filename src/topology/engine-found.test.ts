import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { silentLogger } from '../core/component.js';
import type { Anomaly, Cursor } from '../core/event.js';
import type { RawRecord } from '../core/source.js';
import { openDb } from '../store/db.js';
import { Store } from '../store/store.js';
import { makeAnomaly, tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';
import { FoundAnomalies } from './engine-found.js';
import { EngineLanes } from './engine-lanes.js';

let tmp: TmpDir;
afterEach(() => tmp?.remove());

/** A real store whose database may not grow past its current size (SQLite's SQLITE_FULL, as on a full disk) until `free()`. */
function fullStore(): { store: Store; db: Database.Database; free: () => void } {
  tmp = tmpDir();
  const clock = new ManualClock(1_700_000_000_000);
  const db = openDb(tmp.file(), { busyTimeoutMs: 200, now: clock.now() });
  const store = new Store(db, clock, {}, 200);
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return { store, db, free: () => db.pragma('max_page_count = 1000000') };
}

const cursor = (offset: number): Cursor => ({ kind: 'file', id: '1:2', offset });

describe('FoundAnomalies (what worker threads found, stored on the main thread)', () => {
  it('while the store refuses writes, keeps the anomalies and holds the acks behind them; once it writes, stores them and gives the acks in order', () => {
    const { store, free } = fullStore();
    const acks: [number, number][] = [];
    const published: string[] = [];
    const errors: unknown[] = [];
    const found = new FoundAnomalies({
      store,
      writes: store.writes,
      logger: silentLogger,
      onAnomalies: (a) => published.push(...a.map((x) => x.id)),
      ack: (src, c) => acks.push([src, (c as { offset: number }).offset]),
      error: (e) => errors.push(e),
    });
    // Nothing waits: an ack is given at once.
    found.acked(0, cursor(10));
    expect(acks).toEqual([[0, 10]]);
    const batch: Anomaly[] = Array.from({ length: 200 }, (_, i) => makeAnomaly(i));
    found.found(batch, 1);
    expect(found.unstored).toBe(200);
    expect(store.writes.failing).toBe(true);
    found.acked(0, cursor(20));
    found.acked(1, cursor(5));
    found.retry();
    expect(acks, 'held while its anomalies wait').toEqual([[0, 10]]);
    expect(published).toEqual([]);
    free();
    found.retry();
    expect(found.unstored).toBe(0);
    expect(published).toHaveLength(200);
    expect(found.stored).toEqual({ anomalies: 200, duplicates: 0 });
    expect(acks).toEqual([
      [0, 10],
      [0, 20],
      [1, 5],
    ]);
    // The same anomalies again (a restart re-read them): counted as duplicates, not stored twice.
    found.found(batch.slice(0, 3), 2);
    expect(found.stored).toEqual({ anomalies: 200, duplicates: 3 });
    expect(errors).toEqual([]);
  });

  it('applies the filter (the feedback policy) before storing', () => {
    tmp = tmpDir();
    const clock = new ManualClock(1_700_000_000_000);
    const store = new Store(openDb(tmp.file(), { busyTimeoutMs: 200, now: clock.now() }), clock, {}, 200);
    const found = new FoundAnomalies({ store, writes: store.writes, logger: silentLogger, filterAnomalies: (a) => a.slice(1), ack: () => {}, error: () => {} });
    found.found([makeAnomaly(1), makeAnomaly(2)], undefined);
    expect(store.queryAnomalies({ limit: 10 }).anomalies.map((a) => a.id)).toEqual([makeAnomaly(2).id]);
  });
});

describe('EngineLanes (which worker thread owns a record source)', () => {
  const rec = (source: string): RawRecord => ({ source, text: 'x', arrivalTs: 0 });

  it('assigns sources least-loaded at first sight, splits a mixed batch per thread, and keeps the assignment in the store across restarts', () => {
    tmp = tmpDir();
    const clock = new ManualClock(1_700_000_000_000);
    const store = new Store(openDb(tmp.file(), { busyTimeoutMs: 200, now: clock.now() }), clock, {}, 200);
    const lanes = new EngineLanes({ threads: 2, store: store.lanes, writes: store.writes, logger: silentLogger });
    expect([lanes.of('a'), lanes.of('b'), lanes.of('c'), lanes.of('a')]).toEqual([0, 1, 0, 0]);
    const parts = lanes.split({ records: [rec('a'), rec('b'), rec('c'), rec('b')], cursor: cursor(9) });
    expect(parts.map(([lane, p]) => [lane, p.records.map((r) => r.source), p.cursor?.offset])).toEqual([
      [0, ['a', 'c'], 9],
      [1, ['b', 'b'], 9],
    ]);
    // One thread's batch is not copied.
    const whole = { records: [rec('b'), rec('b')] };
    expect(lanes.split(whole)).toEqual([[1, whole]]);
    // A restart reads the store: same owners, and the next source goes to the thread with fewer.
    const again = new EngineLanes({ threads: 2, store: store.lanes, writes: store.writes, logger: silentLogger });
    expect([again.of('c'), again.of('b'), again.of('d')]).toEqual([0, 1, 1]);
  });

  it('keeps an assignment the store refused and saves it once the store writes again', () => {
    const { store, free } = fullStore();
    // Other sources fill the table's last free page, until the store refuses.
    let i = 0;
    for (const size of [200, 20, 0]) {
      for (; ; i++) {
        try {
          store.lanes.assign(`${i}${'x'.repeat(size)}`, 2, i % 2);
        } catch {
          break;
        }
      }
    }
    const lanes = new EngineLanes({ threads: 2, store: store.lanes, writes: store.writes, logger: silentLogger });
    const a = lanes.of('a');
    const b = lanes.of('b');
    expect(a).not.toBe(b);
    expect(store.writes.failing).toBe(true);
    expect(store.lanes.get('a', 2)).toBeUndefined();
    lanes.retry();
    expect(store.lanes.get('a', 2), 'still refused').toBeUndefined();
    free();
    lanes.retry();
    expect([store.lanes.get('a', 2), store.lanes.get('b', 2)]).toEqual([a, b]);
    // Known in memory meanwhile: the owner did not change.
    expect([lanes.of('a'), lanes.of('b')]).toEqual([a, b]);
  });
});
