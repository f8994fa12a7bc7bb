/**
 * @module store/write-failures
 * A store that cannot write (disk full, the file locked by another process, the disk gone
 * read-only) is a condition of the machine, not a bug: it is named in one line with its fix
 * (`ANOMALOG_ERR_STORE_WRITE`), counted, shown in `/api/health`, and the service keeps running
 * and retries, so it recovers on its own once the condition clears.
 */
import { AnomalogError } from '../core/errors.js';
import type { StoreWriteReason, StoreWriteStats } from '../core/engine.js';

export type WriteFailureReason = StoreWriteReason;
export type WriteFailureStats = StoreWriteStats;

export const WRITE_FAILURE_REASONS: readonly WriteFailureReason[] = ['disk_full', 'locked', 'read_only', 'io'];

/** The reason when `e` is SQLite refusing a write for a condition of the machine; undefined for anything else (a bug). */
export function writeFailureReason(e: unknown): WriteFailureReason | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE_FULL') return 'disk_full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) return 'read_only';
  if (code.startsWith('SQLITE_IOERR')) return 'io';
  return undefined;
}

const WHAT: Record<WriteFailureReason, { what: string; hint: string }> = {
  disk_full: { what: 'the disk is full', hint: 'Free disk space there, or move data_dir (--data-dir) to a larger disk.' },
  locked: {
    what: 'another process holds its lock',
    hint: 'Stop the other process using this file (a second `anomalog serve` on the same --data-dir, or a sqlite3 shell with an open transaction).',
  },
  read_only: { what: 'the file or its directory is read-only', hint: 'Make data_dir (--data-dir) writable for this user, or remount the disk read-write.' },
  io: { what: 'the disk reported an I/O error', hint: 'Check the disk (dmesg) and free space, or move data_dir (--data-dir) to another disk.' },
};

/** What the condition is and how to fix it, in words. */
export function describeWriteFailure(reason: WriteFailureReason): { what: string; hint: string } {
  return WHAT[reason];
}

/** The one-line error for a failed write of the store at `path` (the catalogue's STORE_WRITE). */
export function storeWriteError(path: string, reason: WriteFailureReason, cause?: unknown): AnomalogError {
  const w = WHAT[reason];
  return new AnomalogError('ANOMALOG_ERR_STORE_WRITE', `The store ${path} cannot write: ${w.what}.`, { hint: w.hint, cause });
}

export const noWriteFailures = (): WriteFailureStats => ({ failing: null, message: null, since: null, errors: { disk_full: 0, locked: 0, read_only: 0, io: 0 }, unstored: 0, unstoredDropped: 0 });

/**
 * The store's write condition as seen by one connection's callers: `failed` on each refused write,
 * `succeeded` after a write went through. Each returns true when the condition changed (log once
 * per change, not once per write).
 */
export class WriteFailures {
  private readonly value = noWriteFailures();

  constructor(
    private readonly path: string,
    private readonly now: () => number,
    /** Called when the condition changes (the store shortens its lock wait while locked). */
    private readonly onChange?: (failing: WriteFailureReason | null) => void,
  ) {}

  /** Records `e` when it is a write refused for a condition of the machine; false (not recorded) otherwise. */
  record(e: unknown): { recorded: boolean; changed: boolean; error?: AnomalogError } {
    const reason = writeFailureReason(e);
    if (reason === undefined) return { recorded: false, changed: false };
    this.value.errors[reason]++;
    const error = storeWriteError(this.path, reason, e);
    const changed = this.value.failing !== reason;
    if (changed) {
      this.value.failing = reason;
      this.value.message = error.toLine();
      this.value.since = this.now();
      this.onChange?.(reason);
    }
    return { recorded: true, changed, error };
  }

  /** A write went through: true when it ends a failure. */
  succeeded(): boolean {
    if (this.value.failing === null) return false;
    this.value.failing = null;
    this.value.message = null;
    this.value.since = null;
    this.onChange?.(null);
    return true;
  }

  get failing(): boolean {
    return this.value.failing !== null;
  }

  stats(): WriteFailureStats {
    return { ...this.value, errors: { ...this.value.errors } };
  }
}

/** Two connections' views as one (the main thread's and the engine threads'): failing when any fails. */
export function mergeWriteFailures(parts: readonly WriteFailureStats[]): WriteFailureStats {
  const out = noWriteFailures();
  for (const p of parts) {
    for (const r of WRITE_FAILURE_REASONS) out.errors[r] += p.errors[r];
    out.unstored += p.unstored;
    out.unstoredDropped += p.unstoredDropped;
    if (p.failing !== null && (out.since === null || (p.since ?? 0) < out.since)) {
      out.failing = p.failing;
      out.message = p.message;
      out.since = p.since;
    }
  }
  return out;
}
