/**
 * The file tail: the source contract, reading (partial and huge lines, late files, globs), rotation
 * and truncation, bounds. Checkpoints and restarts: checkpoints.test.ts; crashes: crash.test.ts.
 */
import { appendFileSync, closeSync, copyFileSync, mkdirSync, openSync, renameSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceContract, waitFor } from '../../../test/contract/source.contract.js';
import { FAST, lines, tail, tempDirs, text } from '../../../test/harness/file-tail-run.js';
import { MemoryCheckpoints } from '../../../test/harness/memory-checkpoints.js';
import { createFileTailSource, fileTailConfigSchema } from './index.js';

const tmp = tempDirs();

sourceContract('file_tail', async () => {
  const dir = tmp();
  const file = path.join(dir, 'contract.log');
  writeFileSync(file, '');
  const checkpoints = new MemoryCheckpoints();
  const source = createFileTailSource({ paths: [file], ...FAST }, { checkpoints });
  return {
    source,
    write: async (ls) => appendFileSync(file, text(ls)),
    committed: () => checkpoints.saved.get(`file:${file}`),
    cleanup: async () => undefined,
  };
});

describe('file tail: reading', () => {
  it('delivers appended lines once, in order, with line numbers and a cursor past the last line', async () => {
    const dir = tmp();
    const file = path.join(dir, 'app.log');
    writeFileSync(file, text(lines('a', 10)));
    const cps = new MemoryCheckpoints();
    const t = tail({ paths: [file] }, cps);
    const all = lines('a', 10);
    for (let k = 0; k < 5; k++) {
      const more = lines('a', 37, 10 + k * 37);
      appendFileSync(file, text(more));
      all.push(...more);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => t.texts().length >= all.length, 10_000, 'appended lines');
    await t.stop();
    expect(t.texts()).toEqual(all);
    expect(t.records().map((r) => r.line)).toEqual(all.map((_, i) => i + 1));
    // Each record knows where it starts (lets the engine acknowledge part of a batch).
    expect(t.records().map((r) => r.offset)).toEqual(all.map((_, i) => Buffer.byteLength(text(all.slice(0, i)))));
    expect(t.records().every((r) => r.source === `file:${file}`)).toBe(true);
    expect(cps.saved.get(`file:${file}`)?.offset).toBe(Buffer.byteLength(text(all)));
  });

  it('holds a partial last line until its newline arrives', async () => {
    const file = path.join(tmp(), 'p.log');
    writeFileSync(file, 'first\nsec');
    const t = tail({ paths: [file] }, new MemoryCheckpoints());
    await waitFor(() => t.texts().length >= 1);
    await new Promise((r) => setTimeout(r, 60));
    expect(t.texts()).toEqual(['first']);
    expect(t.batches.at(-1)?.cursor?.offset).toBe(6);
    appendFileSync(file, 'ond\n');
    await waitFor(() => t.texts().length >= 2);
    await t.stop();
    expect(t.texts()).toEqual(['first', 'second']);
    expect(t.source.stats().partial_flushed).toBe(0);
  });

  it('emits a partial last line after the idle timeout, counted, and goes on after it', async () => {
    const file = path.join(tmp(), 'p.log');
    writeFileSync(file, 'x\nhalf');
    const t = tail({ paths: [file], partial_line_timeout_ms: 80 }, new MemoryCheckpoints());
    await waitFor(() => t.texts().length >= 2);
    expect(t.texts()).toEqual(['x', 'half']);
    expect(t.batches.at(-1)?.cursor?.offset).toBe(6);
    appendFileSync(file, '-more\nnext\n');
    await waitFor(() => t.texts().length >= 4);
    await t.stop();
    expect(t.records().map((r) => [r.text, r.line, r.offset])).toEqual([
      ['x', 1, 0],
      ['half', 2, 2],
      ['-more', 3, 6],
      ['next', 4, 12],
    ]);
    expect(t.source.stats().partial_flushed).toBe(1);
  });

  it('truncates a huge line, counts it, and keeps the following lines and numbers', async () => {
    const file = path.join(tmp(), 'h.log');
    writeFileSync(file, `a\n${'H'.repeat(3 * 1024 * 1024)}\nb\n`);
    const t = tail({ paths: [file], max_line_bytes: 1024, read_bytes: 64 * 1024 }, new MemoryCheckpoints());
    await waitFor(() => t.texts().length >= 3);
    await t.stop();
    expect(t.records().map((r) => [r.text.length, r.line])).toEqual([
      [1, 1],
      [1024, 2],
      [1, 3],
    ]);
    expect(t.source.stats().truncated_lines).toBe(1);
  });

  it('picks up a file that appears after start, from its first byte even with start_at end', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'old.log'), 'skipped\n');
    const t = tail({ paths: [path.join(dir, '*.log')], start_at: 'end' }, new MemoryCheckpoints());
    // old.log's end is taken just after it is open (a fixed sleep from start lost that race on a loaded machine).
    await waitFor(() => t.source.stats().open_files >= 1);
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(path.join(dir, 'new.log'), 'n1\nn2\n');
    appendFileSync(path.join(dir, 'old.log'), 'o1\n');
    await waitFor(() => t.texts().length >= 3);
    await t.stop();
    expect(t.records().filter((r) => r.source.endsWith('new.log')).map((r) => [r.text, r.line])).toEqual([
      ['n1', 1],
      ['n2', 2],
    ]);
    expect(t.records().filter((r) => r.source.endsWith('old.log')).map((r) => [r.text, r.line])).toEqual([['o1', 2]]);
  });

  it('says once when no file matches at start (a mistyped path looks like a file not there yet), and not when one does', async () => {
    const dir = tmp();
    const warned = (paths: string[]) => {
      const said: string[] = [];
      const logger = { debug() {}, info() {}, error() {}, warn: (msg: string) => void said.push(msg) };
      const source = createFileTailSource({ paths, ...FAST }, { checkpoints: new MemoryCheckpoints(), logger });
      const ac = new AbortController();
      const done = source.run(async () => {}, ac.signal);
      return { said, stop: async () => (ac.abort(), await done) };
    };
    const missing = warned([path.join(dir, 'typo.log')]);
    writeFileSync(path.join(dir, 'there.log'), 'x\n');
    const present = warned([path.join(dir, 'there.log')]);
    await new Promise((r) => setTimeout(r, 80));
    await missing.stop();
    await present.stop();
    expect(missing.said).toEqual(['No file matches the configured paths yet; tailing starts when one appears.']);
    expect(present.said).toEqual([]);
  });

  it('expands globs with *, ? and ** (nested directories, non-matching and excluded names left out)', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'svc', 'a', 'deep'), { recursive: true });
    const files = {
      'svc/x.log': 'x\n',
      'svc/a/y.log': 'y\n',
      'svc/a/deep/z.log': 'z\n',
      'svc/a/deep/z.txt': 'no\n',
      'svc/a/ab1.log': 'q\n',
    };
    for (const [f, c] of Object.entries(files)) writeFileSync(path.join(dir, f), c);
    const t = tail({ paths: [path.join(dir, 'svc/**/*.log')] }, new MemoryCheckpoints());
    await waitFor(() => t.texts().length >= 4);
    await new Promise((r) => setTimeout(r, 40));
    await t.stop();
    expect(t.texts().sort()).toEqual(['q', 'x', 'y', 'z']);
    const q = tail({ paths: [path.join(dir, 'svc/a/a?1.log'), path.join(dir, 'svc/*/y.log')] }, new MemoryCheckpoints());
    await waitFor(() => q.texts().length >= 2);
    await new Promise((r) => setTimeout(r, 40));
    await q.stop();
    expect(q.texts().sort()).toEqual(['q', 'y']);
    const ex = tail({ paths: [path.join(dir, 'svc/**/*')], exclude_paths: [path.join(dir, '**/*.txt'), path.join(dir, 'svc/a/ab?.log')] }, new MemoryCheckpoints());
    await waitFor(() => ex.texts().length >= 3);
    await new Promise((r) => setTimeout(r, 40));
    await ex.stop();
    expect(ex.texts().sort()).toEqual(['x', 'y', 'z']);
  });

  it('has a strict config schema with the documented defaults', () => {
    expect(fileTailConfigSchema.parse({ paths: ['a.log'] })).toMatchObject({
      poll_interval_ms: 250,
      read_bytes: 1024 * 1024,
      start_at: 'beginning',
      max_line_bytes: 1024 * 1024,
    });
    expect(() => fileTailConfigSchema.parse({ paths: ['a'], poll_ms: 5 })).toThrow();
    expect(() => fileTailConfigSchema.parse({ paths: [] })).toThrow();
  });
});

describe('file tail: rotation and truncation', () => {
  it('rotation by rename: finishes the old file (lines written after the rename included), then the new one from 0', async () => {
    const dir = tmp();
    const file = path.join(dir, 'app.log');
    writeFileSync(file, text(lines('old', 20)));
    const t = tail({ paths: [path.join(dir, 'app.log*')] }, new MemoryCheckpoints());
    await waitFor(() => t.texts().length >= 20);
    const fd = openSync(file, 'a'); // the application's handle
    renameSync(file, `${file}.1`);
    writeSync(fd, text(lines('old', 15, 20))); // after the rename, before anyone reopens
    writeFileSync(file, text(lines('new', 5)));
    writeSync(fd, text(lines('old', 5, 35)));
    closeSync(fd);
    await waitFor(() => t.texts().length >= 45);
    await new Promise((r) => setTimeout(r, 120));
    await t.stop();
    expect(t.texts()).toEqual([...lines('old', 40), ...lines('new', 5)]);
    const newRecs = t.records().filter((r) => r.text.startsWith('new'));
    expect(newRecs.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    expect(t.source.stats().rotations).toBe(1);
  });

  it('numbered rotation under one glob (app.log.1 → .2, app.log → .1, new app.log): every line exactly once', async () => {
    const dir = tmp();
    const base = path.join(dir, 'app.log');
    writeFileSync(`${base}.1`, text(lines('w', 3)));
    writeFileSync(base, text(lines('x', 4)));
    const t = tail({ paths: [`${base}*`] }, new MemoryCheckpoints());
    await waitFor(() => t.texts().length >= 7);
    renameSync(`${base}.1`, `${base}.2`);
    renameSync(base, `${base}.1`);
    appendFileSync(`${base}.1`, text(lines('x', 2, 4)));
    writeFileSync(base, text(lines('y', 3)));
    await waitFor(() => t.texts().length >= 12);
    await new Promise((r) => setTimeout(r, 150));
    appendFileSync(base, text(lines('y', 1, 3)));
    await waitFor(() => t.texts().length >= 13);
    await new Promise((r) => setTimeout(r, 50));
    await t.stop();
    expect([...t.texts()].sort()).toEqual([...lines('w', 3), ...lines('x', 6), ...lines('y', 4)].sort());
    const x = t.records().filter((r) => r.text.startsWith('x'));
    expect(x.map((r) => r.source)).toEqual(new Array(6).fill(`file:${base}`));
  });

  it('copytruncate: a file shorter than the read position is read again from 0, counted', async () => {
    const file = path.join(tmp(), 'ct.log');
    writeFileSync(file, text(lines('before', 50)));
    const t = tail({ paths: [file] }, new MemoryCheckpoints());
    await waitFor(() => t.texts().length >= 50);
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    await new Promise((r) => setTimeout(r, 60));
    appendFileSync(file, text(lines('after', 3)));
    await waitFor(() => t.texts().length >= 53);
    await t.stop();
    expect(t.texts()).toEqual([...lines('before', 50), ...lines('after', 3)]);
    expect(t.records().slice(50).map((r) => r.line)).toEqual([1, 2, 3]);
    expect(t.source.stats().truncations).toBe(1);
    expect(t.batches.at(-1)?.cursor?.offset).toBe(Buffer.byteLength(text(lines('after', 3))));
  });

  it('closes a deleted file after reading it to the end', async () => {
    const file = path.join(tmp(), 'gone.log');
    writeFileSync(file, 'g1\n');
    const t = tail({ paths: [file] }, new MemoryCheckpoints());
    await waitFor(() => t.texts().length >= 1);
    expect(t.source.stats().open_files).toBe(1);
    appendFileSync(file, 'g2\n');
    unlinkSync(file);
    await waitFor(() => t.source.stats().open_files === 0, 5_000, 'the file to be closed');
    await t.stop();
    expect(t.texts()).toEqual(['g1', 'g2']);
  });
});

describe('file tail: bounds', () => {
  it('keeps at most max_open_files open; the others wait and are counted', async () => {
    const dir = tmp();
    for (const n of ['a', 'b', 'c']) writeFileSync(path.join(dir, `${n}.log`), `${n}1\n`);
    const t = tail({ paths: [path.join(dir, '*.log')], max_open_files: 2 }, new MemoryCheckpoints());
    await waitFor(() => t.texts().length >= 2);
    await new Promise((r) => setTimeout(r, 60));
    const st = t.source.stats();
    await t.stop();
    expect(st.open_files).toBe(2);
    expect(st.skipped_files).toBeGreaterThan(0);
    expect(t.texts().sort()).toEqual(['a1', 'b1']);
  });
});
