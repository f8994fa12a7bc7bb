/**
 * A matched file the process cannot open (permissions). CI runs as root, which may open any file,
 * so `open` fails here for one path through a mock, as it does for another user on a mode-600 log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type Logger, silentLogger } from '../../core/component.js';
import { sourceWarnings } from '../../topology/serve-checks.js';
import { waitFor } from '../../../test/contract/source.contract.js';
import { MemoryCheckpoints } from '../../../test/harness/memory-checkpoints.js';
import { createFileTailSource } from './index.js';

const locked = new Set<string>();
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof fs.open = async (p, ...rest) => {
    if (locked.has(String(p))) throw Object.assign(new Error(`EACCES: permission denied, open '${String(p)}'`), { code: 'EACCES' });
    return fs.open(p, ...rest);
  };
  return { ...fs, default: { ...fs, open }, open };
});

const dir = mkdtempSync(path.join(tmpdir(), 'anomalog-unreadable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file tail: a matched file it cannot open', () => {
  it('warns once (not each poll), makes health degraded naming the fix, and reads the file once it can', async () => {
    const file = path.join(dir, 'app.log');
    writeFileSync(file, 'first line\nsecond line\n');
    locked.add(file);
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (msg: string) => void warnings.push(msg) };
    const source = createFileTailSource({ paths: [file], poll_interval_ms: 5 }, { checkpoints: new MemoryCheckpoints(), logger, id: 'file_tail#0' });
    const texts: string[] = [];
    const ac = new AbortController();
    const done = source.run(async (b) => {
      texts.push(...b.records.map((r) => r.text));
      if (b.cursor) source.ack(b.cursor);
    }, ac.signal);
    try {
      await waitFor(() => source.stats().unreadable_files === 1);
      await new Promise((r) => setTimeout(r, 100)); // about 20 more polls
      expect(warnings.filter((w) => w.startsWith('Cannot open a tailed file'))).toHaveLength(1);
      expect(source.stats().errors).toBe(1);
      const cfg = [{ type: 'file_tail', paths: [file] }];
      expect(sourceWarnings(cfg, [{ id: 'file_tail#0', stats: { ...source.stats() } }])).toEqual([expect.stringMatching(/^file_tail#0: 1 matched file cannot be read .*let the user running anomalog read it/)]);
      locked.delete(file);
      await waitFor(() => texts.length === 2);
      expect(texts).toEqual(['first line', 'second line']);
      expect(source.stats().unreadable_files).toBe(0);
      expect(sourceWarnings(cfg, [{ id: 'file_tail#0', stats: { ...source.stats() } }])).toEqual([]);
    } finally {
      ac.abort();
      await done;
    }
  });
});
