import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './store.js';
import { tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';

const HELPER = fileURLToPath(new URL('../../test/harness/store-crash-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CRASH_SOURCE = 'crash-writer';
const BATCH = 400;

let tmp: TmpDir;
beforeEach(() => {
  tmp = tmpDir();
});
afterEach(() => tmp.remove());

interface Run {
  start: number;
  lastReported: number;
  /** The batch whose open transaction the kill was aimed at (-1 when killed after a commit). */
  killedMid: number;
  signal: NodeJS.Signals | null;
}

/**
 * Starts the writer and SIGKILLs it once it has committed `after` batches: `mid` kills when the
 * next batch's transaction is half written, otherwise right after a commit report.
 */
function runAndKill(path: string, after: number, mid: boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', HELPER, path, String(BATCH), '100000'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let start = -1;
    let last = -1;
    let killedMid = -1;
    let buf = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        if (l.startsWith('start ')) start = Number(l.slice(6));
        else if (!l.startsWith('mid ')) last = Number(l);
        else if (mid && last >= start + after - 1 && !child.killed) {
          killedMid = Number(l.slice(4));
          child.kill('SIGKILL');
        }
      }
      if (!mid && start >= 0 && last >= start + after - 1 && !child.killed) child.kill('SIGKILL');
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL' || last < start + after - 1) reject(new Error(`writer ended early (${String(code ?? signal)}): ${err}`));
      else resolve({ start, lastReported: last, killedMid, signal });
    });
  });
}

/** Rows per batch number, read directly from the file. */
function batchCounts(path: string, table: 'anomalies' | 'outbox', column: string): Map<number, number> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db
      .prepare(`SELECT substr(${column}, 2, instr(${column}, '-') - 2) AS b, COUNT(*) AS n FROM ${table} GROUP BY b`)
      .all() as { b: string; n: number }[];
    return new Map(rows.map((r) => [Number(r.b), r.n]));
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it('after SIGKILL mid-write, every committed batch is complete, none is partial, and the checkpoint matches', async () => {
    const path = tmp.file();
    let resumeAt = 0;
    for (const [after, mid] of [[25, true], [15, false], [20, true], [10, true]] as const) {
      const run = await runAndKill(path, after, mid);
      expect(run.signal).toBe('SIGKILL');
      // The writer resumes exactly at the checkpoint the previous crash left.
      expect(run.start).toBe(resumeAt);
      const reported = run.lastReported;

      const store = openStore(path);
      const cursor = store.checkpoints.load(CRASH_SOURCE);
      store.close();
      const committed = cursor?.offset ?? 0;
      expect(committed).toBeGreaterThanOrEqual(reported + 1);
      // Aimed inside batch k's transaction. Usually committed is k (rolled back) or k + 1 (the commit
      // won the race); a loaded machine may deliver the kill later, so only the lower bound is firm.
      if (mid) expect(committed).toBeGreaterThanOrEqual(run.killedMid);
      resumeAt = committed;

      const db = new Database(path, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      for (const [table, column] of [['anomalies', 'id'], ['outbox', 'anomaly_id']] as const) {
        const counts = batchCounts(path, table, column);
        expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: committed }, (_, i) => i));
        for (const n of counts.values()) expect(n).toBe(BATCH);
      }
    }
  }, 60_000);
});
