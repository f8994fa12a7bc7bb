/**
 * @module bench/kafka/proc
 * bench:kafka's process helpers: free loopback ports, CPU seconds of a process from /proc, a group's
 * committed offsets, and the pauses in a group's progress (how long no partition committed).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Admin } from 'kafkajs';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** CPU seconds (user + system) a process has used, from /proc (0 once it is gone). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return 0;
  }
}

/** Progress samples of a run: [ms since the run started, records committed]. */
export type Progress = [number, number][];

/** The longest time between `fromMs` and the end during which the committed total did not move, in s. */
export function longestStall(p: Progress, fromMs: number, endMs: number): number {
  let worst = 0;
  let since = fromMs;
  let last = -1;
  for (const [t, n] of p) {
    if (t < fromMs) {
      last = n;
      continue;
    }
    if (n !== last) {
      worst = Math.max(worst, t - since);
      since = t;
      last = n;
    }
  }
  return Math.max(worst, endMs - since) / 1000;
}

/** Offsets group `group` committed on `topic`, by partition; retried while its coordinator is still loading (a new group). */
export async function committedOffsets(admin: Admin, group: string, topic: string): Promise<Map<number, number>> {
  for (let tries = 0; ; tries++) {
    try {
      const r = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return new Map(r[0].partitions.map((p) => [p.partition, Number(p.offset)]));
    } catch (e) {
      if (tries > 50 || !(e as { retriable?: boolean }).retriable) throw e;
      await sleep(100);
    }
  }
}
