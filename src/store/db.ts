/**
 * @module store/db
 * Opening the SQLite file (WAL, synchronous=NORMAL, busy timeout) and applying the numbered
 * migrations in one transaction, recorded in `schema_version`.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AnomalogError } from '../core/errors.js';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
import { describeWriteFailure, writeFailureReason } from './write-failures.js';

export type Db = Database.Database;
export type Stmt = Database.Statement<unknown[]>;

export interface OpenDbOptions {
  /** How long a writer waits for another connection's lock before failing (ms). */
  busyTimeoutMs: number;
  /** Time recorded in `schema_version.applied_at`. */
  now: number;
  migrations?: readonly Migration[];
}

const SCHEMA_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

function openError(path: string, e: unknown): AnomalogError {
  const reason = e instanceof Error ? e.message : String(e);
  // Disk full, locked by another process, read-only: say which, and its fix.
  const refused = writeFailureReason(e);
  if (refused !== undefined) {
    const w = describeWriteFailure(refused);
    return new AnomalogError('ANOMALOG_ERR_STORE_OPEN', `Cannot open the store ${path}: ${w.what} (${reason}).`, { hint: w.hint, cause: e });
  }
  return new AnomalogError('ANOMALOG_ERR_STORE_OPEN', `Cannot open the store ${path}: ${reason}.`, {
    hint: 'Check that the path is writable and is an anomalog SQLite file (or point --data-dir elsewhere).',
    cause: e,
  });
}

/** Opens (creating if missing) and migrates the database; throws AnomalogError on any failure. */
export function openDb(path: string, opts: OpenDbOptions): Db {
  const memory = path === ':memory:';
  if (path.trim() === '') throw openError(path, new Error('the path is empty'));
  if (!memory) {
    try {
      mkdirSync(dirname(resolve(path)), { recursive: true });
    } catch (e) {
      throw openError(path, e);
    }
  }
  let db: Db;
  try {
    db = new Database(path, { timeout: opts.busyTimeoutMs });
  } catch (e) {
    throw openError(path, e);
  }
  try {
    // busy_timeout is set by the constructor's `timeout`. The first statement reads the header:
    // a non-SQLite file fails here (SQLITE_NOTADB).
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (!memory && String(mode).toLowerCase() !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not wal`);
    db.pragma('synchronous = NORMAL');
  } catch (e) {
    db.close();
    throw openError(path, e);
  }
  try {
    migrate(db, opts.migrations ?? MIGRATIONS, opts.now);
  } catch (e) {
    db.close();
    if (e instanceof AnomalogError) throw e;
    throw openError(path, e);
  }
  return db;
}

/** The highest applied version (0 for a fresh file). */
export function schemaVersion(db: Db): number {
  const v = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return v.v ?? 0;
}

function newerSchema(path: string, current: number, latest: number): AnomalogError {
  return new AnomalogError(
    'ANOMALOG_ERR_STORE_SCHEMA',
    `The store ${path} has schema version ${current}; this anomalog knows up to ${latest}.`,
    { hint: 'Upgrade anomalog, or use another --data-dir.' },
  );
}

/**
 * Applies every migration above the recorded version, all in one IMMEDIATE transaction (two
 * processes opening the same fresh file cannot both migrate). Refuses a newer schema.
 */
export function migrate(db: Db, migrations: readonly Migration[], now: number): number {
  for (let i = 0; i < migrations.length; i++) {
    if (migrations[i].version !== i + 1) throw new Error(`Migration versions must be contiguous from 1 (index ${i}).`);
  }
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  // Read first: an up-to-date file is opened without taking the write lock (a reader can open
  // while the service is in the middle of a commit).
  const known = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (known !== undefined) {
    const current = schemaVersion(db);
    if (current > latest) throw newerSchema(db.name, current, latest);
    if (current === latest) return current;
  } else if (db.prepare("SELECT 1 FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' LIMIT 1").get() !== undefined) {
    // Another application's database: do not add tables to it.
    throw new Error('it is a SQLite database of another application (no schema_version table)');
  }
  const run = db.transaction(() => {
    db.exec(SCHEMA_TABLE);
    const current = schemaVersion(db);
    if (current > latest) throw newerSchema(db.name, current, latest);
    const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, now);
    }
    return schemaVersion(db);
  });
  return run.immediate();
}

export { LATEST_VERSION };
