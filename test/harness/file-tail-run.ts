/**
 * @module test/harness/file-tail-run
 * Runs a file tail in the test's process and records what it emits (file-tail.test.ts and
 * checkpoints.test.ts): generated lines, temporary directories removed after each test, fast polls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { RawBatch, RawRecord } from '../../src/core/source.js';
import { createFileTailSource, type FileTailOptions, type FileTailSource } from '../../src/sources/file-tail/index.js';
import type { MemoryCheckpoints } from './memory-checkpoints.js';

/** Polls and rotation waits short enough for tests. */
export const FAST = { poll_interval_ms: 10, rotate_wait_ms: 30 } as const;

/** `n` distinct lines of different lengths: `${prefix}${i} payload ppp…`. */
export const lines = (prefix: string, n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `${prefix}${from + i} payload ${'p'.repeat((from + i) % 23)}`);
/** The file content of `ls`, each line ended by a newline. */
export const text = (ls: string[]): string => ls.map((l) => `${l}\n`).join('');

/** A maker of temporary directories, each removed after the test that made it (call at a test file's top level). */
export function tempDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(path.join(tmpdir(), 'anomalog-tail-'));
    dirs.push(d);
    return d;
  };
}

export interface Tail {
  source: FileTailSource;
  batches: RawBatch[];
  records(): RawRecord[];
  texts(): string[];
  stop(): Promise<void>;
}

/** Runs a file tail; acks every batch unless `ack` says otherwise. */
export function tail(opts: FileTailOptions, checkpoints: MemoryCheckpoints, ack: (b: RawBatch, i: number) => boolean = () => true): Tail {
  const source = createFileTailSource({ ...FAST, ...opts }, { checkpoints });
  const ac = new AbortController();
  const batches: RawBatch[] = [];
  const done = source.run(async (b) => {
    batches.push(b);
    if (b.cursor && ack(b, batches.length - 1)) source.ack(b.cursor);
  }, ac.signal);
  const records = (): RawRecord[] => batches.flatMap((b) => b.records);
  return {
    source,
    batches,
    records,
    texts: () => records().map((r) => r.text),
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}
