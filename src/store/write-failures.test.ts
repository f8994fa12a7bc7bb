import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { makeAnomaly, tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';
import { openDb } from './db.js';
import { openStore, Store } from './store.js';
import { mergeWriteFailures, noWriteFailures, storeWriteError, writeFailureReason } from './write-failures.js';

let tmp: TmpDir;
afterEach(() => tmp?.remove());

/** A real store whose connection may use at most `pages` pages: SQLite's own SQLITE_FULL, as on a full disk. */
function storeWithPages(pages: number): { store: Store; db: Database.Database } {
  tmp = tmpDir();
  const clock = new ManualClock(1_700_000_000_000);
  const db = openDb(tmp.file(), { busyTimeoutMs: 200, now: clock.now() });
  db.pragma(`max_page_count = ${pages}`);
  return { store: new Store(db, clock, {}, 200), db };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('store write failures (real SQLite)', () => {
  it('a full database is disk_full: recorded once, one line with the fix, and cleared by the next write that goes through', () => {
    const { store, db } = storeWithPages(1);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const big = Array.from({ length: 200 }, (_, i) => makeAnomaly(i));
    const e = caught(() => store.insertAnomalies(big));
    expect(writeFailureReason(e)).toBe('disk_full');
    const first = store.writes.record(e);
    expect(first).toMatchObject({ recorded: true, changed: true });
    expect(store.writes.record(e).changed).toBe(false);
    const s = store.writes.stats();
    expect(s.failing).toBe('disk_full');
    expect(s.errors.disk_full).toBe(2);
    expect(s.message).toMatch(/cannot write: the disk is full\. Free disk space.*\[ANOMALOG_ERR_STORE_WRITE\]$/);
    expect(s.message).not.toContain('\n');
    // Nothing of the refused batch was stored (one transaction).
    expect(store.anomalyCapStats().stored).toBe(0);
    db.pragma('max_page_count = 1073741823');
    expect(store.insertAnomalies(big)).toHaveLength(200);
    expect(store.writes.succeeded()).toBe(true);
    expect(store.writes.succeeded()).toBe(false);
    expect(store.writes.stats().failing).toBeNull();
    store.close();
  });

  it('another process holding the write lock is locked; while locked, writes wait only briefly (the thread stays responsive)', () => {
    tmp = tmpDir();
    const store = openStore(tmp.file(), { busyTimeoutMs: 300 });
    const other = new Database(tmp.file());
    other.exec('BEGIN IMMEDIATE');
    try {
      const e = caught(() => store.insertAnomalies([makeAnomaly(1)]));
      expect(writeFailureReason(e)).toBe('locked');
      const db = (store as unknown as { db: Database.Database }).db;
      expect(db.pragma('busy_timeout', { simple: true })).toBe(300);
      store.writes.record(e);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(50);
      other.exec('COMMIT');
      expect(store.insertAnomalies([makeAnomaly(1)])).toHaveLength(1);
      store.writes.succeeded();
      expect(db.pragma('busy_timeout', { simple: true })).toBe(300);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      store.close();
    }
  });

  it('a read-only connection is read_only; a bug is no write failure', () => {
    tmp = tmpDir();
    openStore(tmp.file()).close();
    const ro = new Database(tmp.file(), { readonly: true });
    try {
      const e = caught(() => ro.exec("INSERT INTO checkpoints (source_id, cursor, updated_at) VALUES ('s', '{}', 0)"));
      expect(writeFailureReason(e)).toBe('read_only');
    } finally {
      ro.close();
    }
    expect(writeFailureReason(new TypeError('x is undefined'))).toBeUndefined();
    expect(writeFailureReason({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBeUndefined();
    expect(writeFailureReason(null)).toBeUndefined();
    expect(storeWriteError('/d/anomalog.db', 'locked').toLine()).toMatch(/^The store \/d\/anomalog\.db cannot write: another process holds its lock\. Stop the other process/);
  });

  it('merging two connections: failing when either fails, errors summed', () => {
    const a = { ...noWriteFailures(), failing: 'locked' as const, message: 'm', since: 5, unstored: 3 };
    a.errors.locked = 2;
    const b = noWriteFailures();
    b.errors.disk_full = 1;
    const m = mergeWriteFailures([b, a]);
    expect(m).toMatchObject({ failing: 'locked', message: 'm', since: 5, unstored: 3 });
    expect(m.errors).toEqual({ disk_full: 1, locked: 2, read_only: 0, io: 0 });
    expect(mergeWriteFailures([b, noWriteFailures()]).failing).toBeNull();
  });
});
