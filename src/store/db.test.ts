import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { errorCode } from '../../test/harness/errors.js';
import { openStore } from './store.js';
import { migrate, openDb } from './db.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations/index.js';
import { makeAnomalies, tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';

let tmp: TmpDir;
beforeEach(() => {
  tmp = tmpDir();
});
afterEach(() => tmp.remove());

function versions(path: string): { version: number; name: string }[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT version, name FROM schema_version ORDER BY version').all() as { version: number; name: string }[];
  } finally {
    db.close();
  }
}

describe('openStore', () => {
  it('creates the missing directory, uses WAL and records every migration once', () => {
    const path = join(tmp.dir, 'a', 'b', 'anomalog.db');
    const store = openStore(path, { clock: new ManualClock(5) });
    expect(store.schemaVersion).toBe(LATEST_VERSION);
    store.close();
    expect(existsSync(path)).toBe(true);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(versions(path)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('re-opening is idempotent and keeps the data', () => {
    const path = tmp.file();
    const a = openStore(path);
    a.insertAnomalies(makeAnomalies(10));
    a.checkpoints.save('file:x', { kind: 'file', id: '1:2', offset: 99 });
    a.close();
    for (let k = 0; k < 3; k++) {
      const b = openStore(path);
      expect(b.schemaVersion).toBe(LATEST_VERSION);
      expect(b.queryAnomalies({ limit: 100 }).anomalies).toHaveLength(10);
      expect(b.checkpoints.load('file:x')).toEqual({ kind: 'file', id: '1:2', offset: 99 });
      b.close();
    }
    expect(versions(path)).toHaveLength(MIGRATIONS.length);
  });

  it('refuses a database written by a newer anomalog and leaves it untouched', () => {
    const path = tmp.file();
    openStore(path).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_VERSION + 1, 'future', 1);
    db.close();
    expect(errorCode(() => openStore(path))).toBe('ANOMALOG_ERR_STORE_SCHEMA');
    expect(versions(path).map((v) => v.version)).toContain(LATEST_VERSION + 1);
  });

  it('applies only the migrations above the recorded version', () => {
    const path = tmp.file();
    const extra = { version: MIGRATIONS.length + 1, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER);' };
    openDb(path, { busyTimeoutMs: 100, now: 1 }).close();
    const db = openDb(path, { busyTimeoutMs: 100, now: 2, migrations: [...MIGRATIONS, extra] });
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 1 });
    expect(migrate(db, [...MIGRATIONS, extra], 3)).toBe(extra.version);
    db.close();
    expect(versions(path).map((v) => v.version)).toEqual([...MIGRATIONS.map((m) => m.version), extra.version]);
  });

  it('upgrades a version-1 file in place, keeping its rows', () => {
    const path = tmp.file();
    openDb(path, { busyTimeoutMs: 100, now: 1, migrations: MIGRATIONS.slice(0, 1) }).close();
    expect(versions(path).map((v) => v.version)).toEqual([1]);
    const raw = new Database(path);
    raw.prepare("INSERT INTO checkpoints (source_id, cursor, updated_at) VALUES ('s', '{\"kind\":\"stream\",\"id\":\"s\",\"offset\":3}', 1)").run();
    raw.close();
    const store = openStore(path);
    expect(store.schemaVersion).toBe(LATEST_VERSION);
    expect(store.checkpoints.load('s')).toEqual({ kind: 'stream', id: 's', offset: 3 });
    store.close();
    expect(versions(path).map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('a failing migration rolls back entirely', () => {
    const path = tmp.file();
    const bad = { version: MIGRATIONS.length + 1, name: 'bad', sql: 'CREATE TABLE half (x INTEGER); THIS IS NOT SQL;' };
    expect(errorCode(() => openDb(path, { busyTimeoutMs: 100, now: 1, migrations: [...MIGRATIONS, bad] }))).toBe('ANOMALOG_ERR_STORE_OPEN');
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('half', 'anomalies')").get()).toEqual({ n: 0 });
    db.close();
  });

  it('a file that is not SQLite fails with STORE_OPEN', () => {
    const path = tmp.file('notes.db');
    writeFileSync(path, 'this is a plain text file, not a database\n'.repeat(200));
    expect(errorCode(() => openStore(path))).toBe('ANOMALOG_ERR_STORE_OPEN');
  });

  it("another application's SQLite file is refused and left without our tables", () => {
    const path = tmp.file('other.db');
    const other = new Database(path);
    other.exec('CREATE TABLE users (name TEXT)');
    other.close();
    expect(errorCode(() => openStore(path))).toBe('ANOMALOG_ERR_STORE_OPEN');
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['users']);
    db.close();
  });

  it('a path under a file, or a directory, fails with STORE_OPEN', () => {
    const file = tmp.file('plain');
    writeFileSync(file, 'x');
    expect(errorCode(() => openStore(join(file, 'sub', 'anomalog.db')))).toBe('ANOMALOG_ERR_STORE_OPEN');
    mkdirSync(tmp.file('dir.db'));
    expect(errorCode(() => openStore(tmp.file('dir.db')))).toBe('ANOMALOG_ERR_STORE_OPEN');
  });

  it('works in memory', () => {
    const s = openStore(':memory:');
    expect(s.insertAnomalies(makeAnomalies(3))).toHaveLength(3);
    s.close();
    s.close();
  });
});

describe('connection settings', () => {
  it('sets synchronous=NORMAL and the busy timeout on the store connection', () => {
    const db = openDb(tmp.file(), { busyTimeoutMs: 1234, now: 1 });
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    db.close();
  });
});

describe('WAL concurrency', () => {
  it('a second connection opens and reads while a write transaction is open, seeing the last commit', () => {
    const path = tmp.file();
    const writer = openStore(path);
    writer.insertAnomalies(makeAnomalies(5));
    writer.batch(() => {
      writer.insertAnomalies(makeAnomalies(7, 'open'));
      const reader = openStore(path, { busyTimeoutMs: 50 });
      expect(reader.queryAnomalies({ limit: 100 }).anomalies).toHaveLength(5);
      reader.close();
    });
    const reader = openStore(path, { busyTimeoutMs: 50 });
    expect(reader.queryAnomalies({ limit: 100 }).anomalies).toHaveLength(12);
    reader.close();
    writer.close();
  });
});
