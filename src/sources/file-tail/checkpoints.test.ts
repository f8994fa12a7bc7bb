/**
 * The file tail's checkpoints: what is acknowledged is never emitted again after a restart, what is
 * not is (at-least-once), including a file rotated while the source was down. Split from
 * file-tail.test.ts (reading, rotation, bounds) to keep each file under 400 lines.
 */
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/contract/source.contract.js';
import { lines, tail, tempDirs, text } from '../../../test/harness/file-tail-run.js';
import { MemoryCheckpoints } from '../../../test/harness/memory-checkpoints.js';

const tmp = tempDirs();

describe('file tail: checkpoints and restarts', () => {
  it('resumes after the acknowledged line: nothing lost, nothing acknowledged re-emitted', async () => {
    const file = path.join(tmp(), 'r.log');
    writeFileSync(file, text(lines('r', 30)));
    const cps = new MemoryCheckpoints();
    const t1 = tail({ paths: [file] }, cps);
    await waitFor(() => t1.texts().length >= 30);
    await t1.stop();
    appendFileSync(file, text(lines('r', 12, 30)));
    const t2 = tail({ paths: [file], start_at: 'end' }, cps);
    await waitFor(() => t2.texts().length >= 12);
    await new Promise((r) => setTimeout(r, 40));
    await t2.stop();
    expect(t2.texts()).toEqual(lines('r', 12, 30));
    expect(t2.records().map((r) => r.line)).toEqual(Array.from({ length: 12 }, (_, i) => 31 + i));
  });

  it('re-emits a batch that was never acknowledged (at-least-once)', async () => {
    const file = path.join(tmp(), 'u.log');
    writeFileSync(file, text(lines('u', 5)));
    const cps = new MemoryCheckpoints();
    // Only the first batch is acknowledged, as if the process died before the second was processed.
    const t1 = tail({ paths: [file] }, cps, (_b, i) => i === 0);
    await waitFor(() => t1.texts().length >= 5);
    appendFileSync(file, text(lines('u', 5, 5)));
    await waitFor(() => t1.texts().length >= 10);
    await t1.stop();
    const firstCount = t1.batches[0].records.length;
    expect(t1.batches.length).toBeGreaterThan(1);
    expect(cps.history.map((h) => h.cursor.offset)).toEqual([t1.batches[0].cursor?.offset]);
    const t2 = tail({ paths: [file] }, cps);
    await waitFor(() => t2.texts().length >= 10 - firstCount);
    await new Promise((r) => setTimeout(r, 40));
    await t2.stop();
    expect(t2.texts()).toEqual(lines('u', 10).slice(firstCount));
    expect(t2.records()[0].line).toBe(firstCount + 1);
  });

  it('persists acks of copied cursors, and ignores a stale ack from before a truncation', async () => {
    const file = path.join(tmp(), 'c.log');
    writeFileSync(file, text(lines('c', 20)));
    const cps = new MemoryCheckpoints();
    const t = tail({ paths: [file] }, cps, () => false);
    await waitFor(() => t.texts().length >= 20);
    const before = t.batches.at(-1)!.cursor!;
    truncateSync(file, 0);
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(file, 'after\n');
    await waitFor(() => t.texts().length >= 21);
    await t.stop();
    const after = t.batches.at(-1)!.cursor!;
    t.source.ack({ ...after });
    expect(cps.saved.get(`file:${file}`)).toEqual({ kind: 'file', id: after.id, offset: 6 });
    t.source.ack(before);
    expect(cps.saved.get(`file:${file}`)?.offset).toBe(6);
    expect(cps.history).toHaveLength(1);
  });

  it('resumes at a record start acknowledged with a copied cursor (the engine holding a multi-line record)', async () => {
    const file = path.join(tmp(), 'm.log');
    writeFileSync(file, text(lines('m', 8)));
    const cps = new MemoryCheckpoints();
    const t1 = tail({ paths: [file] }, cps, () => false);
    await waitFor(() => t1.texts().length >= 8);
    await t1.stop();
    const held = t1.records()[5];
    t1.source.ack({ ...t1.batches.at(-1)!.cursor!, offset: held.offset! });
    const t2 = tail({ paths: [file] }, cps);
    await waitFor(() => t2.texts().length >= 3);
    await new Promise((r) => setTimeout(r, 40));
    await t2.stop();
    expect(t2.records().map((r) => [r.text, r.line, r.offset])).toEqual(t1.records().slice(5).map((r) => [r.text, r.line, r.offset]));
  });

  it('saves no checkpoint before an ack', async () => {
    const file = path.join(tmp(), 'n.log');
    writeFileSync(file, text(lines('n', 3)));
    const cps = new MemoryCheckpoints();
    const t = tail({ paths: [file] }, cps, () => false);
    await waitFor(() => t.texts().length >= 3);
    await t.stop();
    expect(cps.history).toEqual([]);
    const again = tail({ paths: [file] }, cps);
    await waitFor(() => again.texts().length >= 3);
    await again.stop();
    expect(again.texts()).toEqual(lines('n', 3));
  });

  it('finishes a file rotated while the source was down (found by inode), then reads the new one', async () => {
    const dir = tmp();
    const file = path.join(dir, 'app.log');
    writeFileSync(file, text(lines('a', 10)));
    const cps = new MemoryCheckpoints();
    const t1 = tail({ paths: [path.join(dir, 'app.log*')] }, cps);
    await waitFor(() => t1.texts().length >= 10);
    await t1.stop();
    appendFileSync(file, text(lines('a', 6, 10)));
    renameSync(file, `${file}.1`);
    writeFileSync(file, text(lines('b', 4)));
    const t2 = tail({ paths: [path.join(dir, 'app.log*')] }, cps);
    await waitFor(() => t2.texts().length >= 10);
    await new Promise((r) => setTimeout(r, 120));
    await t2.stop();
    expect(t2.texts()).toEqual([...lines('a', 6, 10), ...lines('b', 4)]);
    expect(t2.records().slice(0, 6).map((r) => r.line)).toEqual([11, 12, 13, 14, 15, 16]);
    // The rotated file is now tracked under its new name at its end: a third run reads nothing again.
    const t3 = tail({ paths: [path.join(dir, 'app.log*')] }, cps);
    await new Promise((r) => setTimeout(r, 120));
    await t3.stop();
    expect(t3.texts()).toEqual([]);
  });
});
